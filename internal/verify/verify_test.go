package verify

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// outputsJSON is what `pulumi stack output --json` prints for staging, trimmed to
// what verify reads, with the URL of a local health endpoint.
func outputsJSON(url string) string {
	return fmt.Sprintf(`{
  "clusterName": "webservice-staging",
  "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/webservice-staging",
  "serviceName": "webservice",
  "taskDefinitionArn": %q,
  "url": %q,
  "targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef",
  "deployTimeoutSeconds": 900,
  "image": "ignored"
}`, newTaskDef, url)
}

// healthServer answers /health with the given status codes in turn (the last repeats).
func healthServer(t *testing.T, codes ...int) *httptest.Server {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			t.Errorf("probed %s", r.URL.Path)
		}
		i := int(n.Add(1)) - 1
		w.WriteHeader(codes[min(i, len(codes)-1)])
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are expected in one test
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func runVerify(t *testing.T, f *fakeAWS, outputs string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"-outputs", "-", "-poll", "20ms", "-probe-interval", "10ms", "-insecure-tls"}, args...)
	code := Command(context.Background(), args, strings.NewReader(outputs), &stdout, &stderr, f.start())
	return stdout.String(), stderr.String(), code
}

func TestCleanRolloutIsDeployed(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{
		{service: service(nil, deployment("PRIMARY", newTaskDef, "IN_PROGRESS", 0, 2, ""),
			deployment("ACTIVE", oldTaskDef, "COMPLETED", 2, 2, ""))},
		{service: service(nil, deployment("PRIMARY", newTaskDef, "IN_PROGRESS", 2, 2, ""),
			deployment("ACTIVE", oldTaskDef, "COMPLETED", 1, 2, ""))},
		{service: service(nil, deployment("PRIMARY", newTaskDef, "COMPLETED", 2, 2, "ECS deployment ecs-svc/42 completed."))},
	}}
	f.servingNew(2)
	health := healthServer(t, 200)
	stdout, stderr, code := runVerify(t, f, outputsJSON(health.URL))
	if code != ExitDeployed {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitDeployed, stdout, stderr)
	}
	if f.calls != 3 {
		t.Errorf("DescribeServices called %d times, want 3 (two in progress, one completed)", f.calls)
	}
	for _, want := range []string{"rollout in progress: 0/2 tasks running on webservice-staging:42",
		"rollout complete: the PRIMARY deployment runs webservice-staging:42 with 2/2 tasks",
		"targets: 2 of 2 tasks of webservice-staging:42 healthy in target group " + fakeTargetGroup,
		"healthy: saw 200, 200, 200", "DEPLOYED webservice-staging:42"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q in:\n%s", want, stdout)
		}
	}
}

// rollbackScript is what ECS shows when the circuit breaker rolls a bad release
// back: the new deployment FAILED, the old task definition is PRIMARY again.
func rollbackScript() []fakeAnswer {
	events := []string{
		"(service webservice) has started 2 tasks: (task 1a2b) (task 3c4d).",
		"(service webservice, taskSet ecs-svc/42) registered 2 targets in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef)",
		"(service webservice) (port 8443) is unhealthy in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef) due to (reason Health checks failed with these codes: [500]).",
		"(service webservice) (deployment ecs-svc/42) deployment failed: tasks failed to start.",
		"(service webservice) rolling back to deployment ecs-svc/41.",
		"(service webservice) has reached a steady state.",
	}
	return []fakeAnswer{
		{service: service(events[:3], deployment("PRIMARY", newTaskDef, "IN_PROGRESS", 1, 2, ""),
			deployment("ACTIVE", oldTaskDef, "COMPLETED", 2, 2, ""))},
		{service: service(events, deployment("PRIMARY", oldTaskDef, "COMPLETED", 2, 2, "ECS deployment ecs-svc/41 completed."),
			deployment("ACTIVE", newTaskDef, "FAILED", 0, 0, "ECS deployment circuit breaker: tasks failed to start."))},
	}
}

