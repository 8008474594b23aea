package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Autoscaling answers "how many tasks run under load?": Application Auto Scaling
// tracks average CPU and ALB requests per task between the configured bounds.
// The service ignores later changes to its desiredCount (service.go), so an
// update never resets the count the scaler chose.

const (
	scaleOutCooldown = 60  // react to load within a minute
	scaleInCooldown  = 300 // shrink slowly: a dip is often brief
)

func newAutoscaling(ctx *pulumi.Context, cfg *Config, cl *Cluster, svc *ecs.Service, lbs *LoadBalancer,
	parent pulumi.Resource) error {
	if !cfg.Autoscaling() {
		return nil
	}
	target, err := appautoscaling.NewTarget(ctx, "scaling-target", &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        pulumi.Sprintf("service/%s/%s", cl.Cluster.Name, svc.Name),
		MinCapacity:       pulumi.Int(cfg.AutoscalingMinCount),
		MaxCapacity:       pulumi.Int(cfg.AutoscalingMaxCount),
	}, pulumi.Parent(parent))
	if err != nil {
		return fmt.Errorf("create autoscaling target: %w", err)
	}
	policies := []struct {
		name, metric string
		target       int
		label        pulumi.StringPtrInput
	}{
		{"scale-on-cpu", "ECSServiceAverageCPUUtilization", cfg.AutoscalingCPUTarget, nil},
		{"scale-on-requests", "ALBRequestCountPerTarget", cfg.AutoscalingRequestsPerTarget,
			pulumi.Sprintf("%s/%s", lbs.ALB.ArnSuffix, lbs.TargetGroup.ArnSuffix)},
	}
	for _, p := range policies {
		if _, err := appautoscaling.NewPolicy(ctx, p.name, &appautoscaling.PolicyArgs{
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				TargetValue:      pulumi.Float64(float64(p.target)),
				ScaleOutCooldown: pulumi.Int(scaleOutCooldown),
				ScaleInCooldown:  pulumi.Int(scaleInCooldown),
				PredefinedMetricSpecification: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
					PredefinedMetricType: pulumi.String(p.metric),
					ResourceLabel:        p.label,
				},
			},
		}, pulumi.Parent(parent)); err != nil {
			return fmt.Errorf("create autoscaling policy %q: %w", p.name, err)
		}
	}
	return nil
}
