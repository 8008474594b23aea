// Command deploy deploys a stack, from CI or a laptop: internal/deploy, `deploy -h`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/example/webservice/internal/deploy"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := deploy.Command(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
