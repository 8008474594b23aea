package tests

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A plain `go build` leaves its binary where it runs, named after the package's
// directory (the module's last element at the root): none may end up committed.
func TestGitignoreCoversEveryBuildOutput(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(projectDir, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	want := []string{"/bin/", "/webservice", "/app/app", "/app/server", "/bootstrap/bootstrap", "*.test", "*.out"}
	cmds, err := os.ReadDir(filepath.Join(projectDir, "cmd"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cmds {
		if c.IsDir() {
			want = append(want, "/"+c.Name())
		}
	}
	for _, w := range want {
		if !slices.Contains(lines, w) {
			t.Errorf(".gitignore does not ignore %s", w)
		}
	}
}
