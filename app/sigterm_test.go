package main

import (
	"bytes"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestBinaryExitsCleanlyOnSIGTERM builds the real binary and stops it the way
// ECS does, with SIGTERM.
func TestBinaryExitsCleanlyOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	var logs bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Env = []string{fmt.Sprintf("PORT=%d", port), "APP_VERSION=test"}
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	url := fmt.Sprintf("https://127.0.0.1:%d/health", port)
	deadline := time.Now().Add(10 * time.Second)
	for probe(url, &bytes.Buffer{}) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("never became healthy:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The healthcheck subcommand of the same binary agrees.
	hc := exec.Command(bin, "healthcheck")
	hc.Env = []string{fmt.Sprintf("PORT=%d", port)}
	if err := hc.Run(); err != nil {
		t.Fatalf("healthcheck subcommand: %v", err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit within 10 s of SIGTERM")
	}
	if !strings.Contains(logs.String(), "stopped cleanly") {
		t.Fatalf("logs:\n%s", logs.String())
	}

	// Once stopped, the healthcheck subcommand reports unhealthy.
	hc = exec.Command(bin, "healthcheck")
	hc.Env = []string{fmt.Sprintf("PORT=%d", port)}
	if err := hc.Run(); err == nil {
		t.Fatal("healthcheck passed with the server stopped")
	}
}