func TestCircuitBreakerRollbackFailsWithTheCause(t *testing.T) {
	f := &fakeAWS{t: t, script: rollbackScript(), targets: []fakeTarget{
		{"10.0.130.17", "healthy", "", ""},
		{"10.0.145.8", "unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [500]"},
		{"10.0.160.22", "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress"},
	}}
	stdout, _, code := runVerify(t, f, outputsJSON("https://127.0.0.1:1"))
	if code != ExitRolledBack {
		t.Fatalf("exit %d, want %d (rolled back)\n%s", code, ExitRolledBack, stdout)
	}
	for _, want := range []string{
		"verify: ROLLED BACK: the PRIMARY deployment runs " + oldTaskDef + ", not " + newTaskDef +
			": its rollout FAILED (ECS deployment circuit breaker: tasks failed to start.)",
		"ACTIVE   webservice-staging:42  FAILED      0/0 running",
		"2026-11-25T19:04:00Z  (service webservice) rolling back to deployment ecs-svc/41.",
		"is unhealthy in (target-group",
		"10.0.145.8:8443        unhealthy  Target.ResponseCodeMismatch: Health checks failed with these codes: [500]",
		"10.0.160.22:8443       draining",
	} {
		if !strings.Contains(squash(stdout), squash(want)) {
			t.Errorf("missing %q in:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "10.0.130.17") {
		t.Error("healthy targets are listed as problems")
	}
	if f.elbCalls != 1 {
		t.Errorf("DescribeTargetHealth called %d times", f.elbCalls)
	}
}

func TestAnotherReleaseReplacingOursCountsAsRolledBack(t *testing.T) {
	other := "arn:aws:ecs:us-east-1:123456789012:task-definition/webservice-staging:43"
	f := &fakeAWS{t: t, script: []fakeAnswer{{service: service(nil, deployment("PRIMARY", other, "COMPLETED", 2, 2, ""))}}}
	stdout, _, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitRolledBack || !strings.Contains(stdout, "rolled back or replaced") {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
}

func TestRolloutThatNeverFinishesTimesOut(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{service: service([]string{"(service webservice) has started 1 tasks."},
		deployment("PRIMARY", newTaskDef, "IN_PROGRESS", 1, 2, ""),
		deployment("ACTIVE", oldTaskDef, "COMPLETED", 2, 2, ""))}}}
	stdout, _, code := runVerify(t, f, outputsJSON(""), "-timeout", "200ms")
	if code != ExitTimedOut {
		t.Fatalf("exit %d, want %d\n%s", code, ExitTimedOut, stdout)
	}
	if !strings.Contains(stdout, "TIMED OUT: the rollout had not finished") || !strings.Contains(stdout, "has started 1 tasks") {
		t.Fatalf("report:\n%s", stdout)
	}
	if f.calls < 3 {
		t.Errorf("polled %d times in 200 ms at 20 ms", f.calls)
	}
}

func TestThrottlingIsRetriedThenSucceeds(t *testing.T) {
	completed := fakeAnswer{service: service(nil, deployment("PRIMARY", newTaskDef, "COMPLETED", 2, 2, ""))}
	throttled := fakeAnswer{status: 400, errorType: "ThrottlingException"}
	f := (&fakeAWS{t: t, script: []fakeAnswer{throttled, throttled, throttled, completed}}).servingNew(2)
	stdout, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitDeployed {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if f.calls != 4 {
		t.Errorf("calls = %d, want 3 throttled + 1", f.calls)
	}
}

func TestPersistentAPIErrorsGiveUpWithTheirOwnExitCode(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{status: 403, errorType: "AccessDeniedException"}}}
	_, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitAPIError || !strings.Contains(stderr, "AccessDeniedException") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	// Access denied is not retryable: one call per poll, maxAPIFailures polls.
	if f.calls != maxAPIFailures {
		t.Errorf("calls = %d, want %d", f.calls, maxAPIFailures)
	}
}

func TestMissingServiceIsBadInput(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{missing: true}}}
	_, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitBadInput || !strings.Contains(stderr, "MISSING") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
}

func TestCompletedRolloutWithFailingHealthIsUnhealthy(t *testing.T) {
	f := (&fakeAWS{t: t, script: []fakeAnswer{{service: service(nil, deployment("PRIMARY", newTaskDef, "COMPLETED", 2, 2, ""))}}}).servingNew(2)
	health := healthServer(t, 200, 200, 500)
	stdout, _, code := runVerify(t, f, outputsJSON(health.URL), "-probe-attempts", "5")
	if code != ExitUnhealthy || !strings.Contains(stdout, "saw 200, 200, 500, 500, 500") {
		t.Fatalf("exit %d\n%s", code, stdout)
	}
}

func TestBadInputNamesWhatIsMissing(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{missing: true}}}
	_, stderr, code := runVerify(t, f, `{"clusterName": "webservice-staging"}`)
	if code != ExitBadInput {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"-service: missing", "-task-definition: missing", "-region: missing"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("missing %q in %s", want, stderr)
		}
	}
	if f.calls != 0 {
		t.Error("called AWS with bad input")
	}
	_, stderr, code = runVerify(t, f, `not json`)
	if code != ExitBadInput || !strings.Contains(stderr, "pulumi stack output --json") {
		t.Fatalf("exit %d, %s", code, stderr)
	}
}

func TestInterruptStopsTheWait(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{service: service(nil, deployment("PRIMARY", newTaskDef, "IN_PROGRESS", 0, 2, ""))}}}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Command(ctx, []string{"-outputs", "-", "-poll", "20ms"}, strings.NewReader(outputsJSON("")),
			&stdout, &stderr, f.start())
	}()
	for f.callCount() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != ExitTimedOut || !strings.Contains(stderr.String(), "interrupted") {
		t.Fatalf("exit %d, stderr %s", code, stderr.String())
	}
}

func (f *fakeAWS) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// squash folds runs of white space, so assertions do not depend on column widths.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
