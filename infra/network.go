package infra

import (
	"fmt"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"

	awsxec2 "github.com/pulumi/pulumi-awsx/sdk/v2/go/awsx/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Network answers "where do the ALB and the tasks live?": public subnets for the
// load balancer, private subnets (no public IPs, egress through NAT) for tasks.
type Network struct {
	VpcID            pulumi.StringOutput
	PublicSubnetIDs  pulumi.StringArrayOutput
	PrivateSubnetIDs pulumi.StringArrayOutput
}

// defaultAZCount is how many AZs a new VPC spans when no names are configured.
const defaultAZCount = 2

func newNetwork(ctx *pulumi.Context, cfg *Config, provider *aws.Provider) (*Network, error) {
	comp, err := newComponent(ctx, typeNetwork, "network", pulumi.Providers(provider))
	if err != nil {
		return nil, err
	}
	var n *Network
	if cfg.ExistingVpc() {
		n = &Network{
			VpcID:            pulumi.String(cfg.VpcID).ToStringOutput(),
			PublicSubnetIDs:  pulumi.ToStringArray(cfg.PublicSubnetIDs).ToStringArrayOutput(),
			PrivateSubnetIDs: pulumi.ToStringArray(cfg.PrivateSubnetIDs).ToStringArrayOutput(),
		}
	} else {
		n, err = newVpc(ctx, cfg, comp, provider)
		if err != nil {
			return nil, err
		}
	}
	if err := comp.done(ctx, pulumi.Map{
		"vpcId":            n.VpcID,
		"publicSubnetIds":  n.PublicSubnetIDs,
		"privateSubnetIds": n.PrivateSubnetIDs,
	}); err != nil {
		return nil, err
	}
	return n, nil
}

// newVpc creates the VPC with awsx. awsx is a remote component: the Go SDK does
// not forward a parent's providers to it, so the stack's provider is handed over
// explicitly, or its subnets, route tables and NAT gateways would silently use the
// ambient default provider (whatever region and account the runner has).
func newVpc(ctx *pulumi.Context, cfg *Config, parent pulumi.Resource, provider *aws.Provider) (*Network, error) {
	strategy := awsxec2.SubnetAllocationStrategyAuto
	args := &awsxec2.VpcArgs{
		CidrBlock:          pulumi.StringRef(cfg.VpcCidr),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		NatGateways: &awsxec2.NatGatewayConfigurationArgs{
			Strategy: awsxec2.NatGatewayStrategy(cfg.NatGateways),
		},
		SubnetStrategy: &strategy,
		SubnetSpecs: []awsxec2.SubnetSpecArgs{
			{Type: awsxec2.SubnetTypePublic, Name: pulumi.StringRef("public")},
			{Type: awsxec2.SubnetTypePrivate, Name: pulumi.StringRef("private")},
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(cfg.NamePrefix())},
	}
	if len(cfg.AvailabilityZones) > 0 {
		// Named AZs: nothing is looked up at deploy time, and the plan is the same
		// in every account.
		args.AvailabilityZoneNames = cfg.AvailabilityZones
	} else {
		n := defaultAZCount
		args.NumberOfAvailabilityZones = &n
	}
	vpc, err := awsxec2.NewVpc(ctx, "vpc", args, pulumi.Parent(parent), pulumi.Providers(provider))
	if err != nil {
		return nil, fmt.Errorf("create vpc %q: %w", cfg.NamePrefix(), err)
	}
	return &Network{
		VpcID:            vpc.VpcId,
		PublicSubnetIDs:  vpc.PublicSubnetIds,
		PrivateSubnetIDs: vpc.PrivateSubnetIds,
	}, nil
}
