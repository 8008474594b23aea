package offline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeProject(t *testing.T, project, stack string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte(project), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte(stack), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestStackConfigLayersDefaultsStackFileAndOverridesLikeTheCLI(t *testing.T) {
	dir := writeProject(t, `
name: demo
runtime: go
config:
  size:
    type: integer
    default: 2
  zones:
    type: array
    items: {type: string}
    default: []
  label:
    type: string
  aws:region: eu-west-1
`, `
config:
  demo:zones: [a, b]
  aws:region: us-east-1
`)
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.StackConfig(dir, "dev", map[string]string{"size": "5"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"demo:size": "5", "demo:zones": `["a","b"]`, "aws:region": "us-east-1"}
	for k, v := range want {
		if cfg[k] != v {
			t.Errorf("%s = %q, want %q", k, cfg[k], v)
		}
	}
	if _, ok := cfg["demo:label"]; ok {
		t.Error("a key without default or value must stay unset")
	}
}

func TestStackConfigRefusesSecretsItCannotDecrypt(t *testing.T) {
	dir := writeProject(t, "name: demo\nruntime: go\n", "config:\n  demo:token:\n    secure: AAABAxyz\n")
	p, err := LoadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.StackConfig(dir, "dev", nil)
	if err == nil || !strings.Contains(err.Error(), "demo:token is a secret") || !strings.Contains(err.Error(), "-c demo:token=") {
		t.Fatalf("want a clear secret error with the fix, got %v", err)
	}
}

func TestMissingStackFileNamesTheStack(t *testing.T) {
	dir := writeProject(t, "name: demo\nruntime: go\n", "config: {}\n")
	p, _ := LoadProject(dir)
	if _, err := p.StackConfig(dir, "nope", nil); err == nil || !strings.Contains(err.Error(), `stack "nope"`) {
		t.Fatalf("got %v", err)
	}
}
