package tests

import (
	"slices"
	"strings"
	"testing"
)

// A release published soon after its push: the commit's staging run may still
// be going when the production job starts. The job waits for it (bounded)
// before the deploy action looks for its verified record.
func TestAPromotionWaitsForItsCommitsStagingRun(t *testing.T) {
	var names []string
	var wait map[string]any
	for _, s := range jobs(t, workflow(t, "deploy.yml"))["deploy-production"]["steps"].([]any) {
		step := s.(map[string]any)
		n, _ := step["name"].(string)
		if n == "" {
			n, _ = step["uses"].(string)
		}
		names = append(names, n)
		if n == "Wait for the staging run of this commit" {
			wait = step
		}
	}
	if wait == nil || slices.Index(names, "Wait for the staging run of this commit") > slices.Index(names, "./.github/actions/deploy") {
		t.Fatalf("deploy-production steps %v: want the wait for the commit's staging run before the deploy action", names)
	}
	if cond(wait) != "${{ inputs.mode == 'promote' }}" || run(wait) != `bin/release wait-runs -workflow staging.yml -commit "$COMMIT" -timeout 60m` ||
		envOf(wait)["COMMIT"] != "${{ needs.plan.outputs.commit }}" {
		t.Errorf("the wait runs %q when %q with %v", run(wait), cond(wait), envOf(wait))
	}
	if m, _ := wait["timeout-minutes"].(int); m < 60 {
		t.Errorf("the wait step times out after %v minutes, before its own 60m", wait["timeout-minutes"])
	}
	for _, p := range []string{"production.yml", "rollback.yml"} {
		for _, j := range jobs(t, workflow(t, p)) {
			if at(j, "permissions.actions") != "read" {
				t.Errorf("%s grants actions: %v: listing staging's runs needs read", p, at(j, "permissions.actions"))
			}
		}
	}
	if !strings.Contains(run(planStep(t, "Check the ref this run deploys")), "image_tag") {
		t.Error("the plan does not check the release tag can be an image tag")
	}
}
