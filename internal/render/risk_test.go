package render

import (
	"strings"
	"testing"
)

// The exported classification must be render's own: the drift report marks
// with !! exactly what render -diff marks.
func TestExportedClassificationIsRendersOwn(t *testing.T) {
	const tg = "aws:lb/targetGroup:TargetGroup"
	if !ForcesReplacement(tg, "port") || ForcesReplacement(tg, "healthCheck.path") {
		t.Errorf("target group: port replaces %v, healthCheck.path replaces %v; want true, false",
			ForcesReplacement(tg, "port"), ForcesReplacement(tg, "healthCheck.path"))
	}
	if !ForcesReplacement("aws:ecs/service:Service", "name") {
		t.Error("renaming the service must force a replacement")
	}
	if r := ReplacementRisk(tg); !strings.Contains(r, "starts empty") {
		t.Errorf("target group risk = %q", r)
	}
	if r := ReplacementRisk("aws:ecs/taskDefinition:TaskDefinition"); r != "" {
		t.Errorf("a new task definition revision is how a deploy works, not a risk: got %q", r)
	}
	for op, want := range map[string]string{"create": "+", "update": "~", "replace": "+-", "delete": "-"} {
		if got := OpSymbol(op); got != want {
			t.Errorf("OpSymbol(%s) = %q, want %q", op, got, want)
		}
	}
	// Compare marks a replaced target group with the same sentence.
	old := &Preview{Steps: []Step{{Op: "create", URN: "u", NewState: State{Type: tg, Inputs: map[string]any{"port": 8443.0}}}}}
	cur := &Preview{Steps: []Step{{Op: "create", URN: "u", NewState: State{Type: tg, Inputs: map[string]any{"port": 443.0}}}}}
	d := Compare(old, cur)
	if len(d.Changes) != 1 || len(d.Changes[0].Risks) != 1 || d.Changes[0].Risks[0] != "replaced: "+ReplacementRisk(tg) {
		t.Fatalf("render -diff marks %+v", d.Changes)
	}
}
