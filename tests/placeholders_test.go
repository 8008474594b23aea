package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/example/webservice/infra"
	"go.yaml.in/yaml/v3"
)

// TestNoStackFileHoldsAPlaceholder: a value that passes validation but cannot
// exist (AWS's documentation account, an all-zero id) fails only in AWS, after
// part of the stack is created. Every committed stack file, of the service and
// of bootstrap/, must hold none; settings a team must make are left unset, and
// validation names them.
func TestNoStackFileHoldsAPlaceholder(t *testing.T) {
	var files []string
	for _, dir := range []string{projectDir, bootstrapDir} {
		found, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
	}
	if len(files) < 3 {
		t.Fatalf("found only %v", files)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walkStrings(doc, "", func(path, value string) {
			if why := infra.PlaceholderProblem(value); why != "" {
				t.Errorf("%s: %s = %s: %s", f, path, value, why)
			}
		})
	}
}

func walkStrings(v any, path string, f func(path, value string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			walkStrings(val, path+"."+k, f)
		}
	case []any:
		for i, val := range x {
			walkStrings(val, fmt.Sprintf("%s[%d]", path, i), f)
		}
	case string:
		f(path, x)
	case int:
		f(path, fmt.Sprint(x))
	}
}

// TestPlaceholderCheckRefusesWhatTheStackFilesOnceHeld keeps the check honest.
func TestPlaceholderCheckRefusesWhatTheStackFilesOnceHeld(t *testing.T) {
	for _, v := range []string{
		"arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000",
		"123456789012",
	} {
		if infra.PlaceholderProblem(v) == "" {
			t.Errorf("%s passes", v)
		}
	}
	if why := infra.PlaceholderProblem(testCertificateArn); why != "" {
		t.Errorf("a real-looking certificate is refused: %s", why)
	}
}
