package render

import (
	"testing"

	"github.com/example/webservice/internal/plan"
)

// render -diff marks with !! exactly what internal/plan says, so the drift
// report, which uses plan too, marks the same.
func TestRenderMarksReplacementsWithPlansSentence(t *testing.T) {
	const tg = "aws:lb/targetGroup:TargetGroup"
	old := &Preview{Steps: []Step{{Op: "create", URN: "u", NewState: State{Type: tg, Inputs: map[string]any{"port": 8443.0}}}}}
	cur := &Preview{Steps: []Step{{Op: "create", URN: "u", NewState: State{Type: tg, Inputs: map[string]any{"port": 443.0}}}}}
	d := Compare(old, cur)
	if len(d.Changes) != 1 || len(d.Changes[0].Risks) != 1 || d.Changes[0].Risks[0] != "replaced: "+plan.Risk(tg) {
		t.Fatalf("render -diff marks %+v", d.Changes)
	}
}
