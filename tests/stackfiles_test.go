package tests

import (
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestCommittedStackFilesHoldNoImage: an image in a stack file is deployed by
// every later `pulumi up`, even one meant to change only infrastructure. Images
// reach the program in WEBSERVICE_IMAGE_TAG/DIGEST (never saved) or a one-off
// -c; a stack file that carries one is a `pulumi up --config` left behind.
func TestCommittedStackFilesHoldNoImage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(projectDir, "Pulumi.*.yaml"))
	if err != nil || len(files) < 2 {
		t.Fatalf("stack files: %v %v", files, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config map[string]any `yaml:"config"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"webservice:imageTag", "webservice:imageDigest"} {
			if v, ok := doc.Config[k]; ok {
				t.Errorf("%s holds %s: %v (remove it: pulumi config rm %s)", f, k, v, k)
			}
		}
	}
}
