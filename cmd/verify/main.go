// Command verify checks, after `pulumi up`, that the new release really went
// live: the ECS service's PRIMARY deployment runs the task definition the deploy
// created, its rollout COMPLETED, its tasks are healthy targets, and /health
// passes as the ALB would judge it. A circuit-breaker rollback makes `pulumi up`
// succeed; verify makes it fail.
//
//	go build -o bin/verify ./cmd/verify
//	pulumi stack output --json | bin/verify -outputs -
//
// Run it built, never with `go run`: go run reports every non-zero exit as 1.
// Exit status: 0 deployed, 1 rolled back, 2 timed out or interrupted, 3 bad
// input, 4 unhealthy, 5 AWS API error. `verify -h` says more.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/example/webservice/internal/verify"
)

func main() {
	// SIGINT/SIGTERM (a cancelled CI job) stop the wait promptly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := verify.Command(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}
