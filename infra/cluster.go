package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Cluster answers "where do tasks run and where do their logs go?": an ECS
// cluster with Container Insights (ECS.12) and the service's log group (ECS.9,
// retention per stack for CloudWatch.16).
type Cluster struct {
	Cluster  *ecs.Cluster
	LogGroup *cloudwatch.LogGroup
}

func newCluster(ctx *pulumi.Context, cfg *Config, opts ...pulumi.ResourceOption) (*Cluster, error) {
	comp, err := newComponent(ctx, typeCluster, "cluster", opts...)
	if err != nil {
		return nil, err
	}
	name := cfg.NamePrefix()
	cluster, err := ecs.NewCluster(ctx, "cluster", &ecs.ClusterArgs{
		Name: pulumi.String(name),
		Settings: ecs.ClusterSettingArray{
			&ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")},
		},
	}, pulumi.Parent(comp), pulumi.Protect(cfg.Protect), fixedName)
	if err != nil {
		return nil, fmt.Errorf("create ecs cluster %q: %w", name, err)
	}

	logGroupName := "/ecs/" + name
	logGroup, err := cloudwatch.NewLogGroup(ctx, "logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(logGroupName),
		RetentionInDays: pulumi.Int(cfg.LogRetentionDays),
	}, pulumi.Parent(comp), pulumi.Protect(cfg.Protect), fixedName)
	if err != nil {
		return nil, fmt.Errorf("create log group %q: %w", logGroupName, err)
	}

	if err := comp.done(ctx, pulumi.Map{"clusterName": cluster.Name, "logGroupName": logGroup.Name}); err != nil {
		return nil, err
	}
	return &Cluster{Cluster: cluster, LogGroup: logGroup}, nil
}
