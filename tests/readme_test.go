package tests

import (
	"os"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
)

// The README is the front door: every config key and every output must be in it.
func TestREADMEDocumentsEveryConfigKeyAndOutput(t *testing.T) {
	b, err := os.ReadFile(projectDir + "/README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, k := range infra.ConfigKeys {
		// Grouped rows name the later container health check keys by suffix only.
		suffix := strings.TrimPrefix(k.Name, "containerHealthCheck")
		if !strings.Contains(readme, "`"+k.Name+"`") && !strings.Contains(readme, "`"+suffix+"`") {
			t.Errorf("README does not document config key %s", k.Name)
		}
	}
	for _, o := range infra.OutputContract {
		if !strings.Contains(readme, "`"+o.Name+"`") {
			t.Errorf("README does not document output %s", o.Name)
		}
	}
	if !strings.Contains(readme, "go test ./... && go -C app test ./...") {
		t.Error("README lost the test command that .ci/run runs")
	}
}
