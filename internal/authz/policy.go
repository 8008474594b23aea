package authz

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Policy is a parsed IAM identity policy or permissions boundary. Principal and
// NotPrincipal are ignored: identity policies have none.
type Policy struct {
	Name       string
	Statements []Statement
}

// Statement is one statement with its fields normalised to lists.
type Statement struct {
	Sid         string
	Effect      string
	Action      []string
	NotAction   []string
	Resource    []string
	NotResource []string
	Condition   map[string]map[string][]string // operator -> key -> values
}

// ParsePolicy reads a policy document as IAM accepts it: single values or lists.
func ParsePolicy(name, doc string) (Policy, error) {
	var raw struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &raw); err != nil {
		return Policy{}, fmt.Errorf("policy %s: %w", name, err)
	}
	var sts []map[string]json.RawMessage
	if err := json.Unmarshal(raw.Statement, &sts); err != nil {
		var one map[string]json.RawMessage
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return Policy{}, fmt.Errorf("policy %s: Statement: %w", name, err)
		}
		sts = []map[string]json.RawMessage{one}
	}
	p := Policy{Name: name}
	for i, st := range sts {
		var s Statement
		var err error
		field := func(k string) []string {
			if err != nil || st[k] == nil {
				return nil
			}
			var v []string
			v, err = stringOrList(st[k])
			if err != nil {
				err = fmt.Errorf("policy %s statement %d: %s: %w", name, i, k, err)
			}
			return v
		}
		if st["Sid"] != nil {
			_ = json.Unmarshal(st["Sid"], &s.Sid)
		}
		if e := field("Effect"); len(e) == 1 {
			s.Effect = e[0]
		}
		s.Action, s.NotAction = field("Action"), field("NotAction")
		s.Resource, s.NotResource = field("Resource"), field("NotResource")
		if err != nil {
			return Policy{}, err
		}
		if st["Condition"] != nil {
			var cond map[string]map[string]json.RawMessage
			if err := json.Unmarshal(st["Condition"], &cond); err != nil {
				return Policy{}, fmt.Errorf("policy %s statement %d: Condition: %w", name, i, err)
			}
			s.Condition = map[string]map[string][]string{}
			for op, kv := range cond {
				s.Condition[op] = map[string][]string{}
				for k, raw := range kv {
					vals, err := stringOrList(raw)
					if err != nil {
						return Policy{}, fmt.Errorf("policy %s statement %d: Condition %s %s: %w", name, i, op, k, err)
					}
					s.Condition[op][k] = vals
				}
			}
		}
		if s.Effect != "Allow" && s.Effect != "Deny" {
			return Policy{}, fmt.Errorf("policy %s statement %d: Effect %q is not Allow or Deny", name, i, s.Effect)
		}
		p.Statements = append(p.Statements, s)
	}
	return p, nil
}

// stringOrList decodes "x", true, or ["x", "y"] into a list of strings.
func stringOrList(raw json.RawMessage) ([]string, error) {
	var list []any
	if err := json.Unmarshal(raw, &list); err != nil {
		var one any
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil, err
		}
		list = []any{one}
	}
	out := make([]string, 0, len(list))
	for _, v := range list {
		switch x := v.(type) {
		case string:
			out = append(out, x)
		case bool, float64:
			out = append(out, fmt.Sprint(x))
		default:
			return nil, fmt.Errorf("value %v is not a string", v)
		}
	}
	return out, nil
}

// Request is one authorization check: an action on one resource ARN, with the
// request's condition keys (aws:RequestTag/k, aws:ResourceTag/k, iam:PassedToService...).
type Request struct {
	Action   string
	Resource string
	Context  map[string][]string
}

func (r Request) String() string {
	return r.Action + " on " + r.Resource
}

