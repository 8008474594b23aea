package infra

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The dashboard answers "how is the service doing right now?": traffic, errors,
// latency, target health, CPU and memory, running tasks and the deployment
// alarms, on one CloudWatch page per stack.

type dashboardWidget struct {
	Type       string         `json:"type"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

func metricWidget(title, region string, stat string, metrics [][]string) dashboardWidget {
	ms := make([]any, len(metrics))
	for i, m := range metrics {
		row := make([]any, len(m))
		for j, v := range m {
			row[j] = v
		}
		ms[i] = row
	}
	return dashboardWidget{Type: "metric", Width: 12, Height: 6, Properties: map[string]any{
		"title": title, "region": region, "stat": stat, "period": 60, "view": "timeSeries", "metrics": ms,
	}}
}

// dashboardBody builds the dashboard JSON from the resolved names.
func dashboardBody(cfg *Config, alb, tg, cluster, service string, alarmArns []string) (string, error) {
	r := cfg.Region
	widgets := []dashboardWidget{
		metricWidget("Requests", r, "Sum", [][]string{{albNamespace, "RequestCount", "LoadBalancer", alb}}),
		metricWidget("Target 5xx and ALB 5xx", r, "Sum", [][]string{
			{albNamespace, "HTTPCode_Target_5XX_Count", "LoadBalancer", alb, "TargetGroup", tg},
			{albNamespace, "HTTPCode_ELB_5XX_Count", "LoadBalancer", alb},
		}),
		metricWidget("Latency p99 (s)", r, "p99", [][]string{
			{albNamespace, "TargetResponseTime", "LoadBalancer", alb, "TargetGroup", tg},
		}),
		metricWidget("Healthy and unhealthy targets", r, "Maximum", [][]string{
			{albNamespace, "HealthyHostCount", "LoadBalancer", alb, "TargetGroup", tg},
			{albNamespace, "UnHealthyHostCount", "LoadBalancer", alb, "TargetGroup", tg},
		}),
		metricWidget("CPU and memory (%)", r, "Average", [][]string{
			{"AWS/ECS", "CPUUtilization", "ClusterName", cluster, "ServiceName", service},
			{"AWS/ECS", "MemoryUtilization", "ClusterName", cluster, "ServiceName", service},
		}),
		metricWidget("Running tasks (Container Insights)", r, "Average", [][]string{
			{"ECS/ContainerInsights", "RunningTaskCount", "ClusterName", cluster, "ServiceName", service},
			{"ECS/ContainerInsights", "DesiredTaskCount", "ClusterName", cluster, "ServiceName", service},
			{"ECS/ContainerInsights", "DeploymentCount", "ClusterName", cluster, "ServiceName", service},
		}),
	}
	if len(alarmArns) > 0 {
		widgets = append(widgets, dashboardWidget{Type: "alarm", Width: 24, Height: 3, Properties: map[string]any{
			"title": "Deployment alarms (a firing alarm rolls a deployment back)", "alarms": alarmArns,
		}})
	}
	b, err := json.Marshal(map[string]any{"widgets": widgets})
	if err != nil {
		return "", fmt.Errorf("encode dashboard: %w", err)
	}
	return string(b), nil
}

// newDashboard creates the dashboard and returns its console URL ("" when off).
func newDashboard(ctx *pulumi.Context, cfg *Config, lbs *LoadBalancer, cl *Cluster, svc *Service,
	opts ...pulumi.ResourceOption) (pulumi.StringOutput, error) {
	if !cfg.Dashboard {
		return pulumi.String("").ToStringOutput(), nil
	}
	comp, err := newComponent(ctx, typeOperations, "operations", opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	inputs := []any{lbs.ALB.ArnSuffix, lbs.TargetGroup.ArnSuffix, cl.Cluster.Name, svc.Service.Name}
	for _, a := range svc.Alarms {
		inputs = append(inputs, a.Arn)
	}
	body := pulumi.All(inputs...).ApplyT(func(v []any) (string, error) {
		var alarms []string
		for _, a := range v[4:] {
			alarms = append(alarms, a.(string))
		}
		return dashboardBody(cfg, v[0].(string), v[1].(string), v[2].(string), v[3].(string), alarms)
	}).(pulumi.StringOutput)
	name := cfg.NamePrefix()
	if _, err := cloudwatch.NewDashboard(ctx, "dashboard", &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(name),
		DashboardBody: body,
	}, pulumi.Parent(comp), fixedName); err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create dashboard %q: %w", name, err)
	}
	url := fmt.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards/dashboard/%s",
		cfg.Region, cfg.Region, name)
	if err := comp.done(ctx, pulumi.Map{"url": pulumi.String(url)}); err != nil {
		return pulumi.StringOutput{}, err
	}
	return pulumi.String(url).ToStringOutput(), nil
}
