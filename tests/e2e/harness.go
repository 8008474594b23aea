//go:build e2e

package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/example/webservice/internal/motoserver"
)

// account is the AWS account moto plays. Not moto's default 123456789012:
// that is an AWS documentation account, which the program's placeholder
// check refuses, as it should.
const account = "210987654321"

// region is where everything runs.
const region = "us-east-1"

// world is one run of the suite: a copy of the repository as a fresh git
// repository, the real Pulumi CLI with the stand-in language host and the
// bridged AWS provider, a file state backend, and moto on loopback.
type world struct {
	t     testing.TB
	repo  string // the workspace: a copy of the repository, one commit
	home  string // PULUMI_HOME, holding the aws plugin
	bin   string // on PATH first: pulumi, pulumi-language-go
	moto  *motoserver.Server
	env   []string
	logs  string // every command's output, kept for failures
	count int
}

// missing lists what this machine lacks for the suite, each with how to get it.
func missing() []string {
	var out []string
	for _, tool := range []struct{ name, how string }{
		{"moto_server", motoserver.Install},
		{"terraform", "terraform 1.11 (the machine image has it)"},
		{"aws", "the AWS CLI (pip install awscli, or Debian's awscli)"},
		{"git", "git"},
		{"jq", "jq (Debian's jq)"},
		{"bash", "bash"},
	} {
		if _, err := exec.LookPath(tool.name); err != nil {
			out = append(out, tool.name+" ("+tool.how+")")
		}
	}
	if _, err := terraformProviderBinary(); err != nil {
		out = append(out, err.Error())
	}
	return out
}

// requireTools skips the suite with one line naming what is missing, or fails
// it with CI=true.
func requireTools(t testing.TB) {
	t.Helper()
	if m := missing(); len(m) > 0 {
		msg := "end-to-end suite needs: " + strings.Join(m, "; ")
		if motoserver.InCI() {
			t.Fatal(msg + " (CI=true: a missing piece fails the run)")
		}
		t.Skip(msg)
	}
}

