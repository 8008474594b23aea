package tests

import (
	"fmt"
	"regexp"
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
	// The environment gives the OIDC subject the drift role trusts and holds
	// the read-only Pulumi credentials; a check deploys nothing, so it makes
	// no deployment record (issue 18: eight a day otherwise).
	if at(j, "environment.name") != "drift" || at(j, "environment.deployment") != false {
		t.Errorf("environment = %v, want name drift, deployment false", j["environment"])
	}
	steps, script := driftSteps(t)
	if m := changesAStack.FindString(script); m != "" {
		t.Errorf("drift.yml runs %q, which changes a stack", m)
	}
	var roles []string
	for _, s := range steps {
		if r := at(s, "with.role-to-assume"); r != nil {
			roles = append(roles, r.(string))
		}
	}
	if len(roles) != 1 || roles[0] != "${{ matrix.stack == 'production' && vars.PRODUCTION_DRIFT_ROLE_ARN || vars.DRIFT_ROLE_ARN }}" {
		t.Errorf("roles %v, want the stack's drift role, never a deploy role", roles)
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

// The verdict is the built bin/drift's (internal/drift, tested against the
// real CLI's output and run by tests/e2e from this file), the issue too.
func TestDriftVerdictAndIssueComeFromTheBuiltTool(t *testing.T) {
	steps, script := driftSteps(t)
	if regexp.MustCompile(`(^|[\s;&|(])go run `).MatchString(script) {
		t.Error("drift.yml uses go run, which turns exit 3 (drift) into 1")
	}
	build := strings.Index(script, "go build -o bin/drift ./cmd/drift")
	use := strings.Index(script, `bin/drift -stack "$STACK" -pulumi-stack "$PULUMI_STACK" -report "$RUNNER_TEMP/drift.json"`)
	issue := strings.Index(script, `bin/drift issue -stack "$STACK" -report "$RUNNER_TEMP/drift.json"`)
	if build < 0 || use < build || issue < use {
		t.Fatalf("want bin/drift built, run, then its issue step:\n%s", script)
	}
	for _, s := range steps {
		if strings.Contains(run(s), "bin/drift issue") && cond(s) != "${{ !cancelled() && steps.check.outputs.checked == 'true' }}" {
			t.Errorf("the issue step runs when %q: want after every check that wrote a report, drift or not", cond(s))
		}
		if strings.Contains(run(s), "${{") {
			t.Errorf("step %v expands an expression inside its script: pass it through env", s["name"])
		}
	}
}
