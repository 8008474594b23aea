package tests

import (
	"slices"
	"testing"
)

// Which release events deploy production, as GitHub fires them: publishing a
// release fires `published` and `released`; publishing a pre-release fires
// `published` (and `prereleased`); turning a pre-release into a release fires
// `released`. The workflow's types decide which events start a run, the
// job's `if` which runs deploy: every release must deploy exactly once.

type releaseEvent struct {
	action     string
	prerelease bool
}

func deploysOf(t *testing.T, events []releaseEvent, deployPrereleases string) int {
	t.Helper()
	wf := workflow(t, "production.yml")
	types := toStrings(at(wf, "on.release.types"))
	cond, _ := jobs(t, wf)["deploy"]["if"].(string)
	n := 0
	for _, e := range events {
		if !slices.Contains(types, e.action) {
			continue // no run at all
		}
		ctx := map[string]any{
			"github": map[string]any{"event_name": "release", "event": map[string]any{
				"action": e.action, "release": map[string]any{"prerelease": e.prerelease, "tag_name": "v1.2.3"}}},
			"vars": map[string]any{},
		}
		if deployPrereleases != "" {
			ctx["vars"] = map[string]any{"deploy_prereleases": deployPrereleases}
		}
		if cond == "" || truthy(evalExpr(t, cond, ctx)) {
			n++
		}
	}
	return n
}

func TestEachReleaseDeploysProductionExactlyOnce(t *testing.T) {
	published := []releaseEvent{{"created", false}, {"published", false}, {"released", false}}
	prePublished := []releaseEvent{{"created", true}, {"published", true}, {"prereleased", true}}
	preBecomesRelease := []releaseEvent{{"edited", false}, {"released", false}}
	cases := []struct {
		name   string
		events []releaseEvent
		optIn  string
		want   int
	}{
		{"a release is published", published, "", 1},
		{"a release is published (pre-releases opted in)", published, "true", 1},
		{"a pre-release is published", prePublished, "", 0},
		{"a pre-release is published (opted in)", prePublished, "true", 1},
		{"a pre-release later becomes a release", append(append([]releaseEvent{}, prePublished...), preBecomesRelease...), "", 1},
		{"a deployed pre-release later becomes a release (opted in)", append(append([]releaseEvent{}, prePublished...), preBecomesRelease...), "true", 1},
		{"DEPLOY_PRERELEASES set to something else than true", published, "yes", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := deploysOf(t, c.events, c.optIn); got != c.want {
				t.Fatalf("events %v with DEPLOY_PRERELEASES=%q deploy %d time(s), want %d", c.events, c.optIn, got, c.want)
			}
		})
	}
}

// TestASkippedRunNeverJoinsTheDeployGroup: GitHub keeps one pending run per
// concurrency group and cancels the older pending one. At the workflow level
// a run whose job the `if` skips (the `published` run of a release that
// deploys on `released`) still joins the group, and cancels the release
// waiting there; on the job, only a job that runs joins it.
func TestASkippedRunNeverJoinsTheDeployGroup(t *testing.T) {
	for file, group := range map[string]string{"staging.yml": "deploy-staging", "production.yml": "deploy-production"} {
		wf := workflow(t, file)
		if wf["concurrency"] != nil {
			t.Errorf("%s: workflow-level concurrency %v: a run its `if` skips would still join the group", file, wf["concurrency"])
		}
		for name, j := range jobs(t, wf) {
			if at(j, "concurrency.group") != group || at(j, "concurrency.cancel-in-progress") != false {
				t.Errorf("%s/%s: concurrency %v, want the job in %s, never cancelled in progress", file, name, j["concurrency"], group)
			}
		}
	}
	if c := workflow(t, "rollback.yml")["concurrency"]; c != nil {
		t.Errorf("rollback.yml joins %v: a pending rollback there could be cancelled", c)
	}
	for name, j := range jobs(t, workflow(t, "rollback.yml")) {
		if j["concurrency"] != nil {
			t.Errorf("rollback.yml/%s joins %v", name, j["concurrency"])
		}
	}
}
