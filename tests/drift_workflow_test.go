package tests

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The drift check (drift.yml) and the deploy's look at drift before its up,
// checked for what the README promises: scheduled and on demand, per stack,
// read-only, never changing a stack, the verdict from the built, tested
// bin/drift, and an issue per stack. actionlint lints drift.yml with the
// others (TestWorkflowsPassActionlint lints all of .github).

// changesAStack are the Pulumi commands that write a stack or its state.
var changesAStack = regexp.MustCompile(`pulumi (up|destroy|import|cancel|state|stack (rm|import|change-secrets-provider)|config (set|rm))\b|` +
	`pulumi refresh\b[^\n]*|--yes|--skip-preview`)

func driftJob(t *testing.T) map[string]any {
	t.Helper()
	js := jobs(t, workflow(t, "drift.yml"))
	if len(js) != 1 {
		t.Fatalf("drift.yml has %d jobs, want one (a matrix over the stacks)", len(js))
	}
	return js["check"]
}

func driftSteps(t *testing.T) (steps []map[string]any, script string) {
	t.Helper()
	var all []string
	for _, s := range driftJob(t)["steps"].([]any) {
		step := s.(map[string]any)
		steps = append(steps, step)
		all = append(all, run(step))
	}
	return steps, strings.Join(all, "\n")
}

func TestDriftRunsOnAScheduleAndOnDemandForEachStack(t *testing.T) {
	wf := workflow(t, "drift.yml")
	crons, _ := at(wf, "on.schedule").([]any)
	if len(crons) != 1 || at(crons[0], "cron") == nil {
		t.Errorf("schedule = %v, want one cron", at(wf, "on.schedule"))
	}
	if at(wf, "on.workflow_dispatch") == nil {
		t.Error("drift cannot be started by hand (workflow_dispatch)")
	}
	if on := fmt.Sprint(at(wf, "on")); strings.Contains(on, "pull_request") || strings.Contains(on, "push") {
		t.Errorf("drift runs on %s: only on a schedule and on demand", on)
	}
	matrix, _ := at(driftJob(t), "strategy.matrix.stack").(string)
	for _, stack := range Stacks {
		if !strings.Contains(matrix, `"`+stack+`"`) {
			t.Errorf("matrix %q does not check %s", matrix, stack)
		}
	}
	if at(driftJob(t), "strategy.fail-fast") != false {
		t.Error("one stack's failure would cancel the other's check (fail-fast)")
	}
	if at(wf, "concurrency.group") == nil || at(wf, "concurrency.cancel-in-progress") != false {
		t.Error("two checks could run at once and both open a stack's issue")
	}
}

func TestDriftIsReadOnlyAndNeverChangesAStack(t *testing.T) {
	wf := workflow(t, "drift.yml")
	if p, ok := wf["permissions"].(map[string]any); !ok || len(p) != 0 {
		t.Errorf("workflow permissions = %v, want {}", wf["permissions"])
	}
	j := driftJob(t)
	want := map[string]any{"contents": "read", "id-token": "write", "issues": "write"}
	if got, _ := j["permissions"].(map[string]any); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("job permissions = %v, want %v", got, want)
	}
	// The environment gives the OIDC subject the preview role trusts for drift
	// and holds the read-only Pulumi credentials.
	if j["environment"] != "drift" {
		t.Errorf("environment = %v, want drift", j["environment"])
	}
	steps, script := driftSteps(t)
	if m := changesAStack.FindString(script); m != "" {
		t.Errorf("drift.yml runs %q, which changes a stack", m)
	}
	if !strings.Contains(script, "pulumi preview --refresh --json") {
		t.Errorf("no refresh-then-preview:\n%s", script)
	}
	var roles []string
	for _, s := range steps {
		if r := at(s, "with.role-to-assume"); r != nil {
			roles = append(roles, r.(string))
		}
	}
	// The role is chosen by the step TestDriftReadsProductionWithItsOwnAccountsRole
	// runs: one of the drift roles, never a deploy role.
	if len(roles) != 1 || roles[0] != "${{ steps.role.outputs.arn }}" {
		t.Errorf("roles %v, want the drift role the role step chose", roles)
	}
	// Only the drift environment's read-only Pulumi credentials, never a
	// deploy's.
	for _, m := range secretRef.FindAllStringSubmatch(fmt.Sprint(j), -1) {
		t.Errorf("drift.yml names the secret %s directly: only the drift environment's DRIFT_<STACK>_... ones, chosen per stack", m[1])
	}
	secrets := regexp.MustCompile(`secrets\[format\('(DRIFT_\{0\}_PULUMI_[A-Z_]+)'`).FindAllStringSubmatch(fmt.Sprint(j), -1)
	if len(secrets) != 2 {
		t.Errorf("Pulumi credentials: %v, want the stack's DRIFT_{0}_PULUMI_ACCESS_TOKEN and _CONFIG_PASSPHRASE", secrets)
	}
	if strings.Contains(fmt.Sprint(j["env"]), "secrets") {
		t.Error("secrets in the job's env: they belong on the step that runs pulumi")
	}
}

