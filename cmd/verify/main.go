// Command verify checks, after `pulumi up`, that the new release really went
// live: the ECS service's PRIMARY deployment runs the task definition the deploy
// created, its rollout COMPLETED, and /health passes as the ALB would judge it.
// A circuit-breaker rollback makes `pulumi up` succeed; verify makes it fail.
//
//	pulumi stack output --json | go run ./cmd/verify -outputs -
//
// Exit status: 0 deployed, 1 rolled back, 2 timed out, 3 bad input,
// 4 unhealthy, 5 AWS API error. See internal/verify.
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
