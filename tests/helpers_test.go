// Package tests runs the real program against the real stack files under the
// offline recorder (internal/offline) and asserts on what it declares.
package tests

import (
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
)

// update rewrites golden files in testdata/ instead of comparing against them.
// Use it only when a change to the declared infrastructure is intended, and review
// the diff: a changed URN replaces a live resource.
var update = flag.Bool("update", false, "rewrite testdata/ golden files")

// projectDir is the repository root, where Pulumi.yaml and the stack files live.
const projectDir = ".."

// Stacks are the real stacks every stack-level test runs against.
var Stacks = []string{"staging", "production"}

// deployTag is the image tag the tests deploy, as CI would pass it.
const deployTag = "3f2c1a9"

// testCertificateArn is the ACM certificate the tests give production, as a team
// sets theirs in Pulumi.production.yaml: the committed file holds none, since a
// placeholder must never pass validation.
const testCertificateArn = "arn:aws:acm:us-east-1:" + testAccount + ":certificate/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73"

var (
	cacheMu sync.Mutex
	cache   = map[string]*offline.Result{}
)

// deploy runs a stack as `pulumi up -s stack -c webservice:imageTag=deployTag`
// would (with the site settings, siteConfig), plus overrides. Results are cached per argument set: the program is
// deterministic and each run costs ~100 ms.
func deploy(t *testing.T, stack string, overrides ...string) *offline.Result {
	t.Helper()
	ov := withSite(stack, map[string]string{"imageTag": deployTag})
	for _, kv := range overrides {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("override %q is not key=value", kv)
		}
		ov[k] = v
	}
	cacheKey := fmt.Sprint(stack, ov)
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if r, ok := cache[cacheKey]; ok {
		return r
	}
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: stack, Overrides: ov})
	if err != nil {
		t.Fatalf("stack %s: %v", stack, err)
	}
	cache[cacheKey] = r
	return r
}

// one returns the single resource of a type, failing if there is not exactly one.
func one(t *testing.T, r *offline.Result, typ string) offline.Resource {
	t.Helper()
	rs := r.OfType(typ)
	if len(rs) != 1 {
		t.Fatalf("stack %s: want exactly 1 %s, got %d", r.Stack, typ, len(rs))
	}
	return rs[0]
}

// get reads a dotted property path ("healthCheck.healthyThreshold", "loadBalancers.0.containerPort").
func get(t *testing.T, props map[string]any, path string) any {
	t.Helper()
	var cur any = props
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				t.Fatalf("property %s: no %q in %v", path, part, keys(c))
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscan(part, &i); err != nil || i >= len(c) {
				t.Fatalf("property %s: bad index %q for %d items", path, part, len(c))
			}
			cur = c[i]
		default:
			t.Fatalf("property %s: %q is under a %T", path, part, cur)
		}
	}
	return cur
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// num reads a numeric property (numbers arrive as float64).
func num(t *testing.T, props map[string]any, path string) int {
	t.Helper()
	v, ok := get(t, props, path).(float64)
	if !ok {
		t.Fatalf("property %s is %T, not a number", path, get(t, props, path))
	}
	return int(v)
}

func str(t *testing.T, props map[string]any, path string) string {
	t.Helper()
	s, ok := get(t, props, path).(string)
	if !ok {
		t.Fatalf("property %s is %T, not a string", path, get(t, props, path))
	}
	return s
}

func boolean(t *testing.T, props map[string]any, path string) bool {
	t.Helper()
	b, ok := get(t, props, path).(bool)
	if !ok {
		t.Fatalf("property %s is %T, not a bool", path, get(t, props, path))
	}
	return b
}

// containerDef parses the task definition's single container definition.
func containerDef(t *testing.T, r *offline.Result) map[string]any {
	t.Helper()
	td := one(t, r, "aws:ecs/taskDefinition:TaskDefinition")
	var defs []map[string]any
	if err := json.Unmarshal([]byte(str(t, td.Inputs, "containerDefinitions")), &defs); err != nil {
		t.Fatalf("containerDefinitions: %v", err)
	}
	if len(defs) != 1 {
		t.Fatalf("want 1 container definition, got %d", len(defs))
	}
	return defs[0]
}

// forEachStack runs a subtest per real stack.
func forEachStack(t *testing.T, f func(t *testing.T, r *offline.Result)) {
	for _, s := range Stacks {
		t.Run(s, func(t *testing.T) { f(t, deploy(t, s)) })
	}
}
