package render

import (
	"io"

	"github.com/example/webservice/internal/plan"
)

// The language of changes is internal/plan's, shared with internal/drift.
type (
	Change         = plan.Change
	PropertyChange = plan.PropertyChange
	Diff           = plan.Diff
)

// WriteDiff prints the diff for a reviewer.
func WriteDiff(w io.Writer, d *Diff) error { return plan.WriteDiff(w, d) }

func replaces(typ, path string) bool { return plan.Replaces(typ, path) }
