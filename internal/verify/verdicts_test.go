package verify

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// Verdicts an operator met against an independent AWS implementation (moto)
// before they were fixed: each case here failed on the code of that time.

func completed() map[string]any {
	return service(nil, deployment("PRIMARY", newTaskDef, "COMPLETED", 2, 2, "ECS deployment ecs-svc/42 completed."))
}

func TestServiceThatIsNotActiveFailsWithItsStatus(t *testing.T) {
	for _, status := range []string{"INACTIVE", "DRAINING"} {
		t.Run(status, func(t *testing.T) {
			// A deleted service keeps its last deployments: only its status tells.
			svc := completed()
			svc["status"] = status
			f := (&fakeAWS{t: t, script: []fakeAnswer{{service: svc}}}).servingNew(2)
			stdout, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
			if code != ExitBadInput {
				t.Fatalf("exit %d, want %d (bad input)\n%s%s", code, ExitBadInput, stdout, stderr)
			}
			if !strings.Contains(stderr, "service webservice in cluster webservice-staging is "+status) {
				t.Errorf("stderr does not name the status:\n%s", stderr)
			}
			if f.callCount() != 1 {
				t.Errorf("DescribeServices called %d times, want 1: a deleted service never comes back", f.callCount())
			}
		})
	}
}

func TestMissingClusterIsBadInputLikeAMissingService(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{status: 400, errorType: "ClusterNotFoundException"}}}
	_, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitBadInput {
		t.Fatalf("exit %d, want %d (bad input)\n%s", code, ExitBadInput, stderr)
	}
	if !strings.Contains(stderr, "cluster webservice-staging not found in us-east-1") {
		t.Errorf("stderr does not say which cluster is missing where:\n%s", stderr)
	}
	if f.callCount() != 1 {
		t.Errorf("DescribeServices called %d times, want 1", f.callCount())
	}
}

func TestNoDeploymentsIsBadInputSaidAtOnce(t *testing.T) {
	// A service another deployment controller runs has no ECS deployments to judge.
	svc := service(nil)
	svc["deploymentController"] = map[string]any{"type": "EXTERNAL"}
	f := &fakeAWS{t: t, script: []fakeAnswer{{service: svc}}}
	start := time.Now()
	_, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe", "-timeout", "10s")
	if code != ExitBadInput {
		t.Fatalf("exit %d, want %d (bad input)\n%s", code, ExitBadInput, stderr)
	}
	if !strings.Contains(stderr, "no ECS deployments") || !strings.Contains(stderr, "EXTERNAL") {
		t.Errorf("stderr does not say why:\n%s", stderr)
	}
	if f.callCount() != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("waited %s over %d calls: it should say so at once", time.Since(start), f.callCount())
	}
}

func TestFlagValuesThatCanNeverPassAreRefused(t *testing.T) {
	cases := map[string][]string{
		"-probe-attempts: got 2, want at least 3":   {"-probe-attempts", "2"},
		"-probe-attempts: got 0, want at least 3":   {"-probe-attempts", "0"},
		"-timeout: got 0s, want a positive":         {"-timeout", "0"},
		"-timeout: got -1m0s, want a positive":      {"-timeout", "-1m"},
		"-poll: got 0s, want a positive":            {"-poll", "0s"},
		"-poll: got -1s, want a positive":           {"-poll", "-1s"},
		"-probe-interval: got 0s, want a positive":  {"-probe-interval", "0s"},
		"-probe-interval: got -5s, want a positive": {"-probe-interval", "-5s"},
	}
	for want, args := range cases {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			f := (&fakeAWS{t: t, script: []fakeAnswer{{service: completed()}}}).servingNew(2)
			var stdout, stderr bytes.Buffer
			all := append([]string{"-outputs", "-", "-no-probe"}, args...)
			code := Command(context.Background(), all, strings.NewReader(outputsJSON("")), &stdout, &stderr, f.start())
			if code != ExitBadInput || !strings.Contains(stderr.String(), want) {
				t.Fatalf("exit %d, want %d with %q; stderr:\n%s", code, ExitBadInput, want, stderr.String())
			}
			if f.callCount() != 0 {
				t.Error("called AWS with flags that can never pass")
			}
		})
	}
}

