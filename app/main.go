// Command server is the reference web service the pipelines build and deploy.
// Replace it with your own app; what the platform needs from any app is small:
//
//   - serve HTTPS on $PORT (the ALB health-checks /health over HTTPS and does not
//     validate the certificate, so a self-signed one is fine);
//   - answer GET /health with a 2xx within the 5 s health check timeout;
//   - on SIGTERM, stop accepting connections and finish in-flight requests well
//     within the task's stopTimeout (30 s): that is what makes rolling updates
//     lose no requests;
//   - run as a non-root user and write only to /tmp.
//
// Usage:
//
//	server              run the web service
//	server healthcheck  probe the local /health (the container health check)
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	cfg, err := configFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil)).With("version", cfg.Version)

	switch {
	case len(args) == 0 || args[0] == "serve":
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		defer stop()
		if err := serve(ctx, cfg, logger, newMux(cfg)); err != nil {
			logger.Error("server stopped", "error", err)
			return 1
		}
		return 0
	case args[0] == "healthcheck":
		return healthcheck(cfg, os.Stderr)
	default:
		fmt.Fprintf(os.Stderr, "usage: server [serve|healthcheck]\n")
		return 2
	}
}
