package tests

import (
	"testing"

	"github.com/example/webservice/internal/authz"
)

// TestStagingDeployRoleCannotTouchProduction: with both stacks in one account,
// code merged to main runs with the staging deploy role, so it must not be able
// to change production. Each request is one a staging job could send at a
// production resource (carrying production's tags), with staging's tags in the
// request where that would help it.
func TestStagingDeployRoleCannotTouchProduction(t *testing.T) {
	b := mustBootstrap(t, nil)
	staging := deployRole(t, b, "staging")
	arn := func(svc, res string) string { return "arn:aws:" + svc + ":us-east-1:" + testAccount + ":" + res }
	prodTags := map[string][]string{"aws:ResourceTag/stack": {"production"}, "aws:ResourceTag/service": {"webservice"}}
	withRequest := func(extra map[string][]string) map[string][]string {
		ctx := map[string][]string{"aws:RequestTag/stack": {"staging"}, "aws:RequestTag/service": {"webservice"},
			"aws:TagKeys": {"service", "stack"}}
		for k, v := range prodTags {
			ctx[k] = v
		}
		for k, v := range extra {
			ctx[k] = v
		}
		return ctx
	}
	alb := arn("elasticloadbalancing", "loadbalancer/app/alb-prod/0123456789abcdef")
	probes := []struct {
		why string
		req authz.Request
	}{
		{"retag production's ALB as staging's", authz.Request{Action: "elasticloadbalancing:AddTags", Resource: alb, Context: withRequest(nil)}},
		{"add a listener to production's ALB", authz.Request{Action: "elasticloadbalancing:CreateListener", Resource: alb, Context: withRequest(nil)}},
		{"turn off production's deletion protection", authz.Request{Action: "elasticloadbalancing:ModifyLoadBalancerAttributes", Resource: alb, Context: prodTags}},
		{"create a subnet in production's VPC", authz.Request{Action: "ec2:CreateSubnet", Resource: arn("ec2", "vpc/vpc-0a1b2c3d4e5f60718"), Context: withRequest(nil)}},
		{"create a NAT gateway in production's subnet", authz.Request{Action: "ec2:CreateNatGateway", Resource: arn("ec2", "subnet/subnet-0a1b2c3d4e5f60711"), Context: withRequest(nil)}},
		{"open production's security group", authz.Request{Action: "ec2:AuthorizeSecurityGroupIngress", Resource: arn("ec2", "security-group/sg-0a1b2c3d4e5f60718"), Context: prodTags}},
		{"deregister production's autoscaling", authz.Request{Action: "application-autoscaling:DeregisterScalableTarget", Resource: arn("application-autoscaling", "scalable-target/0123abcd"), Context: prodTags}},
		{"retag production's scalable target", authz.Request{Action: "application-autoscaling:TagResource", Resource: arn("application-autoscaling", "scalable-target/0123abcd"), Context: withRequest(nil)}},
		{"deregister production's task definition", authz.Request{Action: "ecs:DeregisterTaskDefinition", Resource: arn("ecs", "task-definition/webservice-production:7")}},
		{"register a production task definition", authz.Request{Action: "ecs:RegisterTaskDefinition", Resource: arn("ecs", "task-definition/webservice-production:8")}},
		{"update production's service", authz.Request{Action: "ecs:UpdateService", Resource: arn("ecs", "service/webservice-production/webservice"), Context: prodTags}},
		{"pass production's task role", authz.Request{Action: "iam:PassRole", Resource: "arn:aws:iam::" + testAccount + ":role/webservice/production/task-role-1",
			Context: map[string][]string{"iam:PassedToService": {"ecs-tasks.amazonaws.com"}}}},
		{"push to production's repository", authz.Request{Action: "ecr:PutImage", Resource: arn("ecr", "repository/webservice-production")}},
		{"delete production's alarms", authz.Request{Action: "cloudwatch:DeleteAlarms", Resource: arn("cloudwatch", "alarm:webservice-production-target-5xx")}},
	}
	for _, p := range probes {
		if ok, why := allowed(t, staging, nil, p.req); ok {
			t.Errorf("the staging deploy role may %s: %s (%s)", p.why, p.req, why)
		}
	}
}
