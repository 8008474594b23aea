//go:build waf

package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// wafBuilt is true in builds with -tags waf.
const wafBuilt = true

// wafManagedRuleGroups are the AWS managed rule groups the web ACL evaluates.
var wafManagedRuleGroups = []string{"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}

// newWAF answers "what filters requests before the ALB?" (ELB.16): a regional
// WAFv2 web ACL with AWS managed rules, associated to the ALB.
func newWAF(ctx *pulumi.Context, cfg *Config, albArn pulumi.StringInput, parent pulumi.Resource) error {
	if !cfg.WAF {
		return nil
	}
	visibility := func(metric string) wafv2.WebAclRuleVisibilityConfigArgs {
		return wafv2.WebAclRuleVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true), SampledRequestsEnabled: pulumi.Bool(true),
			MetricName: pulumi.String(metric),
		}
	}
	var rules wafv2.WebAclRuleArray
	for i, group := range wafManagedRuleGroups {
		v := visibility(group)
		rules = append(rules, &wafv2.WebAclRuleArgs{
			Name:           pulumi.String(group),
			Priority:       pulumi.Int(i + 1),
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: &wafv2.WebAclRuleStatementArgs{
				ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
					Name: pulumi.String(group), VendorName: pulumi.String("AWS"),
				},
			},
			VisibilityConfig: &v,
		})
	}
	acl, err := wafv2.NewWebAcl(ctx, "web-acl", &wafv2.WebAclArgs{
		Name:          pulumi.String(cfg.NamePrefix()),
		Scope:         pulumi.String("REGIONAL"),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         rules,
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true), SampledRequestsEnabled: pulumi.Bool(true),
			MetricName: pulumi.String(cfg.NamePrefix()),
		},
	}, pulumi.Parent(parent), fixedName)
	if err != nil {
		return fmt.Errorf("create web acl %q: %w", cfg.NamePrefix(), err)
	}
	if _, err := wafv2.NewWebAclAssociation(ctx, "web-acl-association", &wafv2.WebAclAssociationArgs{
		ResourceArn: albArn,
		WebAclArn:   acl.Arn,
	}, pulumi.Parent(parent)); err != nil {
		return fmt.Errorf("associate web acl with the alb: %w", err)
	}
	return nil
}
