package drift

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/example/webservice/internal/render"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Mode says which commands produced the input, and so what "the up" is.
type Mode int

const (
	// AfterRefresh: one `pulumi preview --refresh`; its preview is what an up
	// after a refresh (pulumi up --refresh) would do.
	AfterRefresh Mode = iota
	// ThisUp: a refresh and a plain preview; the preview is exactly what the
	// deploy's `pulumi up`, which does not refresh, is about to do.
	ThisUp
)

// Property is one drifted property. Values are JSON text; "" is absent.
type Property struct {
	Path     string `json:"path"`
	Recorded string `json:"recorded,omitempty"` // what the last update recorded
	Live     string `json:"live,omitempty"`     // what AWS has now
	Program  string `json:"program,omitempty"`  // what the up writes back (reverted only)
	Replaces bool   `json:"replaces,omitempty"` // changing it back replaces the resource
}

// Resource is one resource that changed in AWS.
type Resource struct {
	URN       string     `json:"urn"`
	Type      string     `json:"type"`
	Deleted   bool       `json:"deleted,omitempty"` // gone from AWS
	Protected bool       `json:"protected,omitempty"`
	UpOp      string     `json:"upOp,omitempty"` // what the up does to it: create, update, replace; "" nothing
	Reverted  []Property `json:"reverted,omitempty"`
	Kept      []Property `json:"kept,omitempty"`
	Ignored   []Property `json:"ignored,omitempty"`
}

// drifted: something changed in AWS that the program does not ignore.
func (r Resource) drifted() bool {
	return r.Deleted || len(r.Reverted) > 0 || len(r.Kept) > 0
}

// Report is the verdict on one stack.
type Report struct {
	Stack     string          `json:"stack"`
	Mode      Mode            `json:"mode"`
	Refreshed int             `json:"refreshed"`         // resources the refresh read
	Drifted   []Resource      `json:"drifted,omitempty"` // changed in AWS, not ignored
	Ignored   []Resource      `json:"ignored,omitempty"` // changed only where the program ignores changes
	Pending   []render.Change `json:"pending,omitempty"` // the program's own changes, waiting for an up
}

// HasDrift reports whether anything changed in AWS that the program does not ignore.
func (r *Report) HasDrift() bool { return len(r.Drifted) > 0 }

// previewed is what the up does to one resource.
type previewed struct {
	step  render.DocStep
	op    string
	paths []path // nil: the whole resource (create, replace without a diff)
}

// upOp folds the CLI's replacement steps into the op render prints.
func upOp(op string) string {
	switch op {
	case "replace", "create-replacement", "delete-replaced":
		return "replace"
	case "create", "update", "delete":
		return op
	}
	return "" // same, read, refresh, discard...: nothing changes in AWS
}

