package tests

import (
	"maps"
	"testing"

	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/stackfile"
)

// TestTheToolsReadTheConfigThePipelineDeploys: bin/deploy (region,
// architecture) and verify (the deploy-time model) read a stack's config as
// data through internal/stackfile, without the program; it must be the
// config `pulumi up` hands the program (the recorder's reading of it).
func TestTheToolsReadTheConfigThePipelineDeploys(t *testing.T) {
	project, err := offline.LoadProject(projectDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, stack := range Stacks {
		want, err := project.StackConfig(projectDir, stack, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := stackfile.Load(projectDir, stack)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got.Values, want) {
			for k, v := range want {
				if got.Values[k] != v {
					t.Errorf("%s: %s = %q, the program gets %q", stack, k, got.Values[k], v)
				}
			}
			for k := range got.Values {
				if _, ok := want[k]; !ok {
					t.Errorf("%s: %s is no key the program gets", stack, k)
				}
			}
		}
	}
}
