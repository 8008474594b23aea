package render

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
)

// updateDocument is `pulumi preview --json` of the update from old (what the
// stack runs, in render's world) to p: the stack's own step (same), the reads,
// then one step per change, by URN. Unchanged resources are left out, as the CLI
// leaves out its "same" steps, but counted in changeSummary.
func (p *Preview) updateDocument(old *Preview, d *Diff) *Document {
	doc := &Document{Config: p.Config, Diagnostics: p.Diagnostics, Duration: p.Duration,
		ChangeSummary: map[string]int{}, Render: p.extras(KindUpdate)}
	doc.Render.Diff = d

	oldBy, curBy := stepsByURN(old), stepsByURN(p)

	root := p.stackStep()
	doc.Steps = append(doc.Steps, DocStep{Op: "same", URN: root.URN,
		OldState: rootState(root.URN, old.Outputs), NewState: rootState(root.URN, nil)})
	for _, s := range p.Steps {
		if s.Op != "read" {
			continue
		}
		step := DocStep{Op: "read", URN: s.URN, Provider: p.defaultProvider("pulumi"),
			NewState: newStateV3(s.NewState, s.NewState.Inputs, p.defaultProvider("pulumi"))}
		if o, ok := oldBy[s.URN]; ok {
			o.NewState.Provider = step.Provider
			step.OldState = oldStateV3(o.NewState)
		}
		doc.Steps = append(doc.Steps, step)
	}

	changed := 0
	for _, c := range d.Changes {
		o, n := oldBy[c.URN], curBy[c.URN]
		switch c.Op {
		case "delete":
			doc.Steps = append(doc.Steps, DocStep{Op: "delete", URN: c.URN, Provider: o.NewState.Provider,
				OldState: oldStateV3(o.NewState)})
			doc.ChangeSummary["delete"]++
			continue
		case "create":
			pv := previewOf(n)
			doc.Steps = append(doc.Steps, DocStep{Op: "create", URN: c.URN, Provider: pv.Provider,
				NewState: newStateV3(n.NewState, pv.Inputs, pv.Provider)})
			doc.ChangeSummary["create"]++
			changed++
			continue
		}
		pv := previewOf(n)
		provider, inputs := pv.Provider, pv.Inputs
		step := DocStep{Op: c.Op, URN: c.URN, Provider: provider, OldState: oldStateV3(o.NewState),
			NewState: newStateV3(n.NewState, inputs, provider)}
		step.DetailedDiff, step.DiffReasons, step.ReplaceReasons = detailedDiff(o.NewState.Inputs, inputs, n.NewState.Type)
		if len(step.DetailedDiff) == 0 && o.NewState.Protect != n.NewState.Protect {
			// Protecting or unprotecting alone changes nothing in the cloud: the
			// engine shows it as a same step.
			step.Op, step.DetailedDiff = "same", nil
			doc.Steps = append(doc.Steps, step)
			continue
		}
		if c.Op != "replace" {
			step.ReplaceReasons = nil
		}
		doc.Steps = append(doc.Steps, step)
		doc.ChangeSummary[c.Op]++
		changed++
	}
	same := 0
	for _, s := range p.Steps {
		if s.Op != "read" {
			same++
		}
	}
	if same -= changed; same > 0 {
		doc.ChangeSummary["same"] = same
	}
	return doc
}

func stepsByURN(p *Preview) map[string]Step {
	m := make(map[string]Step, len(p.Steps))
	for _, s := range p.Steps {
		m[s.URN] = s
	}
	return m
}

// detailedDiff compares old and new inputs leaf by leaf, naming each difference
// by its Pulumi property path (healthCheck.interval, ingress[0], tags["a-b"]).
// It returns the diff, the top-level keys that differ and those of them that
// force a replacement.
func detailedDiff(old, cur map[string]any, typ string) (map[string]PropDiffV1, []string, []string) {
	dd := map[string]PropDiffV1{}
	diffKeys, replaceKeys := map[string]bool{}, map[string]bool{}
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range cur {
		keys[k] = true
	}
	for k := range keys {
		o, hasOld := old[k]
		n, hasNew := cur[k]
		before := len(dd)
		diffValue(propPath("", k), o, hasOld, n, hasNew, replaces(typ, k), dd)
		if len(dd) > before {
			diffKeys[k] = true
			if replaces(typ, k) {
				replaceKeys[k] = true
			}
		}
	}
	if len(dd) == 0 {
		dd = nil
	}
	return dd, sortedKeys(diffKeys), sortedKeys(replaceKeys)
}

func diffValue(path string, o any, hasOld bool, n any, hasNew bool, replace bool, dd map[string]PropDiffV1) {
	if hasOld && hasNew && reflect.DeepEqual(o, n) {
		return
	}
	if hasOld && hasNew {
		switch ov := o.(type) {
		case map[string]any:
			if nv, ok := n.(map[string]any); ok {
				keys := map[string]bool{}
				for k := range ov {
					keys[k] = true
				}
				for k := range nv {
					keys[k] = true
				}
				for k := range keys {
					oe, ho := ov[k]
					ne, hn := nv[k]
					diffValue(propPath(path, k), oe, ho, ne, hn, replace, dd)
				}
				return
			}
		case []any:
			if nv, ok := n.([]any); ok {
				for i := 0; i < max(len(ov), len(nv)); i++ {
					var oe, ne any
					if i < len(ov) {
						oe = ov[i]
					}
					if i < len(nv) {
						ne = nv[i]
					}
					diffValue(fmt.Sprintf("%s[%d]", path, i), oe, i < len(ov), ne, i < len(nv), replace, dd)
				}
				return
			}
		}
	}
	kind := "update"
	switch {
	case !hasOld:
		kind = "add"
	case !hasNew:
		kind = "delete"
	}
	if replace {
		kind += "-replace"
	}
	dd[path] = PropDiffV1{Kind: kind, InputDiff: true}
}

var identifier = regexp.MustCompile(`^[a-zA-Z_$][a-zA-Z0-9_$]*$`)

// propPath appends a key to a Pulumi property path: a.b, or a["b-c"] when the key
// is not an identifier.
func propPath(prefix, k string) string {
	switch {
	case !identifier.MatchString(k):
		return prefix + "[" + strconv.Quote(k) + "]"
	case prefix == "":
		return k
	default:
		return prefix + "." + k
	}
}

// previewOf is what the preview pass saw of a step, or its resolved values when
// the pass did not see it.
func previewOf(s Step) previewed {
	if s.Preview != nil {
		return *s.Preview
	}
	return previewed{Inputs: s.NewState.Inputs, Provider: s.NewState.Provider}
}
