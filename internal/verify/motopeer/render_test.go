//go:build e2e

package motopeer

import (
	"fmt"
	"maps"
	"sync"
	"testing"

	"github.com/example/webservice/bootstrap/identity"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// What the peer builds comes from the stacks as they are rendered at test time
// (internal/offline runs the real programs against the real stack files), never
// from copies, so a change to the program is tested against moto at once.

// repoRoot holds Pulumi.yaml and the stack files.
const repoRoot = "../../.."

// overrides are what a deploy passes with -c, plus what a stack file leaves to
// the operator: production's certificate and bootstrap's identity.
var overrides = map[string]map[string]string{
	"staging": {"imageTag": "abc"},
	"production": {"imageTag": "abc",
		"certificateArn": "arn:aws:acm:us-east-1:210987654321:certificate/6f1c2b3a-9d4e-4f5a-8b7c-0e1d2f3a4b5c"},
	"bootstrap": {"accountId": "210987654321", "githubOrg": "acme", "githubRepo": "webservice"},
}

var (
	renderMu sync.Mutex
	renders  = map[string]*offline.Result{}
)

// render runs a service stack ("staging", "production") or "bootstrap" once
// per test binary.
func render(t testing.TB, stack string) *offline.Result {
	t.Helper()
	renderMu.Lock()
	r, ok := renders[stack]
	renderMu.Unlock()
	if ok {
		return r
	}
	var err error
	if stack == "bootstrap" {
		r, err = offline.RunProgram(offline.Options{Dir: repoRoot + "/bootstrap", Stack: "shared", Overrides: overrides[stack]},
			func(ctx *pulumi.Context) (map[string]pulumi.Output, error) { return identity.Program(ctx) })
	} else {
		// As the README's set-up says: each service stack carries the boundary
		// bootstrap made for it, so its roles are created with one.
		ov := maps.Clone(overrides[stack])
		ov["permissionsBoundaryArn"] = one(t, render(t, "bootstrap"), "aws:iam/policy:Policy", "boundary-"+stack).ID
		r, err = service.Run(offline.Options{Dir: repoRoot, Stack: stack, Overrides: ov})
	}
	if err != nil {
		t.Fatalf("render %s: %v", stack, err)
	}
	renderMu.Lock()
	renders[stack] = r
	renderMu.Unlock()
	return r
}

// one is the single resource of a type and logical name.
func one(t testing.TB, r *offline.Result, typ, name string) offline.Resource {
	t.Helper()
	res := r.Named(typ, name)
	if res == nil {
		t.Fatalf("stack %s declares no %s %q", r.Stack, typ, name)
	}
	return *res
}

// only is the single resource of a type.
func only(t testing.TB, r *offline.Result, typ string) offline.Resource {
	t.Helper()
	rs := r.OfType(typ)
	if len(rs) != 1 {
		t.Fatalf("stack %s declares %d %s, want 1", r.Stack, len(rs), typ)
	}
	return rs[0]
}

// Property readers: rendered inputs are JSON values (numbers are float64).

func str(t testing.TB, props map[string]any, key string) string {
	t.Helper()
	v, ok := props[key].(string)
	if !ok {
		t.Fatalf("property %s = %#v, want a string", key, props[key])
	}
	return v
}

func optStr(props map[string]any, key string) string {
	v, _ := props[key].(string)
	return v
}

func num(t testing.TB, props map[string]any, key string) int32 {
	t.Helper()
	v, ok := props[key].(float64)
	if !ok {
		t.Fatalf("property %s = %#v, want a number", key, props[key])
	}
	return int32(v)
}

func obj(t testing.TB, props map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := props[key].(map[string]any)
	if !ok {
		t.Fatalf("property %s = %#v, want an object", key, props[key])
	}
	return v
}

func list(t testing.TB, props map[string]any, key string) []any {
	t.Helper()
	v, ok := props[key].([]any)
	if !ok {
		t.Fatalf("property %s = %#v, want a list", key, props[key])
	}
	return v
}

func strs(t testing.TB, props map[string]any, key string) []string {
	t.Helper()
	var out []string
	for _, v := range list(t, props, key) {
		out = append(out, fmt.Sprint(v))
	}
	return out
}