func TestHelpSaysWhatItDoesItsInputsAndExitCodes(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := Command(context.Background(), []string{"-h"}, strings.NewReader(""), &stdout, &stderr, nil)
	if code != 0 {
		t.Fatalf("-h exits %d, want 0", code)
	}
	help := stdout.String() + stderr.String()
	for _, want := range []string{
		"PRIMARY deployment", "pulumi stack output --json",
		"-outputs file", "-cluster name", "-target-group arn", "-probe-attempts n",
		"0  deployed", "1  rolled back", "2  timed out", "3  bad input", "4  unhealthy", "5  AWS API error",
		"AWS_ENDPOINT_URL",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	// A backquoted word in a Go flag usage becomes the argument's name.
	if strings.Contains(help, "-outputs pulumi") {
		t.Errorf("a backquote in a usage string leaked into the argument name:\n%s", help)
	}
}

func TestNoRegisteredTargetsIsAFailureNotAPass(t *testing.T) {
	f := (&fakeAWS{t: t, script: []fakeAnswer{{service: completed()}}}).servingNew(2)
	f.targets = nil // the tasks run, but nothing is in the target group
	stdout, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe", "-timeout", "300ms")
	if code != ExitUnhealthy {
		t.Fatalf("exit %d, want %d (unhealthy)\n%s%s", code, ExitUnhealthy, stdout, stderr)
	}
	if !strings.Contains(stdout, "0 of 2 tasks of webservice-staging:42 healthy") ||
		!strings.Contains(stdout, "10.0.130.10:8443") || !strings.Contains(stdout, "not registered") {
		t.Errorf("report does not name the unregistered tasks:\n%s", stdout)
	}
	if strings.Contains(stdout, "all 0 registered targets healthy") {
		t.Errorf("0 registered reported as healthy:\n%s", stdout)
	}
}

func TestEveryNewTaskMustBeAHealthyTarget(t *testing.T) {
	f := (&fakeAWS{t: t, script: []fakeAnswer{{service: completed()}}}).servingNew(2)
	f.targets[1] = fakeTarget{"10.0.130.11", "unhealthy", "Target.ResponseCodeMismatch", "Health checks failed with these codes: [500]"}
	stdout, _, code := runVerify(t, f, outputsJSON(""), "-no-probe", "-timeout", "300ms")
	if code != ExitUnhealthy {
		t.Fatalf("exit %d, want %d\n%s", code, ExitUnhealthy, stdout)
	}
	if !strings.Contains(squash(stdout), squash("10.0.130.11:8443 unhealthy Target.ResponseCodeMismatch: Health checks failed with these codes: [500]")) {
		t.Errorf("report lacks the unhealthy target:\n%s", stdout)
	}
}

func TestOldRevisionsTargetsDoNotCount(t *testing.T) {
	f := (&fakeAWS{t: t, script: []fakeAnswer{{service: completed()}}}).servingNew(2)
	// An old task still draining, and a stopped new one, are no one's problem.
	f.tasks = append(f.tasks, fakeTask{"old0", oldTaskDef, "10.0.160.22", "RUNNING"},
		fakeTask{"new9", newTaskDef, "10.0.160.23", "STOPPED"})
	f.targets = append(f.targets, fakeTarget{"10.0.160.22", "draining", "Target.DeregistrationInProgress", ""})
	stdout, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitDeployed {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "targets: 2 of 2 tasks of webservice-staging:42 healthy") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestUnreachableEndpointWithAShortTimeoutIsAnAPIError(t *testing.T) {
	// Issue 14: the API failure wins over the time budget.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	f := &fakeAWS{t: t}
	clients := f.startAt(closed)
	var stdout, stderr bytes.Buffer
	code := Command(context.Background(), []string{"-outputs", "-", "-no-probe", "-timeout", "50ms", "-poll", "20ms"},
		strings.NewReader(outputsJSON("")), &stdout, &stderr, clients)
	if code != ExitAPIError {
		t.Fatalf("exit %d, want %d (AWS API error)\n%s%s", code, ExitAPIError, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "connection refused") {
		t.Errorf("stderr does not say why:\n%s", stderr.String())
	}
}

func TestRejectedCredentialsAreOneLineAndNotRetried(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{status: 400, errorType: "UnrecognizedClientException"}}}
	_, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitAPIError {
		t.Fatalf("exit %d, want %d\n%s", code, ExitAPIError, stderr)
	}
	if lines := strings.Split(strings.TrimSpace(stderr), "\n"); len(lines) != 1 {
		t.Errorf("want one line, got %d:\n%s", len(lines), stderr)
	}
	for _, want := range []string{"AWS rejected the credentials", "UnrecognizedClientException", "AWS_ACCESS_KEY_ID"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "operation error") || strings.Contains(stderr, "RequestID") {
		t.Errorf("SDK noise in:\n%s", stderr)
	}
	if f.callCount() != 1 {
		t.Errorf("DescribeServices called %d times: bad credentials do not get better", f.callCount())
	}
}

func TestMissingCredentialsSayWhereTheyWereLookedFor(t *testing.T) {
	f := &fakeAWS{t: t, script: []fakeAnswer{{service: completed()}}}
	srv := f.server()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI"} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", dir+"/credentials")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true") // never ask 169.254.169.254 from a test
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	var stdout, stderr bytes.Buffer
	code := Command(context.Background(), []string{"-outputs", "-", "-no-probe"}, strings.NewReader(outputsJSON("")),
		&stdout, &stderr, nil)
	if code != ExitAPIError {
		t.Fatalf("exit %d, want %d\n%s", code, ExitAPIError, stderr.String())
	}
	msg := stderr.String()
	if lines := strings.Split(strings.TrimSpace(msg), "\n"); len(lines) != 1 {
		t.Errorf("want one line, got %d:\n%s", len(lines), msg)
	}
	for _, want := range []string{"no AWS credentials", "AWS_ACCESS_KEY_ID", "AWS_WEB_IDENTITY_TOKEN_FILE",
		`profile "default"`, dir + "/credentials", "EC2 instance metadata (disabled", "configure-aws-credentials"} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr lacks %q:\n%s", want, msg)
		}
	}
	for _, noise := range []string{"operation error", "failed to refresh cached credentials", "StatusCode"} {
		if strings.Contains(msg, noise) {
			t.Errorf("SDK noise %q in:\n%s", noise, msg)
		}
	}
	if f.callCount() != 0 {
		t.Error("called ECS without credentials")
	}
}

func TestAnAnswerThatIsNotTheAPIsSaysSoInOneLine(t *testing.T) {
	// A wrong AWS_ENDPOINT_URL, or a proxy's error page.
	f := &fakeAWS{t: t, script: []fakeAnswer{{status: 403, errorType: "html"}}}
	f.html = true
	_, stderr, code := runVerify(t, f, outputsJSON(""), "-no-probe")
	if code != ExitAPIError || !strings.Contains(stderr, "HTTP 403 with an answer that is not the AWS API's") {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "deserialization failed") || strings.Contains(stderr, "RequestID") {
		t.Errorf("SDK noise in:\n%s", stderr)
	}
}
