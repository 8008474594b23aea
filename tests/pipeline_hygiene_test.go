package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/internal/motoserver"
	"github.com/rhysd/actionlint"
	"golang.org/x/mod/semver"
)

// What keeps the pipelines current without anyone remembering (issue 18,
// items 5 and 6 and its "also" list).

// TestThePulumiCLIFollowsGoMod (item 5): the CLI installed is the Go SDK's
// release go.mod requires, read at run time, so Dependabot's update of
// go.mod moves both and no test needs a workflow file to change with it.
func TestThePulumiCLIFollowsGoMod(t *testing.T) {
	literal := regexp.MustCompile(`pulumi-version:\s*["']?v?\d`)
	for _, f := range pipelineFiles(t) {
		b, _ := os.ReadFile(f)
		if m := literal.Find(b); m != nil {
			t.Errorf("%s pins the Pulumi CLI (%s): use ./.github/actions/setup-pulumi", f, m)
		}
	}
	setup := at(loadYAML(t, githubDir+"/actions/setup-pulumi/action.yml"), "runs.steps").([]any)
	if at(setup[1], "with.pulumi-version") != "${{ steps.version.outputs.version }}" {
		t.Fatalf("setup-pulumi installs %v", at(setup[1], "with.pulumi-version"))
	}
	env := map[string]string{"GOCACHE": goEnv(t, "GOCACHE"), "GOMODCACHE": goEnv(t, "GOMODCACHE"), "GOPROXY": "off", "GOFLAGS": "-mod=mod"}
	code, out, ghOut := script(t, run(setup[0].(map[string]any)), projectDir, env, nil)
	sdk, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "github.com/pulumi/pulumi/sdk/v3").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "version=" + strings.TrimPrefix(strings.TrimSpace(string(sdk)), "v") + "\n"; code != 0 || ghOut != want {
		t.Errorf("the version step wrote %q (exit %d), want %q:\n%s", ghOut, code, want, out)
	}
}

// TestThePipelineToolsCompileNoProvider (item 6): the deploy and verify
// tools build without the program's providers, so a deploy or preview job
// compiles pulumi-aws only where pulumi runs the program.
func TestThePipelineToolsCompileNoProvider(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../cmd/deploy", "../cmd/verify").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	if m := regexp.MustCompile(`(?m)^github\.com/pulumi/pulumi-aws.*$`).Find(out); m != nil {
		t.Errorf("cmd/deploy or cmd/verify depends on %s", m)
	}
}

// TestActionsRunOnNode24MajorsActionlintKnows: Node 20 releases no longer run
// natively; every action is at or past its first Node 24 release, and its major
// is one actionlint checks the inputs of (but two it is too old to know).
func TestActionsRunOnNode24MajorsActionlintKnows(t *testing.T) {
	node24 := map[string]string{"actions/checkout": "5.0.0", "actions/setup-go": "6.0.0",
		"aws-actions/configure-aws-credentials": "6.0.0", "aws-actions/amazon-ecr-login": "2.1.0",
		"docker/build-push-action": "7.0.0", "docker/setup-buildx-action": "4.0.0", "pulumi/actions": "7.0.0", "actions/attest-build-provenance": "3.0.0"}
	newerThanActionlint := []string{"aws-actions/amazon-ecr-login", "pulumi/actions"}
	uses := regexp.MustCompile(`uses:\s*([\w.-]+/[\w.-]+)@(\S+)`)
	version := regexp.MustCompile(`^v((\d+)\.\d+\.\d+)$`)
	for _, f := range pipelineFiles(t) {
		b, _ := os.ReadFile(f)
		for _, u := range uses.FindAllStringSubmatch(string(b), -1) {
			v := version.FindStringSubmatch(u[2])
			if v == nil {
				t.Errorf("%s: %s@%s: pin a release as vX.Y.Z, which Dependabot updates and this test can check", filepath.Base(f), u[1], u[2])
				continue
			}
			m := []string{u[0], u[1], v[1], v[2]}
			if _, known := actionlint.PopularActions[m[1]+"@v"+m[3]]; !known && !slices.Contains(newerThanActionlint, m[1]) {
				t.Errorf("%s: actionlint does not know %s@v%s", filepath.Base(f), m[1], m[3])
			}
			if min, ok := node24[m[1]]; !ok || semver.Compare("v"+m[2], "v"+min) < 0 {
				t.Errorf("%s: %s@v%s: want its first Node 24 release (%q) or later", filepath.Base(f), m[1], m[2], min)
			}
		}
	}
}

// TestNoToolIsInstalledFromAVersionDependabotCannotSee: the image copy is a
// Go dependency (go-containerregistry, in go.mod), not a crane binary
// installed from a version string.
func TestNoToolIsInstalledFromAVersionDependabotCannotSee(t *testing.T) {
	for _, f := range pipelineFiles(t) {
		b, _ := os.ReadFile(f)
		if m := regexp.MustCompile(`go install \S+@v?\d|crane`).Find(b); m != nil {
			t.Errorf("%s installs a tool by version or runs crane: %s", f, m)
		}
	}
	mod, _ := os.ReadFile(filepath.Join(projectDir, "go.mod"))
	if !regexp.MustCompile(`(?m)^\s+github\.com/google/go-containerregistry v\S+$`).Match(mod) {
		t.Error("go.mod does not require go-containerregistry directly")
	}
}

