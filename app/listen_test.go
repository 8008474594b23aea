package main

import (
	"context"
	"io"
	"net"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// LISTEN_HOST lets a developer run the app on a laptop reachable from that
// machine only; in a task it stays empty (every interface, for the ALB).

func TestConfigFromEnvReadsListenHost(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "LISTEN_HOST" {
				return v
			}
			return ""
		}
	}
	for _, ok := range []string{"", "127.0.0.1", "::1", "localhost", "0.0.0.0"} {
		c, err := configFromEnv(env(ok))
		if err != nil || c.Host != ok {
			t.Errorf("LISTEN_HOST=%q: host %q, err %v", ok, c.Host, err)
		}
	}
	_, err := configFromEnv(env("my laptop"))
	if err == nil || !strings.Contains(err.Error(), `LISTEN_HOST: got "my laptop"`) ||
		!strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("bad LISTEN_HOST: %v", err)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestServeListensOnlyOnTheConfiguredHost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("relies on Linux routing all of 127.0.0.0/8 to loopback")
	}
	cfg := testConfig()
	cfg.Host, cfg.Port = "127.0.0.1", freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, quietLogger(), newMux(cfg)) }()
	defer func() {
		cancel()
		<-done
	}()
	deadline := time.Now().Add(5 * time.Second)
	for healthcheck(cfg, io.Discard) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server never answered /health on 127.0.0.1")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Bound to 127.0.0.1 only, the port is still free on another address; a
	// server on every interface would hold it there too.
	other, err := net.Listen("tcp", net.JoinHostPort("127.0.0.2", strconv.Itoa(cfg.Port)))
	if err != nil {
		t.Fatalf("the server holds port %d beyond 127.0.0.1: %v", cfg.Port, err)
	}
	other.Close()
}
