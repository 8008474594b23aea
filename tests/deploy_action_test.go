package tests

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/bootstrap/identity"
)

// The deploy action (.github/actions/deploy): the rollout's decisions are
// bin/deploy's (internal/deploy, tested there); here, that the action runs
// it the way docs/pipelines.md says, with the step ids the end-to-end suite
// runs (first, push, deploy), and with the expressions a reader of the step
// can evaluate: only in env, only plain references.

// plainRef is the one form an expression in the action's env may take.
var plainRef = regexp.MustCompile(`^\$\{\{ (inputs|steps\.[a-z-]+\.outputs|env|github|vars|secrets)\.[a-z][a-z_-]*(\.[a-z_-]+)? \}\}$`)

func TestDeployActionStepsHaveStableIdsAndPlainExpressions(t *testing.T) {
	steps, names := actionSteps(t)
	var ids []string
	for _, n := range names {
		if _, ok := steps[n]["id"]; ok {
			ids = append(ids, n)
		}
	}
	if !slices.Equal(ids, []string{"settings", "first", "push", "deploy"}) {
		t.Fatalf("step ids %v, want settings, first, push, deploy in that order (docs/pipelines.md)", ids)
	}
	for name, step := range steps {
		if strings.Contains(run(step), "${{") {
			t.Errorf("step %q expands an expression inside its script: pass it through env", name)
		}
		for k, v := range envOf(step) {
			if s := fmt.Sprint(v); strings.Contains(s, "${{") && !plainRef.MatchString(s) {
				t.Errorf("step %q env %s = %s: want one plain reference (inputs.X, steps.ID.outputs.X, env.X, github.X, vars.X, secrets.X)", name, k, s)
			}
		}
	}
	// The image goes in by environment variable, set by bin/deploy: --config
	// would be saved into Pulumi.<stack>.yaml.
	for name, step := range steps {
		if r := run(step); strings.Contains(r, "--config") || strings.Contains(r, " -c ") || strings.Contains(r, "pulumi ") {
			t.Errorf("step %q runs pulumi itself or passes config on the command line: %s", name, r)
		}
	}
	// bin/deploy writes its results (key=value) to stdout and its log to stderr.
	for _, id := range []string{"settings", "first", "deploy"} {
		if !strings.HasSuffix(strings.TrimSpace(run(steps[id])), `>> "$GITHUB_OUTPUT"`) {
			t.Errorf("step %s does not hand bin/deploy's results to $GITHUB_OUTPUT: %s", id, run(steps[id]))
		}
	}
	// A cancelled job's SIGINT goes to the step's process only: bin/deploy
	// must be it (exec), or it never cancels its update and the lock stays.
	first, deploy := run(steps["first"]), run(steps["deploy"])
	if !strings.HasPrefix(first, "exec bin/deploy first -stack") || !strings.Contains(first, `-skip-older="$BUILD"`) {
		t.Errorf("the first-deployment step runs %q", first)
	}
	// A rollback's target is checked before the credentials step.
	if s := run(steps["settings"]); !strings.Contains(s, `-tag "$TAG" -rollback="$ROLLBACK"`) {
		t.Errorf("the settings step does not check a rollback's target: %s", s)
	}
	for _, want := range []string{"exec bin/deploy -stack", `-from "$FROM"`, `-rollback="$ROLLBACK"`, `-signer-workflow "$SIGNER"`,
		`-allow-critical="${ALLOW:-false}"`, `-require-scan="${REQUIRE:-false}"`} {
		if !strings.Contains(deploy, want) {
			t.Errorf("the deploy step lacks %q: %s", want, deploy)
		}
	}
	// Only what this job built is attested, never an image found in ECR
	// (anyone with push rights could have put it there first).
	attest := steps["actions/attest-build-provenance@v4.1.0"]
	if c := cond(attest); !strings.HasSuffix(c, "&& steps.push.outcome == 'success'") ||
		fmt.Sprint(attest["with"].(map[string]any)["subject-digest"]) != "${{ steps.push.outputs.digest }}" {
		t.Errorf("the attestation runs when %q, of %v", c, attest["with"])
	}
	if cond(steps["deploy"]) != "steps.first.outputs.deploy == 'true'" || cond(steps["push"]) != "inputs.build == 'true' && steps.first.outputs.push == 'true'" {
		t.Errorf("deploy runs when %q, push when %q", cond(steps["deploy"]), cond(steps["push"]))
	}
}

