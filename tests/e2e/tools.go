//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Where the suite keeps what it builds: the Pulumi CLI (~170 MB, 9-15 min
// cold on 2 cores) and the bridged AWS provider (~60 MB, ~7 min cold). Each
// lives in a directory named after a hash of everything it is built from, so
// a change to a pinned version or to the provider's source builds anew and an
// unchanged one is reused. Override with WEBSERVICE_E2E_CACHE.
func cacheRoot() (string, error) {
	if d := os.Getenv("WEBSERVICE_E2E_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "webservice-e2e"), nil
}

// repoRoot is the repository this test runs in (tests/e2e/..).
func repoRoot(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Clean(filepath.Join(wd, "..", ".."))
}

// hashFiles is a short hash of files' contents and the Go version.
func hashFiles(paths ...string) (string, error) {
	h := sha256.New()
	fmt.Fprintln(h, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return "", err
		}
		fmt.Fprintln(h, filepath.Base(p))
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// cached returns dir/name, building it with build when dir holds no complete
// build. A build writes into a temporary directory renamed into place, so an
// interrupted one is never taken for a finished one.
func cached(t testing.TB, dir, name, what string, build func(tmp string) error) string {
	t.Helper()
	out := filepath.Join(dir, name)
	if _, err := os.Stat(out); err == nil {
		t.Logf("%s: cached at %s", what, out)
		return out
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".building-*")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	t.Logf("%s: building into %s (once; the first build takes minutes)", what, dir)
	if err := build(tmp); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, os.ErrExist) {
		t.Fatal(err)
	}
	t.Logf("%s: built in %s", what, time.Since(start).Round(time.Second))
	return out
}

// goRun runs the go command in dir, its output in the test log on failure.
func goRun(dir string, args ...string) error {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return nil
}

var requireRe = regexp.MustCompile(`(?m)^\s*(?:require\s+)?(\S+)\s+(v\S+)`)

// requiredVersion is the version a tool module's go.mod requires of path.
func requiredVersion(goMod, path string) (string, error) {
	b, err := os.ReadFile(goMod)
	if err != nil {
		return "", err
	}
	for _, m := range requireRe.FindAllStringSubmatch(string(b), -1) {
		if m[1] == path {
			return m[2], nil
		}
	}
	return "", fmt.Errorf("%s requires no %s", goMod, path)
}

// pulumiCLI builds the real Pulumi CLI at the version tests/e2e/tools/pulumi
// pins (the one go.mod's SDK is), once.
func pulumiCLI(t testing.TB) string {
	t.Helper()
	mod := filepath.Join(repoRoot(t), "tests", "e2e", "tools", "pulumi")
	version, err := requiredVersion(filepath.Join(mod, "go.mod"), "github.com/pulumi/pulumi/pkg/v3")
	if err != nil {
		t.Fatal(err)
	}
	key, err := hashFiles(filepath.Join(mod, "go.mod"), filepath.Join(mod, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := cacheRoot()
	if err != nil {
		t.Fatal(err)
	}
	return cached(t, filepath.Join(root, "pulumi-"+version+"-"+key), "pulumi", "Pulumi CLI "+version, func(tmp string) error {
		return goRun(mod, "build", "-trimpath",
			"-ldflags", "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version="+version,
			"-o", filepath.Join(tmp, "pulumi"), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi")
	})
}

// bridgedProvider builds tests/e2e/tools/provider/main.go into the bridge's
// dynamic provider package, once. The go command refuses overlays of files in
// the module cache, so the build vendors the tool module (a temporary copy the
// go command makes, never committed) and overlays main.go there.
func bridgedProvider(t testing.TB) string {
	t.Helper()
	mod := filepath.Join(repoRoot(t), "tests", "e2e", "tools", "provider")
	key, err := hashFiles(filepath.Join(mod, "go.mod"), filepath.Join(mod, "go.sum"), filepath.Join(mod, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := cacheRoot()
	if err != nil {
		t.Fatal(err)
	}
	return cached(t, filepath.Join(root, "provider-"+key), "pulumi-resource-aws", "bridged AWS provider", func(tmp string) error {
		work := filepath.Join(tmp, "module")
		if err := os.MkdirAll(work, 0o755); err != nil {
			return err
		}
		defer os.RemoveAll(work)
		for _, f := range []string{"go.mod", "go.sum"} {
			if err := copyFile(filepath.Join(mod, f), filepath.Join(work, f), 0o644); err != nil {
				return err
			}
		}
		if err := goRun(work, "mod", "vendor"); err != nil {
			return err
		}
		dynamic := filepath.Join(work, "vendor", "github.com", "pulumi", "pulumi-terraform-bridge", "v3", "dynamic")
		overlay, _ := json.Marshal(map[string]map[string]string{"Replace": {
			filepath.Join(dynamic, "main.go"): filepath.Join(mod, "main.go"),
			filepath.Join(dynamic, "info.go"): "", // the dynamic provider's own token rules: not ours
		}})
		ov := filepath.Join(work, "overlay.json")
		if err := os.WriteFile(ov, overlay, 0o644); err != nil {
			return err
		}
		return goRun(work, "build", "-mod=vendor", "-trimpath", "-overlay", ov, "-o", filepath.Join(tmp, "pulumi-resource-aws"),
			"github.com/pulumi/pulumi-terraform-bridge/v3/dynamic")
	})
}

// languageHost builds the stand-in for pulumi-language-go (tests/e2e/languagehost)
// into bin; it is small and always built fresh.
func languageHost(t testing.TB, bin string) {
	t.Helper()
	if err := goRun(repoRoot(t), "build", "-tags", "e2e", "-o", filepath.Join(bin, "pulumi-language-go"), "./tests/e2e/languagehost"); err != nil {
		t.Fatal(err)
	}
}

// terraformProviderBinary finds the upstream AWS provider the machine image
// carries (terraform's plugin directories); WEBSERVICE_E2E_TF_PROVIDER_AWS
// names it explicitly.
func terraformProviderBinary() (string, error) {
	if p := os.Getenv("WEBSERVICE_E2E_TF_PROVIDER_AWS"); p != "" {
		return p, nil
	}
	const rel = "registry.terraform.io/hashicorp/aws/5.100.0/" + runtime.GOOS + "_" + runtime.GOARCH + "/terraform-provider-aws_v5.100.0_x5"
	home, _ := os.UserHomeDir()
	for _, dir := range []string{"/opt/tf-plugins", filepath.Join(home, ".terraform.d/plugins"), "/usr/local/share/terraform/plugins", "/usr/share/terraform/plugins"} {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("terraform-provider-aws v5.100.0 (set WEBSERVICE_E2E_TF_PROVIDER_AWS to its path)")
}

// terraformSchema is `terraform providers schema -json` of the upstream
// provider, cached beside the provider build.
func terraformSchema(t testing.TB, tfBinary, cacheDir string) []byte {
	t.Helper()
	file := cached(t, cacheDir, "schema.json", "terraform providers schema -json", func(tmp string) error {
		work := filepath.Join(tmp, "tf")
		if err := os.MkdirAll(work, 0o755); err != nil {
			return err
		}
		const mainTF = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
`
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(mainTF), 0o644); err != nil {
			return err
		}
		// The plugin directory is the one holding registry.terraform.io/...
		pluginDir := tfBinary
		for i := 0; i < 6; i++ {
			pluginDir = filepath.Dir(pluginDir)
		}
		tf := func(args ...string) ([]byte, error) {
			cmd := exec.Command("terraform", args...)
			cmd.Dir = work
			cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				return nil, fmt.Errorf("terraform %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
			}
			return out, nil
		}
		if _, err := tf("init", "-input=false", "-no-color", "-plugin-dir="+pluginDir); err != nil {
			return err
		}
		out, err := tf("providers", "schema", "-json")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(tmp, "schema.json"), out, 0o644); err != nil {
			return err
		}
		return os.RemoveAll(work)
	})
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
