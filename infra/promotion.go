package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PromotionReadActions are what copying an image by digest out of this
// repository needs (crane copy, crane config, describe-images), and no more.
// bootstrap/ grants production's deploy role the same list.
var PromotionReadActions = []string{
	"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages",
}

// promotionPolicyJSON is the repository policy letting the principals in
// webservice:promotionReaderArns read this stack's images. Production is
// promoted by copying the digest staging verified out of staging's
// repository; when production lives in another account, its deploy role needs
// this resource policy besides its own identity policy (bootstrap/). In one
// account the identity policy alone is enough and the key stays empty.
// (iampolicy's Principal holds one string per type; readers are a list.)
func promotionPolicyJSON(readers []string) pulumi.StringOutput {
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []map[string]any{{
			"Sid": "PromoteVerifiedImages", "Effect": "Allow",
			"Principal": map[string]any{"AWS": readers},
			"Action":    PromotionReadActions,
		}},
	}
	return pulumi.JSONMarshal(doc)
}

// newPromotionPolicy attaches the policy to the stack's repository when the
// stack names readers.
func newPromotionPolicy(ctx *pulumi.Context, cfg *Config, parent pulumi.Resource, repo *ecr.Repository) error {
	if len(cfg.PromotionReaderArns) == 0 {
		return nil
	}
	if _, err := ecr.NewRepositoryPolicy(ctx, "promotion-readers", &ecr.RepositoryPolicyArgs{
		Repository: repo.Name,
		Policy:     promotionPolicyJSON(cfg.PromotionReaderArns),
	}, pulumi.Parent(parent)); err != nil {
		return fmt.Errorf("create ecr repository policy for %q: %w", cfg.NamePrefix(), err)
	}
	return nil
}
