package render

import (
	"fmt"
	"sort"
	"strings"

	"github.com/example/webservice/internal/plan"
)

// Compare diffs two renders, matching resources by URN.
func Compare(old, cur *Preview) *Diff {
	oldBy, curBy := byURN(old), byURN(cur)
	d := &Diff{}
	for urn, o := range oldBy {
		if _, ok := curBy[urn]; !ok {
			c := Change{Op: "delete", URN: urn, Type: o.Type}
			if risk := plan.Risk(o.Type); risk != "" {
				c.Risks = append(c.Risks, "deleted: "+risk+
					" (if this is a rename, add pulumi.Aliases so the live resource is kept)")
			}
			d.Changes = append(d.Changes, c)
		}
	}
	for urn, n := range curBy {
		o, ok := oldBy[urn]
		if !ok {
			d.Changes = append(d.Changes, Change{Op: "create", URN: urn, Type: n.Type})
			continue
		}
		props := diffProps(o.Inputs, n.Inputs, n.Type)
		if o.Protect != n.Protect {
			props = append(props, PropertyChange{Path: "(protect)", Old: fmt.Sprint(o.Protect), New: fmt.Sprint(n.Protect)})
		}
		if len(props) == 0 {
			continue
		}
		c := Change{Op: "update", URN: urn, Type: n.Type, Properties: props}
		for _, p := range props {
			if p.Replaces {
				c.Op = "replace"
			}
		}
		if c.Op == "replace" {
			if risk := plan.Risk(n.Type); risk != "" {
				c.Risks = append(c.Risks, "replaced: "+risk)
			}
			if o.Protect {
				c.Risks = append(c.Risks, "the resource is protected: pulumi up will refuse to replace it")
			}
		}
		d.Changes = append(d.Changes, c)
	}
	propagateReplacements(d, oldBy)
	sort.Slice(d.Changes, func(i, j int) bool { return d.Changes[i].URN < d.Changes[j].URN })
	d.Outputs = diffProps(old.Outputs, cur.Outputs, "")
	return d
}

// propagateReplacements marks what changes because another resource is replaced:
// a replaced resource gets a new id and ARN, so every input that held the old one
// changes too (offline, the made-up new values can equal the old ones). A
// dependent whose changed input forces replacement is replaced in turn.
func propagateReplacements(d *Diff, oldBy map[string]State) {
	index := map[string]int{}
	for i, c := range d.Changes {
		index[c.URN] = i
	}
	done := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, c := range append([]Change(nil), d.Changes...) {
			if c.Op != "replace" || done[c.URN] {
				continue
			}
			done[c.URN] = true
			changed = true
			old := oldBy[c.URN]
			values := computedValues(old)
			name := c.URN[strings.LastIndex(c.URN, "::")+2:]
			for urn, dep := range oldBy {
				if urn == c.URN {
					continue
				}
				flat := map[string]string{}
				flatten("", dep.Inputs, flat)
				var props []PropertyChange
				for path, v := range flat {
					for _, val := range values {
						if holds(v, val) {
							props = append(props, PropertyChange{Path: path, Old: v,
								New: fmt.Sprintf("(known after %s is replaced)", name), Replaces: replaces(dep.Type, path)})
							break
						}
					}
				}
				if len(props) == 0 {
					continue
				}
				i, ok := index[urn]
				if !ok {
					d.Changes = append(d.Changes, Change{Op: "update", URN: urn, Type: dep.Type})
					i = len(d.Changes) - 1
					index[urn] = i
				}
				dc := &d.Changes[i]
				if dc.Op == "delete" || dc.Op == "create" {
					continue
				}
				for _, p := range props {
					if !hasPath(dc.Properties, p.Path) {
						dc.Properties = append(dc.Properties, p)
					}
					if p.Replaces && dc.Op != "replace" {
						dc.Op = "replace"
						if risk := plan.Risk(dc.Type); risk != "" {
							dc.Risks = append(dc.Risks, "replaced: "+risk)
						}
					}
				}
				sort.Slice(dc.Properties, func(a, b int) bool { return dc.Properties[a].Path < dc.Properties[b].Path })
			}
		}
	}
}

// computedValues are the identifiers other resources may hold of a resource.
func computedValues(s State) []string {
	var vals []string
	if s.ID != "" {
		vals = append(vals, s.ID)
	}
	// arnSuffix: alarms and the dashboard name the ALB and target group by it.
	for _, k := range []string{"arn", "arnSuffix", "dnsName", "repositoryUrl"} {
		if v, ok := s.Outputs[k].(string); ok && v != "" {
			vals = append(vals, v)
		}
	}
	return vals
}

// holds reports whether a flattened input (JSON text) carries an identifier:
// the identifier itself, or, for ARNs and AWS URLs, a string that embeds it (a
// policy's log-stream ARN, an image reference). Short ids such as names are
// matched exactly only: a service name is a substring of half the stack.
func holds(flat, id string) bool {
	if flat == fmt.Sprintf("%q", id) {
		return true
	}
	distinctive := strings.HasPrefix(id, "arn:") || strings.Contains(id, ".amazonaws.com")
	return distinctive && strings.Contains(flat, id)
}

func hasPath(ps []PropertyChange, path string) bool {
	for _, p := range ps {
		if p.Path == path {
			return true
		}
	}
	return false
}

func byURN(p *Preview) map[string]State {
	m := map[string]State{}
	for _, s := range p.Steps {
		if s.NewState.Type == StackType || s.Op == "read" {
			continue
		}
		m[s.URN] = s.NewState
	}
	return m
}

func diffProps(old, cur map[string]any, typ string) []PropertyChange {
	of, nf := map[string]string{}, map[string]string{}
	flatten("", old, of)
	flatten("", cur, nf)
	paths := map[string]bool{}
	for k := range of {
		paths[k] = true
	}
	for k := range nf {
		paths[k] = true
	}
	var out []PropertyChange
	for path := range paths {
		if of[path] == nf[path] {
			continue
		}
		out = append(out, PropertyChange{Path: path, Old: of[path], New: nf[path], Replaces: replaces(typ, path)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