// TestStagingBuildsOnceAndProductionPromotesTheVerifiedDigest: only a push
// builds, once per commit (a re-run finds the image, push=false), for both
// architectures a stack may run, labelled with its commit; production copies the
// image the approval job found verified on staging, from the release's tag.
func TestStagingBuildsOnceAndProductionPromotesTheVerifiedDigest(t *testing.T) {
	steps, _ := actionSteps(t)
	w := steps["push"]["with"].(map[string]any)
	for k, want := range map[string]any{"push": true, "target": "runtime", "provenance": "mode=max", "sbom": true,
		"context": "release/app", "platforms": "linux/amd64,linux/arm64",
		"labels": "org.opencontainers.image.revision=${{ inputs.tag }}",
		"tags":   "${{ steps.first.outputs.repository }}:${{ inputs.tag }}"} {
		if w[k] != want {
			t.Errorf("build-push %s = %v, want %v", k, w[k], want)
		}
	}
	js := jobs(t, workflow(t, "deploy.yml"))
	with := func(job string) map[string]any {
		for _, s := range js[job]["steps"].([]any) {
			if at(s, "uses") == "./.github/actions/deploy" {
				return s.(map[string]any)["with"].(map[string]any)
			}
		}
		t.Fatalf("%s does not use the deploy action", job)
		return nil
	}
	if s, p := with("staging"), with("production"); s["build"] != "${{ github.event_name == 'push' }}" || p["build"] != nil ||
		p["from"] != "${{ needs.approve.outputs.image }}" || s["from"] != nil {
		t.Errorf("staging builds %v from %v; production builds %v from %v", s["build"], s["from"], p["build"], p["from"])
	}
	if got := at(js["approve"], "outputs.image"); got != "${{ steps.staged.outputs.image }}" {
		t.Errorf("the approval job hands on %v", got)
	}
	var staged map[string]any
	for _, s := range js["approve"]["steps"].([]any) {
		if at(s, "id") == "staged" {
			staged = s.(map[string]any)
		}
	}
	if staged == nil || !strings.HasSuffix(run(staged), `bin/deploy staged -commit "$COMMIT" >> "$GITHUB_OUTPUT"`) || envOf(staged)["COMMIT"] != "${{ github.sha }}" ||
		cond(staged) != "github.event_name == 'release'" {
		t.Errorf("the approval job does not look up staging's verified image of the release's commit: %v", staged)
	}
	if at(js["staging"], "environment.url") != "${{ steps.deploy.outputs.url }}" {
		t.Errorf("staging's deployment records do not name the image they ran: environment %v", js["staging"]["environment"])
	}
}

// TestRollbacksRunTodaysPipelineOnTheReleaseTheyReturnTo (issue 18, item 7):
// a rollback's pipeline is the ref it is dispatched from (main for staging,
// the newest release tag for production), never the release it returns to,
// whose program, stack files and image come from its own ref: the action
// checks the tag it deploys out in release/.
func TestRollbacksRunTodaysPipelineOnTheReleaseTheyReturnTo(t *testing.T) {
	js := jobs(t, workflow(t, "deploy.yml"))
	for _, job := range []string{"staging", "production"} {
		var checkouts []map[string]any
		for _, s := range js[job]["steps"].([]any) {
			if u, _ := at(s, "uses").(string); strings.HasPrefix(u, "actions/checkout@") {
				checkouts = append(checkouts, s.(map[string]any))
			}
		}
		if len(checkouts) != 1 || at(checkouts[0], "with.ref") != nil || at(checkouts[0], "with.fetch-depth") != 0 {
			t.Errorf("%s checks out %v: want the workflow's ref with its history", job, checkouts)
		}
	}
	steps, _ := actionSteps(t)
	release := steps["actions/checkout@v6.0.2"]
	if at(release, "with.ref") != "${{ inputs.tag }}" || at(release, "with.path") != "release" || at(release, "with.persist-credentials") != false {
		t.Errorf("the action checks out %v: want the tag deployed in release/", release)
	}
	if r := run(steps["settings"]); !strings.Contains(r, "go build -o bin/deploy ./cmd/deploy") {
		t.Errorf("bin/deploy is not built from the workflow's ref: %s", r)
	}
	for _, id := range []string{"first", "deploy"} {
		if !strings.Contains(run(steps[id]), "-dir release") {
			t.Errorf("step %s deploys another program than release/'s", id)
		}
	}
}

