package infra

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Registry answers "where do this stack's images live?": one ECR repository per
// stack (ECR.1 scan on push, ECR.2 immutable tags, ECR.3 lifecycle policy).
type Registry struct {
	Repository *ecr.Repository
}

func newRegistry(ctx *pulumi.Context, cfg *Config, protected []string, opts ...pulumi.ResourceOption) (*Registry, error) {
	comp, err := newComponent(ctx, typeRegistry, "registry", opts...)
	if err != nil {
		return nil, err
	}
	name := cfg.NamePrefix()
	repo, err := ecr.NewRepository(ctx, "repository", &ecr.RepositoryArgs{
		Name: pulumi.String(name),
		// Immutable tags: a tag names one image forever, so a redeploy of a tag or a
		// rollback to it runs exactly what was tested.
		ImageTagMutability: pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{
			ScanOnPush: pulumi.Bool(true),
		},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{
			&ecr.RepositoryEncryptionConfigurationArgs{EncryptionType: pulumi.String("AES256")},
		},
		ForceDelete: pulumi.Bool(cfg.ECRForceDelete),
	}, pulumi.Parent(comp), pulumi.Protect(cfg.Protect), fixedName)
	if err != nil {
		return nil, fmt.Errorf("create ecr repository %q: %w", name, err)
	}

	policy, err := lifecyclePolicy(cfg, protected)
	if err != nil {
		return nil, err
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, "lifecycle", &ecr.LifecyclePolicyArgs{
		Repository: repo.Name,
		Policy:     pulumi.String(policy),
	}, pulumi.Parent(comp)); err != nil {
		return nil, fmt.Errorf("create ecr lifecycle policy for %q: %w", name, err)
	}

	if err := newPromotionPolicy(ctx, cfg, comp, repo); err != nil {
		return nil, err
	}
	if err := comp.done(ctx, pulumi.Map{"repositoryUrl": repo.RepositoryUrl}); err != nil {
		return nil, err
	}
	return &Registry{Repository: repo}, nil
}

type lifecycleRule struct {
	RulePriority int                `json:"rulePriority"`
	Description  string             `json:"description"`
	Selection    lifecycleSelection `json:"selection"`
	Action       map[string]string  `json:"action"`
}

type lifecycleSelection struct {
	TagStatus      string   `json:"tagStatus"`
	TagPatternList []string `json:"tagPatternList,omitempty"`
	CountType      string   `json:"countType"`
	CountUnit      string   `json:"countUnit,omitempty"`
	CountNumber    int      `json:"countNumber"`
}

// lifecyclePolicy expires untagged layers after a few days and keeps the newest
// ecrKeepTaggedImages images, enough to roll back to any recent release. Those
// are counted by push time, so a run of pushes that never went live (failed
// deploys, say) could push the release that runs now out of the newest N and
// expire the image the circuit breaker needs to roll back to. The first rules
// therefore each select one protected tag (the running release, the one being
// deployed) and keep one image: they never expire it, and ECR never lets a
// lower-priority rule expire an image a higher rule's tags select. One rule per
// tag, because ECR ANDs the entries of a tagPatternList: a rule listing both
// tags would select only an image carrying both, that is none. Every deploy
// rewrites these rules.
func lifecyclePolicy(cfg *Config, protected []string) (string, error) {
	var rules []lifecycleRule
	for _, tag := range protected {
		rules = append(rules, lifecycleRule{
			Description: "never expire " + tag + " (the running release or the one being deployed)",
			Selection: lifecycleSelection{
				TagStatus: "tagged", TagPatternList: []string{tag},
				CountType: "imageCountMoreThan", CountNumber: 1,
			},
			Action: map[string]string{"type": "expire"},
		})
	}
	rules = append(rules,
		lifecycleRule{
			Description: fmt.Sprintf("expire untagged images after %d days", cfg.ECRUntaggedExpiryDays),
			Selection: lifecycleSelection{
				TagStatus: "untagged", CountType: "sinceImagePushed", CountUnit: "days",
				CountNumber: cfg.ECRUntaggedExpiryDays,
			},
			Action: map[string]string{"type": "expire"},
		},
		lifecycleRule{
			Description: fmt.Sprintf("keep the newest %d images", cfg.ECRKeepTaggedImages),
			Selection: lifecycleSelection{
				TagStatus: "any", CountType: "imageCountMoreThan", CountNumber: cfg.ECRKeepTaggedImages,
			},
			Action: map[string]string{"type": "expire"},
		},
	)
	for i := range rules {
		rules[i].RulePriority = i + 1 // "any" must come last, as it does here
	}
	b, err := json.Marshal(map[string][]lifecycleRule{"rules": rules})
	if err != nil {
		return "", fmt.Errorf("encode ecr lifecycle policy: %w", err)
	}
	return string(b), nil
}
