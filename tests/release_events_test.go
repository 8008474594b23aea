package tests

import (
	"slices"
	"testing"
)

// Which release events deploy production, as GitHub fires them: publishing a
// release fires `published` and `released`; publishing a pre-release fires
// `published` (and `prereleased`); turning a pre-release into a release fires
// `released`. The workflow's types decide which events start a run, the
// approve job's `if` which runs deploy: every release must deploy exactly once.

type releaseEvent struct {
	action     string
	prerelease bool
}

func deploysOf(t *testing.T, events []releaseEvent, deployPrereleases string) int {
	t.Helper()
	wf := workflow(t, "deploy.yml")
	types := toStrings(at(wf, "on.release.types"))
	cond, _ := jobs(t, wf)["approve"]["if"].(string)
	n := 0
	for _, e := range events {
		if !slices.Contains(types, e.action) {
			continue // no run at all
		}
		ctx := map[string]any{
			"github": map[string]any{"event_name": "release", "event": map[string]any{
				"action": e.action, "release": map[string]any{"prerelease": e.prerelease, "tag_name": "v1.2.3"}}},
			"vars": map[string]any{}, "inputs": map[string]any{},
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
