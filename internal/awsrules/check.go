// Package awsrules checks every value the program sets against what AWS
// accepts and `pulumi preview` would not catch, offline. Pulumi's mock engine
// runs no provider Check and makes no call, so without this a value AWS
// refuses (an ECR repository name in upper case, a security-group
// description with an apostrophe) passes every test and fails a real
// `pulumi up`, after other resources were created.
//
// The rules are data, one table (rules.go), each row citing its source. What
// the provider's own validators refuse at preview has no row: the end-to-end
// suite shows the provider refusing it (tests/e2e/rules_test.go). Every scalar
// input of every recorded resource must be covered by a row or be on the
// coverage test's list of properties the provider checks at preview: adding a
// resource or a property means adding its rows, or the coverage test fails.
package awsrules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/example/webservice/internal/offline"
)

// Kind is what a rule checks.
type Kind int

const (
	// Pattern: the string matches Pattern.
	Pattern Kind = iota
	// Length: the string has Min to Max characters.
	Length
	// Enum: the value is one of Enum (case-sensitive, as AWS is).
	Enum
	// Range: the number is Min to Max.
	Range
	// JSON: the string is a JSON document (further rows may check inside it with
	// a "#json" path segment).
	JSON
	// Free: the provider and the API accept any value here (Source says why);
	// the row exists so coverage is explicit.
	Free
	// Forbidden: the value must not match Pattern.
	Forbidden
	// CompactLength: the JSON document, without whitespace, has at most Max characters
	// (how IAM counts policy size).
	CompactLength
	// MultipleOf: the number is a positive multiple of Min, or one of Enum.
	MultipleOf
	// Items: the list has Min to Max entries.
	Items
)

// Rule is one validation, as the provider or AWS applies it to one property.
type Rule struct {
	Type string // resource type token; "*" for every type
	// Path is the property path: keys separated by dots, "*" for any map key or
	// list index, "#json" to descend into a JSON string, "#keys" to check the
	// keys of the map at that point instead of its values.
	Path    string
	Kind    Kind
	Pattern *regexp.Regexp
	Min     int
	Max     int
	Enum    []string
	// Autoname: when the property is unset and Pulumi generates it (the logical
	// name plus "-" and 7 random characters), check the generated value too.
	Autoname bool
	Source   string
}

// Violation is one value a rule refuses.
type Violation struct {
	URN, Path, Value, Want, Source string
}

func (v Violation) String() string {
	value := fmt.Sprintf("%q", v.Value)
	if n := utf8.RuneCountInString(v.Value); n > maxShownValue {
		// A policy document: its start says which, the rule says how long it is.
		value = fmt.Sprintf("%q... (%d characters)", string([]rune(v.Value)[:maxShownValue]), n)
	}
	return fmt.Sprintf("%s: %s = %s: want %s (%s)", v.URN, v.Path, value, v.Want, v.Source)
}

// maxShownValue is how much of a refused value a violation prints.
const maxShownValue = 160

// leaf is one scalar the program set, with its concrete path ("ingress.0.description").
type leaf struct {
	path  string
	value any
}

// Check applies every rule to every resource the program declared and returns
// what the provider or AWS would refuse, and the input paths no rule covers.
func Check(r *offline.Result) (violations []Violation, uncovered []string) {
	for _, res := range r.Resources {
		if res.Read || (!res.Custom && !res.Remote) {
			continue // components and reads carry no provider inputs
		}
		rules := rulesFor(res.Type)
		leaves := flatten("", res.Inputs)
		covered := map[string]bool{}
		for _, rule := range rules {
			for _, l := range matchPath(rule.Path, res.Inputs) {
				if rule.Kind != Items { // a list's own row does not cover its entries
					covered[l.path] = true
				}
				if v, ok := rule.apply(l.value); !ok {
					violations = append(violations, Violation{URN: res.URN, Path: l.path, Value: display(l.value),
						Want: v, Source: rule.Source})
				}
			}
			if rule.Autoname && !strings.Contains(rule.Path, "*") {
				if _, set := res.Inputs[rule.Path]; !set {
					generated := res.Name + "-abc1234"
					if v, ok := rule.apply(generated); !ok {
						violations = append(violations, Violation{URN: res.URN, Path: rule.Path + " (auto-named)",
							Value: generated, Want: v, Source: rule.Source})
					}
				}
			}
		}
		for _, pc := range CheckedAtPreview {
			if pc.Type != res.Type {
				continue
			}
			for _, l := range matchPath(pc.Path, res.Inputs) {
				covered[l.path] = true // the provider checks it at preview
			}
		}
		for _, l := range leaves {
			if !covered[l.path] && !coveredByPrefix(covered, l.path) {
				uncovered = append(uncovered, res.Type+" "+l.path)
			}
		}
	}
	sort.Strings(uncovered)
	uncovered = dedupe(uncovered)
	return violations, uncovered
}

// coveredByPrefix: a JSON or Free row on an object covers everything inside it.
func coveredByPrefix(covered map[string]bool, path string) bool {
	for p := path; strings.Contains(p, "."); {
		p = p[:strings.LastIndex(p, ".")]
		if covered[p] {
			return true
		}
	}
	return false
}

