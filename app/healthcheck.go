package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// healthcheckTimeout stays under the container health check's 5 s timeout.
const healthcheckTimeout = 3 * time.Second

// healthcheck probes this container's own /health, so the container health check
// needs no shell or curl in the image. Exit 0: healthy; 1: not.
func healthcheck(cfg Config, stderr io.Writer) int {
	host := "127.0.0.1"
	if ip := net.ParseIP(cfg.Host); cfg.Host == "localhost" || ip != nil && !ip.IsUnspecified() {
		// The server listens on that address only.
		host = cfg.Host
	}
	return probe("https://"+net.JoinHostPort(host, strconv.Itoa(cfg.Port))+"/health", stderr)
}

func probe(url string, stderr io.Writer) int {
	client := &http.Client{
		Timeout: healthcheckTimeout,
		Transport: &http.Transport{
			// Loopback to our own self-signed certificate: nothing to verify against.
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec
		},
	}
	resp, err := client.Get(url)
	if err != nil {
		fmt.Fprintf(stderr, "healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		fmt.Fprintf(stderr, "healthcheck: %s answered %d\n", url, resp.StatusCode)
		return 1
	}
	return 0
}
