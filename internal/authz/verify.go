package authz

import (
	"fmt"
	"strings"

	"github.com/example/webservice/internal/offline"
)

// VerifyCalls are the reads cmd/verify makes after `pulumi up`, with the same
// deploy role: the service and its deployments, the tasks of the new revision
// (ListTasks, DescribeTasks) and their health in the target group. A denied one
// makes every verify exit 5 (AWS API error) after a good rollout.
func VerifyCalls(plan *offline.Result, env Env) ([]Call, error) {
	var svc *offline.Resource
	for i, r := range plan.Resources {
		if r.Type == "aws:ecs/service:Service" {
			svc = &plan.Resources[i]
		}
	}
	if svc == nil {
		return nil, fmt.Errorf("authz: the plan has no ECS service")
	}
	cluster := lookupString(svc.Inputs, "cluster")
	clusterName := cluster[strings.LastIndex(cluster, "/")+1:]
	ctx := map[string][]string{"ecs:cluster": {cluster}}
	arn := func(res string) string { return fmt.Sprintf("arn:aws:ecs:%s:%s:%s", env.Region, env.Account, res) }
	call := func(action, resource string, c map[string][]string) Call {
		if c == nil {
			c = map[string][]string{}
		}
		return Call{URN: svc.URN, Phase: "verify", Request: Request{Action: action, Resource: resource, Context: c}}
	}
	return []Call{
		call("ecs:DescribeServices", svc.ID, ctx),
		call("ecs:ListTasks", arn("container-instance/"+clusterName+"/*"), ctx),
		call("ecs:DescribeTasks", arn("task/"+clusterName+"/0123456789abcdef0123456789abcdef"), ctx),
		call("elasticloadbalancing:DescribeTargetHealth", "*", nil),
	}, nil
}
