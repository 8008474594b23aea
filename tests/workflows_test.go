package tests

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v3"
)

// The pipelines, checked as GitHub would read them: actionlint (as a library,
// so `go test` runs it everywhere) and shellcheck, plus structure tests for
// what docs/pipelines.md promises. What GitHub alone enforces (queueing,
// approvals, environments' branch rules, attestations) is checked here as
// configuration only.

const githubDir = projectDir + "/.github"

// workflowFiles are the workflows; the rollout's steps live in a composite action.
var workflowFiles = []string{"preview.yml", "test.yml", "deploy.yml"}

const deployAction = githubDir + "/actions/deploy/action.yml"

// exactVersion turns an exact pin (@v4.2.2) into its major (@v4): actionlint knows
// the inputs of popular actions by major version only, so this lets it check
// every `with:` against the action's real inputs.
var exactVersion = regexp.MustCompile(`(uses:\s*[\w.-]+/[\w.-]+)@(v\d+)\.\d+\.\d+`)

func TestWorkflowsPassActionlint(t *testing.T) {
	// Copy .github into a scratch repository with majors in place of exact pins.
	root := t.TempDir()
	err := filepath.WalkDir(githubDir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(projectDir, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dst := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		return os.WriteFile(dst, exactVersion.ReplaceAll(b, []byte("$1@$2")), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	// .github/actionlint.yaml comes along: it silences exactly one message
	// (TestTheDeployGroupsQueueEveryRun checks what it silences).
	// From the repository's root, as actionlint runs: the config's paths are relative to it.
	opts := &actionlint.LinterOptions{Color: actionlint.ColorOptionKindNever, Oneline: true, WorkingDir: root}
	if path, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = path // run: scripts are checked too when shellcheck is installed
	} else {
		t.Log("shellcheck not installed: run: scripts are not shell-checked (apt-get install shellcheck)")
	}
	var out bytes.Buffer
	linter, err := actionlint.NewLinter(&out, opts)
	if err != nil {
		t.Fatal(err)
	}
	errs, err := linter.LintRepository(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) > 0 {
		t.Fatalf("actionlint found %d problem(s):\n%s", len(errs), out.String())
	}
}

// TestActionScriptsPassShellcheck checks the composite actions' run: scripts,
// which actionlint does not lint (it lints workflows), the way GitHub runs
// them (bash -e). Expressions become placeholders first.
func TestActionScriptsPassShellcheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed (apt-get install shellcheck)")
	}
	expr := regexp.MustCompile(`\$\{\{[^}]*\}\}`)
	for _, f := range actionFiles(t) {
		for _, s := range at(loadYAML(t, f), "runs.steps").([]any) {
			run, ok := s.(map[string]any)["run"].(string)
			if !ok {
				continue
			}
			cmd := exec.Command(shellcheck, "-s", "bash", "-")
			cmd.Stdin = strings.NewReader("#!/usr/bin/env bash\nset -e\n" + expr.ReplaceAllString(run, "PLACEHOLDER"))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s step %q: shellcheck:\n%s", f, at(s, "name"), out)
			}
		}
	}
}

// loadYAML reads a workflow or action file as generic YAML.
func loadYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

func workflow(t *testing.T, name string) map[string]any {
	return loadYAML(t, filepath.Join(githubDir, "workflows", name))
}

func jobs(t *testing.T, wf map[string]any) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for name, j := range wf["jobs"].(map[string]any) {
		out[name] = j.(map[string]any)
	}
	return out
}

// at reads a dotted path of map keys from YAML, nil when absent.
func at(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

// actionFiles are the composite actions.
func actionFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(githubDir, "actions", "*", "action.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no composite actions under %s/actions (%v)", githubDir, err)
	}
	return files
}