// TestMotoIsInstalledInTheReleaseTheSuiteNames: moto's version is
// internal/motoserver.Version, in one place. The suites that need moto (build
// tag e2e) run in .ci/run on the machine image, which carries moto: no
// workflow installs it.
func TestMotoIsInstalledInTheReleaseTheSuiteNames(t *testing.T) {
	install := regexp.MustCompile(`moto\[server\]==([\w.]+)`)
	var found []string
	for _, f := range pipelineFiles(t) {
		b, _ := os.ReadFile(f)
		for _, m := range install.FindAllStringSubmatch(string(b), -1) {
			found = append(found, filepath.Base(f)+": "+m[1])
			if m[1] != motoserver.Version {
				t.Errorf("%s installs moto %s, the suite names %s (internal/motoserver.Version)", f, m[1], motoserver.Version)
			}
		}
	}
	if len(found) != 0 {
		t.Errorf("moto is installed in %v: the tests go test ./... runs need none", found)
	}
}

// TestYAMLIsTheMaintainedModule: gopkg.in/yaml.v3 is archived;
// go.yaml.in/yaml/v3 is its drop-in successor.
func TestYAMLIsTheMaintainedModule(t *testing.T) {
	out, err := exec.Command("git", "-C", projectDir, "grep", "-lE", `^\s*(import )?"gopkg\.in/yaml\.v3"$`, "--", "*.go", ":!tests/e2e/tools").CombinedOutput()
	if err == nil {
		t.Errorf("these import gopkg.in/yaml.v3, not go.yaml.in/yaml/v3:\n%s", out)
	}
	mod, _ := os.ReadFile(filepath.Join(projectDir, "go.mod"))
	if !regexp.MustCompile(`(?m)^\s+go\.yaml\.in/yaml/v3 v\S+$`).Match(mod) {
		t.Error("go.mod does not require go.yaml.in/yaml/v3 directly")
	}
}

// TestOnlyTheJobsThatBuildEverythingShareTheGoCache: setup-go saves its cache
// under one key per go.sum from the first job to finish, and a job that hits
// the key never saves. Only the jobs compiling everything (the tests; the
// deploys, whose pulumi up builds the program) use that key; a job building
// one small tool caches nothing.
func TestOnlyTheJobsThatBuildEverythingShareTheGoCache(t *testing.T) {
	for _, f := range pipelineFiles(t) {
		full := f == deployAction || strings.HasSuffix(f, "/test.yml")
		for _, s := range stepsOf(t, f) {
			if u, _ := at(s, "uses").(string); !strings.HasPrefix(u, "actions/setup-go@") {
				continue
			}
			key, off := strings.TrimSpace(fmt.Sprint(at(s, "with.cache-dependency-path"))), at(s, "with.cache") == false
			if key == "<nil>" {
				key = "go.sum" // setup-go's default
			}
			switch {
			case full && (off || key != "go.sum"):
				t.Errorf("%s: setup-go %v: the full builds share the go.sum key", filepath.Base(f), at(s, "with"))
			case !full && !off && key == "go.sum":
				t.Errorf("%s: setup-go %v builds some tools only, under the full builds' go.sum key: cache: false, or a key of its own",
					filepath.Base(f), at(s, "with"))
			}
		}
	}
}

func stepsOf(t *testing.T, f string) []any {
	doc := loadYAML(t, f)
	if s, ok := at(doc, "runs.steps").([]any); ok {
		return s
	}
	var out []any
	for _, j := range at(doc, "jobs").(map[string]any) {
		s, _ := at(j, "steps").([]any)
		out = append(out, s...)
	}
	return out
}

// TestDependabotKeepsEveryPinCurrent: every composite action's pins, go.mod,
// and the app's base images, which are pinned by digest.
func TestDependabotKeepsEveryPinCurrent(t *testing.T) {
	dep := loadYAML(t, filepath.Join(githubDir, "dependabot.yml"))
	seen := map[string]string{}
	for _, u := range dep["updates"].([]any) {
		dirs := []string{}
		if d, ok := at(u, "directory").(string); ok {
			dirs = append(dirs, d)
		}
		if ds, ok := at(u, "directories").([]any); ok {
			dirs = append(dirs, toStrings(ds)...)
		}
		for _, d := range dirs {
			seen[at(u, "package-ecosystem").(string)+" "+d] = d
		}
	}
	for _, want := range []string{"github-actions /", "github-actions /.github/actions/*", "gomod /", "docker /app"} {
		if _, ok := seen[want]; !ok {
			t.Errorf("Dependabot does not watch %s", want)
		}
	}
	b, err := os.ReadFile(filepath.Join(projectDir, "app", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	stages := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\w+))?`).FindAllStringSubmatch(string(b), -1) {
		if !stages[m[1]] && !regexp.MustCompile(`^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$`).MatchString(m[1]) {
			t.Errorf("app/Dockerfile: FROM %s is not pinned by digest", m[1])
		}
		stages[m[2]] = true
	}
}
