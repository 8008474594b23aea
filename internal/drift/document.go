package drift

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/example/webservice/internal/render"
)

// refreshOps are the ops a refresh step can end with in the CLI's JSON: the
// refresh's own when nothing changed, rewritten to update (with the refresh's
// diff) or delete (the resource is gone) when something did. Some CLI
// versions show an unchanged refresh as same.
var refreshOps = map[string]bool{"refresh": true, "update": true, "delete": true, "same": true}

// Document is a parsed `pulumi preview --json` or `pulumi refresh --json`.
type Document = render.Document

// readDocument parses the CLI's JSON and refuses a preview that failed: a
// document whose diagnostics hold an error says nothing about drift.
func readDocument(name string, b []byte) (*Document, error) {
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: not the JSON of pulumi preview --json or pulumi refresh --json: %v", name, err)
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
		return nil, fmt.Errorf("%s: the command reported errors, so it says nothing about drift: %s", name, strings.Join(errs, "; "))
	}
	return &d, nil
}

// skipped are steps that are no resource in AWS: the stack itself, providers,
// and the StackReference the program reads its own last outputs with, whose
// refresh always differs after a deploy that changed an output.
func skipped(s render.DocStep) bool {
	typ := stepType(s)
	return strings.HasPrefix(typ, "pulumi:") || typ == ""
}

func stepType(s render.DocStep) string {
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

// splitCombined separates a `pulumi preview --refresh --json` document into
// the refresh's steps and the preview's. The engine refreshes every resource
// before the program runs, so the refresh's steps come first, one per URN; the
// preview begins at the first step that is no refresh op (this program's
// first is the read of its own StackReference) or names a URN the refresh
// already showed.
func splitCombined(steps []render.DocStep) (refresh, preview []render.DocStep, err error) {
	seen := map[string]bool{}
	inPreview := false
	for _, s := range steps {
		if !inPreview && (!refreshOps[s.Op] || seen[s.URN]) {
			inPreview = true
		}
		if !inPreview {
			seen[s.URN] = true // the stack and providers too: their second step is the preview's
		}
		switch {
		case skipped(s):
		case inPreview:
			preview = append(preview, s)
		default:
			refresh = append(refresh, s)
		}
	}
	if len(refresh) == 0 {
		return nil, nil, fmt.Errorf("no refresh steps: run pulumi preview --refresh --json (a preview without " +
			"--refresh compares the program with the recorded state, which knows nothing of changes in AWS)")
	}
	return refresh, preview, nil
}

// refreshSteps checks a `pulumi refresh --preview-only --json` document holds
// only refresh steps.
func refreshSteps(d *Document) ([]render.DocStep, error) {
	var out []render.DocStep
	for _, s := range d.Steps {
		if skipped(s) {
			continue
		}
		if !refreshOps[s.Op] {
			return nil, fmt.Errorf("step %s %s is no refresh: pass the output of pulumi refresh --preview-only --json", s.Op, s.URN)
		}
		out = append(out, s)
	}
	return out, nil
}

// previewSteps checks a plain `pulumi preview --json` document: a refresh step
// in it means it was run with --refresh, and the two forms must not be mixed.
func previewSteps(d *Document) ([]render.DocStep, error) {
	var out []render.DocStep
	for _, s := range d.Steps {
		if skipped(s) {
			continue
		}
		if s.Op == "refresh" {
			return nil, fmt.Errorf("step refresh %s: with -refresh, -preview is a plain pulumi preview --json, without --refresh", s.URN)
		}
		out = append(out, s)
	}
	return out, nil
}
