package render

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// A base branch renders with the render it has: before x-render that was one
// document with made-up ids and outputs in newState and the stack outputs on the
// stack's step. -diff must still read it.
const legacyRender = `{
  "config": {"aws:region": "us-east-1"},
  "steps": [
    {"op": "create", "urn": "urn:pulumi:staging::webservice::pulumi:pulumi:Stack::webservice-staging",
     "newState": {"urn": "urn:pulumi:staging::webservice::pulumi:pulumi:Stack::webservice-staging",
       "type": "pulumi:pulumi:Stack", "custom": false, "protect": false, "inputs": {},
       "outputs": {"imageTag": "aaa111", "url": "http://alb.example"}}},
    {"op": "create", "urn": "urn:pulumi:staging::webservice::webservice:infra:LoadBalancer$aws:lb/targetGroup:TargetGroup::target-group",
     "provider": "urn:pulumi:staging::webservice::pulumi:providers:aws::aws::provider-1",
     "newState": {"urn": "urn:pulumi:staging::webservice::webservice:infra:LoadBalancer$aws:lb/targetGroup:TargetGroup::target-group",
       "id": "arn:aws:elasticloadbalancing:us-east-1:210987654321:targetgroup/tg/1", "type": "aws:lb/targetGroup:TargetGroup",
       "custom": true, "protect": false, "inputs": {"port": 8443, "protocol": "HTTPS"},
       "outputs": {"arn": "arn:aws:elasticloadbalancing:us-east-1:210987654321:targetgroup/tg/1"}}}
  ],
  "changeSummary": {"create": 2},
  "webservice": {"stack": "staging", "deployEstimate": {"tasks": 2}, "notes": ["a note"]}
}`

func TestReadPreviewReadsTheRenderBeforeXRender(t *testing.T) {
	p, err := ReadPreview([]byte(legacyRender))
	if err != nil {
		t.Fatal(err)
	}
	if p.Stack != "staging" || p.Project != "webservice" || p.Outputs["imageTag"] != "aaa111" ||
		p.Estimate == nil || p.Estimate.Tasks != 2 || !slices.Equal(p.Notes, []string{"a note"}) {
		t.Fatalf("preview = %+v", p)
	}
	tg := p.Steps[1].NewState
	if tg.ID == "" || tg.Outputs["arn"] == nil || tg.Inputs["protocol"] != "HTTPS" {
		t.Fatalf("target group = %+v", tg)
	}
	changed, err := ReadPreview([]byte(strings.Replace(legacyRender, `"protocol": "HTTPS"`, `"protocol": "HTTP"`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if d := Compare(p, p); !d.Empty() {
		t.Errorf("a render differs from itself: %+v", d)
	}
	d := Compare(p, changed)
	if len(d.Changes) != 1 || d.Changes[0].Op != "replace" {
		t.Errorf("changed protocol: %+v", d.Changes)
	}
}

// -diff needs every resource of the base: a preview that lists only changes
// (the CLI's on an existing stack, or render -diff -json) would read as if
// everything else were deleted.
func TestReadPreviewRefusesADocumentThatListsOnlyChanges(t *testing.T) {
	for name, doc := range map[string]string{
		"pulumi preview --json of an update": `{"steps": [{"op": "same", "urn": "u", "newState": {"urn": "u", "type": "t", "custom": false}, "detailedDiff": null}]}`,
		"render -diff -json":                 `{"steps": [{"op": "same", "urn": "u", "newState": {"urn": "u", "type": "t", "custom": false}, "detailedDiff": null}], "x-render": {"kind": "update"}}`,
	} {
		if _, err := ReadPreview([]byte(doc)); err == nil || !strings.Contains(err.Error(), "-diff") {
			t.Errorf("%s: err = %v, want a refusal that says what -diff needs", name, err)
		}
	}
}

func TestDetailedDiffNamesPulumiPropertyPathsAndKinds(t *testing.T) {
	old := map[string]any{
		"healthCheck": map[string]any{"interval": 30.0, "path": "/health"},
		"tags":        map[string]any{"managed-by": "pulumi"},
		"subnets":     []any{"a", "b"},
		"protocol":    "HTTPS",
		"gone":        true,
	}
	cur := map[string]any{
		"healthCheck": map[string]any{"interval": 15.0, "path": "/health"},
		"tags":        map[string]any{"managed-by": "pulumi", "team": "x"},
		"subnets":     []any{"a"},
		"protocol":    "HTTP",
	}
	dd, diffKeys, replaceKeys := detailedDiff(old, cur, "aws:lb/targetGroup:TargetGroup")
	want := map[string]PropDiffV1{
		"healthCheck.interval": {Kind: "update", InputDiff: true},
		"tags.team":            {Kind: "add", InputDiff: true},
		"subnets[1]":           {Kind: "delete", InputDiff: true},
		"protocol":             {Kind: "update-replace", InputDiff: true},
		"gone":                 {Kind: "delete", InputDiff: true},
	}
	if !maps.Equal(dd, want) {
		t.Errorf("detailedDiff = %v, want %v", dd, want)
	}
	if !slices.Equal(diffKeys, []string{"gone", "healthCheck", "protocol", "subnets", "tags"}) ||
		!slices.Equal(replaceKeys, []string{"protocol"}) {
		t.Errorf("diffReasons %v, replaceReasons %v", diffKeys, replaceKeys)
	}
	if got := propPath("tags", "managed-by"); got != `tags["managed-by"]` {
		t.Errorf("propPath = %s", got)
	}
}

func TestLoggedMessagesBecomeDiagnosticsAsTheEnginePrintsThem(t *testing.T) {
	l := &logRecorder{}
	_ = l.Warn("no certificate", nil)
	_ = l.Info("keeping the running image", nil)
	_ = l.Debug("noise", nil)
	want := []Diagnostic{
		{Message: "warning: no certificate\n", Severity: "warning"},
		{Message: "keeping the running image\n", Severity: "info"},
	}
	if got := l.diagnostics(); !slices.Equal(got, want) {
		t.Errorf("diagnostics = %+v, want %+v", got, want)
	}
}

// detailedDiff and the drift report name elements Pulumi's way, cidrBlocks[0]:
// a change there forces a replacement as cidrBlocks.0 does.
func TestAnElementPathForcesTheReplacementItsPropertyDoes(t *testing.T) {
	const rule = "aws:ec2/securityGroupRule:SecurityGroupRule"
	for _, path := range []string{"cidrBlocks", "cidrBlocks.0", "cidrBlocks[0]"} {
		if !replaces(rule, path) {
			t.Errorf("%s: a change does not force the replacement", path)
		}
	}
	if replaces(rule, "cidrBlocksX") {
		t.Error("a longer key is not the property")
	}
}
