package drift

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Pulumi property paths, as detailedDiff keys and ignoreChanges entries spell
// them: healthCheck.path, ingress[0].cidrBlocks[1], tags["team-name"], and in
// ignoreChanges a [*] for any element.

// path is a parsed property path: keys, element indexes as decimal strings,
// and "*" for any element.
type path []string

func parsePath(s string) (path, error) {
	var p path
	i := 0
	for i < len(s) {
		switch c := s[i]; {
		case c == '.':
			if i == 0 || i == len(s)-1 || s[i+1] == '.' || s[i+1] == '[' {
				return nil, fmt.Errorf("property path %q: a dot must join two names", s)
			}
			i++
		case c == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("property path %q: unclosed [", s)
			}
			inner := s[i+1 : i+end]
			if strings.HasPrefix(inner, `"`) {
				// A quoted key may hold ] itself: read the JSON string to its end.
				dec := json.NewDecoder(strings.NewReader(s[i+1:]))
				var key string
				if err := dec.Decode(&key); err != nil {
					return nil, fmt.Errorf("property path %q: bad quoted key: %v", s, err)
				}
				after := i + 1 + int(dec.InputOffset())
				if after >= len(s) || s[after] != ']' {
					return nil, fmt.Errorf("property path %q: want ] after the quoted key", s)
				}
				p = append(p, key)
				i = after + 1
				continue
			}
			if _, err := strconv.Atoi(inner); err != nil && inner != "*" {
				return nil, fmt.Errorf("property path %q: [%s] is neither an index, * nor a quoted key", s, inner)
			}
			p = append(p, inner)
			i += end + 1
		default:
			end := i
			for end < len(s) && s[end] != '.' && s[end] != '[' {
				end++
			}
			p = append(p, s[i:end])
			i = end
		}
	}
	if len(p) == 0 {
		return nil, fmt.Errorf("empty property path")
	}
	return p, nil
}

// mustPath parses a path from the CLI, keeping an unparsable one whole rather
// than dropping what it names.
func mustPath(s string) path {
	p, err := parsePath(s)
	if err != nil {
		return path{s}
	}
	return p
}

var identifier = regexp.MustCompile(`^[a-zA-Z_$][a-zA-Z0-9_$]*$`)

// String spells the path the way the CLI does.
func (p path) String() string {
	var b strings.Builder
	for i, seg := range p {
		_, err := strconv.Atoi(seg)
		switch {
		case i > 0 && (err == nil || seg == "*"):
			b.WriteString("[" + seg + "]")
		case identifier.MatchString(seg):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(seg)
		default:
			b.WriteString("[" + strconv.Quote(seg) + "]")
		}
	}
	return b.String()
}

// covers reports whether p names q or something that holds it: tags covers
// tags["team"], an element wildcard covers every element.
func (p path) covers(q path) bool {
	if len(p) > len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] && p[i] != "*" && q[i] != "*" {
			return false
		}
	}
	return true
}

// overlaps: one of the two paths holds the other.
func overlaps(p, q path) bool { return p.covers(q) || q.covers(p) }

// lookup reads the value at a path; ok is false when it is absent.
func lookup(v any, p path) (any, bool) {
	for _, seg := range p {
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[seg]
			if !ok {
				return nil, false
			}
			v = e
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// leafDiff names every leaf that differs between two property maps, for a CLI
// whose refresh step carries the old and new state but no detailed diff.
func leafDiff(old, cur map[string]any) []path {
	of, nf := map[string]string{}, map[string]string{}
	flatten(nil, old, of)
	flatten(nil, cur, nf)
	keys := map[string]bool{}
	for k := range of {
		keys[k] = true
	}
	for k := range nf {
		keys[k] = true
	}
	var out []path
	for k := range keys {
		if of[k] != nf[k] {
			out = append(out, mustPath(k))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func flatten(prefix path, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 && prefix != nil {
			out[prefix.String()] = "{}"
		}
		for k, e := range x {
			flatten(append(append(path(nil), prefix...), k), e, out)
		}
	case []any:
		if len(x) == 0 {
			out[prefix.String()] = "[]"
		}
		for i, e := range x {
			flatten(append(append(path(nil), prefix...), strconv.Itoa(i)), e, out)
		}
	default:
		out[prefix.String()] = valueText(x)
	}
}
