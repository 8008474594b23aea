package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// newProvider returns the one AWS provider every resource of the stack uses (awsx
// children included), so region, allowed account and default tags are set in one
// place and never come from whatever the CI runner's environment happens to hold.
func newProvider(ctx *pulumi.Context, cfg *Config) (*aws.Provider, error) {
	args := &aws.ProviderArgs{
		Region: pulumi.String(cfg.Region),
		DefaultTags: &aws.ProviderDefaultTagsArgs{
			Tags: pulumi.StringMap(cfg.Tags()),
		},
	}
	if cfg.AccountID != "" {
		// Refuse to run with credentials for any other account: staging's role can
		// never touch production by a misconfigured secret.
		args.AllowedAccountIds = pulumi.StringArray{pulumi.String(cfg.AccountID)}
	}
	p, err := aws.NewProvider(ctx, "aws", args)
	if err != nil {
		return nil, fmt.Errorf("create aws provider: %w", err)
	}
	return p, nil
}

// Tags are applied to every AWS resource through the provider's default tags.
func (c *Config) Tags() map[string]pulumi.StringInput {
	return map[string]pulumi.StringInput{
		"service":    pulumi.String(c.ServiceName),
		"stack":      pulumi.String(c.Stack),
		"managed-by": pulumi.String("pulumi"),
	}
}