func dedupe(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || xs[i-1] != x {
			out = append(out, x)
		}
	}
	return out
}

func rulesFor(typ string) []Rule {
	var out []Rule
	for _, r := range Rules {
		if r.Type == typ || r.Type == "*" {
			out = append(out, r)
		}
	}
	return out
}

// Covers reports whether a resource type has at least one row.
func Covers(typ string) bool {
	for _, r := range Rules {
		if r.Type == typ {
			return true
		}
	}
	return false
}

// flatten lists every scalar (string, number, bool) under a value, by path.
func flatten(prefix string, v any) []leaf {
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		var out []leaf
		for k, val := range x {
			out = append(out, flatten(join(k), val)...)
		}
		return out
	case []any:
		var out []leaf
		for i, val := range x {
			out = append(out, flatten(join(strconv.Itoa(i)), val)...)
		}
		return out
	case nil:
		return nil
	default:
		return []leaf{{prefix, x}}
	}
}

// matchPath returns the values at a rule's path, with their concrete paths.
func matchPath(path string, root map[string]any) []leaf {
	cur := []leaf{{"", any(root)}}
	for _, seg := range strings.Split(path, ".") {
		var next []leaf
		for _, l := range cur {
			join := func(k string) string {
				if l.path == "" {
					return k
				}
				return l.path + "." + k
			}
			switch seg {
			case "#json":
				s, ok := l.value.(string)
				var doc any
				if ok && json.Unmarshal([]byte(s), &doc) == nil {
					// The concrete path stays the property's: coverage is by property.
					next = append(next, leaf{l.path + ".#json", doc})
				}
			case "#keys":
				if m, ok := l.value.(map[string]any); ok {
					for k := range m {
						next = append(next, leaf{join(k) + "#key", k})
					}
				}
			case "*":
				switch x := l.value.(type) {
				case map[string]any:
					for k, v := range x {
						next = append(next, leaf{join(k), v})
					}
				case []any:
					for i, v := range x {
						next = append(next, leaf{join(strconv.Itoa(i)), v})
					}
				}
			default:
				switch x := l.value.(type) {
				case map[string]any:
					if v, ok := x[seg]; ok && v != nil {
						next = append(next, leaf{join(seg), v})
					}
				case []any:
					if i, err := strconv.Atoi(seg); err == nil && i < len(x) {
						next = append(next, leaf{join(seg), x[i]})
					}
				}
			}
		}
		cur = next
	}
	// Rows inside a JSON document do not count towards the property's coverage
	// under its own name; report them against the property.
	for i := range cur {
		if j := strings.Index(cur[i].path, ".#json"); j >= 0 {
			cur[i].path = cur[i].path[:j] + "#json" + cur[i].path[j+len(".#json"):]
		}
	}
	return cur
}

// Refuses reports whether the rule refuses one value, and what it wants instead
// (tests/e2e/rules_test.go checks that the value it injects is one the row refuses).
func (r Rule) Refuses(v any) (want string, refused bool) {
	want, ok := r.apply(v)
	return want, !ok
}

// apply checks one value; on failure it returns what is wanted.
func (r Rule) apply(v any) (string, bool) {
	s, isString := v.(string)
	switch r.Kind {
	case Free:
		return "", true
	case Pattern:
		if !isString || !r.Pattern.MatchString(s) {
			return "a value matching " + r.Pattern.String(), false
		}
	case Forbidden:
		if isString && r.Pattern.MatchString(s) {
			return "no match for " + r.Pattern.String(), false
		}
	case Length:
		n := utf8.RuneCountInString(s)
		if !isString || n < r.Min || n > r.Max {
			return fmt.Sprintf("%d to %d characters (got %d)", r.Min, r.Max, n), false
		}
	case Enum:
		for _, e := range r.Enum {
			if display(v) == e {
				return "", true
			}
		}
		return "one of " + strings.Join(r.Enum, ", "), false
	case Range:
		n, ok := v.(float64)
		if !ok {
			if s, isStr := v.(string); isStr {
				f, err := strconv.ParseFloat(s, 64)
				n, ok = f, err == nil
			}
		}
		if !ok || n < float64(r.Min) || n > float64(r.Max) {
			return fmt.Sprintf("a number from %d to %d", r.Min, r.Max), false
		}
	case JSON:
		var doc any
		if !isString || json.Unmarshal([]byte(s), &doc) != nil {
			return "a JSON document", false
		}
	case Items:
		list, ok := v.([]any)
		if !ok || len(list) < r.Min || len(list) > r.Max {
			return fmt.Sprintf("a list of %d to %d entries", r.Min, r.Max), false
		}
	case MultipleOf:
		for _, e := range r.Enum {
			if display(v) == e {
				return "", true
			}
		}
		n, ok := v.(float64)
		if !ok || n <= 0 || int(n)%r.Min != 0 || float64(int(n)) != n {
			return fmt.Sprintf("%s or a multiple of %d", strings.Join(r.Enum, ", "), r.Min), false
		}
	case CompactLength:
		compact := strings.Join(strings.Fields(s), "")
		if n := utf8.RuneCountInString(compact); !isString || n > r.Max {
			return fmt.Sprintf("at most %d characters without whitespace (got %d)", r.Max, n), false
		}
	}
	return "", true
}

func display(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