// newWorld builds (or takes from the cache) the CLI and the provider, starts
// moto, and makes the workspace.
func newWorld(t testing.TB) *world {
	t.Helper()
	requireTools(t)
	w := &world{t: t}
	tmp := t.TempDir()
	w.repo = filepath.Join(tmp, "repo")
	w.home = filepath.Join(tmp, "pulumi-home")
	w.bin = filepath.Join(tmp, "bin")
	logs, err := os.MkdirTemp("", "webservice-e2e-logs-")
	if err != nil {
		t.Fatal(err)
	}
	w.logs = logs
	for _, d := range []string{w.home, w.bin, filepath.Join(tmp, "state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// A link, not a symlink: the CLI looks for its language hosts beside
	// the file it runs from, where the stand-in Go host goes.
	cli := pulumiCLI(t)
	if err := os.Link(cli, filepath.Join(w.bin, "pulumi")); err != nil {
		if err := copyFile(cli, filepath.Join(w.bin, "pulumi"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	languageHost(t, w.bin)
	installProvider(t, w.home)
	copyRepository(t, repoRoot(t), w.repo)

	// moto's tasks stay RUNNING once started.
	w.moto = motoserver.StartPatched(t, filepath.Join(repoRoot(t), "tests", "e2e", "moto_gaps.py"), "MOTO_ACCOUNT_ID="+account)
	w.moto.KeepTasksRunning(t)

	w.env = append(motoserver.HermeticEnv(),
		"PATH="+w.bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"PULUMI_HOME="+w.home,
		"PULUMI_BACKEND_URL=file://"+filepath.Join(tmp, "state"),
		"PULUMI_CONFIG_PASSPHRASE=e2e only, not a secret",
		"PULUMI_SKIP_UPDATE_CHECK=true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true",
		"PULUMI_DIY_BACKEND_NO_LEGACY_WARNING=true",
		"NO_COLOR=1",
		"AWS_ENDPOINT_URL="+w.moto.URL,
		"AWS_ACCESS_KEY_ID=e2e", "AWS_SECRET_ACCESS_KEY=e2e", "AWS_REGION="+region, "AWS_DEFAULT_REGION="+region,
	)
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("WEBSERVICE_E2E_KEEP_LOGS") != "" {
			t.Logf("every command's output is in %s", w.logs)
			return
		}
		os.RemoveAll(w.logs)
	})
	return w
}

// installProvider puts the bridged provider into PULUMI_HOME as the plugin
// aws at the version the program's SDK asks for, with the mapping it serves.
func installProvider(t testing.TB, home string) {
	t.Helper()
	built := bridgedProvider(t)
	tfBinary, err := terraformProviderBinary()
	if err != nil {
		t.Fatal(err)
	}
	schema := terraformSchema(t, tfBinary, filepath.Join(filepath.Dir(filepath.Dir(built)), "tfschema-"+fileKey(t, tfBinary)))
	version, err := requiredVersion(filepath.Join(repoRoot(t), "go.mod"), "github.com/pulumi/pulumi-aws/sdk/v6")
	if err != nil {
		t.Fatal(err)
	}
	m, gaps, err := buildMapping(schema, tfBinary, strings.TrimPrefix(version, "v"))
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range gaps {
		t.Logf("stand-in mapping: %s", g)
	}
	dir := filepath.Join(home, "plugins", "resource-aws-v"+m.Version)
	if err := os.MkdirAll(filepath.Join(dir, "tf"), 0o755); err != nil {
		t.Fatal(err)
	}
	plugin := filepath.Join(dir, "pulumi-resource-aws")
	if err := copyFile(built, plugin, 0o755); err != nil {
		t.Fatal(err)
	}
	// The plugin starts the Terraform provider through itself under this name,
	// so that it dies with the plugin (tests/e2e/tools/provider/main.go).
	if err := os.Symlink(plugin, filepath.Join(dir, "tf", "terraform-provider-aws")); err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mapping.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// fileKey names a file by its path, size and time, for a cache directory.
func fileKey(t testing.TB, path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s %d %d", path, fi.Size(), fi.ModTime().UnixNano())))
	return hex.EncodeToString(sum[:])[:16]
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyRepository copies the files git knows or would add (tracked, and new
// files not ignored: work in progress is tested too) into a new repository
// with one commit, as a fresh clone of main would be.
func copyRepository(t testing.TB, from, to string) {
	t.Helper()
	if rev := os.Getenv("WEBSERVICE_E2E_REV"); rev != "" {
		// A commit instead of the working tree (work in progress elsewhere in it).
		if err := os.MkdirAll(to, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "-", from, rev, to)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git archive %s: %v\n%s", rev, err, b)
		}
		commitAll(t, to)
		return
	}
	out, err := exec.Command("git", "-C", from, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(from, f)
		fi, err := os.Lstat(src)
		if err != nil {
			continue // deleted in the working tree
		}
		dst := filepath.Join(to, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := copyFile(src, dst, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	commitAll(t, to)
}

// commitAll makes the copy a repository with one commit.
func commitAll(t testing.TB, to string) {
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", "add", "-A"},
		{"-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", "commit", "-q", "-m", "the tree under test"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = to
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, b)
		}
	}
}

// result is one command's outcome.
type result struct {
	Stdout, Stderr string
	Code           int
}

// sh runs a bash script in dir (relative to the workspace) with the world's
// environment plus extra, and returns what it printed and its exit status.
func (w *world) sh(dir, script string, extra ...string) result {
	w.t.Helper()
	w.count++
	cmd := exec.Command("bash", "-eo", "pipefail", "-c", script)
	cmd.Dir = filepath.Join(w.repo, dir)
	cmd.Env = append(append([]string(nil), w.env...), extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	r := result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		w.t.Fatalf("run %q: %v", script, err)
	}
	log := fmt.Sprintf("$ (cd %s && %s)\n# exit %d after %s\n--- stdout\n%s--- stderr\n%s", dir, script, r.Code,
		time.Since(start).Round(time.Millisecond), r.Stdout, r.Stderr)
	_ = os.WriteFile(filepath.Join(w.logs, fmt.Sprintf("%03d.log", w.count)), []byte(log), 0o644)
	w.t.Logf("$ %s  (in %s: exit %d, %s)", firstLine(script), dir, r.Code, time.Since(start).Round(time.Second))
	return r
}

// must runs a script that must succeed.
func (w *world) must(dir, script string, extra ...string) result {
	w.t.Helper()
	r := w.sh(dir, script, extra...)
	if r.Code != 0 {
		w.t.Fatalf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", script, r.Code, tail(r.Stdout, 60), tail(r.Stderr, 60))
	}
	return r
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n") + "\n"
}
