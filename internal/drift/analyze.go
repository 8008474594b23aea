package drift

import (
	"encoding/json"
	"sort"

	"github.com/example/webservice/internal/plan"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
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
	Stack     string        `json:"stack"`
	Refreshed int           `json:"refreshed"`         // resources in AWS the refresh read
	Drifted   []Resource    `json:"drifted,omitempty"` // changed in AWS, not ignored
	Ignored   []Resource    `json:"ignored,omitempty"` // changed only where the program ignores changes
	Pending   []plan.Change `json:"pending,omitempty"` // the program's own changes, waiting for an up
}

// HasDrift reports whether anything changed in AWS that the program does not ignore.
func (r *Report) HasDrift() bool { return len(r.Drifted) > 0 }

// upOp folds the CLI's replacement steps into the op render prints; "" is a
// step that changes nothing in AWS (same, read).
func upOp(op string) string {
	switch op {
	case "replace", "create-replacement", "delete-replaced":
		return "replace"
	case "create", "update", "delete":
		return op
	}
	return ""
}

// Analyze reads a `pulumi preview --refresh --json` document: what changed in
// AWS since the last update, and what `pulumi up --refresh` would do about it.
//
// A resource the preview has no step for is one the up leaves alone: AWS
// matches the program, or differs only where the program ignores changes.
// Either way nothing in the document shows it, so an ignored change (the
// autoscaled desiredCount) appears only when the resource changes for
// another reason too.
func Analyze(stack string, doc *Document) (*Report, error) {
	refresh, preview, err := split(doc)
	if err != nil {
		return nil, err
	}
	rep := &Report{Stack: stack}
	up := map[string]Step{}
	var upOrder []string
	for _, s := range preview {
		if _, seen := up[s.URN]; !seen {
			upOrder = append(upOrder, s.URN)
		} else if upOp(s.Op) != "replace" {
			continue // a replacement's own steps after it change nothing here
		}
		up[s.URN] = s
	}

	explained := map[string]map[string]bool{} // per URN, the top-level properties drift accounts for
	recorded := map[string]bool{}
	for _, r := range refresh {
		if !inAWS(r.OldState) {
			continue
		}
		rep.Refreshed++
		recorded[r.URN] = true
		p, planned := up[r.URN]
		if !planned {
			continue
		}
		res := Resource{URN: r.URN, Type: string(r.OldState.Type), Protected: r.OldState.Protect}
		if p.OldState == nil {
			// The refresh found it gone; the up creates it again.
			res.Deleted, res.UpOp = true, upOp(p.Op)
			explained[r.URN] = map[string]bool{"*": true}
			rep.Drifted = append(rep.Drifted, res)
			continue
		}
		ignore := ignoreRules(r.OldState, p.NewState)
		touched := map[string]bool{}
		for _, k := range p.DiffReasons {
			touched[k] = true
		}
		for _, pp := range leafDiff(comparable(r.OldState.Outputs), comparable(p.OldState.Outputs)) {
			pr := Property{Path: pp.String(), Recorded: valueAt(r.OldState, pp), Live: valueAt(p.OldState, pp)}
			switch {
			case ignored(ignore, pp):
				res.Ignored = append(res.Ignored, pr)
			case upOp(p.Op) == "replace" || touched[pp[0]]:
				pr.Program = programValue(p, pp)
				pr.Replaces = upOp(p.Op) == "replace" && (contains(p.ReplaceReasons, pp[0]) || plan.Replaces(res.Type, pp.String()))
				res.Reverted = append(res.Reverted, pr)
				if explained[r.URN] == nil {
					explained[r.URN] = map[string]bool{}
				}
				explained[r.URN][pp[0]] = true
			default:
				res.Kept = append(res.Kept, pr)
			}
		}
		if len(res.Reverted) > 0 {
			res.UpOp = upOp(p.Op)
		}
		switch {
		case res.drifted():
			rep.Drifted = append(rep.Drifted, res)
		case len(res.Ignored) > 0:
			rep.Ignored = append(rep.Ignored, res)
		}
	}

	for _, urn := range upOrder {
		if c, ok := pending(up[urn], recorded[urn], explained[urn]); ok {
			rep.Pending = append(rep.Pending, c)
		}
	}
	sort.Slice(rep.Drifted, func(i, j int) bool { return rep.Drifted[i].URN < rep.Drifted[j].URN })
	sort.Slice(rep.Ignored, func(i, j int) bool { return rep.Ignored[i].URN < rep.Ignored[j].URN })
	sort.Slice(rep.Pending, func(i, j int) bool { return rep.Pending[i].URN < rep.Pending[j].URN })
	return rep, nil
}

