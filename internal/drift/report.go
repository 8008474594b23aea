package drift

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/example/webservice/internal/plan"
)

// maxValue caps a value in the report: a policy document or a container
// definition is one long JSON string, and its path says which it is.
const maxValue = 160

func short(s string) string {
	if r := []rune(s); len(r) > maxValue {
		return string(r[:maxValue]) + "..."
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return short(s)
}

// reverted are the drifted resources the up changes back, as render -diff
// prints a change: live value => the program's, with its !! marks.
func (r *Report) reverted() *plan.Diff {
	d := &plan.Diff{}
	for _, res := range r.Drifted {
		if res.UpOp == "" {
			continue
		}
		c := plan.Change{Op: res.UpOp, URN: res.URN, Type: res.Type,
			Risks: risks(res.UpOp, res.Type, res.Protected, res.Deleted)}
		for _, p := range res.Reverted {
			c.Properties = append(c.Properties, plan.PropertyChange{Path: p.Path, Old: short(p.Live),
				New: short(p.Program), Replaces: p.Replaces})
		}
		d.Changes = append(d.Changes, c)
	}
	return d
}

// Summary is the report's first line.
func (r *Report) Summary() string {
	if !r.HasDrift() {
		return fmt.Sprintf("No drift in stack %q: the %d resources the refresh read match its last update.", r.Stack, r.Refreshed)
	}
	return fmt.Sprintf("Drift in stack %q: %d of %d resources changed outside Pulumi since its last update.",
		r.Stack, len(r.Drifted), r.Refreshed)
}

// Write prints the report for a log: the drift in render -diff's language,
// then what is not drift.
func (r *Report) Write(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(r.Summary() + "\n")
	if d := r.reverted(); len(d.Changes) > 0 {
		b.WriteString("\nAn up after a refresh (pulumi up --refresh) changes these back (live value => the program's):\n")
		if err := plan.WriteDiff(&b, d); err != nil {
			return err
		}
	}
	var kept []Resource
	for _, res := range r.Drifted {
		if len(res.Kept) > 0 || (res.Deleted && res.UpOp == "") {
			kept = append(kept, res)
		}
	}
	if len(kept) > 0 {
		b.WriteString("\nChanged in AWS and left as they are by an up (the program does not set them; " +
			"recorded => live):\n")
		for _, res := range kept {
			fmt.Fprintf(&b, "  drift %s\n", res.URN)
			if res.Deleted {
				b.WriteString("      deleted in AWS; the up does not recreate it (the state still lists it)\n")
				for _, risk := range risks("", res.Type, false, true) {
					fmt.Fprintf(&b, "      !! %s\n", risk)
				}
			}
			for _, p := range res.Kept {
				fmt.Fprintf(&b, "      %s: %s => %s\n", p.Path, orNone(p.Recorded), orNone(p.Live))
			}
		}
	}
	if ign := r.ignoredProperties(); len(ign) > 0 {
		b.WriteString("\nIgnored, not drift (the program ignores changes to these; recorded => live):\n")
		for _, res := range ign {
			fmt.Fprintf(&b, "  ignored %s\n", res.URN)
			for _, p := range res.Ignored {
				fmt.Fprintf(&b, "      %s: %s => %s\n", p.Path, orNone(p.Recorded), orNone(p.Live))
			}
		}
	}
	if len(r.Pending) > 0 {
		b.WriteString("\nNot drift: the program's own changes, waiting for an up:\n")
		pending := &plan.Diff{}
		for _, c := range r.Pending {
			for i := range c.Properties {
				c.Properties[i].Old, c.Properties[i].New = short(c.Properties[i].Old), short(c.Properties[i].New)
			}
			pending.Changes = append(pending.Changes, c)
		}
		if err := plan.WriteDiff(&b, pending); err != nil {
			return err
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ignoredProperties are every resource with ignored changes, drifted or not.
func (r *Report) ignoredProperties() []Resource {
	var out []Resource
	for _, res := range append(append([]Resource(nil), r.Drifted...), r.Ignored...) {
		if len(res.Ignored) > 0 {
			out = append(out, res)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// Text is Write into a string.
func (r *Report) Text() string {
	var b strings.Builder
	_ = r.Write(&b)
	return b.String()
}
