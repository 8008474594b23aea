package verify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	// verify appends to the job summary and annotates warnings when it runs in
	// GitHub Actions; its tests' runs must not, when `go test` runs there.
	os.Unsetenv("GITHUB_STEP_SUMMARY")
	os.Unsetenv("GITHUB_ACTIONS")
	os.Exit(m.Run())
}

// projectRoot holds Pulumi.yaml and the stack files -stack reads.
const projectRoot = "../.."

// The deploy this test scripts started at t0; ECS recorded the rest.
var t0 = time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)

func at(d time.Duration) float64 { return float64(t0.Add(d).Unix()) }

type event struct {
	after time.Duration
	msg   string
}

// timedRollout is a clean rollout of revision 42 with the times ECS records:
// the deployment's createdAt and updatedAt, the service's events and, on the
// fake, each task's startedAt.
func timedRollout(t *testing.T, completedAfter time.Duration, events []event) *fakeAWS {
	inProgress := deployment("PRIMARY", newTaskDef, "IN_PROGRESS", 0, 2, "")
	inProgress["createdAt"] = at(0)
	done := deployment("PRIMARY", newTaskDef, "COMPLETED", 2, 2, "ECS deployment ecs-svc/42 completed.")
	done["createdAt"], done["updatedAt"] = at(0), at(completedAfter)
	svc := service(nil, done)
	var evs []any
	for i, e := range events {
		evs = append(evs, map[string]any{"id": string(rune('a' + i)), "createdAt": at(e.after), "message": e.msg})
	}
	svc["events"] = evs
	f := &fakeAWS{t: t, script: []fakeAnswer{
		{service: service(nil, inProgress, deployment("ACTIVE", oldTaskDef, "COMPLETED", 2, 2, ""))},
		{service: svc},
	}}
	f.servingNew(2)
	f.started = map[string]time.Time{"new0": t0.Add(65 * time.Second), "new1": t0.Add(70 * time.Second)}
	return f
}

// The events of a rolling update as ECS words them; the old tasks are drained
// once the new ones are healthy targets.
var rolloutEvents = []event{
	{-time.Hour, "(service webservice) has begun draining connections on 2 tasks."}, // the deploy before
	{5 * time.Second, "(service webservice) has started 2 tasks: (task new0) (task new1)."},
	{75 * time.Second, "(service webservice) registered 2 targets in (target-group " + fakeTargetGroup + ")"},
	{175 * time.Second, "(service webservice) has begun draining connections on 2 tasks."},
	{176 * time.Second, "(service webservice) deregistered 2 targets in (target-group " + fakeTargetGroup + ")"},
	{210 * time.Second, "(service webservice) has stopped 2 running tasks: (task old0) (task old1)."},
	{211 * time.Second, "(service webservice) has reached a steady state."},
	{600 * time.Second, "(service webservice) (deployment ecs-svc/42) deployment completed."},
}

func TestRolloutTimesAreReportedAgainstTheModelForTheSameSettings(t *testing.T) {
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	f := timedRollout(t, 10*time.Minute, rolloutEvents)
	stdout, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe", "-stack", "staging", "-dir", projectRoot)
	if code != ExitDeployed {
		t.Fatalf("exit %d, want %d: a slow rollout that serves is deployed\n%s%s", code, ExitDeployed, stdout, stderr)
	}
	// staging's model: S 60 s; + H 3 x I 30 s; + D 30 + K 30, 3 x 60 s of alarms.
	for _, want := range []string{
		"verify: rollout of webservice-staging:42 timed from the deployment's start (2026-11-25T19:00:00Z) against the deploy-time model for 2 tasks in 1 wave(s):",
		"new tasks running 1m10s model 1m0s +17%\n",
		"healthy in the target group 2m55s model 2m30s +17%\n",
		"COMPLETED 10m0s model 6m30s +54% over the 50% margin\n",
		"verify: warning: COMPLETED took 10m0s, 54% more than the model's 6m30s (margin 50%, -timing-margin): draining",
	} {
		if !strings.Contains(squashLines(stdout), want) {
			t.Errorf("missing %q in:\n%s", want, stdout)
		}
	}
	if n := strings.Count(stdout, "verify: warning:"); n != 1 {
		t.Errorf("%d warnings, want 1 (only COMPLETED is over the margin):\n%s", n, stdout)
	}
	if strings.Contains(stdout, "::warning") {
		t.Error("a GitHub annotation outside GitHub Actions")
	}
	// The timing comes before the verdict, which it does not change.
	if i, j := strings.Index(stdout, "timed from"), strings.Index(stdout, "DEPLOYED"); i < 0 || j < i {
		t.Errorf("timing not before the verdict:\n%s", stdout)
	}
	b, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"### Rollout timing: webservice-staging:42",
		"for 2 tasks in 1 wave(s); warning margin 50 %.",
		"| new tasks running | 1m10s | 1m0s | +10s (+17%) | latest startedAt of the new revision's tasks |",
		"| healthy in the target group | 2m55s | 2m30s | +25s (+17%) |",
		"| COMPLETED | 10m0s | 6m30s | +3m30s (+54%) :warning: | the deployment's updatedAt |",
		":warning: COMPLETED took 10m0s, 54 % more than the model's 6m30s",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("job summary lacks %q:\n%s", want, b)
		}
	}
}

