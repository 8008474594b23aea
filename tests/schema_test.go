package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"go.yaml.in/yaml/v3"
)

// Pulumi.yaml declares every key with its type and default so `pulumi config`
// shows them and the CLI type-checks them; the Go constants hold the same values.
// These tests keep the two from drifting, and keep typos out of stack files.

func TestPulumiYamlDeclaresEveryKeyWithTheGoDefault(t *testing.T) {
	project, err := offline.LoadProject(projectDir)
	if err != nil {
		t.Fatal(err)
	}
	if project.Name != infra.Namespace {
		t.Fatalf("project name %q, want %q (the config namespace)", project.Name, infra.Namespace)
	}
	known := map[string]bool{}
	for _, k := range infra.ConfigKeys {
		known[k.FullName()] = true
		decl, ok := project.Keys[k.FullName()]
		if !ok {
			t.Errorf("Pulumi.yaml does not declare %s", k.Name)
			continue
		}
		if decl.Type != k.Type {
			t.Errorf("%s: Pulumi.yaml type %q, Go reads %q", k.Name, decl.Type, k.Type)
		}
		if decl.Description == "" {
			t.Errorf("%s has no description", k.Name)
		}
		if !decl.HasDefault {
			t.Errorf("%s has no default", k.Name)
			continue
		}
		if !sameValue(decl.Default, k.Default()) {
			t.Errorf("%s: Pulumi.yaml default %#v, Go default %#v", k.Name, decl.Default, k.Default())
		}
	}
	for name := range project.Keys {
		if !known[name] {
			t.Errorf("Pulumi.yaml declares %s, which the program never reads", name)
		}
	}
}

// sameValue compares a YAML-decoded default with a Go default by their JSON,
// so []any{"a"} from YAML equals []string{"a"} from Go.
func sameValue(yamlValue, goValue any) bool {
	a, errA := json.Marshal(yamlValue)
	b, errB := json.Marshal(goValue)
	return errA == nil && errB == nil && string(a) == string(b)
}

func TestStackFilesSetOnlyKnownKeys(t *testing.T) {
	known := map[string]bool{infra.RegionKey: true}
	for _, k := range infra.ConfigKeys {
		known[k.FullName()] = true
	}
	for _, stack := range Stacks {
		b, err := os.ReadFile(filepath.Join(projectDir, fmt.Sprintf("Pulumi.%s.yaml", stack)))
		if err != nil {
			t.Fatal(err)
		}
		var f struct {
			Config map[string]any `yaml:"config"`
		}
		if err := yaml.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		for k := range f.Config {
			if !known[k] {
				t.Errorf("Pulumi.%s.yaml sets %s, which the program never reads (typo?)", stack, k)
			}
		}
		if len(f.Config) == 0 {
			t.Errorf("Pulumi.%s.yaml sets nothing", stack)
		}
	}
}
