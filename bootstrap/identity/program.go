package identity

import (
	"fmt"

	"github.com/example/webservice/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Output names: store the role ARNs as GitHub variables and each boundary ARN in
// its service stack's webservice:permissionsBoundaryArn (README § Set-up, step by step).
const (
	OutputOIDCProviderArn                  = "oidcProviderArn"
	OutputPreviewRoleArn                   = "previewRoleArn"
	OutputDriftRoleArn                     = "driftRoleArn"
	OutputStagingDeployRoleArn             = "stagingDeployRoleArn"
	OutputProductionDeployRole             = "productionDeployRoleArn"
	OutputStagingPermissionsBoundaryArn    = "stagingPermissionsBoundaryArn"
	OutputProductionPermissionsBoundaryArn = "productionPermissionsBoundaryArn"
)

// MaxSessionSeconds covers a deploy: build, push, a rollout and, worst case,
// the reconcile's second rollout. The deploy workflows ask for exactly this
// (role-duration-seconds) and time their jobs out before it ends.
const MaxSessionSeconds = 2 * 60 * 60

// fixedName: every IAM name here is fixed and unique in the account, so a
// replacement must delete the old resource before creating the new one.
var fixedName = pulumi.DeleteBeforeReplace(true)

// Program is the bootstrap stack: config first, then the provider, the OIDC
// provider, and per service stack a permissions boundary and a deploy role; then
// the read-only preview role. It returns the outputs it exports.
func Program(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
	c, err := LoadConfig(ctx)
	if err != nil {
		return nil, err
	}
	provider, err := aws.NewProvider(ctx, "aws", &aws.ProviderArgs{
		Region:            pulumi.String(c.Region),
		AllowedAccountIds: pulumi.StringArray{pulumi.String(c.AccountID)},
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
			"service": pulumi.String(c.ServiceName), "managed-by": pulumi.String("pulumi"),
			"purpose": pulumi.String("github-actions-identity"),
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("create aws provider: %w", err)
	}
	opt := pulumi.Provider(provider)
	outputs := map[string]pulumi.Output{}

	providerArn := pulumi.String(c.OIDCProviderArn).ToStringOutput()
	if c.OIDCProviderArn == "" {
		p, err := iam.NewOpenIdConnectProvider(ctx, "github", &iam.OpenIdConnectProviderArgs{
			Url:           pulumi.String(oidcURL),
			ClientIdLists: pulumi.StringArray{pulumi.String(oidcAudience)},
		}, opt, pulumi.Protect(true), fixedName)
		if err != nil {
			return nil, fmt.Errorf("create oidc provider %s: %w", oidcURL, err)
		}
		providerArn = p.Arn
	}
	outputs[OutputOIDCProviderArn] = providerArn

	role := func(name string, subjects []string, description string) (*iam.Role, error) {
		r, err := iam.NewRole(ctx, name, &iam.RoleArgs{
			Name:               pulumi.String(c.ServiceName + "-github-" + name),
			Description:        pulumi.String(description),
			MaxSessionDuration: pulumi.Int(MaxSessionSeconds),
			AssumeRolePolicy: iampolicy.FromOutputs(func(v []string) iampolicy.Document {
				return githubTrust(v[0], subjects)
			}, providerArn),
		}, opt, fixedName)
		if err != nil {
			return nil, fmt.Errorf("create iam role %q: %w", name, err)
		}
		return r, nil
	}
	inline := func(name string, r *iam.Role, doc pulumi.StringInput) error {
		if _, err := iam.NewRolePolicy(ctx, name, &iam.RolePolicyArgs{Role: r.ID(), Policy: doc}, opt); err != nil {
			return fmt.Errorf("create iam role policy %q: %w", name, err)
		}
		return nil
	}

	if c.PreviewRole {
		r, err := role("preview", []string{c.PreviewSubject()}, "pulumi preview from pull requests (read-only)")
		if err != nil {
			return nil, err
		}
		if err := inline("preview-read-only", r, previewPolicy().JSON()); err != nil {
			return nil, err
		}
		outputs[OutputPreviewRoleArn] = r.Arn
	}
	// The drift check reads what pull requests' previews read, as a job of its
	// own environment: a role of its own, so each role still trusts one subject.
	if c.DriftRole {
		r, err := role("drift", []string{c.DriftSubject()}, "scheduled drift check: pulumi preview --refresh (read-only)")
		if err != nil {
			return nil, err
		}
		if err := inline("drift-read-only", r, previewPolicy().JSON()); err != nil {
			return nil, err
		}
		outputs[OutputDriftRoleArn] = r.Arn
	}
	stacks := []struct {
		stack                      string
		subjects                   []string
		roleOutput, boundaryOutput string
	}{
		{c.StagingStack, c.StagingSubjects(), OutputStagingDeployRoleArn, OutputStagingPermissionsBoundaryArn},
		{c.ProductionStack, []string{c.ProductionSubject()}, OutputProductionDeployRole, OutputProductionPermissionsBoundaryArn},
	}
	for _, d := range stacks {
		if d.stack == "" {
			continue
		}
		s := scope{account: c.AccountID, region: c.Region, service: c.ServiceName, stack: d.stack}
		boundaryName := s.prefix() + "-boundary"
		boundary, err := iam.NewPolicy(ctx, "boundary-"+d.stack, &iam.PolicyArgs{
			Name:        pulumi.String(boundaryName),
			Path:        pulumi.String("/" + c.ServiceName + "/"),
			Description: pulumi.String("permissions boundary of every role the " + s.prefix() + " stack creates"),
			Policy:      boundaryPolicy(c, s).JSON(),
		}, opt, fixedName)
		if err != nil {
			return nil, fmt.Errorf("create iam policy %q: %w", boundaryName, err)
		}
		outputs[d.boundaryOutput] = boundary.Arn

		r, err := role("deploy-"+d.stack, d.subjects, "pulumi up of the "+c.ServiceName+" "+d.stack+" stack from GitHub Actions")
		if err != nil {
			return nil, err
		}
		promoteFrom := ""
		if d.stack == c.ProductionStack && c.PromotionSourceStack != "" {
			src := scope{account: c.PromotionSourceAccountID, region: c.PromotionSourceRegion, service: c.ServiceName,
				stack: c.PromotionSourceStack}
			promoteFrom = src.arn("ecr", "repository/"+src.prefix())
		}
		inlineDoc := iampolicy.FromOutputs(func(v []string) iampolicy.Document {
			in, _ := splitDeployPolicy(deployPolicy(s, v[0], c.WAF, promoteFrom))
			return in
		}, boundary.Arn)
		if err := inline("deploy-"+d.stack+"-policy", r, inlineDoc); err != nil {
			return nil, err
		}
		_, network := splitDeployPolicy(deployPolicy(s, "", c.WAF, promoteFrom))
		networkName := c.ServiceName + "-github-deploy-" + d.stack + "-network"
		np, err := iam.NewPolicy(ctx, "deploy-"+d.stack+"-network", &iam.PolicyArgs{
			Name:        pulumi.String(networkName),
			Path:        pulumi.String("/" + c.ServiceName + "/"),
			Description: pulumi.String("network part (EC2, ELB, WAF) of the " + s.prefix() + " deploy role"),
			Policy:      network.JSON(),
		}, opt, fixedName)
		if err != nil {
			return nil, fmt.Errorf("create iam policy %q: %w", networkName, err)
		}
		if _, err := iam.NewRolePolicyAttachment(ctx, "deploy-"+d.stack+"-network", &iam.RolePolicyAttachmentArgs{
			Role: r.Name, PolicyArn: np.Arn,
		}, opt); err != nil {
			return nil, fmt.Errorf("attach iam policy %q: %w", networkName, err)
		}
		outputs[d.roleOutput] = r.Arn
	}
	for name, v := range outputs {
		ctx.Export(name, v)
	}
	return outputs, nil
}