func TestLeastPrivilege(t *testing.T) {
	want := map[string]map[string]string{
		"deploy.yml/test":       {"contents": "read"},
		"deploy.yml/staging":    {"contents": "read", "id-token": "write", "attestations": "write"},
		"deploy.yml/approve":    {"contents": "read", "deployments": "read"},
		"deploy.yml/production": {"contents": "read", "id-token": "write", "attestations": "read"},
		"preview.yml/test":      {"contents": "read"},
		"preview.yml/render":    {"contents": "read"},
		"preview.yml/preview":   {"contents": "read", "id-token": "write", "pull-requests": "write"},
		"test.yml/test":         {"contents": "read"},
	}
	for _, f := range workflowFiles {
		wf := workflow(t, f)
		if p, ok := wf["permissions"].(map[string]any); !ok || len(p) != 0 {
			t.Errorf("%s: workflow permissions = %v, want {} (each job asks for its own)", f, wf["permissions"])
		}
		for name, j := range jobs(t, wf) {
			got := map[string]string{}
			for k, v := range j["permissions"].(map[string]any) {
				got[k] = fmt.Sprint(v)
			}
			if fmt.Sprint(got) != fmt.Sprint(want[f+"/"+name]) {
				t.Errorf("%s/%s: permissions %v, want %v", f, name, got, want[f+"/"+name])
			}
		}
	}
	// GitHub records the deployments of the jobs' environments: no job writes them.
	for _, f := range pipelineFiles(t) {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "deployments: write") {
			t.Errorf("%s writes deployments", f)
		}
	}
}

// TestCredentialsOutlastTheJobAndTheRegionIsTheStacks: the role session lasts
// the role's maximum, longer than the deploy jobs may run; the region is the
// stack file's aws:region, never a variable that could disagree.
func TestCredentialsOutlastTheJobAndTheRegionIsTheStacks(t *testing.T) {
	steps, _ := actionSteps(t)
	var creds map[string]any
	for _, s := range steps {
		if u, _ := s["uses"].(string); strings.HasPrefix(u, "aws-actions/configure-aws-credentials@") {
			creds = s["with"].(map[string]any)
		}
	}
	if creds["role-duration-seconds"] != identity.MaxSessionSeconds || creds["aws-region"] != "${{ steps.settings.outputs.region }}" {
		t.Errorf("credentials %v: want %d s in the stack's region", creds, identity.MaxSessionSeconds)
	}
	for _, job := range []string{"staging", "production"} {
		if m, _ := jobs(t, workflow(t, "deploy.yml"))[job]["timeout-minutes"].(int); m == 0 || m*60 >= identity.MaxSessionSeconds {
			t.Errorf("%s times out after %d minutes: it must end before its %d s credentials", job, m, identity.MaxSessionSeconds)
		}
	}
	for _, f := range pipelineFiles(t) {
		if b, _ := os.ReadFile(f); strings.Contains(string(b), "AWS_REGION") {
			t.Errorf("%s reads a region variable that could disagree with the stack's aws:region", f)
		}
	}
	if r := run(steps["settings"]); !strings.Contains(r, `bin/deploy settings -stack "$STACK" -dir release`) {
		t.Errorf("the region is not read from the stack: %s", r)
	}
}
