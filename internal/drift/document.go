package drift

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Document is what `pulumi preview --refresh --json` prints, the fields drift
// reads. Read with the real CLI (3.274.1; fixtures in testdata/ were recorded
// by tests/e2e):
//
//   - first one step per resource in the state with op "refresh", oldState and
//     newState both the state the last update recorded, and no detailedDiff,
//     whatever the refresh found;
//   - then the preview's steps, against the refreshed state: only those with
//     something to do (and the stack's own). A step's oldState is the state as
//     the refresh read it from AWS, its newState the program's; diffReasons
//     names the top-level properties that differ (detailedDiff stays null,
//     with or without --diff). A resource deleted in AWS shows as a "create"
//     step without oldState.
//
// So drift is the difference between a refresh step's oldState (recorded) and
// the oldState of the preview step for the same resource (live), and the up
// writes back what that step's diffReasons name.
type Document struct {
	Steps       []Step `json:"steps"`
	Diagnostics []struct {
		Message  string `json:"message"`
		Severity string `json:"severity"`
	} `json:"diagnostics"`
}

// Step is one step of the document.
type Step struct {
	Op             string              `json:"op"`
	URN            string              `json:"urn"`
	OldState       *apitype.ResourceV3 `json:"oldState,omitempty"`
	NewState       *apitype.ResourceV3 `json:"newState,omitempty"`
	DiffReasons    []string            `json:"diffReasons,omitempty"`
	ReplaceReasons []string            `json:"replaceReasons,omitempty"`
	DetailedDiff   json.RawMessage     `json:"detailedDiff,omitempty"` // null in every step 3.274.1 printed
}

// readDocument parses the CLI's JSON and refuses a preview that failed: a
// document whose diagnostics hold an error says nothing about drift.
func readDocument(name string, b []byte) (*Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: not the JSON of pulumi preview --refresh --json: %v", name, err)
	}
	if len(d.Steps) == 0 {
		return nil, fmt.Errorf("%s: no steps: a preview of an existing stack lists at least the stack itself", name)
	}
	var errs []string
	for _, diag := range d.Diagnostics {
		if diag.Severity == "error" {
			errs = append(errs, strings.TrimSpace(diag.Message))
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: the preview reported errors, so it says nothing about drift: %s", name, strings.Join(errs, "; "))
	}
	return &d, nil
}

// split separates the refresh's steps, which come first, from the preview's.
func split(d *Document) (refresh, preview []Step, err error) {
	i := 0
	for i < len(d.Steps) && d.Steps[i].Op == "refresh" {
		i++
	}
	if i == 0 {
		return nil, nil, fmt.Errorf("no refresh steps: run pulumi preview --refresh --json (a preview without " +
			"--refresh compares the program with the recorded state, which knows nothing of changes in AWS)")
	}
	return d.Steps[:i], d.Steps[i:], nil
}

// inAWS says whether a state is a resource in AWS: not the stack, a provider,
// a StackReference (pulumi:* types) or a component.
func inAWS(st *apitype.ResourceV3) bool {
	return st != nil && st.Custom && !strings.HasPrefix(string(st.Type), "pulumi:")
}

func stepType(s Step) string {
	if s.NewState != nil {
		return string(s.NewState.Type)
	}
	if s.OldState != nil {
		return string(s.OldState.Type)
	}
	// The type is the URN's last-but-one part: urn:pulumi:STACK::PROJECT::PARENT$TYPE::NAME.
	parts := strings.Split(s.URN, "::")
	if len(parts) < 4 {
		return ""
	}
	t := parts[len(parts)-2]
	return t[strings.LastIndex(t, "$")+1:]
}