func TestTheTimingMarginIsAFlag(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "true")
	f := timedRollout(t, 10*time.Minute, rolloutEvents)
	stdout, _, code := runVerify(t, f, outputsJSON(""), "-no-probe", "-stack", "staging", "-dir", projectRoot,
		"-timing-margin", "10")
	if code != ExitDeployed {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
	// 17 % over is within the default 50 %, not within 10 %.
	if n := strings.Count(stdout, "verify: warning:"); n != 3 {
		t.Errorf("%d warnings with -timing-margin 10, want 3:\n%s", n, stdout)
	}
	if n := strings.Count(stdout, "::warning title=Rollout slower than the deploy-time model::"); n != 3 {
		t.Errorf("%d GitHub annotations, want 3:\n%s", n, stdout)
	}
	for _, bad := range []string{"-1", "1001"} {
		_, stderr, code := runVerify(t, &fakeAWS{t: t}, outputsJSON(""), "-timing-margin", bad)
		if code != ExitBadInput || !strings.Contains(stderr, "-timing-margin: got "+bad+", want a percentage from 0 to 1000 (default 50)") {
			t.Errorf("-timing-margin %s: exit %d, stderr %q", bad, code, stderr)
		}
	}
}

func TestTimingWithoutAModelOrWithoutDrainEvents(t *testing.T) {
	// Without -stack: the measured times only, nothing to warn about.
	f := timedRollout(t, 10*time.Minute, rolloutEvents)
	stdout, _, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitDeployed || !strings.Contains(stdout, "no deploy-time model to compare with (-stack):") ||
		!strings.Contains(squashLines(stdout), "COMPLETED 10m0s\n") || strings.Contains(stdout, "warning") {
		t.Errorf("exit %d without a model:\n%s", code, stdout)
	}

	// A stack whose config cannot be read: said, and the verdict stands.
	f = timedRollout(t, 10*time.Minute, rolloutEvents)
	stdout, _, code = runVerify(t, f, outputsJSON(""), "-no-probe", "-stack", "nosuch", "-dir", projectRoot)
	if code != ExitDeployed || !strings.Contains(stdout, "verify: warning: -stack nosuch -dir ../..: no deploy-time model to time the rollout against:") {
		t.Errorf("exit %d with an unknown stack:\n%s", code, stdout)
	}

	// A first deploy drains nothing: healthy is not recorded, not made up.
	f = timedRollout(t, 10*time.Minute, rolloutEvents[:3])
	stdout, _, _ = runVerify(t, f, outputsJSON(""), "-no-probe", "-stack", "staging", "-dir", projectRoot)
	if !strings.Contains(squashLines(stdout), "healthy in the target group not recorded: ECS drained no old task after the new ones ran") {
		t.Errorf("first deploy:\n%s", stdout)
	}

	// No createdAt on the deployment: nothing to time from.
	f = &fakeAWS{t: t, script: []fakeAnswer{{service: service(nil, deployment("PRIMARY", newTaskDef, "COMPLETED", 2, 2, ""))}}}
	f.servingNew(2)
	stdout, _, _ = runVerify(t, f, outputsJSON(""), "-no-probe")
	if !strings.Contains(stdout, "verify: rollout timing: ECS did not record when the deployment started (createdAt)") {
		t.Errorf("no createdAt:\n%s", stdout)
	}
}

// squashLines squashes the spaces of each line, keeping the lines.
func squashLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = squash(l)
	}
	return strings.Join(lines, "\n")
}
