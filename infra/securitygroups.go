package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// SecurityGroups answers "who may talk to whom?": the internet reaches the ALB on
// its listener ports only; only the ALB reaches tasks, on the container port only.
// Every rule is its own resource (none inline), so the two groups can refer to
// each other without a cycle and a rule change never rewrites a whole group.
type SecurityGroups struct {
	ALB     *ec2.SecurityGroup
	Service *ec2.SecurityGroup
}

var anyIPv4 = pulumi.StringArray{pulumi.String("0.0.0.0/0")}

// sgRule is one security group rule by logical name.
type sgRule struct {
	name string
	args *ec2.SecurityGroupRuleArgs
}

func newSecurityGroups(ctx *pulumi.Context, cfg *Config, net *Network, parent pulumi.Resource) (*SecurityGroups, error) {
	prefix := cfg.NamePrefix()
	alb, err := ec2.NewSecurityGroup(ctx, "alb-sg", &ec2.SecurityGroupArgs{
		Description: pulumi.String("ALB of " + prefix + ": HTTP(S) from the internet, out to the service only"),
		VpcId:       net.VpcID,
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create security group %q: %w", "alb-sg", err)
	}
	svc, err := ec2.NewSecurityGroup(ctx, "service-sg", &ec2.SecurityGroupArgs{
		Description: pulumi.String("tasks of " + prefix + ": the container port from the ALB only"),
		VpcId:       net.VpcID,
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create security group %q: %w", "service-sg", err)
	}

	listenerPorts := []int{httpPort}
	if cfg.HTTPS() {
		listenerPorts = append(listenerPorts, httpsPort)
	}
	var rules []sgRule
	for _, port := range listenerPorts {
		rules = append(rules, sgRule{fmt.Sprintf("alb-in-%d", port), &ec2.SecurityGroupRuleArgs{
			Type: pulumi.String("ingress"), SecurityGroupId: alb.ID(),
			Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(port), ToPort: pulumi.Int(port),
			CidrBlocks:  anyIPv4,
			Description: pulumi.String(fmt.Sprintf("port %d from the internet", port)),
		}})
	}
	rules = append(rules,
		sgRule{"alb-out-service", &ec2.SecurityGroupRuleArgs{
			Type: pulumi.String("egress"), SecurityGroupId: alb.ID(),
			Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(cfg.ContainerPort), ToPort: pulumi.Int(cfg.ContainerPort),
			SourceSecurityGroupId: svc.ID(),
			Description:           pulumi.String("to tasks on the container port"),
		}},
		sgRule{"service-in-alb", &ec2.SecurityGroupRuleArgs{
			Type: pulumi.String("ingress"), SecurityGroupId: svc.ID(),
			Protocol: pulumi.String("tcp"), FromPort: pulumi.Int(cfg.ContainerPort), ToPort: pulumi.Int(cfg.ContainerPort),
			SourceSecurityGroupId: alb.ID(),
			Description:           pulumi.String("from the ALB on the container port"),
		}},
		sgRule{"service-out", &ec2.SecurityGroupRuleArgs{
			// Tasks pull images and write logs through NAT on 443, and apps reach
			// their own dependencies (databases, APIs) on ports we cannot know.
			Type: pulumi.String("egress"), SecurityGroupId: svc.ID(),
			Protocol: pulumi.String("-1"), FromPort: pulumi.Int(0), ToPort: pulumi.Int(0),
			CidrBlocks: anyIPv4,
			// Descriptions allow only [A-Za-z0-9 ._-:/()#,@[]+=&;{}!$*]: no apostrophes
			// (internal/awsrules checks every description against that rule).
			Description: pulumi.String("all outbound: image pulls, logs, dependencies of the app"),
		}},
	)
	for _, r := range rules {
		if _, err := ec2.NewSecurityGroupRule(ctx, r.name, r.args, pulumi.Parent(parent)); err != nil {
			return nil, fmt.Errorf("create security group rule %q: %w", r.name, err)
		}
	}
	return &SecurityGroups{ALB: alb, Service: svc}, nil
}
