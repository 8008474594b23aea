package tests

import (
	"fmt"
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
// Free row saying why the provider accepts anything there). A property is
// covered, too, when it is on awsrules.CheckedAtPreview: checked by the
// provider at preview (tests/e2e/rules_test.go), one entry per row that went
// for that reason, so that list never covers a property no one checks.
func TestEveryInputHasAValidationRow(t *testing.T) {
	for _, p := range allPlans(t) {
		t.Run(p.name, func(t *testing.T) {
			_, uncovered := awsrules.Check(p.result)
			if len(uncovered) > 0 {
				t.Errorf("no row in internal/awsrules/rules.go, and not checked by the provider at preview "+
					"(awsrules.CheckedAtPreview, shown by tests/e2e/rules_test.go), for:\n  %s", strings.Join(uncovered, "\n  "))
			}
		})
	}
}

// TestCheckedAtPreviewListsOnlyRowsThatWent keeps awsrules.CheckedAtPreview
// honest: an entry is a row that went, so no row of its kind is in the table,
// and each entry is a property some plan sets (or the provider auto-names).
func TestCheckedAtPreviewListsOnlyRowsThatWent(t *testing.T) {
	set := map[string]bool{}
	for _, p := range append(allPlans(t), plan{"staging with promotion readers", stagingWithReaders(t)}) {
		for _, res := range p.result.Resources {
			for _, c := range awsrules.CheckedAtPreview {
				if c.Type == res.Type && hasPath(res.Inputs, strings.Split(c.Path, ".")) {
					set[c.Type+" "+c.Path] = true
				}
			}
		}
	}
	seen := map[string]bool{}
	for _, c := range awsrules.CheckedAtPreview {
		key := fmt.Sprint(c.Type, " ", c.Path, " ", c.Kind)
		if seen[key] {
			t.Errorf("%s: listed twice", key)
		}
		seen[key] = true
		for _, r := range awsrules.Rules {
			if r.Type == c.Type && r.Path == c.Path && r.Kind == c.Kind {
				t.Errorf("%s %s: on CheckedAtPreview and still a row of the same kind (%s)", c.Type, c.Path, r.Source)
			}
		}
		if !set[c.Type+" "+c.Path] && !c.Autoname { // an auto-named one the provider names
			t.Errorf("%s %s: no plan sets it (the entry is stale)", c.Type, c.Path)
		}
	}
}

// hasPath: the inputs hold a value at the path ("*" any key or element).
func hasPath(v any, path []string) bool {
	if len(path) == 0 {
		return v != nil
	}
	switch x := v.(type) {
	case map[string]any:
		if path[0] == "*" {
			for _, e := range x {
				if hasPath(e, path[1:]) {
					return true
				}
			}
			return false
		}
		return hasPath(x[path[0]], path[1:])
	case []any:
		for _, e := range x {
			if path[0] == "*" && hasPath(e, path[1:]) {
				return true
			}
		}
	}
	return false
}

// TestValidationRulesRefuseKnownBadValues proves the table can say no: each
// value here is one AWS refuses and the provider lets through at preview
// (tests/e2e/rules_test.go: those the provider refuses have no row).
func TestValidationRulesRefuseKnownBadValues(t *testing.T) {
	r := deploy(t, "staging")
	cases := []struct {
		typ, path string
		value     any
	}{
		{"aws:ec2/securityGroup:SecurityGroup", "description", "the app's tasks"},
		{"aws:ec2/securityGroupRule:SecurityGroupRule", "protocol", "http"},
		{"aws:lb/targetGroup:TargetGroup", "healthCheck.matcher", "200-600"},
		{"aws:ecs/service:Service", "deploymentMaximumPercent", float64(2001)},
		{"aws:cloudwatch/metricAlarm:MetricAlarm", "period", float64(45)},
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
