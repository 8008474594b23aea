package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
)

// TestAWSProviderKeysAreThePulumiAWSSDKs keeps the aws: keys the program
// accepts equal to those pulumi-aws declares, read from the SDK's own source in
// the module cache (it is what `go test` just compiled against).
func TestAWSProviderKeysAreThePulumiAWSSDKs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi-aws/sdk/v6").Output()
	if err != nil {
		t.Fatalf("locate pulumi-aws: %v", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "go", "aws", "config", "config.go"))
	if err != nil {
		t.Fatal(err)
	}
	var sdk []string
	for _, m := range regexp.MustCompile(`"aws:([A-Za-z]+)"`).FindAllStringSubmatch(string(src), -1) {
		if !slices.Contains(sdk, m[1]) {
			sdk = append(sdk, m[1])
		}
	}
	ours := infra.AWSProviderConfigKeys()
	sort.Strings(sdk)
	sort.Strings(ours)
	if !slices.Equal(sdk, ours) {
		t.Fatalf("aws: keys\n ours %v\n sdk  %v", ours, sdk)
	}
}

// TestImageFromTheEnvironmentWinsAndIsNamedInErrors: the deploy action passes
// the image in WEBSERVICE_IMAGE_TAG/DIGEST, which `pulumi up` never writes into
// the stack file (unlike --config).
func TestImageFromTheEnvironmentWinsAndIsNamedInErrors(t *testing.T) {
	t.Setenv(infra.EnvImageTag, "fromenv1")
	r := deploy(t, "staging", "imageTag=fromconfig")
	if got := r.Outputs[infra.OutputImageTag]; got != "fromenv1" {
		t.Fatalf("imageTag output = %v, want the environment's", got)
	}
	t.Setenv(infra.EnvImageTag, "-bad")
	_, err := offline.Run(offline.Options{Dir: projectDir, Stack: "staging"})
	if err == nil || !strings.Contains(err.Error(), infra.EnvImageTag+` (webservice:imageTag): got "-bad"`) {
		t.Fatalf("err = %v", err)
	}
}
