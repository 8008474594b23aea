package tests

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// evalExpr evaluates a workflow `if:` (with or without ${{ }}) the way GitHub
// does, over contexts given as nested maps: actionlint parses it, and this
// walks the subset the pipelines use (literals, property access, !, &&, ||,
// ==, !=, cancelled() and always()) with GitHub's rules: && and || return an
// operand, comparisons of different types compare numbers, strings compare
// case-insensitively, and an absent property is null.
func evalExpr(t *testing.T, expr string, ctx map[string]any) any {
	t.Helper()
	src := strings.TrimSpace(expr)
	src = strings.TrimSuffix(strings.TrimPrefix(src, "${{"), "}}")
	node, err := actionlint.NewExprParser().Parse(actionlint.NewExprLexer(src + "}}"))
	if err != nil {
		t.Fatalf("expression %q: %v", expr, err)
	}
	return evalNode(t, node, ctx)
}

func evalNode(t *testing.T, n actionlint.ExprNode, ctx map[string]any) any {
	t.Helper()
	switch n := n.(type) {
	case *actionlint.VariableNode:
		return ctx[strings.ToLower(n.Name)]
	case *actionlint.ObjectDerefNode:
		m, _ := evalNode(t, n.Receiver, ctx).(map[string]any)
		return m[strings.ToLower(n.Property)]
	case *actionlint.NullNode:
		return nil
	case *actionlint.BoolNode:
		return n.Value
	case *actionlint.IntNode:
		return float64(n.Value)
	case *actionlint.StringNode:
		return n.Value
	case *actionlint.NotOpNode:
		return !truthy(evalNode(t, n.Operand, ctx))
	case *actionlint.LogicalOpNode:
		l := evalNode(t, n.Left, ctx)
		if (n.Kind == actionlint.LogicalOpNodeKindAnd) != truthy(l) {
			return l
		}
		return evalNode(t, n.Right, ctx)
	case *actionlint.FuncCallNode:
		// The status functions, as a job's `if` sees them; ctx["cancelled"] says whether the run was.
		switch strings.ToLower(n.Callee) {
		case "cancelled":
			return ctx["cancelled"] == true
		case "always":
			return true
		}
	case *actionlint.CompareOpNode:
		eq := looseEqual(evalNode(t, n.Left, ctx), evalNode(t, n.Right, ctx))
		switch n.Kind {
		case actionlint.CompareOpNodeKindEq:
			return eq
		case actionlint.CompareOpNodeKindNotEq:
			return !eq
		}
	}
	t.Fatalf("expression node %T is not one this evaluator knows", n)
	return nil
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case float64:
		return v != 0 && !math.IsNaN(v)
	case string:
		return v != ""
	}
	return true
}

func toNumber(v any) float64 {
	switch v := v.(type) {
	case nil:
		return 0
	case bool:
		if v {
			return 1
		}
		return 0
	case float64:
		return v
	case string:
		if strings.TrimSpace(v) == "" {
			return 0
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

func looseEqual(a, b any) bool {
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			return strings.EqualFold(as, bs)
		}
	}
	if ab, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			return ab == bb
		}
	}
	if a == nil && b == nil {
		return true
	}
	return toNumber(a) == toNumber(b)
}

func TestTheExpressionEvaluatorFollowsGitHub(t *testing.T) {
	ctx := map[string]any{"vars": map[string]any{"x": "TRUE"}, "github": map[string]any{"event": map[string]any{"n": 0.0}}}
	for expr, want := range map[string]bool{
		"vars.X == 'true'":                 true, // case-insensitive strings, case-insensitive names
		"vars.missing == ''":               true, // null is 0, so is ''
		"!vars.missing":                    true,
		"github.event.n == 0 && !false":    true,
		"vars.missing != 'true' || false":  true,
		"${{ 'a' && '' }}":                 false,
		"${{ github.event.n || 'b' }}":     true,
		"vars.x == 'true' && vars.x == ''": false,
	} {
		if got := truthy(evalExpr(t, expr, ctx)); got != want {
			t.Errorf("%s = %v, want %v", expr, got, want)
		}
	}
}