func TestDriftVerdictAndIssueComeFromTheBuiltTool(t *testing.T) {
	steps, script := driftSteps(t)
	if regexp.MustCompile(`(^|[\s;&|(])go run `).MatchString(script) {
		t.Error("drift.yml uses go run, which turns exit 3 (drift) into 1")
	}
	build := strings.Index(script, "go build -o bin/drift ./cmd/drift")
	use := strings.Index(script, "bin/drift -stack")
	if build < 0 || use < build {
		t.Fatalf("bin/drift is not built before it runs:\n%s", script)
	}
	for _, flag := range []string{"-preview ", "-issues ", "-issue-body ", `-decision "$GITHUB_OUTPUT"`} {
		if !strings.Contains(script[use:], flag) {
			t.Errorf("bin/drift runs without %s", flag)
		}
	}
	var issue, fail map[string]any
	for _, s := range steps {
		switch s["name"] {
		case "Open, update or close the stack's drift issue":
			issue = s
		case "Fail on drift":
			fail = s
		}
	}
	if issue == nil || fail == nil {
		t.Fatal("no issue step or no failing step")
	}
	for _, want := range []string{"open)", "update)", "close)", "none)", "gh issue create", "--label drift",
		"gh issue edit", "gh issue close", `--body-file "$body"`} {
		if !strings.Contains(run(issue), want) {
			t.Errorf("the issue step lacks %q", want)
		}
	}
	if envOf(issue)["ACTION"] != "${{ steps.drift.outputs.action }}" {
		t.Errorf("the issue action is %v, not bin/drift's decision", envOf(issue)["ACTION"])
	}
	if cond(fail) != "${{ steps.drift.outputs.status == '3' }}" {
		t.Errorf("the job fails on drift when %q", cond(fail))
	}
	for _, s := range steps {
		if strings.Contains(run(s), "${{") {
			t.Errorf("step %v expands an expression inside its script: pass it through env", s["name"])
		}
	}
}

func TestTheDeployShowsTheDriftItsUpChangesBackBeforeItRuns(t *testing.T) {
	steps, names := actionSteps(t)
	const name = "Show the drift this deploy changes back"
	i, up := slices.Index(names, name), slices.Index(names, "Roll out (pulumi up)")
	if i < 0 || up < 0 || i > up {
		t.Fatalf("steps %v: want %q before the up", names, name)
	}
	check := steps[name]
	if check["continue-on-error"] != true {
		t.Error("the drift check can fail the deploy: it must be non-fatal (continue-on-error)")
	}
	if cond(check) != cond(steps["Roll out (pulumi up)"]) {
		t.Errorf("the check runs when %q, the up when %q", cond(check), cond(steps["Roll out (pulumi up)"]))
	}
	r := run(check)
	if m := changesAStack.FindString(r); m != "" && !strings.HasPrefix(m, "pulumi refresh --preview-only") {
		t.Errorf("the drift check runs %q, which changes the stack", m)
	}
	for _, want := range []string{"pulumi refresh --preview-only --json", "pulumi preview --json",
		"go build -o bin/drift ./cmd/drift", `bin/drift -stack "$STACK_NAME" -refresh "$refresh" -preview "$preview"`} {
		if !strings.Contains(r, want) {
			t.Errorf("the drift check lacks %q:\n%s", want, r)
		}
	}
	if strings.Contains(r, "--refresh") {
		t.Error("the check's preview refreshes: it would show what an up --refresh does, not this up")
	}
	// Every way out of the script but bin/drift's verdict is exit 0.
	exits := regexp.MustCompile(`\bexit\b( \S+)?`).FindAllString(r, -1)
	if len(exits) == 0 {
		t.Error("the drift check has no exit 0 for a check that cannot run")
	}
	for _, e := range exits {
		if e != "exit 0;" && e != "exit 0" {
			t.Errorf("the drift check can end with %q: only exit 0", e)
		}
	}
	if strings.Contains(r, "set -e") && !strings.Contains(r, "set -uo pipefail") {
		t.Error("set -e would end the check on the first failing command")
	}
	// The preview must be the up's: the same image, by the environment.
	upEnv, env := envOf(steps["Roll out (pulumi up)"]), envOf(check)
	for _, k := range []string{"WEBSERVICE_IMAGE_TAG", "WEBSERVICE_IMAGE_DIGEST", "STACK", "PROGRAM_DIR"} {
		if env[k] != upEnv[k] {
			t.Errorf("%s: check %v, up %v", k, env[k], upEnv[k])
		}
	}
	// verify times the rollout against the model of the config just deployed.
	v := steps["Verify the rollout"]
	if !strings.Contains(run(v), `-stack "$STACK_NAME" -dir "$PROGRAM_DIR"`) ||
		envOf(v)["STACK_NAME"] != "${{ inputs.stack }}" || envOf(v)["PROGRAM_DIR"] != "${{ inputs.program-dir }}" {
		t.Errorf("verify does not get the deployed stack's config for its timing:\n%s", run(v))
	}
}

