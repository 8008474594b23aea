//go:build e2e

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// The deploy action's steps are run as .github/actions/deploy/action.yml
// writes them: each step's `run:` text, with the environment its `env:` map
// declares, expressions evaluated against the action's inputs and the
// outputs earlier steps wrote to $GITHUB_OUTPUT. Steps that `uses:` an action
// (checkout, OIDC credentials, setup-go, the Docker build) are GitHub's: the
// suite stands in for each, saying how (the world's AWS_* variables are the
// credentials; pulumi is on PATH; an image is put into the repository by
// `aws ecr put-image`).

type actionStep struct {
	ID   string            `yaml:"id"`
	Name string            `yaml:"name"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

// action is one run of the composite action.
type action struct {
	w       *world
	file    actionFile
	inputs  map[string]string
	outputs map[string]map[string]string // step id -> outputs
}

func (w *world) action(inputs map[string]string) *action {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.repo, ".github", "actions", "deploy", "action.yml"))
	if err != nil {
		w.t.Fatal(err)
	}
	a := &action{w: w, inputs: map[string]string{}, outputs: map[string]map[string]string{}}
	if err := yaml.Unmarshal(b, &a.file); err != nil {
		w.t.Fatalf("action.yml: %v", err)
	}
	for k, in := range a.file.Inputs {
		a.inputs[k] = in.Default
	}
	for k, v := range inputs {
		if _, ok := a.file.Inputs[k]; !ok {
			w.t.Fatalf("action.yml has no input %q", k)
		}
		a.inputs[k] = v
	}
	return a
}

func (a *action) step(id string) actionStep {
	a.w.t.Helper()
	for _, s := range a.file.Runs.Steps {
		if s.ID == id {
			return s
		}
	}
	a.w.t.Fatalf("action.yml has no step with id %q (the suite runs the deploy's steps by id: see docs/pipelines.md)", id)
	return actionStep{}
}

var (
	exprRe = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	refRe  = regexp.MustCompile(`^(inputs\.[a-z0-9-]+|steps\.[a-z0-9-]+\.outputs\.[a-z0-9-]+|github\.token)$`)
	cmpRe  = regexp.MustCompile(`^(\S+)\s*(==|!=)\s*'([^']*)'$`)
)

// ref is the value of one reference the action's expressions use.
func (a *action) ref(t testing.TB, r string) string {
	t.Helper()
	if !refRe.MatchString(r) {
		t.Fatalf("action.yml: the suite cannot evaluate %q (it knows inputs.*, steps.*.outputs.* and github.token)", r)
	}
	parts := strings.Split(r, ".")
	switch parts[0] {
	case "inputs":
		return a.inputs[parts[1]]
	case "steps":
		return a.outputs[parts[1]][parts[3]]
	}
	return "" // github.token: no GitHub here
}

// cond evaluates a step's `if:`: references compared with literals, joined by &&.
func (a *action) cond(t testing.TB, expr string) bool {
	t.Helper()
	expr = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(expr), "${{"), "}}"))
	if expr == "" {
		return true
	}
	for _, part := range strings.Split(expr, "&&") {
		m := cmpRe.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			t.Fatalf("action.yml: the suite cannot evaluate if: %q", expr)
		}
		if (a.ref(t, m[1]) == m[3]) != (m[2] == "==") {
			return false
		}
	}
	return true
}

// run runs the step with the id, if its condition holds, with extra
// environment; it returns the step's result and whether it ran.
func (a *action) run(id string, extra ...string) (result, bool) {
	t := a.w.t
	t.Helper()
	s := a.step(id)
	if s.Uses != "" {
		t.Fatalf("step %s uses %s: GitHub's, the suite stands in for it", id, s.Uses)
	}
	if !a.cond(t, s.If) {
		return result{}, false
	}
	if exprRe.MatchString(s.Run) {
		t.Fatalf("step %s: an expression in run: text (script injection); keep them in env:", id)
	}
	env := append([]string(nil), extra...)
	for k, v := range s.Env {
		v = exprRe.ReplaceAllStringFunc(v, func(e string) string { return a.ref(t, exprRe.FindStringSubmatch(e)[1]) })
		env = append(env, k+"="+v)
	}
	out := filepath.Join(t.TempDir(), "github-output")
	env = append(env, "GITHUB_OUTPUT="+out, "RUNNER_TEMP="+t.TempDir())
	r := a.w.sh(".", s.Run, env...)
	a.outputs[id] = readOutputs(t, out)
	return r, true
}

// readOutputs parses key=value lines of a $GITHUB_OUTPUT file.
func readOutputs(t testing.TB, path string) map[string]string {
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			out[k] = v
		} else if sc.Text() != "" {
			t.Fatalf("%s: %q is no key=value line", path, sc.Text())
		}
	}
	return out
}

func (a *action) String() string { return fmt.Sprintf("action(%v)", a.inputs) }

// workflowStep is the step with the id in a job of a workflow.
func (w *world) workflowStep(file, job, id string) actionStep {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.repo, ".github", "workflows", file))
	if err != nil {
		w.t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []actionStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		w.t.Fatalf("%s: %v", file, err)
	}
	for _, s := range wf.Jobs[job].Steps {
		if s.ID == id {
			return s
		}
	}
	w.t.Fatalf("%s: job %s has no step with id %q (tests/e2e runs it)", file, job, id)
	return actionStep{}
}
