package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// GitHub sets CI=true, and internal/verify/motopeer then fails, not skips,
// without moto_server; the runner image does not ship it. Every job that runs
// the whole suite installs it first, in the version the suite was written
// against.
func TestEveryJobRunningTheWholeSuiteInstallsMotoFirst(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(projectDir, "internal", "verify", "motopeer", "server_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const motoVersion = "([^"]+)"`).FindSubmatch(src)
	if m == nil {
		t.Fatal("internal/verify/motopeer names no motoVersion")
	}
	install := "pipx install 'moto[server]==" + string(m[1]) + "'"
	wholeSuite := regexp.MustCompile(`go test (-[^ ]+ )*\./\.\.\.`)
	found := 0
	for _, f := range append(workflowFiles, "drift.yml") {
		for name, j := range jobs(t, workflow(t, f)) {
			steps, _ := j["steps"].([]any)
			installed := false
			for _, s := range steps {
				r := run(s.(map[string]any))
				if strings.Contains(r, install) {
					installed = true
				}
				if wholeSuite.MatchString(r) {
					found++
					if !installed {
						t.Errorf("%s/%s runs %q without installing moto_server first (%s)", f, name, wholeSuite.FindString(r), install)
					}
				}
			}
		}
	}
	if found < 2 {
		t.Fatalf("found %d jobs running go test ./..., want the PR test job and the staging test job", found)
	}
}
