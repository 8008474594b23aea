//go:build waf

package tests

import (
	"testing"
)

// Built only with -tags waf (the wafv2 package costs ~70 s and ~4 GB on a cold
// build): go test -tags waf ./tests -run WAF

func TestELB16_WAFWithManagedRulesGuardsTheALB(t *testing.T) {
	r := deploy(t, "production", "waf=true")
	acl := one(t, r, "aws:wafv2/webAcl:WebAcl")
	if acl.Inputs["scope"] != "REGIONAL" || get(t, acl.Inputs, "defaultAction.allow") == nil {
		t.Fatalf("web acl = %v", acl.Inputs)
	}
	var groups []string
	for _, rule := range acl.Inputs["rules"].([]any) {
		groups = append(groups, get(t, rule.(map[string]any), "statement.managedRuleGroupStatement.name").(string))
	}
	if len(groups) != 2 || groups[0] != "AWSManagedRulesCommonRuleSet" || groups[1] != "AWSManagedRulesKnownBadInputsRuleSet" {
		t.Fatalf("rule groups = %v", groups)
	}
	assoc := one(t, r, "aws:wafv2/webAclAssociation:WebAclAssociation").Inputs
	if assoc["resourceArn"] != r.Outputs["albArn"] || assoc["webAclArn"] != acl.Outputs["arn"] {
		t.Fatalf("association = %v", assoc)
	}
	if n := len(deploy(t, "production").OfType("aws:wafv2/webAcl:WebAcl")); n != 0 {
		t.Fatalf("WAF off still creates %d web ACLs", n)
	}
}
