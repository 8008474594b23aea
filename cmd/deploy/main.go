// Command deploy rolls one stack to an image and proves it serves, or puts the
// stack back on the release that was live: the one deploy, from CI or a
// laptop (internal/deploy; `deploy -h` says how).
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