// pipelineFiles are every composite action and workflow but drift.yml,
// which tests/drift_workflow_test.go checks.
func pipelineFiles(t *testing.T) []string {
	files := actionFiles(t)
	for _, f := range workflowFiles {
		files = append(files, filepath.Join(githubDir, "workflows", f))
	}
	if all, _ := filepath.Glob(filepath.Join(githubDir, "workflows", "*.yml")); len(all) != len(workflowFiles)+1 {
		t.Fatalf("workflows %v: want %v and drift.yml", all, workflowFiles)
	}
	return files
}

// actionSteps are the deploy action's steps by id (by name without one), and their order.
func actionSteps(t *testing.T) (map[string]map[string]any, []string) {
	t.Helper()
	steps := map[string]map[string]any{}
	var names []string
	for _, s := range at(loadYAML(t, deployAction), "runs.steps").([]any) {
		step := s.(map[string]any)
		name, _ := step["id"].(string)
		if name == "" {
			name, _ = step["name"].(string)
		}
		if name == "" {
			name, _ = step["uses"].(string)
		}
		steps[name] = step
		names = append(names, name)
	}
	return steps, names
}

func run(step map[string]any) string  { s, _ := step["run"].(string); return s }
func cond(step map[string]any) string { s, _ := step["if"].(string); return s }
func envOf(step map[string]any) map[string]any {
	e, _ := step["env"].(map[string]any)
	return e
}

// script runs a step's run: script as GitHub runs a bash step (-e, pipefail),
// in dir, with env and the given stand-in commands first on PATH. It returns
// the exit status, the output, and what the step wrote to $GITHUB_OUTPUT.
func script(t *testing.T, body, dir string, env map[string]string, fakes map[string]string) (int, string, string) {
	t.Helper()
	bin := t.TempDir()
	for name, sh := range fakes {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/usr/bin/env bash\n"+sh), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "github_output")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", body)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "GITHUB_OUTPUT=" + out,
		"RUNNER_TEMP=" + t.TempDir(), "GITHUB_WORKFLOW=deploy", "GITHUB_RUN_ID=1"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	b, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	o, _ := os.ReadFile(out)
	return code, string(b), string(o)
}

func goEnv(t *testing.T, key string) string {
	t.Helper()
	out, err := exec.Command("go", "env", key).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", key, err)
	}
	return strings.TrimSpace(string(out))
}

// secretRef finds the secrets a job or step reads.
var secretRef = regexp.MustCompile(`secrets\.([A-Z_]+)`)

func TestTriggers(t *testing.T) {
	d := workflow(t, "deploy.yml")
	if got := at(d, "on.push.branches"); !slices.Equal(toStrings(got), []string{"main"}) {
		t.Errorf("staging deploys on push to %v, want main", got)
	}
	// published and released: a pre-release that becomes a release fires only
	// released (TestEachReleaseDeploysProductionExactlyOnce).
	if got := at(d, "on.release.types"); !slices.Equal(toStrings(got), []string{"published", "released"}) {
		t.Errorf("production deploys on release %v, want published and released", got)
	}
	if at(d, "on.workflow_dispatch.inputs.stack") == nil || at(d, "on.workflow_dispatch.inputs.to.required") != true {
		t.Error("the rollback has no manual stack and release (to) inputs")
	}
	if _, ok := at(workflow(t, "test.yml"), "on").(map[string]any)["workflow_call"]; !ok || at(workflow(t, "preview.yml"), "on.pull_request") == nil {
		t.Error("preview does not run on pull_request, or test.yml is not reusable")
	}
	for _, f := range pipelineFiles(t) {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("pull_request_target")) {
			t.Errorf("%s uses pull_request_target", f)
		}
	}
}

