package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// The new revision's targets: a completed rollout is not enough, its tasks must
// be registered, healthy targets of the service's target group, or the ALB
// sends them no traffic. ECS's own view cannot say so: a service whose load
// balancer block points at the wrong target group completes its rollout
// with nothing registered.
//
// Tasks are found the way ECS records them: ListTasks for the service's running
// tasks, DescribeTasks for each task's revision, group (service:NAME) and the
// private IP of its ENI, which is the target id of an ip target group.

// taskTarget is one running task of the new revision and its target's health.
type taskTarget struct {
	Task        string // task id
	IP          string // private IPv4 of the task's ENI; "" when it has none
	Port        int32
	State       string // the ALB's state (healthy, unhealthy, initial, draining...), "" when not registered
	Reason      string
	Description string
	StartedAt   time.Time // when ECS started it (the rollout timing)
}

// taskTargets is how the new revision's tasks stand in the target group.
type taskTargets struct {
	TargetGroupArn string
	Revision       string // family:revision
	Desired        int    // the PRIMARY deployment's desired count
	Tasks          []taskTarget
}

func (tt taskTargets) healthy() int {
	n := 0
	for _, t := range tt.Tasks {
		if t.State == "healthy" {
			n++
		}
	}
	return n
}

// ok: at least one task, at least as many as desired, all of them healthy.
func (tt taskTargets) ok() bool {
	n := len(tt.Tasks)
	return n > 0 && n >= tt.Desired && tt.healthy() == n
}

func (tt taskTargets) summary() string {
	return fmt.Sprintf("%d of %d tasks of %s healthy in target group %s",
		tt.healthy(), max(len(tt.Tasks), tt.Desired), tt.Revision, tt.TargetGroupArn)
}

// write lists every task of the new revision with its target's state.
func (tt taskTargets) write(w io.Writer) {
	if len(tt.Tasks) == 0 {
		fmt.Fprintf(w, "No running task of %s found (ListTasks, DescribeTasks).\n", tt.Revision)
		return
	}
	fmt.Fprintf(w, "Tasks of %s in the target group:\n", tt.Revision)
	for _, t := range tt.Tasks {
		addr := t.IP
		if addr == "" {
			addr = "task " + t.Task + " (no ENI address)"
		} else if t.Port != 0 {
			addr = fmt.Sprintf("%s:%d", t.IP, t.Port)
		}
		switch {
		case t.State == "":
			fmt.Fprintf(w, "  %-21s not registered\n", addr)
		case t.Reason == "" && t.Description == "":
			fmt.Fprintf(w, "  %-21s %s\n", addr, t.State)
		default:
			fmt.Fprintf(w, "  %-21s %-10s %s: %s\n", addr, t.State, t.Reason, t.Description)
		}
	}
}

// targetGroupOf is the target group the new tasks must be healthy in: the one
// given, else the service's own; "" when the service has no load balancer.
func targetGroupOf(t Target, svc *ecstypes.Service) (arn string, port int32) {
	arn = t.TargetGroupArn
	for _, lb := range svc.LoadBalancers {
		if tg := aws.ToString(lb.TargetGroupArn); tg != "" && (arn == "" || tg == arn) {
			return tg, aws.ToInt32(lb.ContainerPort)
		}
	}
	return arn, 0
}

// readTaskTargets reads the new revision's running tasks and their targets.
func readTaskTargets(ctx context.Context, c Clients, t Target, svc *ecstypes.Service, tg string, port int32) (taskTargets, error) {
	p := primary(svc)
	tt := taskTargets{TargetGroupArn: tg, Revision: shortTaskDef(t.TaskDefinitionArn), Desired: int(p.DesiredCount)}
	name := aws.ToString(svc.ServiceName)
	var arns []string
	pages := ecs.NewListTasksPaginator(c.ECS, &ecs.ListTasksInput{
		Cluster: aws.String(t.Cluster), ServiceName: aws.String(name), DesiredStatus: ecstypes.DesiredStatusRunning,
	})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return tt, c.apiError(err, "list the tasks of service "+name)
		}
		arns = append(arns, page.TaskArns...)
	}
	for start := 0; start < len(arns); start += 100 { // DescribeTasks takes at most 100
		out, err := c.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{
			Cluster: aws.String(t.Cluster), Tasks: arns[start:min(start+100, len(arns))],
		})
		if err != nil {
			return tt, c.apiError(err, "describe the tasks of service "+name)
		}
		for _, task := range out.Tasks {
			// ListTasks filters by service, but the group says it for sure.
			if aws.ToString(task.TaskDefinitionArn) != t.TaskDefinitionArn ||
				aws.ToString(task.Group) != "service:"+name || aws.ToString(task.LastStatus) != "RUNNING" {
				continue
			}
			tt.Tasks = append(tt.Tasks, taskTarget{Task: shortTaskDef(aws.ToString(task.TaskArn)), IP: eniAddress(task), Port: port,
				StartedAt: aws.ToTime(task.StartedAt)})
		}
	}
	health, err := c.ELB.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		return tt, c.apiError(err, "describe the target health of "+tg)
	}
	for i, task := range tt.Tasks {
		for _, d := range health.TargetHealthDescriptions {
			if d.Target == nil || task.IP == "" || aws.ToString(d.Target.Id) != task.IP {
				continue
			}
			tt.Tasks[i].Port = aws.ToInt32(d.Target.Port)
			if d.TargetHealth != nil {
				tt.Tasks[i].State = string(d.TargetHealth.State)
				tt.Tasks[i].Reason = string(d.TargetHealth.Reason)
				tt.Tasks[i].Description = aws.ToString(d.TargetHealth.Description)
			}
		}
	}
	return tt, nil
}

// eniAddress is the private IPv4 address of an awsvpc task's ENI.
func eniAddress(task ecstypes.Task) string {
	for _, a := range task.Attachments {
		if aws.ToString(a.Type) != "ElasticNetworkInterface" {
			continue
		}
		for _, d := range a.Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				return aws.ToString(d.Value)
			}
		}
	}
	return ""
}

// waitForTaskTargets polls until every new task is a healthy target, or the
// budget runs out (the last reading is returned, not OK). After a COMPLETED
// rollout ECS has already waited for the health checks, so this rarely waits.
func waitForTaskTargets(ctx context.Context, c Clients, t Target, svc *ecstypes.Service, tg string, port int32,
	poll time.Duration, logf func(string, ...any)) (taskTargets, error) {
	failures := 0
	var last *taskTargets
	var lastErr error
	said := ""
	for {
		tt, err := readTaskTargets(ctx, c, t, svc, tg, port)
		switch {
		case err == nil:
			failures = 0
			last = &tt
			if tt.ok() {
				return tt, nil
			}
			if s := tt.summary(); s != said { // say each change once, not every poll
				logf("targets: %s", s)
				said = s
			}
		case errors.Is(err, errCredentials):
			return tt, err
		case ctx.Err() != nil:
			if last == nil || failures > 0 {
				return tt, firstNonNil(lastErr, err)
			}
			return *last, nil
		default:
			failures++
			lastErr = err
			logf("could not read the targets (%d/%d): %v", failures, maxAPIFailures, err)
			if failures >= maxAPIFailures {
				return tt, err
			}
		}
		select {
		case <-ctx.Done():
			if last == nil || failures > 0 {
				return tt, firstNonNil(lastErr, fmt.Errorf("%w: the targets could not be read within the time budget", ErrAPI))
			}
			return *last, nil
		case <-time.After(poll):
		}
	}
}
