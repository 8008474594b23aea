package main

import (
	"fmt"
	"net"
	"strconv"
	"time"
)

// Config is read from the environment the task definition sets.
type Config struct {
	Port            int           // PORT, default 8443
	Host            string        // LISTEN_HOST: the address to listen on, e.g. 127.0.0.1; empty: every interface (what a task needs)
	Version         string        // APP_VERSION, the image tag the pipeline deployed
	CertFile        string        // TLS_CERT_FILE: PEM certificate; empty generates one at start
	KeyFile         string        // TLS_KEY_FILE
	ShutdownTimeout time.Duration // SHUTDOWN_TIMEOUT, default 25s: under the task's 30 s stopTimeout
}

const (
	defaultPort            = 8443
	defaultShutdownTimeout = 25 * time.Second
)

func configFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Port:            defaultPort,
		Host:            getenv("LISTEN_HOST"),
		Version:         getenv("APP_VERSION"),
		CertFile:        getenv("TLS_CERT_FILE"),
		KeyFile:         getenv("TLS_KEY_FILE"),
		ShutdownTimeout: defaultShutdownTimeout,
	}
	if c.Version == "" {
		c.Version = "dev"
	}
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			return c, fmt.Errorf("PORT: got %q, want a port 1-65535", v)
		}
		c.Port = p
	}
	if c.Host != "" && c.Host != "localhost" && net.ParseIP(c.Host) == nil {
		return c, fmt.Errorf("LISTEN_HOST: got %q, want an IP address such as 127.0.0.1 or ::1, localhost, "+
			"or nothing for every interface", c.Host)
	}
	if v := getenv("SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("SHUTDOWN_TIMEOUT: got %q, want a positive duration such as 25s", v)
		}
		c.ShutdownTimeout = d
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return c, fmt.Errorf("TLS_CERT_FILE and TLS_KEY_FILE: set both or neither (got %q and %q)", c.CertFile, c.KeyFile)
	}
	return c, nil
}