// TestEveryDeployIsTestedFirst: a push deploys only after the tests passed
// on its commit (a failed or cancelled test job stops it); a rollback
// returns to an image that was tested when it was built.
func TestEveryDeployIsTestedFirst(t *testing.T) {
	js := jobs(t, workflow(t, "deploy.yml"))
	if js["test"]["uses"] != "./.github/workflows/test.yml" || js["test"]["if"] != "github.event_name == 'push'" {
		t.Errorf("test job: %v", js["test"])
	}
	ctx := func(event, test, stack string) map[string]any {
		return map[string]any{"github": map[string]any{"event_name": event}, "inputs": map[string]any{"stack": stack},
			"needs": map[string]any{"test": map[string]any{"result": test}}}
	}
	cond, _ := js["staging"]["if"].(string)
	if fmt.Sprint(js["staging"]["needs"]) != "test" || !strings.Contains(cond, "!cancelled()") {
		t.Fatalf("staging needs %v if %q", js["staging"]["needs"], cond)
	}
	for _, c := range []struct {
		event, test, stack string
		deploys            bool
	}{
		{"push", "success", "", true}, {"push", "failure", "", false}, {"push", "cancelled", "", false},
		{"workflow_dispatch", "skipped", "staging", true}, {"workflow_dispatch", "skipped", "production", false},
		{"release", "skipped", "", false},
	} {
		if got := truthy(evalExpr(t, cond, ctx(c.event, c.test, c.stack))); got != c.deploys {
			t.Errorf("%s with tests %s (stack %q): staging deploys %v, want %v", c.event, c.test, c.stack, got, c.deploys)
		}
	}
	var runsTests, runsAppTests bool
	for _, s := range at(workflow(t, "test.yml"), "jobs.test.steps").([]any) {
		runsTests = runsTests || strings.Contains(run(s.(map[string]any)), "go test ./...")
		runsAppTests = runsAppTests || at(s, "with.target") == "test"
	}
	if !runsTests || !runsAppTests {
		t.Errorf("test.yml runs go test: %v, the app's test target: %v", runsTests, runsAppTests)
	}
}

var pinned = regexp.MustCompile(`^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$`)

func TestEveryActionIsPinnedToAnExactVersion(t *testing.T) {
	uses := regexp.MustCompile(`uses:\s*(\S+)`)
	for _, f := range pipelineFiles(t) {
		b, _ := os.ReadFile(f)
		for _, m := range uses.FindAllSubmatch(b, -1) {
			if ref := string(m[1]); !strings.HasPrefix(ref, "./") && !pinned.MatchString(ref) {
				t.Errorf("%s: %s is not pinned to an exact version or commit", filepath.Base(f), ref)
			}
		}
	}
}

func TestAWSAccessIsOIDCNeverStoredKeys(t *testing.T) {
	roleSteps := 0
	for _, f := range pipelineFiles(t) {
		b, _ := os.ReadFile(f)
		for _, banned := range []string{"aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
			if bytes.Contains(b, []byte(banned)) {
				t.Errorf("%s mentions %s", f, banned)
			}
		}
		roleSteps += bytes.Count(b, []byte("role-to-assume:"))
	}
	if roleSteps != 2 {
		t.Errorf("found %d role-to-assume steps, want 2 (the deploy action, the preview)", roleSteps)
	}
}

func TestForkAndDependabotPullRequestsGetTheOfflinePlanNotACloudPreview(t *testing.T) {
	js := jobs(t, workflow(t, "preview.yml"))
	cond, _ := js["preview"]["if"].(string)
	for _, want := range []string{"github.event.pull_request.head.repo.full_name == github.repository",
		"github.event.pull_request.user.login != 'dependabot[bot]'", "github.actor != 'dependabot[bot]'"} {
		if !strings.Contains(cond, want) {
			t.Errorf("the cloud preview runs without %q: if = %q", want, cond)
		}
	}
	for _, name := range []string{"test", "render"} {
		if _, gated := js[name]["if"]; gated {
			t.Errorf("%s is gated; forks and Dependabot must still get it", name)
		}
	}
	if m := at(js["render"], "strategy.matrix.stack"); fmt.Sprint(m) != "[staging production]" {
		t.Errorf("offline plan covers %v", m)
	}
}