// value returns a context key's values; IAM condition keys are case-insensitive.
func (r Request) value(key string) ([]string, bool) {
	for k, v := range r.Context {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}

// Decision is the outcome of evaluating a request.
type Decision struct {
	Allowed bool
	// Reason names the statement that allowed or denied, or why nothing did.
	Reason string
}

// Evaluate applies IAM's rule for one principal: an explicit Deny in any policy
// wins; otherwise the identity policies must Allow, and so must the permissions
// boundary when there is one.
func Evaluate(identity []Policy, boundary *Policy, req Request) (Decision, error) {
	all := append([]Policy(nil), identity...)
	if boundary != nil {
		all = append(all, *boundary)
	}
	for _, p := range all {
		for _, s := range p.Statements {
			if s.Effect != "Deny" {
				continue
			}
			match, err := s.matches(req)
			if err != nil {
				return Decision{}, fmt.Errorf("%s: %w", p.Name, err)
			}
			if match {
				return Decision{Reason: fmt.Sprintf("denied by %s/%s", p.Name, s.Sid)}, nil
			}
		}
	}
	allowedBy := func(ps []Policy) (string, error) {
		for _, p := range ps {
			for _, s := range p.Statements {
				if s.Effect != "Allow" {
					continue
				}
				match, err := s.matches(req)
				if err != nil {
					return "", fmt.Errorf("%s: %w", p.Name, err)
				}
				if match {
					return p.Name + "/" + s.Sid, nil
				}
			}
		}
		return "", nil
	}
	by, err := allowedBy(identity)
	if err != nil || by == "" {
		return Decision{Reason: "no statement of the identity policies allows it"}, err
	}
	if boundary != nil {
		b, err := allowedBy([]Policy{*boundary})
		if err != nil || b == "" {
			return Decision{Reason: "allowed by " + by + " but not by the permissions boundary " + boundary.Name}, err
		}
		by += " within " + b
	}
	return Decision{Allowed: true, Reason: "allowed by " + by}, nil
}

func (s Statement) matches(req Request) (bool, error) {
	switch {
	case s.Action == nil && s.NotAction == nil:
		return false, fmt.Errorf("statement %q names no Action or NotAction (IAM refuses it)", s.Sid)
	case s.Action != nil && !anyWildcard(s.Action, req.Action, false):
		return false, nil
	case s.NotAction != nil && anyWildcard(s.NotAction, req.Action, false):
		return false, nil
	case s.Resource != nil && !anyWildcard(s.Resource, req.Resource, true):
		return false, nil
	case s.NotResource != nil && anyWildcard(s.NotResource, req.Resource, true):
		return false, nil
	}
	for op, kv := range s.Condition {
		for key, want := range kv {
			ok, err := conditionHolds(op, key, want, req)
			if err != nil || !ok {
				return false, err
			}
		}
	}
	return true, nil
}

// conditionHolds evaluates one condition operator on one key. It knows the
// operators this project's policies use and refuses the rest, so a policy can
// never pass a check the evaluator does not understand.
func conditionHolds(op, key string, want []string, req Request) (bool, error) {
	base := strings.TrimSuffix(op, "IfExists")
	ifExists := base != op
	var setOp string
	if a, b, ok := strings.Cut(base, ":"); ok {
		setOp, base = a, b
	}
	got, present := req.value(key)
	if base == "Null" {
		return (want[0] == "true") == !present, nil
	}
	if !present {
		negated := strings.Contains(base, "Not")
		return ifExists || negated || setOp == "ForAllValues", nil
	}
	var cmp func(want, got string) bool
	switch base {
	case "StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals":
		cmp = func(w, g string) bool { return w == g }
	case "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase":
		cmp = strings.EqualFold
	case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike":
		cmp = func(w, g string) bool { return wildcardMatch(w, g) }
	case "Bool":
		cmp = strings.EqualFold
	default:
		return false, fmt.Errorf("condition operator %s is not supported by the offline evaluator", op)
	}
	// A value satisfies the operator when it matches one of the policy's values
	// (for a negated operator: none of them).
	negated := strings.Contains(base, "Not")
	satisfies := func(g string) bool {
		for _, w := range want {
			if cmp(w, g) {
				return !negated
			}
		}
		return negated
	}
	if setOp == "ForAllValues" { // every value of the request
		return !slices.ContainsFunc(got, func(g string) bool { return !satisfies(g) }), nil
	}
	// Single-valued keys and ForAnyValue: one value suffices.
	return slices.ContainsFunc(got, satisfies), nil
}

func anyWildcard(patterns []string, s string, isResource bool) bool {
	for _, p := range patterns {
		if isResource && arnMatch(p, s) || !isResource && wildcardMatch(strings.ToLower(p), strings.ToLower(s)) {
			return true
		}
	}
	return false
}

// arnMatch matches a policy's Resource against an ARN as IAM does: segment by
// segment (arn:partition:service:region:account:resource), so a wildcard never
// spans a colon before the resource part; within the resource part it may.
func arnMatch(pattern, arn string) bool {
	if pattern == "*" {
		return true
	}
	ps, as := strings.SplitN(pattern, ":", 6), strings.SplitN(arn, ":", 6)
	if len(ps) != 6 || len(as) != 6 {
		return wildcardMatch(pattern, arn)
	}
	for i := range ps {
		if !wildcardMatch(ps[i], as[i]) {
			return false
		}
	}
	return true
}

// wildcardMatch is IAM's glob: * matches any run of characters, ? exactly one.
func wildcardMatch(pattern, s string) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if wildcardMatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}
