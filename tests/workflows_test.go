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

// The pipelines, checked as GitHub would read them: actionlint (as a library, so
// `go test` runs it everywhere) plus structure tests for the promises the README
// makes about triggers, ordering, identity and concurrency.

const githubDir = projectDir + "/.github"

// workflowFiles are the workflows; the deploy steps live in a composite action.
var workflowFiles = []string{"preview.yml", "staging.yml", "production.yml", "rollback.yml", "deploy.yml"}

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

	opts := &actionlint.LinterOptions{Color: actionlint.ColorOptionKindNever, Oneline: true}
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

func TestTriggersMatchTheSeed(t *testing.T) {
	if got := at(workflow(t, "staging.yml"), "on.push.branches"); !slices.Equal(toStrings(got), []string{"main"}) {
		t.Errorf("staging deploys on push to %v, want main", got)
	}
	// published and released: a pre-release that becomes a release fires only
	// released (TestEachReleaseDeploysProductionExactlyOnce).
	if got := at(workflow(t, "production.yml"), "on.release.types"); !slices.Equal(toStrings(got), []string{"published", "released"}) {
		t.Errorf("production deploys on release %v, want published and released", got)
	}
	if at(workflow(t, "preview.yml"), "on.pull_request") == nil {
		t.Error("preview does not run on pull_request")
	}
	if at(workflow(t, "deploy.yml"), "on.workflow_call") == nil {
		t.Error("deploy.yml is not reusable (workflow_call)")
	}
	if at(workflow(t, "rollback.yml"), "on.workflow_dispatch.inputs.commit") == nil ||
		at(workflow(t, "rollback.yml"), "on.workflow_dispatch.inputs.stack") == nil {
		t.Error("rollback has no manual stack and commit inputs")
	}
	for _, f := range workflowFiles {
		b, _ := os.ReadFile(filepath.Join(githubDir, "workflows", f))
		if bytes.Contains(b, []byte("pull_request_target")) {
			t.Errorf("%s uses pull_request_target", f)
		}
	}
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func TestStagingProductionAndRollbackCallTheSameDeployWorkflow(t *testing.T) {
	want := map[string]string{"staging.yml": "staging", "production.yml": "production", "rollback.yml": "${{ inputs.stack }}"}
	for file, stack := range want {
		js := jobs(t, workflow(t, file))
		if len(js) != 1 {
			t.Fatalf("%s has %d jobs, want one thin caller", file, len(js))
		}
		for _, j := range js {
			if j["uses"] != "./.github/workflows/deploy.yml" {
				t.Errorf("%s calls %v", file, j["uses"])
			}
			if at(j, "with.stack") != stack {
				t.Errorf("%s deploys stack %v, want %s", file, at(j, "with.stack"), stack)
			}
		}
	}
	// Staging builds the pushed commit; a release promotes its tag; a
	// rollback returns production to the tag it runs from, staging to a commit.
	refs := map[string][2]string{
		"staging.yml":    {"build", "${{ github.sha }}"},
		"production.yml": {"promote", "${{ github.event.release.tag_name }}"},
		"rollback.yml":   {"rollback", "${{ inputs.stack == 'production' && github.ref_name || inputs.commit }}"},
	}
	for file, want := range refs {
		for _, j := range jobs(t, workflow(t, file)) {
			if at(j, "with.mode") != want[0] || at(j, "with.ref") != want[1] {
				t.Errorf("%s deploys mode %v ref %v, want %s %s", file, at(j, "with.mode"), at(j, "with.ref"), want[0], want[1])
			}
		}
	}
}

func TestDeployJobsNeedPassingTests(t *testing.T) {
	js := jobs(t, workflow(t, "deploy.yml"))
	test := js["test"]
	var runsAppTests bool
	for _, s := range test["steps"].([]any) {
		if at(s, "with.target") == "test" {
			runsAppTests = true
		}
	}
	if !runsAppTests {
		t.Error("the test job does not build the app's test target")
	}
	if cond, _ := test["if"].(string); cond != "${{ inputs.mode == 'build' }}" {
		t.Errorf("the test job runs when %q: it builds, so only for a staging push (mode build)", cond)
	}
	for _, name := range []string{"deploy-staging", "deploy-production"} {
		j := js[name]
		if fmt.Sprint(j["needs"]) != "[plan test]" {
			t.Errorf("%s needs %v, want [plan test]", name, j["needs"])
		}
		cond, _ := j["if"].(string)
		// A failed or cancelled test job must stop the rollout; "skipped" only
		// happens for promotions and rollbacks of an image staging tested.
		if !strings.Contains(cond, "needs.test.result == 'success'") || strings.Contains(cond, "always()") ||
			!strings.Contains(cond, "!cancelled()") || !strings.Contains(cond, "needs.plan.result == 'success'") {
			t.Errorf("%s runs when: %s", name, cond)
		}
	}
}

func TestProductionRunsInItsEnvironmentAndStagingOnMain(t *testing.T) {
	js := jobs(t, workflow(t, "deploy.yml"))
	if js["deploy-production"]["environment"] != "production" {
		t.Error("production rollout is not in the production environment (no approvals, wrong OIDC subject)")
	}
	// Without an environment, staging's OIDC subject is repo:ORG/REPO:ref:refs/heads/main,
	// which the staging role trusts (bootstrap/).
	if _, set := js["deploy-staging"]["environment"]; set {
		t.Error("staging rollout sets an environment: its OIDC subject would no longer be the main branch")
	}
}

func TestLeastPrivilegePermissions(t *testing.T) {
	idTokenJobs := map[string]bool{
		"staging.yml/deploy": true, "production.yml/deploy": true, "rollback.yml/rollback": true,
		"deploy.yml/deploy-staging": true, "deploy.yml/deploy-production": true, "preview.yml/preview": true,
	}
	// Only staging's deploy job writes deployment records (what a release
	// promotes); the callers grant it because GitHub checks every job of a
	// called workflow against the caller's permissions, skipped ones too.
	recordJobs := map[string]bool{"staging.yml/deploy": true, "production.yml/deploy": true, "rollback.yml/rollback": true,
		"deploy.yml/deploy-staging": true}
	for _, f := range workflowFiles {
		wf := workflow(t, f)
		if p, ok := wf["permissions"].(map[string]any); !ok || len(p) != 0 {
			t.Errorf("%s: workflow permissions = %v, want {} (each job asks for its own)", f, wf["permissions"])
		}
		for name, j := range jobs(t, wf) {
			perms, ok := j["permissions"].(map[string]any)
			if !ok {
				t.Errorf("%s/%s: no explicit permissions", f, name)
				continue
			}
			if idTokenJobs[f+"/"+name] != (perms["id-token"] == "write") {
				t.Errorf("%s/%s: id-token = %v", f, name, perms["id-token"])
			}
			for scope, level := range perms {
				if level == "write" && scope != "id-token" && !(f == "preview.yml" && scope == "pull-requests") &&
					!(scope == "deployments" && recordJobs[f+"/"+name]) {
					t.Errorf("%s/%s: %s: write", f, name, scope)
				}
			}
		}
	}
}

// pipelineFiles are every workflow plus the deploy action.
func pipelineFiles() []string {
	files := []string{deployAction}
	for _, f := range workflowFiles {
		files = append(files, filepath.Join(githubDir, "workflows", f))
	}
	return files
}

func TestAWSAccessIsOIDCNeverStoredKeys(t *testing.T) {
	roleSteps := 0
	for _, f := range pipelineFiles() {
		b, _ := os.ReadFile(f)
		for _, banned := range []string{"aws-access-key-id", "aws-secret-access-key", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
			if bytes.Contains(b, []byte(banned)) {
				t.Errorf("%s mentions %s", f, banned)
			}
		}
		roleSteps += bytes.Count(b, []byte("role-to-assume:"))
	}
	if roleSteps != 2 {
		t.Errorf("found %d role-to-assume steps, want 2 (deploy action, preview)", roleSteps)
	}
}

var pinned = regexp.MustCompile(`^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$`)

func TestEveryActionIsPinnedToAnExactVersion(t *testing.T) {
	uses := regexp.MustCompile(`uses:\s*(\S+)`)
	for _, f := range pipelineFiles() {
		b, _ := os.ReadFile(f)
		for _, m := range uses.FindAllSubmatch(b, -1) {
			ref := string(m[1])
			if strings.HasPrefix(ref, "./") {
				continue
			}
			if !pinned.MatchString(ref) {
				t.Errorf("%s: %s is not pinned to an exact version or commit", filepath.Base(f), ref)
			}
		}
	}
}

func TestForkPullRequestsSkipOnlyTheCloudPreview(t *testing.T) {
	js := jobs(t, workflow(t, "preview.yml"))
	cond, _ := js["preview"]["if"].(string)
	if !strings.Contains(cond, "github.event.pull_request.head.repo.full_name == github.repository") {
		t.Errorf("cloud preview runs for forks: if = %q", cond)
	}
	for _, name := range []string{"test", "render"} {
		if _, gated := js[name]["if"]; gated {
			t.Errorf("%s is gated; forks must still get it", name)
		}
	}
}

// actionSteps are the deploy action's steps by name, and their order.
func actionSteps(t *testing.T) (map[string]map[string]any, []string) {
	t.Helper()
	steps := map[string]map[string]any{}
	var names []string
	for _, s := range at(loadYAML(t, deployAction), "runs.steps").([]any) {
		step := s.(map[string]any)
		name, _ := step["name"].(string)
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

func TestDeployActionRollsOutTheImageByDigestThroughTheEnvironment(t *testing.T) {
	steps, names := actionSteps(t)
	order := []string{"Validate config and read the stack's settings", "Configure AWS credentials (OIDC)",
		"Make the stack usable after an interrupted run", "Read what the stack runs now",
		"Build and push the image", "Find the verified staging deploy of this commit", "Pin the image by digest",
		"Copy the verified image into this stack's repository", "Check the image was built from this commit",
		"Check the ECR scan for critical findings", "Roll out (pulumi up)", "Verify the rollout",
		"Decide how to reconcile", "Reconcile the stack with what runs"}
	last := -1
	for _, want := range order {
		i := slices.Index(names, want)
		if i < 0 || i < last {
			t.Fatalf("steps %v: want %v in that order", names, order)
		}
		last = i
	}
	up := steps["Roll out (pulumi up)"]
	env := envOf(up)
	if env["WEBSERVICE_IMAGE_DIGEST"] != "${{ steps.image.outputs.digest }}" || env["WEBSERVICE_IMAGE_TAG"] != "${{ inputs.image-tag }}" {
		t.Errorf("pulumi up gets image %v / %v, want the pinned digest and the release tag", env["WEBSERVICE_IMAGE_DIGEST"], env["WEBSERVICE_IMAGE_TAG"])
	}
	// --config would be saved into Pulumi.<stack>.yaml (issue 14).
	for name, step := range steps {
		if strings.Contains(run(step), "--config") || strings.Contains(run(step), " -c webservice:") {
			t.Errorf("step %q passes config on the command line, which pulumi saves into the stack file", name)
		}
	}
	if !strings.Contains(run(up), `bin/release" expect -outputs`) || !strings.Contains(run(up), `-digest "$WEBSERVICE_IMAGE_DIGEST"`) {
		t.Errorf("pulumi up does not check the stack took the digest:\n%s", run(up))
	}
	pin := steps["Pin the image by digest"]
	if envOf(pin)["DIGEST"] != "${{ steps.push.outputs.digest || steps.existing.outputs.digest || steps.verified.outputs.digest }}" {
		t.Errorf("the digest deployed is %v", envOf(pin)["DIGEST"])
	}
}

func TestFailedRolloutIsVerifiedThenReconciledWithAnUpOfTheLiveRelease(t *testing.T) {
	steps, _ := actionSteps(t)
	verify := steps["Verify the rollout"]
	if r := run(verify); !strings.Contains(r, "pulumi stack output --json") || !strings.Contains(r, "bin/verify") {
		t.Errorf("verify step runs:\n%s", r)
	}
	if verify["id"] != "verify" || !strings.Contains(cond(verify), "steps.up.outcome") {
		t.Errorf("verify must have id verify and run even when pulumi up fails: id %v if %q", verify["id"], cond(verify))
	}
	before := steps["Read what the stack runs now"]
	if !strings.Contains(run(before), "pulumi stack output --json") {
		t.Errorf("the outputs before the deploy are not captured:\n%s", run(before))
	}
	decide := steps["Decide how to reconcile"]
	if r := run(decide); !strings.HasPrefix(r, "bin/release reconcile -before") {
		t.Errorf("the reconcile decision is not the tested Go rule:\n%s", r)
	}
	e := envOf(decide)
	if e["BEFORE"] != "${{ steps.before.outputs.file }}" || e["UP"] != "${{ steps.up.outcome }}" || e["VERIFY"] != "${{ steps.verify.outcome }}" {
		t.Errorf("decide gets %v", e)
	}
	reconcile := steps["Reconcile the stack with what runs"]
	if cond(reconcile) != "${{ !cancelled() && steps.decide.outputs.action == 'restore' }}" {
		t.Errorf("reconcile runs when %q", cond(reconcile))
	}
	r := run(reconcile)
	if !strings.Contains(r, "pulumi up --yes") || strings.Contains(r, "pulumi refresh") {
		t.Errorf("reconcile must be an up (a refresh never rewrites outputs), runs:\n%s", r)
	}
	re := envOf(reconcile)
	if re["WEBSERVICE_IMAGE_TAG"] != "${{ steps.decide.outputs.tag }}" || re["WEBSERVICE_IMAGE_DIGEST"] != "${{ steps.decide.outputs.digest }}" {
		t.Errorf("reconcile deploys %v", re)
	}
}

// TestFirstDeployIsAPlainUpWithoutAnImage: no step targets a subset of the
// stack, and the first deploy is an up with no image on a stack that runs none.
func TestFirstDeployIsAPlainUpWithoutAnImage(t *testing.T) {
	steps, _ := actionSteps(t)
	for name, step := range steps {
		if strings.Contains(run(step), "--target") {
			t.Errorf("step %q uses --target", name)
		}
	}
	first := steps["Create the ECR repository on a first deployment"]
	if cond(first) != "steps.before.outputs.needed == 'true'" || !strings.Contains(run(first), "pulumi up --yes") {
		t.Errorf("first deploy: if %q, runs:\n%s", cond(first), run(first))
	}
	for k := range envOf(first) {
		if strings.HasPrefix(k, "WEBSERVICE_IMAGE") {
			t.Errorf("the first up names an image (%s): it must create only the registry", k)
		}
	}
	if !strings.Contains(run(steps["Read what the stack runs now"]), "bin/release first-deploy") {
		t.Error("the first-deploy decision is not bin/release first-deploy (deploymentState)")
	}
}

// TestDeployActionScriptsPassShellcheck checks the composite action's run:
// scripts, which actionlint does not lint (it lints workflows), the way GitHub
// runs them (bash -e). Expressions become placeholders first.
func TestDeployActionScriptsPassShellcheck(t *testing.T) {
	shellcheck, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Skip("shellcheck not installed (apt-get install shellcheck)")
	}
	expr := regexp.MustCompile(`\$\{\{[^}]*\}\}`)
	for _, s := range at(loadYAML(t, deployAction), "runs.steps").([]any) {
		step := s.(map[string]any)
		run, ok := step["run"].(string)
		if !ok {
			continue
		}
		script := "#!/usr/bin/env bash\nset -e\n" + expr.ReplaceAllString(run, "PLACEHOLDER")
		cmd := exec.Command(shellcheck, "-s", "bash", "-")
		cmd.Stdin = strings.NewReader(script)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("step %q: shellcheck:\n%s", step["name"], out)
		}
	}
}