func driftRoleStep(t *testing.T) map[string]any {
	t.Helper()
	steps, _ := driftSteps(t)
	for _, s := range steps {
		if s["name"] == "Choose the stack's drift role" {
			return s
		}
	}
	t.Fatal("drift.yml has no step choosing the stack's drift role")
	return nil
}

// TestDriftReadsProductionWithItsOwnAccountsRole: with production in another
// account and no PRODUCTION_DRIFT_ROLE_ARN, the check would read production
// with staging's drift role, see none of its resources and report them all
// deleted; it fails instead, naming the variable.
func TestDriftReadsProductionWithItsOwnAccountsRole(t *testing.T) {
	step := driftRoleStep(t)
	env := envOf(step)
	for k, want := range map[string]string{"DRIFT_ROLE": "${{ vars.DRIFT_ROLE_ARN }}", "PRODUCTION_DRIFT_ROLE": "${{ vars.PRODUCTION_DRIFT_ROLE_ARN }}",
		"PRODUCTION_DEPLOY_ROLE": "${{ vars.PRODUCTION_DEPLOY_ROLE_ARN }}", "STACK": "${{ matrix.stack }}"} {
		if env[k] != want {
			t.Errorf("%s = %v, want %s", k, env[k], want)
		}
	}
	const (
		drift     = "arn:aws:iam::111111111111:role/webservice-drift"
		prodDrift = "arn:aws:iam::222222222222:role/webservice-drift"
		sameAcct  = "arn:aws:iam::111111111111:role/webservice-deploy-production"
		otherAcct = "arn:aws:iam::222222222222:role/webservice-deploy-production"
	)
	cases := []struct {
		name, stack, prodDrift, prodDeploy string
		role, refusal                      string
	}{
		{"staging", "staging", "", otherAcct, drift, ""},
		{"production with its own drift role", "production", prodDrift, otherAcct, prodDrift, ""},
		{"production in the same account", "production", "", sameAcct, drift, ""},
		{"production deploy role unknown", "production", "", "", drift, ""},
		{"production in another account without its drift role", "production", "", otherAcct, "", "set the variable PRODUCTION_DRIFT_ROLE_ARN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, ghOut := script(t, run(step), t.TempDir(), map[string]string{"STACK": c.stack, "DRIFT_ROLE": drift,
				"PRODUCTION_DRIFT_ROLE": c.prodDrift, "PRODUCTION_DEPLOY_ROLE": c.prodDeploy}, nil)
			if c.refusal != "" {
				if code == 0 || !strings.Contains(out, "::error::") || !strings.Contains(out, c.refusal) {
					t.Fatalf("exit %d, want a refusal saying %q:\n%s", code, c.refusal, out)
				}
				return
			}
			if code != 0 || ghOut != "arn="+c.role+"\n" {
				t.Fatalf("exit %d, output %q, want arn=%s:\n%s", code, ghOut, c.role, out)
			}
		})
	}
}
