//go:build e2e

package motopeer

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// verifyBin is cmd/verify built once for the suite: its exit codes are the
// contract under test, and `go run` would turn each of them into 1.
var verifyBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "motopeer")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	verifyBin = filepath.Join(dir, "verify")
	build := exec.Command("go", "build", "-o", verifyBin, "github.com/example/webservice/cmd/verify")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build cmd/verify: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	stopShared()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The shared peer: one moto for every test that only adds its own uniquely
// named resources. MOTO_ECS_SERVICE_RUNNING is how moto reports running tasks
// (it runs none): staging's desired count, so a service created with it has
// COMPLETED its rollout, and one asking for more is still IN_PROGRESS.
var (
	sharedMu   sync.Mutex
	shared     *peer
	sharedFail string
)

func sharedPeer(t testing.TB) *peer {
	t.Helper()
	requireMoto(t)
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		return shared
	}
	if sharedFail != "" {
		t.Fatal(sharedFail)
	}
	sharedFail = "the shared moto_server failed to start in an earlier test"
	r := render(t, "staging")
	desired := num(t, one(t, r, "aws:ecs/service:Service", "service").Inputs, "desiredCount")
	m := launchMoto(t, "MOTO_ECS_SERVICE_RUNNING="+strconv.Itoa(int(desired)))
	m.KeepTasksRunning(t)
	shared = newPeer(m, r.Config["aws:region"])
	sharedFail = ""
	return shared
}

func stopShared() {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if shared != nil {
		shared.fix.Close()
		shared.Stop()
	}
}

// run is one run of the built verify.
type run struct {
	code           int
	stdout, stderr string
}

func (r run) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%sstderr:\n%s", r.code, r.stdout, r.stderr)
}

// verifyCmd prepares bin/verify against endpoint with the given environment
// on top of a hermetic one; stdin is the outputs JSON.
func verifyCmd(endpoint string, stdin []byte, env []string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(verifyBin, args...)
	cmd.Env = append(hermeticEnv(), "AWS_ENDPOINT_URL="+endpoint, "AWS_REGION=us-east-1",
		"AWS_MAX_ATTEMPTS=2") // a dead endpoint costs seconds, not the SDK's default backoff
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// runVerify runs bin/verify to the end.
func runVerify(t testing.TB, endpoint string, stdin []byte, env []string, args ...string) run {
	t.Helper()
	cmd, stdout, stderr := verifyCmd(endpoint, stdin, env, args...)
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run verify: %v", err)
		}
		code = ee.ExitCode()
	}
	return run{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// withKeys are credentials moto accepts (it checks none unless told to).
var withKeys = []string{"AWS_ACCESS_KEY_ID=AKIAMOTOPEERTESTKEY1", "AWS_SECRET_ACCESS_KEY=moto-peer-secret"}