// pending is a preview step's change that drift does not account for: the
// program's own, waiting for an up.
func pending(p Step, wasRecorded bool, explained map[string]bool) (plan.Change, bool) {
	op := upOp(p.Op)
	typ := stepType(p)
	if op == "" || explained["*"] || (op != "delete" && !inAWS(p.NewState)) || (op == "delete" && !inAWS(p.OldState)) {
		return plan.Change{}, false
	}
	c := plan.Change{Op: op, URN: p.URN, Type: typ}
	var rest []string
	for _, k := range p.DiffReasons {
		if !explained[k] {
			rest = append(rest, k)
		}
	}
	if op == "update" && len(rest) == 0 {
		return c, false
	}
	if op == "create" && !wasRecorded {
		return c, true // new in the program
	}
	sort.Strings(rest)
	for _, k := range rest {
		pp := path{k}
		var old string
		if p.OldState != nil {
			if v, ok := lookup(p.OldState.Inputs, pp); ok {
				old = valueText(v)
			}
		}
		c.Properties = append(c.Properties, plan.PropertyChange{Path: k, Old: old, New: programValue(p, pp),
			Replaces: op == "replace" && (contains(p.ReplaceReasons, k) || plan.Replaces(typ, k))})
	}
	c.Risks = risks(op, typ, p.OldState != nil && p.OldState.Protect, false)
	return c, true
}

// comparable is a state's outputs as drift compares them: an absent value,
// null, "" and an empty list or map are one and the same (a refresh reads a
// tag map AWS never set as {} where the update recorded null), and a JSON
// document in a string compares by content, not by spelling (AWS returns
// policies with its own key order).
func comparable(outputs map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range outputs {
		if n := normalize(v); n != nil {
			out[k] = n
		}
	}
	return out
}

func normalize(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		if x == "" {
			return nil
		}
		if x[0] == '{' || x[0] == '[' {
			var doc any
			if json.Unmarshal([]byte(x), &doc) == nil {
				canonical, _ := json.Marshal(doc) // map keys sorted
				return string(canonical)
			}
		}
		return x
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if n := normalize(e); n != nil {
				out[k] = n
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	default:
		return x
	}
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
func programValue(s Step, p path) string {
	if s.NewState == nil {
		return ""
	}
	if v, ok := lookup(s.NewState.Inputs, p); ok {
		return valueText(v)
	}
	return ""
}

// unknownValue is how the engine spells a value the preview cannot know yet:
// plugin.UnknownStringValue, kept here because that package would add ~340
// packages to bin/drift for one constant.
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

// valueText is a value as JSON text; a value the preview cannot know yet says so.
func valueText(v any) string {
	if s, ok := v.(string); ok && s == unknownValue {
		return "(known after pulumi up)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}

// ignoreRules are the resource's ignoreChanges as the state recorded them and
// as the program declares them now.
func ignoreRules(states ...*apitype.ResourceV3) []path {
	var out []path
	for _, st := range states {
		if st != nil {
			for _, k := range st.IgnoreChanges {
				out = append(out, mustPath(k))
			}
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

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// risks are the !! lines of a change, in render -diff's words; lostInAWS is a
// resource someone deleted outside Pulumi, whatever the up does about it.
func risks(op, typ string, protected, lostInAWS bool) []string {
	risk := plan.Risk(typ)
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