// Analyze classifies the refresh's changes against what the up would do.
func Analyze(stack string, mode Mode, refresh, preview []render.DocStep) *Report {
	rep := &Report{Stack: stack, Mode: mode}
	up := map[string]*previewed{}
	var upOrder []string
	for _, s := range preview {
		op := upOp(s.Op)
		if op == "" {
			continue
		}
		p, ok := up[s.URN]
		if !ok {
			p = &previewed{step: s, op: op}
			up[s.URN] = p
			upOrder = append(upOrder, s.URN)
		}
		if op == "replace" {
			p.op = "replace"
		}
		p.paths = append(p.paths, diffPaths(s)...)
	}

	explained := map[string][]path{} // per URN, the preview paths drift accounts for
	for _, s := range refresh {
		rep.Refreshed++
		res, changes, ok := changed(s)
		if !ok {
			continue
		}
		p := up[s.URN]
		if res.Deleted {
			if p != nil && (p.op == "create" || p.op == "replace") {
				res.UpOp = p.op
				explained[s.URN] = []path{nil}
			}
			rep.Drifted = append(rep.Drifted, res)
			continue
		}
		ignore := ignoreRules(s, p)
		for _, pr := range changes {
			pp := mustPath(pr.Path)
			switch {
			case ignored(ignore, pp):
				res.Ignored = append(res.Ignored, pr)
			case p != nil && p.touches(pp):
				pr.Program = programValue(p.step, pp)
				pr.Replaces = p.op == "replace" && (p.replaces(pp) || render.ForcesReplacement(res.Type, pp.String()))
				res.Reverted = append(res.Reverted, pr)
				explained[s.URN] = append(explained[s.URN], pp)
			default:
				res.Kept = append(res.Kept, pr)
			}
		}
		if len(res.Reverted) > 0 {
			res.UpOp = p.op
		}
		switch {
		case res.drifted():
			rep.Drifted = append(rep.Drifted, res)
		case len(res.Ignored) > 0:
			rep.Ignored = append(rep.Ignored, res)
		}
	}

	for _, urn := range upOrder {
		if c, ok := pending(up[urn], explained[urn]); ok {
			rep.Pending = append(rep.Pending, c)
		}
	}
	sort.Slice(rep.Drifted, func(i, j int) bool { return rep.Drifted[i].URN < rep.Drifted[j].URN })
	sort.Slice(rep.Ignored, func(i, j int) bool { return rep.Ignored[i].URN < rep.Ignored[j].URN })
	sort.Slice(rep.Pending, func(i, j int) bool { return rep.Pending[i].URN < rep.Pending[j].URN })
	return rep
}

// changed reads one refresh step: what AWS changed, if anything. Every
// changed property is returned for the caller to classify.
func changed(s render.DocStep) (Resource, []Property, bool) {
	res := Resource{URN: s.URN, Type: stepType(s)}
	if s.OldState != nil {
		res.Protected = s.OldState.Protect
	}
	switch s.Op {
	case "delete":
		res.Deleted = true
		return res, nil, true
	case "update":
	default:
		return res, nil, false // refresh, same: AWS matches the state
	}
	var paths []path
	for k := range s.DetailedDiff {
		paths = append(paths, mustPath(k))
	}
	if len(paths) == 0 && s.OldState != nil && s.NewState != nil {
		// A CLI that shows the refresh's states but not its diff.
		paths = leafDiff(stateValues(s.OldState), stateValues(s.NewState))
	}
	sort.Slice(paths, func(i, j int) bool { return paths[i].String() < paths[j].String() })
	var props []Property
	for _, p := range paths {
		props = append(props, Property{Path: p.String(), Recorded: valueAt(s.OldState, p), Live: valueAt(s.NewState, p)})
	}
	return res, props, len(props) > 0
}

// stateValues are what a refresh reads: the outputs, which for a provider's
// resource echo its inputs too; a component has inputs only.
func stateValues(st *apitype.ResourceV3) map[string]any {
	if st == nil {
		return nil
	}
	if len(st.Outputs) > 0 {
		return st.Outputs
	}
	return st.Inputs
}

func valueAt(st *apitype.ResourceV3, p path) string {
	if st == nil {
		return ""
	}
	if v, ok := lookup(st.Outputs, p); ok {
		return valueText(v)
	}
	if v, ok := lookup(st.Inputs, p); ok {
		return valueText(v)
	}
	return ""
}

// programValue is what the up writes at a path: the program's input.
func programValue(s render.DocStep, p path) string {
	if s.NewState == nil {
		return ""
	}
	if v, ok := lookup(s.NewState.Inputs, p); ok {
		return valueText(v)
	}
	return ""
}

