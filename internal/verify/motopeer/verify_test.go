//go:build e2e

package motopeer

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// cmd/verify, built, against moto through AWS_ENDPOINT_URL, in each state a
// deploy can leave. Only what moto models faithfully is asserted here; the
// scripted fake in internal/verify covers the rest (doc.go).

// fast are flags that keep a run short: moto answers at once.
var fast = []string{"-outputs", "-", "-poll", "200ms", "-probe-interval", "50ms", "-insecure-tls"}

func args(extra ...string) []string { return append(append([]string{}, fast...), extra...) }

// healthServer answers /health 200 over TLS on loopback, as the app does.
func healthServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func expect(t *testing.T, got run, code int, wants ...string) {
	t.Helper()
	if got.code != code {
		t.Fatalf("want exit %d\n%s", code, got)
	}
	for _, w := range wants {
		if !strings.Contains(got.stdout+got.stderr, w) {
			t.Errorf("output lacks %q\n%s", w, got)
		}
	}
}

func revision(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }

func TestHealthyRolloutIsDeployed(t *testing.T) {
	p := sharedPeer(t)
	d := deployStack(t, p, "staging", uniq("ok"), deployOptions{})
	d.registerTargets(t, d.scheduleTasks(t))
	got := runVerify(t, p.Endpoint, d.outputs(t, healthServer(t)), withKeys, args()...)
	expect(t, got, 0,
		"rollout complete: the PRIMARY deployment runs "+revision(d.TaskDefinitionArn),
		"targets: 2 of 2 tasks of "+revision(d.TaskDefinitionArn)+" healthy",
		"healthy: saw 200, 200, 200", "DEPLOYED "+revision(d.TaskDefinitionArn))
}

func TestNoRegisteredTargetsIsUnhealthy(t *testing.T) {
	// ECS shows the rollout COMPLETED, but no task of it is in the target group.
	p := sharedPeer(t)
	d := deployStack(t, p, "staging", uniq("unreg"), deployOptions{})
	ips := d.scheduleTasks(t)
	got := runVerify(t, p.Endpoint, d.outputs(t, healthServer(t)), withKeys, args("-timeout", "2s")...)
	expect(t, got, 4, "UNHEALTHY: 0 of 2 tasks of "+revision(d.TaskDefinitionArn)+" healthy",
		ips[0]+":8443", "not registered")
}

func TestDeletedServiceIsBadInput(t *testing.T) {
	// A deleted service keeps its COMPLETED deployment in moto, as in ECS: only
	// its status says it is gone.
	p := sharedPeer(t)
	d := deployStack(t, p, "staging", uniq("gone"), deployOptions{})
	_, err := p.ECS.DeleteService(context.Background(), &ecs.DeleteServiceInput{
		Cluster: aws.String(d.Cluster), Service: aws.String(d.Service), Force: aws.Bool(true)})
	check(t, "DeleteService", err)
	got := runVerify(t, p.Endpoint, d.outputs(t, ""), withKeys, args()...)
	expect(t, got, 3, "service webservice in cluster "+d.Cluster+" is INACTIVE")
}

func TestMissingClusterIsBadInput(t *testing.T) {
	p := sharedPeer(t)
	d := deployStack(t, p, "staging", uniq("nocluster"), deployOptions{})
	got := runVerify(t, p.Endpoint, d.outputs(t, ""), withKeys, args("-cluster", "webservice-nowhere")...)
	expect(t, got, 3, "cluster webservice-nowhere not found in us-east-1")
}

func TestMissingServiceIsBadInput(t *testing.T) {
	p := sharedPeer(t)
	d := deployStack(t, p, "staging", uniq("nosvc"), deployOptions{})
	got := runVerify(t, p.Endpoint, d.outputs(t, ""), withKeys, args("-service", "nothing-here")...)
	expect(t, got, 3, "service nothing-here not found in cluster "+d.Cluster+": MISSING")
}

func TestNoDeploymentsIsBadInputAtOnce(t *testing.T) {
	p := sharedPeer(t)
	d := deployStack(t, p, "staging", uniq("external"), deployOptions{controller: "EXTERNAL"})
	start := time.Now()
	got := runVerify(t, p.Endpoint, d.outputs(t, ""), withKeys, args("-timeout", "1m")...)
	expect(t, got, 3, "has no ECS deployments to judge (deployment controller EXTERNAL)")
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %s: it must say so at once, not wait", time.Since(start))
	}
}

