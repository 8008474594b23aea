package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Service answers "how does a new version replace the old one?": an ECS rolling
// update behind the ALB. New tasks start (up to deploymentMaximumPercent), the ALB
// health-checks them, healthy ones take traffic and old ones drain and stop; if new
// tasks keep failing, the deployment circuit breaker rolls back to the previous
// task definition. `pulumi up` waits for the service to be steady, bounded by a
// timeout derived from the deploy-time model.
type Service struct {
	Service        *ecs.Service
	TaskDefinition *ecs.TaskDefinition
	Roles          *Roles
	Alarms         []*cloudwatch.MetricAlarm
}

func newService(ctx *pulumi.Context, cfg *Config, img *Image, net *Network, reg *Registry, cl *Cluster,
	lbs *LoadBalancer, opts ...pulumi.ResourceOption) (*Service, error) {
	comp, err := newComponent(ctx, typeService, "service", opts...)
	if err != nil {
		return nil, err
	}
	roles, err := newRoles(ctx, cfg, reg, cl, comp)
	if err != nil {
		return nil, err
	}
	td, err := newTaskDefinition(ctx, cfg, img, cl, roles, comp)
	if err != nil {
		return nil, err
	}

	alarms, err := newDeploymentAlarms(ctx, cfg, lbs, comp)
	if err != nil {
		return nil, err
	}

	timeout := EstimateDeploy(cfg).UpdateTimeout.String()
	svcOpts := []pulumi.ResourceOption{pulumi.Parent(comp), fixedName,
		pulumi.DependsOn(lbs.Listeners),
		pulumi.Timeouts(&pulumi.CustomTimeouts{Create: timeout, Update: timeout})}
	if cfg.Autoscaling() {
		// The scaler owns the task count once the service exists: an update must
		// not reset it to webservice:desiredCount.
		svcOpts = append(svcOpts, pulumi.IgnoreChanges([]string{"desiredCount"}))
	}
	args := &ecs.ServiceArgs{
		Name:            pulumi.String(cfg.ServiceName),
		Cluster:         cl.Cluster.Arn,
		TaskDefinition:  td.Arn,
		DesiredCount:    pulumi.Int(cfg.DesiredCount),
		LaunchType:      pulumi.String("FARGATE"),
		PlatformVersion: pulumi.String("LATEST"), // ECS.10
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        net.PrivateSubnetIDs,
			SecurityGroups: pulumi.StringArray{lbs.SecurityGroups.Service.ID().ToStringOutput()},
			AssignPublicIp: pulumi.Bool(false), // ECS.2
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{&ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: lbs.TargetGroup.Arn,
			ContainerName:  pulumi.String(ContainerName),
			ContainerPort:  pulumi.Int(cfg.ContainerPort),
		}},
		DeploymentController: &ecs.ServiceDeploymentControllerArgs{Type: pulumi.String("ECS")},
		DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreakerArgs{
			Enable:   pulumi.Bool(true),
			Rollback: pulumi.Bool(true),
		},
		DeploymentMinimumHealthyPercent: pulumi.Int(cfg.DeploymentMinimumHealthyPercent),
		DeploymentMaximumPercent:        pulumi.Int(cfg.DeploymentMaximumPercent),
		HealthCheckGracePeriodSeconds:   pulumi.Int(cfg.HealthCheckGracePeriod),
		// `pulumi up` returns only once the rollout (or its rollback) is steady.
		WaitForSteadyState:   pulumi.Bool(true),
		EnableEcsManagedTags: pulumi.Bool(true),
		PropagateTags:        pulumi.String("SERVICE"),
		Alarms:               alarms.serviceAlarms(cfg.DeploymentAlarms),
	}
	svc, err := ecs.NewService(ctx, "service", args, svcOpts...)
	if err != nil {
		return nil, fmt.Errorf("create ecs service %q: %w", cfg.ServiceName, err)
	}
	if err := newAutoscaling(ctx, cfg, cl, svc, lbs, comp); err != nil {
		return nil, err
	}

	if err := comp.done(ctx, pulumi.Map{"serviceName": svc.Name, "taskDefinitionArn": td.Arn}); err != nil {
		return nil, err
	}
	return &Service{Service: svc, TaskDefinition: td, Roles: roles, Alarms: alarms.Alarms}, nil
}
