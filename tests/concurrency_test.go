package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

// One rollout of a stack at a time, in the order they came, none dropped
// (issue 18, items 2 and 3), from GitHub's concurrency groups: each stack's
// deploy job is in one group with `queue: max` (up to 100 pending, in order;
// GitHub 2026-05-07), never cancelled in progress. Nothing else is in those
// groups: the tests run before (a pending push was always tested), and the
// approval is a job of its own before (a job waiting for approval holds its
// group, so an unapproved release would hold a rollback). GitHub alone
// enforces the queue and the approvals: here is their configuration.

// deployGroups are the stacks' groups and the job of each.
var deployGroups = map[string]string{"staging": "deploy-staging", "production": "deploy-production"}

func TestTheDeployGroupsQueueEveryRun(t *testing.T) {
	for _, f := range workflowFiles {
		wf := workflow(t, f)
		if c := wf["concurrency"]; c != nil && f != "preview.yml" {
			t.Errorf("%s: workflow-level concurrency %v: a run whose deploy job its `if` skips would still take the group", f, c)
		}
		for name, j := range jobs(t, wf) {
			group, _ := at(j, "concurrency.group").(string)
			want, deploys := deployGroups[name]
			switch {
			case f == "deploy.yml" && deploys && (group != want || at(j, "concurrency.queue") != "max" ||
				at(j, "concurrency.cancel-in-progress") == true):
				t.Errorf("%s/%s: concurrency %v, want group %s with queue: max, never cancelled in progress", f, name, j["concurrency"], want)
			case !(f == "deploy.yml" && deploys) && j["concurrency"] != nil:
				t.Errorf("%s/%s joins %v: only the stacks' deploy jobs are serialized", f, name, j["concurrency"])
			}
			// GitHub refuses queue: max with cancel-in-progress: true.
			if at(j, "concurrency.queue") != nil && at(j, "concurrency.cancel-in-progress") == true {
				t.Errorf("%s/%s: queue with cancel-in-progress", f, name)
			}
		}
	}
	// Every job that holds a stack's credentials is its stack's deploy job.
	for name, j := range jobs(t, workflow(t, "deploy.yml")) {
		w, _ := j["with"].(map[string]any)
		for k, v := range w {
			if s, _ := v.(string); strings.Contains(k, "role") || strings.Contains(s, "secrets.") {
				if _, ok := deployGroups[name]; !ok {
					t.Errorf("deploy.yml/%s holds %s outside a deploy group", name, k)
				}
			}
		}
	}
}

func TestARollbackNeverWaitsBehindAnUnapprovedRelease(t *testing.T) {
	js := jobs(t, workflow(t, "deploy.yml"))
	approve, prod := js["approve"], js["production"]
	if approve == nil || prod == nil {
		t.Fatal("deploy.yml has no approve and production jobs")
	}
	if approve["environment"] != "production-approval" || approve["concurrency"] != nil {
		t.Errorf("the approval (environment %v, concurrency %v) must be outside the production group", approve["environment"], approve["concurrency"])
	}
	if at(prod, "environment.name") != "production" || prod["needs"] != "approve" {
		t.Errorf("production runs in %v after %v: want environment production (no reviewers) after the approval", at(prod, "environment.name"), prod["needs"])
	}
	// A release and a production rollback both pass the approval.
	cond, _ := approve["if"].(string)
	rollback := map[string]any{"github": map[string]any{"event_name": "workflow_dispatch"}, "inputs": map[string]any{"stack": "production"}}
	if !truthy(evalExpr(t, cond, rollback)) {
		t.Errorf("a production rollback skips the approval job (if %q), and so its own rollout", cond)
	}
}

// TestActionlintSilencesOnlyTheUnknownQueueKey: actionlint v1.7.12 does not
// know `queue`; .github/actionlint.yaml silences exactly the message it
// gives for it, nothing else.
func TestActionlintSilencesOnlyTheUnknownQueueKey(t *testing.T) {
	cfg, err := actionlint.ReadConfigFile(filepath.Join(githubDir, "actionlint.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns actionlint.IgnorePatterns
	for glob, p := range cfg.Paths {
		if glob != ".github/workflows/*.yml" || len(p.Ignore) != 1 {
			t.Fatalf("actionlint.yaml: %s ignores %v: want one pattern for the workflows", glob, p.Ignore)
		}
		patterns = p.Ignore
	}
	lint := func(concurrency string) []*actionlint.Error {
		dir := t.TempDir()
		wf := "on: push\njobs:\n  j:\n    runs-on: ubuntu-24.04\n    concurrency:\n" + concurrency + "    steps:\n      - run: echo\n"
		path := filepath.Join(dir, "w.yml")
		if err := os.WriteFile(path, []byte(wf), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := actionlint.NewLinter(&bytes.Buffer{}, &actionlint.LinterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		errs, err := l.LintFile(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		return errs
	}
	queue := lint("      group: g\n      queue: max\n")
	if len(queue) != 1 || !patterns.Match(queue[0]) {
		t.Fatalf("actionlint on queue: max says %v; the config silences it: %v", queue, len(queue) == 1 && patterns.Match(queue[0]))
	}
	for _, other := range []string{"      group: g\n      queues: max\n", "      group: g\n      cancel-in-progres: false\n",
		"      group: g\n      queue: max\n      size: 3\n"} {
		for _, e := range lint(other) {
			if patterns.Match(e) && !strings.Contains(e.Message, `unexpected key "queue"`) {
				t.Errorf("the config also silences %q", e.Message)
			}
		}
	}
	// And the value is one GitHub accepts: max (or the default, single).
	valid := regexp.MustCompile(`^(max|single)$`)
	for _, f := range workflowFiles {
		for name, j := range jobs(t, workflow(t, f)) {
			if q := at(j, "concurrency.queue"); q != nil && !valid.MatchString(q.(string)) {
				t.Errorf("%s/%s: queue %v, want max or single", f, name, q)
			}
		}
	}
}