// startVerify starts bin/verify and waits until it prints want.
func startVerify(t *testing.T, endpoint string, stdin []byte, want string, args ...string) (*exec.Cmd, *syncBuffer, *syncBuffer) {
	t.Helper()
	cmd, _, _ := verifyCmd(endpoint, stdin, withKeys, args...)
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stdout.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("verify never printed %q\nstdout:\n%sstderr:\n%s", want, stdout.String(), stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cmd, &stdout, &stderr
}

// waitExit waits for cmd to end within limit and returns its run.
func waitExit(t *testing.T, cmd *exec.Cmd, stdout, stderr *syncBuffer, limit time.Duration) (run, time.Duration) {
	t.Helper()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("verify still running %s later\nstdout:\n%sstderr:\n%s", limit, stdout.String(), stderr.String())
	}
	return run{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String()}, time.Since(start)
}

func TestInterruptStopsTheWaitAtOnce(t *testing.T) {
	// A cancelled CI job sends SIGINT or SIGTERM: verify stops with no verdict.
	p := sharedPeer(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			d := deployStack(t, p, "staging", uniq("sig"), deployOptions{extraDesired: 1})
			cmd, stdout, stderr := startVerify(t, p.Endpoint, d.outputs(t, ""), "rollout in progress: 2/3 tasks running", args("-poll", "5s")...)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			got, took := waitExit(t, cmd, stdout, stderr, 10*time.Second)
			expect(t, got, 2, "interrupted before a verdict")
			if took > 5*time.Second { // a verdict-less stop is immediate; 5 s allows a loaded machine
				t.Errorf("took %s to stop after %s", took, sig)
			}
		})
	}
}

func TestEndpointDyingMidRunIsAnAPIError(t *testing.T) {
	desired := num(t, one(t, render(t, "staging"), "aws:ecs/service:Service", "service").Inputs, "desiredCount")
	p := startPeer(t, "MOTO_ECS_SERVICE_RUNNING="+strconv.Itoa(int(desired)))
	d := deployStack(t, p, "staging", uniq("dies"), deployOptions{extraDesired: 1})
	// Straight to moto, not through wireFix: when moto dies, nothing answers.
	cmd, stdout, stderr := startVerify(t, p.URL, d.outputs(t, ""), "rollout in progress", args("-timeout", "5m")...)
	p.Stop()
	got, _ := waitExit(t, cmd, stdout, stderr, 60*time.Second)
	expect(t, got, 5, "could not read the service (1/3)", "connection refused")
}

func TestRejectedCredentialsAreOneLine(t *testing.T) {
	p := startPeer(t)
	// moto checks keys only once told to; then it knows none but its own.
	p.API(t, "/moto-api/reset-auth", "0")
	outputs := []byte(`{"clusterName": "webservice-staging", "serviceName": "webservice",
		"taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/webservice-staging:1"}`)
	got := runVerify(t, p.Endpoint, outputs,
		[]string{"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY=not-a-key-moto-knows"}, args()...)
	expect(t, got, 5, "AWS rejected the credentials (access key AKIA...MPLE from AWS_ACCESS_KEY_ID in the environment): "+
		"InvalidClientTokenId: The security token included in the request is invalid.", "aws-actions/configure-aws-credentials")
	oneLine(t, got)
	if strings.Contains(got.stdout, "could not read the service") {
		t.Errorf("rejected credentials were retried\n%s", got)
	}
}

func TestMissingCredentialsAreOneLine(t *testing.T) {
	// No keys, no profile, no instance metadata (hermeticEnv): nothing to sign with.
	got := runVerify(t, closedEndpoint(t), []byte(`{"clusterName": "c", "serviceName": "s",
		"taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/f:1"}`), nil, args()...)
	expect(t, got, 5, "no AWS credentials: looked for AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY",
		"AWS_WEB_IDENTITY_TOKEN_FILE", `profile "default" in /dev/null`, "EC2 instance metadata (disabled")
	oneLine(t, got)
}

func TestUnreachableEndpointWithAShortTimeoutIsAnAPIError(t *testing.T) {
	// Issue 14: the API failure wins over the time budget.
	got := runVerify(t, closedEndpoint(t), []byte(`{"clusterName": "c", "serviceName": "s",
		"taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/f:1"}`), withKeys, args("-timeout", "1s")...)
	expect(t, got, 5, "connection refused")
}

func oneLine(t *testing.T, got run) {
	t.Helper()
	if lines := strings.Split(strings.TrimSpace(got.stderr), "\n"); len(lines) != 1 {
		t.Errorf("want one line on stderr, got %d\n%s", len(lines), got)
	}
	for _, noise := range []string{"operation error", "RequestID", "failed to refresh cached credentials"} {
		if strings.Contains(got.stderr, noise) {
			t.Errorf("SDK noise %q\n%s", noise, got)
		}
	}
}

// closedEndpoint is a loopback URL nothing listens on.
func closedEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return "http://" + l.Addr().String()
}
