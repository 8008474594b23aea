// Package motoserver starts moto_server (moto 5.2.1), an independent
// implementation of AWS's APIs, on 127.0.0.1 for tests: the verify peer suite
// (internal/verify/motopeer) and the end-to-end suite (tests/e2e). No traffic
// leaves loopback.
//
// Without moto_server a test skips, saying how to install it; with CI=true (as
// .ci/run sets it) it fails instead.
package motoserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Version is the moto release the suites were written against: the limits
// they document are that release's.
const Version = "5.2.1"

// Install says how to get moto_server.
const Install = "pip install 'moto[server]==" + Version + "'"

// Server is one moto_server process on 127.0.0.1, on a port the kernel chose.
type Server struct {
	URL  string
	cmd  *exec.Cmd
	logs *SyncBuffer
	done chan struct{}
}

// InCI says whether a missing tool must fail a suite, not skip it.
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// Require finds moto_server: in CI its absence fails the test, elsewhere it
// skips it, each time saying how to install it.
func Require(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("moto_server")
	if err == nil {
		return path
	}
	msg := "moto_server is not on PATH (" + Install + ")"
	if InCI() {
		t.Fatal(msg + "; CI=true: a missing peer fails the run")
	}
	t.Skip(msg)
	return ""
}

var listening = regexp.MustCompile(`Running on (http://127\.0\.0\.1:\d+)`)

// Start starts moto_server with extra environment (e.g.
// MOTO_ECS_SERVICE_RUNNING=2) and stops it when the test ends.
func Start(t testing.TB, env ...string) *Server {
	t.Helper()
	m := Launch(t, env...)
	t.Cleanup(m.Stop)
	return m
}

// StartPatched starts moto's server through a Python script that patches moto
// first and then runs moto.server's main (tests/e2e/moto_gaps.py), and stops
// it when the test ends.
func StartPatched(t testing.TB, script string, env ...string) *Server {
	t.Helper()
	Require(t)
	m := launch(t, []string{"python3", script}, env)
	t.Cleanup(m.Stop)
	return m
}

// Launch starts moto_server; the caller stops it. It listens on 127.0.0.1
// only; port 0 lets the kernel pick a free port, which moto prints.
func Launch(t testing.TB, env ...string) *Server {
	t.Helper()
	return launch(t, []string{Require(t)}, env)
}

func launch(t testing.TB, argv []string, env []string) *Server {
	t.Helper()
	cmd := exec.Command(argv[0], append(argv[1:], "-H", "127.0.0.1", "-p", "0")...)
	cmd.Env = append(HermeticEnv(), env...)
	// Its own process group: the pyenv shim and Python go down together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	m := &Server{cmd: cmd, logs: &SyncBuffer{}, done: make(chan struct{})}
	cmd.Stdout = m.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			m.logs.WriteString(line + "\n")
			if mm := listening.FindStringSubmatch(line); mm != nil {
				select {
				case found <- mm[1]:
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(m.done) }()
	select {
	case m.URL = <-found:
	case <-m.done:
		t.Fatalf("moto_server exited before listening:\n%s", m.logs.String())
	case <-time.After(60 * time.Second):
		m.Stop()
		t.Fatalf("moto_server did not listen within 60 s:\n%s", m.logs.String())
	}
	if err := m.waitReady(); err != nil {
		m.Stop()
		t.Fatal(err)
	}
	return m
}

// Logs is what moto printed so far.
func (m *Server) Logs() string { return m.logs.String() }

// waitReady polls moto's own API until it answers.
func (m *Server) waitReady() error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(m.URL + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("moto_server at %s does not answer:\n%s", m.URL, m.logs.String())
}

// Stop ends moto's process group: SIGTERM, then SIGKILL if it lingers.
func (m *Server) Stop() {
	select {
	case <-m.done:
		return
	default:
	}
	_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-m.cmd.Process.Pid, syscall.SIGKILL)
		<-m.done
	}
}

// API posts a body to one of moto's own endpoints (/moto-api/...).
func (m *Server) API(t testing.TB, path, body string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, m.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("moto %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("moto %s: %s %s", path, resp.Status, b)
	}
}

// KeepTasksRunning stops moto from advancing a task's status each time it is
// described (RUNNING, DEACTIVATING, STOPPING...): ECS's tasks stay RUNNING.
func (m *Server) KeepTasksRunning(t testing.TB) {
	m.API(t, "/moto-api/state-manager/set-transition",
		`{"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1000000000}}`)
}

// HermeticEnv is the environment without anything that points the SDK or
// moto elsewhere: no real credentials, profiles or endpoints, and no instance
// metadata lookups (which would leave loopback). Nor GitHub's variables: in
// Actions, verify would add its timing to the test job's summary.
func HermeticEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "AWS_") || strings.HasPrefix(k, "MOTO_") || strings.HasPrefix(k, "TEST_SERVER_MODE") ||
			strings.HasPrefix(k, "GITHUB_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE=/dev/null")
}

// SyncBuffer collects a process's output from several goroutines.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// WriteString appends v.
func (s *SyncBuffer) WriteString(v string) {
	_, _ = s.Write([]byte(v))
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