// valueText is a value as JSON text; a value the preview cannot know yet says so.
func valueText(v any) string {
	if s, ok := v.(string); ok && s == render.UnknownValue {
		return "(known after pulumi up)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// diffPaths are the properties a preview step changes: its detailed diff,
// else its top-level diff reasons; nil for the whole resource.
func diffPaths(s render.DocStep) []path {
	var out []path
	for k := range s.DetailedDiff {
		out = append(out, mustPath(k))
	}
	if len(out) == 0 {
		for _, k := range s.DiffReasons {
			out = append(out, path{k})
		}
	}
	if len(out) == 0 {
		out = append(out, nil)
	}
	return out
}

// touches: the up writes the path (or replaces, creates or deletes the whole).
func (p *previewed) touches(q path) bool {
	if p.op != "update" {
		return true
	}
	for _, pp := range p.paths {
		if pp == nil || overlaps(pp, q) {
			return true
		}
	}
	return false
}

// replaces: the provider said this path forces the replacement.
func (p *previewed) replaces(q path) bool {
	for k, d := range p.step.DetailedDiff {
		if strings.HasSuffix(d.Kind, "-replace") && overlaps(mustPath(k), q) {
			return true
		}
	}
	for _, k := range p.step.ReplaceReasons {
		if overlaps(path{k}, q) {
			return true
		}
	}
	return false
}

// ignoreRules are the resource's ignoreChanges as the state recorded them and
// as the program declares them now.
func ignoreRules(s render.DocStep, p *previewed) []path {
	var out []path
	for _, st := range []*apitype.ResourceV3{s.OldState, s.NewState} {
		if st != nil {
			for _, k := range st.IgnoreChanges {
				out = append(out, mustPath(k))
			}
		}
	}
	if p != nil && p.step.NewState != nil {
		for _, k := range p.step.NewState.IgnoreChanges {
			out = append(out, mustPath(k))
		}
	}
	return out
}

// ignored: an ignoreChanges entry holds the path. An entry inside the path
// (tags["a"] of a changed tags) does not: the rest of it still drifted.
func ignored(rules []path, p path) bool {
	for _, r := range rules {
		if r.covers(p) {
			return true
		}
	}
	return false
}

// pending is a preview step's change that drift does not account for: the
// program's own, waiting for an up.
func pending(p *previewed, explained []path) (render.Change, bool) {
	s := p.step
	typ := stepType(s)
	c := render.Change{Op: p.op, URN: s.URN, Type: typ}
	for _, e := range explained {
		if e == nil {
			return c, false // the up recreates what AWS lost: that is the drift's
		}
	}
	var rest []path
	for _, pp := range p.paths {
		if pp == nil {
			if len(explained) == 0 {
				rest = append(rest, nil)
			}
			continue
		}
		if !anyOverlap(explained, pp) {
			rest = append(rest, pp)
		}
	}
	if len(rest) == 0 {
		return c, false
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].String() < rest[j].String() })
	for _, pp := range rest {
		if pp == nil {
			continue
		}
		var old string
		if s.OldState != nil {
			if v, ok := lookup(s.OldState.Inputs, pp); ok {
				old = valueText(v)
			}
		}
		c.Properties = append(c.Properties, render.PropertyChange{Path: pp.String(), Old: old,
			New: programValue(s, pp), Replaces: p.op == "replace" && (p.replaces(pp) || render.ForcesReplacement(typ, pp.String()))})
	}
	c.Risks = risks(p.op, typ, s.OldState != nil && s.OldState.Protect, false)
	return c, true
}

func anyOverlap(ps []path, q path) bool {
	for _, p := range ps {
		if overlaps(p, q) {
			return true
		}
	}
	return false
}

// risks are the !! lines of a change, in render -diff's words; lostInAWS is a
// resource someone deleted outside Pulumi, whatever the up does about it.
func risks(op, typ string, protected, lostInAWS bool) []string {
	risk := render.ReplacementRisk(typ)
	var out []string
	switch {
	case lostInAWS && risk != "":
		out = append(out, "deleted in AWS: "+risk)
	case op == "replace" && risk != "":
		out = append(out, "replaced: "+risk)
	case op == "delete" && risk != "":
		out = append(out, "deleted: "+risk)
	}
	if op == "replace" && protected {
		out = append(out, "the resource is protected: pulumi up will refuse to replace it")
	}
	return out
}
