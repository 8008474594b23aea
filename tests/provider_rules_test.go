package tests

import (
	"strings"
	"testing"

	"github.com/example/webservice/internal/awsrules"
)

// TestEveryValueThePlanSetsPassesTheProvidersValidation runs every string and
// number every plan sets through the provider's and AWS's rules
// (internal/awsrules: one table, each row citing its source). The mock engine
// runs no provider Check, so this is where a value `pulumi preview` would refuse
// is caught.
func TestEveryValueThePlanSetsPassesTheProvidersValidation(t *testing.T) {
	for _, p := range allPlans(t) {
		t.Run(p.name, func(t *testing.T) {
			violations, _ := awsrules.Check(p.result)
			for _, v := range violations {
				t.Error(v)
			}
		})
	}
}

// TestEveryInputHasAValidationRow keeps the table complete: a property the
// program starts setting, or a new resource type, needs its rows (or an explicit
// Free row saying why the provider accepts anything there).
func TestEveryInputHasAValidationRow(t *testing.T) {
	for _, p := range allPlans(t) {
		t.Run(p.name, func(t *testing.T) {
			_, uncovered := awsrules.Check(p.result)
			if len(uncovered) > 0 {
				t.Errorf("no row in internal/awsrules/rules.go for:\n  %s", strings.Join(uncovered, "\n  "))
			}
		})
	}
}

// TestValidationRulesRefuseKnownBadValues proves the table can say no: each
// value here is one the provider or AWS refuses.
func TestValidationRulesRefuseKnownBadValues(t *testing.T) {
	r := deploy(t, "staging")
	cases := []struct {
		typ, path string
		value     any
	}{
		{"aws:ec2/securityGroupRule:SecurityGroupRule", "description", "all outbound: the app's dependencies"},
		{"aws:ec2/securityGroup:SecurityGroup", "description", strings.Repeat("a", 256)},
		{"aws:cloudwatch/logGroup:LogGroup", "retentionInDays", float64(366)},
		{"aws:lb/targetGroup:TargetGroup", "healthCheck.timeout", float64(121)},
		{"aws:ecr/repository:Repository", "name", "Webservice-Staging"},
	}
	for _, c := range cases {
		t.Run(c.typ+" "+c.path, func(t *testing.T) {
			res := *r.OfType(c.typ)[0].Copy()
			setPath(res.Inputs, c.path, c.value)
			one := *r
			one.Resources = append(one.Resources[:0:0], res)
			if v, _ := awsrules.Check(&one); len(v) == 0 {
				t.Fatalf("%s = %v passed", c.path, c.value)
			}
		})
	}
}

func setPath(m map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		m = m[p].(map[string]any)
	}
	m[parts[len(parts)-1]] = v
}
