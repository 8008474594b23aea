package drift

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The documents in testdata/ are what the real Pulumi CLI (3.274.1) printed
// for `pulumi preview --refresh --json` of the staging stack, run by
// tests/e2e against moto (its -record flag rewrites them):
//
//   - staging-no-drift: right after a deploy;
//   - staging-drift: after the service was moved to another task definition
//     (aws ecs update-service) and the service-in-alb rule was revoked (aws ec2
//     revoke-security-group-ingress), both outside Pulumi.

const (
	stagingURN = "urn:pulumi:staging::webservice::"
	serviceURN = stagingURN + "webservice:infra:Service$aws:ecs/service:Service::service"
	ruleURN    = stagingURN + "webservice:infra:LoadBalancer$aws:ec2/securityGroupRule:SecurityGroupRule::service-in-alb"
)

// fixtureBytes is a recorded document, unzipped.
func fixtureBytes(t *testing.T, name string) []byte {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fixture writes a recorded document to a file, for -preview.
func fixture(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, fixtureBytes(t, name), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func document(t *testing.T, name string) *Document {
	t.Helper()
	d, err := readDocument(name, fixtureBytes(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func analyze(t *testing.T, d *Document) *Report {
	t.Helper()
	rep, err := Analyze("staging", d)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func resource(t *testing.T, rs []Resource, urn string) Resource {
	t.Helper()
	for _, r := range rs {
		if r.URN == urn {
			return r
		}
	}
	t.Fatalf("%s not among %d resources", urn, len(rs))
	return Resource{}
}

func TestNoDriftRightAfterADeploy(t *testing.T) {
	rep := analyze(t, document(t, "staging-no-drift.preview-refresh.json"))
	if rep.HasDrift() || len(rep.Ignored) != 0 {
		t.Fatalf("drift found where AWS matches the state:\n%s", rep.Text())
	}
	// The stack, the providers, the StackReference and the components are no
	// resources in AWS.
	if rep.Refreshed != 21 {
		t.Errorf("refreshed %d resources, want the 21 resources in AWS of the staging stack (30 steps: less the stack, the provider, its StackReference and 6 components)", rep.Refreshed)
	}
	if !strings.Contains(rep.Text(), `No drift in stack "staging": the 21 resources the refresh read match its last update.`) {
		t.Errorf("report:\n%s", rep.Text())
	}
}

func TestDriftIsFoundInTheRealCLIsOutput(t *testing.T) {
	rep := analyze(t, document(t, "staging-drift.preview-refresh.json"))
	if !rep.HasDrift() || len(rep.Drifted) != 2 {
		t.Fatalf("drifted = %+v", rep.Drifted)
	}
	svc := resource(t, rep.Drifted, serviceURN)
	if svc.UpOp != "update" || len(svc.Reverted) != 1 || svc.Reverted[0].Path != "taskDefinition" ||
		!strings.HasSuffix(svc.Reverted[0].Recorded, `webservice-staging:2"`) ||
		!strings.HasSuffix(svc.Reverted[0].Live, `webservice-staging:3"`) ||
		svc.Reverted[0].Program != svc.Reverted[0].Recorded {
		t.Errorf("service = %+v, want taskDefinition :2 recorded, :3 live, :2 written back", svc)
	}
	rule := resource(t, rep.Drifted, ruleURN)
	if !rule.Deleted || rule.UpOp != "create" {
		t.Errorf("rule = %+v, want deleted in AWS, created again by the up", rule)
	}
	text := rep.Text()
	for _, want := range []string{
		`Drift in stack "staging": 2 of 21 resources changed outside Pulumi since its last update.`,
		"An up after a refresh (pulumi up --refresh) changes these back (live value => the program's):",
		"~ update " + serviceURN,
		"!! deleted in AWS: traffic the rule admits is dropped until it is recreated",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
}

// The refresh steps of the real CLI hold the recorded state on both sides:
// a reader that diffs them (as an earlier version did) finds no drift.
func TestTheRefreshStepsAloneShowNoDrift(t *testing.T) {
	d := document(t, "staging-drift.preview-refresh.json")
	for _, s := range d.Steps {
		if s.Op != "refresh" {
			break
		}
		if (len(s.DetailedDiff) > 0 && string(s.DetailedDiff) != "null") || !sameState(s) {
			t.Fatalf("refresh step %s differs from what the CLI 3.274.1 printed: the format changed, re-record (tests/e2e -record)", s.URN)
		}
	}
}

func TestIgnoredChangesAreNotDrift(t *testing.T) {
	d := document(t, "staging-drift.preview-refresh.json")
	for i, s := range d.Steps {
		if s.Op == "refresh" && s.URN == serviceURN {
			d.Steps[i].OldState.IgnoreChanges = []string{"taskDefinition"} // as production's desiredCount is
		}
	}
	rep := analyze(t, d)
	if len(rep.Ignored) != 1 || rep.Ignored[0].URN != serviceURN || rep.Ignored[0].Ignored[0].Path != "taskDefinition" {
		t.Fatalf("ignored = %+v", rep.Ignored)
	}
	for _, r := range rep.Drifted {
		if r.URN == serviceURN {
			t.Errorf("an ignored change counted as drift: %+v", r)
		}
	}
}

// A change the up does not write back (its property is not among the
// preview step's diffReasons) is kept, and still drift.
func TestDriftTheUpLeavesIsKept(t *testing.T) {
	d := document(t, "staging-drift.preview-refresh.json")
	for i, s := range d.Steps {
		if s.Op == "update" && s.URN == serviceURN {
			d.Steps[i].DiffReasons = []string{"tags"}
		}
	}
	svc := resource(t, analyze(t, d).Drifted, serviceURN)
	if len(svc.Kept) != 1 || svc.Kept[0].Path != "taskDefinition" || len(svc.Reverted) != 0 || svc.UpOp != "" {
		t.Fatalf("service = %+v", svc)
	}
}

func TestValuesCompareByMeaning(t *testing.T) {
	recorded := map[string]any{"tags": nil, "policy": `{"b":1,"a":[2]}`, "name": "x", "list": []any{}}
	live := map[string]any{"tags": map[string]any{}, "policy": `{"a":[2],"b":1}`, "name": "x", "description": ""}
	if paths := leafDiff(comparable(recorded), comparable(live)); len(paths) != 0 {
		t.Errorf("null vs {}, [] vs absent, \"\" vs absent and JSON key order are no drift: got %v", paths)
	}
	live["policy"] = `{"a":[3],"b":1}`
	if paths := leafDiff(comparable(recorded), comparable(live)); len(paths) != 1 || paths[0].String() != "policy" {
		t.Errorf("a changed policy document: got %v", paths)
	}
}

func TestInputsThatCannotShowDriftAreRefused(t *testing.T) {
	for name, doc := range map[string]string{
		"not JSON":               `pulumi: command not found`,
		"no steps":               `{"steps": []}`,
		"a plain preview":        `{"steps": [{"op": "same", "urn": "urn:pulumi:staging::webservice::pulumi:pulumi:Stack::webservice-staging"}]}`,
		"a preview that errored": `{"steps": [{"op": "refresh", "urn": "u"}], "diagnostics": [{"message": "error: no credentials", "severity": "error"}]}`,
	} {
		d, err := readDocument(name, []byte(doc))
		if err == nil {
			_, err = Analyze("staging", d)
		}
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestPropertyPathsAsTheCLISpellsThem(t *testing.T) {
	for _, s := range []string{"healthCheck.path", "ingress[0].cidrBlocks[1]", `tags["team-name"]`, "loadBalancers[*].containerPort"} {
		p, err := parsePath(s)
		if err != nil || p.String() != s {
			t.Errorf("%s: %v %q", s, err, p.String())
		}
	}
	if !mustPath("tags").covers(mustPath(`tags["team"]`)) || mustPath(`tags["team"]`).covers(mustPath("tags")) {
		t.Error("covers")
	}
}

// sameState: a refresh step's two states are equal.
func sameState(s Step) bool {
	a, _ := json.Marshal(s.OldState)
	b, _ := json.Marshal(s.NewState)
	return string(a) == string(b)
}
