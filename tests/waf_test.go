//go:build waf

package tests

import (
	"strings"
	"testing"

	"github.com/example/webservice/internal/authz"
)

func init() {
	planConfigs = append(planConfigs, struct {
		name, stack string
		overrides   []string
	}{"production with WAF", "production", []string{"waf=true"}})
}

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

// TestWAFNeedsTheBootstrapWAFSetting: the deploy role may manage the web ACL
// only when bootstrap/ was told the stacks use one (webservice-bootstrap:waf);
// without it the first `pulumi up` with waf on is AccessDenied.
func TestWAFNeedsTheBootstrapWAFSetting(t *testing.T) {
	b := mustBootstrap(t, nil)
	boundary, _ := b.Outputs["productionPermissionsBoundaryArn"].(string)
	r := deploy(t, "production", "waf=true", "accountId="+testAccount, "permissionsBoundaryArn="+boundary)
	role := deployRole(t, b, "production")
	calls, err := authz.Calls(r, env())
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, c := range calls {
		if ok, _ := allowed(t, role, nil, c.Request); !ok {
			if !strings.HasPrefix(c.Action, "wafv2:") && c.Action != "elasticloadbalancing:SetWebAcl" {
				t.Errorf("denied outside WAF: %s", c)
			}
			denied++
		}
	}
	if denied == 0 {
		t.Fatal("a deploy role without webservice-bootstrap:waf may manage the web ACL")
	}
}
