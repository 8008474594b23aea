package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func insecureClient() *http.Client {
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
	}}
}

// startServer runs serveOn on a loopback port and returns its address, a cancel
// that plays SIGTERM, and the channel serveOn's result arrives on.
func startServer(t *testing.T, cfg Config, h http.Handler) (string, context.CancelFunc, chan error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveOn(ctx, ln, cfg, quietLogger(), h) }()
	t.Cleanup(cancel)
	return ln.Addr().String(), cancel, done
}

func testConfig() Config {
	return Config{Port: 0, Version: "3f2c1a9", ShutdownTimeout: 5 * time.Second}
}

func TestHealthAnswers200WithVersionOverTLS(t *testing.T) {
	addr, _, _ := startServer(t, testConfig(), newMux(testConfig()))
	resp, err := insecureClient().Get("https://" + addr + "/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("not served over TLS 1.2+: %+v", resp.TLS)
	}
	var body healthBody
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body.Status != "ok" || body.Version != "3f2c1a9" {
		t.Fatalf("got %d %+v", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("content type %q", ct)
	}
}

func TestPlainHTTPIsRefused(t *testing.T) {
	addr, _, _ := startServer(t, testConfig(), newMux(testConfig()))
	resp, err := http.Get("http://" + addr + "/health")
	if err == nil {
		defer resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatal("served /health over plain HTTP")
		}
	}
}

func TestShutdownFinishesInFlightRequestsAndRefusesNewOnes(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	mux := newMux(testConfig())
	mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	addr, sigterm, done := startServer(t, testConfig(), mux)

	result := make(chan string, 1)
	go func() {
		resp, err := insecureClient().Get("https://" + addr + "/slow")
		if err != nil {
			result <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		result <- string(b)
	}()
	<-started
	sigterm()

	// The listener closes at once: new connections are refused while the
	// in-flight request is still running.
	deadline := time.Now().Add(2 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			break
		}
		conn.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after SIGTERM")
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-done:
		t.Fatalf("server exited with a request in flight: %v", err)
	default:
	}

	close(release)
	if got := <-result; got != "finished" {
		t.Fatalf("in-flight request got %q, want it finished", got)
	}
	if err := <-done; err != nil {
		t.Fatalf("graceful shutdown returned %v", err)
	}
}

func TestShutdownGivesUpAfterTheTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.ShutdownTimeout = 100 * time.Millisecond
	started := make(chan struct{})
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stuck", func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-block
	})
	addr, sigterm, done := startServer(t, cfg, mux)
	go func() { _, _ = insecureClient().Get("https://" + addr + "/stuck") }()
	<-started
	sigterm()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "graceful shutdown") {
			t.Fatalf("want a graceful shutdown error, got %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("shutdown did not respect its timeout")
	}
}

func TestHealthcheckExitCodes(t *testing.T) {
	addr, _, _ := startServer(t, testConfig(), newMux(testConfig()))
	if code := probe("https://"+addr+"/health", io.Discard); code != 0 {
		t.Fatalf("healthy server: exit %d, want 0", code)
	}

	failing := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	var stderr strings.Builder
	if code := probe(failing.URL+"/health", &stderr); code != 1 || !strings.Contains(stderr.String(), "answered 500") {
		t.Fatalf("500: exit %d, stderr %q", code, stderr.String())
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().String()
	ln.Close()
	if code := probe("https://"+closed+"/health", io.Discard); code != 1 {
		t.Fatalf("nothing listening: exit %d, want 1", code)
	}
}

func TestConfigFromEnvRejectsBadValues(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := map[string]map[string]string{
		"PORT":             {"PORT": "http"},
		"SHUTDOWN_TIMEOUT": {"SHUTDOWN_TIMEOUT": "soon"},
		"TLS_CERT_FILE":    {"TLS_CERT_FILE": "/tmp/cert.pem"},
	}
	for name, vars := range cases {
		if _, err := configFromEnv(env(vars)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	c, err := configFromEnv(env(map[string]string{}))
	if err != nil || c.Port != 8443 || c.ShutdownTimeout != 25*time.Second || c.Version != "dev" {
		t.Fatalf("defaults: %+v %v", c, err)
	}
}
