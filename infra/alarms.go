package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Deployment alarms answer "what if the new release passes health checks but
// serves errors?": the ECS service watches these alarms during and after a
// rollout and rolls back when one fires, like the circuit breaker does for tasks
// that never get healthy.
type Alarms struct {
	Alarms []*cloudwatch.MetricAlarm
}

// serviceAlarms is the service's alarms block. It is always sent, naming the
// alarms, which always exist (about $0.20 a month): ECS's UpdateService keeps
// whatever alarms block a service has when an update omits it, so turning the
// alarms off must say so with enable and rollback false; and the block cannot
// be sent without names (the provider drops an empty set, and the ECS API then
// refuses the block: "missing required field DeploymentAlarms.AlarmNames"). The
// names come from the alarm resources, so the service waits for them to exist.
func (a *Alarms) serviceAlarms(on bool) *ecs.ServiceAlarmsArgs {
	names := pulumi.StringArray{}
	for _, alarm := range a.Alarms {
		names = append(names, alarm.Name)
	}
	return &ecs.ServiceAlarmsArgs{AlarmNames: names, Enable: pulumi.Bool(on), Rollback: pulumi.Bool(on)}
}

const albNamespace = "AWS/ApplicationELB"

func newDeploymentAlarms(ctx *pulumi.Context, cfg *Config, lbs *LoadBalancer, parent pulumi.Resource) (*Alarms, error) {
	out := &Alarms{}
	dims := pulumi.StringMap{
		"LoadBalancer": lbs.ALB.ArnSuffix,
		"TargetGroup":  lbs.TargetGroup.ArnSuffix,
	}
	specs := []struct {
		logical, suffix, metric, statistic, description string
		threshold                                       float64
	}{
		{"alarm-target-5xx", "target-5xx", "HTTPCode_Target_5XX_Count", "Sum",
			fmt.Sprintf("%s: the app answered %d or more 5xx per %d s for %d periods", cfg.NamePrefix(),
				cfg.Alarm5xxThreshold, cfg.AlarmPeriodSeconds, cfg.AlarmEvaluationPeriods),
			float64(cfg.Alarm5xxThreshold)},
		{"alarm-unhealthy-hosts", "unhealthy-hosts", "UnHealthyHostCount", "Maximum",
			fmt.Sprintf("%s: a target failed the ALB health check for %d periods", cfg.NamePrefix(), cfg.AlarmEvaluationPeriods),
			1},
	}
	for _, s := range specs {
		name := cfg.NamePrefix() + "-" + s.suffix
		a, err := cloudwatch.NewMetricAlarm(ctx, s.logical, &cloudwatch.MetricAlarmArgs{
			Name:               pulumi.String(name),
			AlarmDescription:   pulumi.String(s.description),
			Namespace:          pulumi.String(albNamespace),
			MetricName:         pulumi.String(s.metric),
			Dimensions:         dims,
			Statistic:          pulumi.String(s.statistic),
			Period:             pulumi.Int(cfg.AlarmPeriodSeconds),
			EvaluationPeriods:  pulumi.Int(cfg.AlarmEvaluationPeriods),
			Threshold:          pulumi.Float64(s.threshold),
			ComparisonOperator: pulumi.String("GreaterThanOrEqualToThreshold"),
			// No traffic is no evidence of a bad release.
			TreatMissingData: pulumi.String("notBreaching"),
		}, pulumi.Parent(parent), fixedName)
		if err != nil {
			return nil, fmt.Errorf("create alarm %q: %w", name, err)
		}
		out.Alarms = append(out.Alarms, a)
	}
	return out, nil
}
