// Command drift reports what changed in AWS since a stack's last pulumi up:
// it runs pulumi preview --refresh --json (or reads its output) and sorts the
// changes into what an up after a refresh changes back and what it leaves.
// drift issue keeps the stack's GitHub issue labelled drift. It never changes
// the stack.
//
//	go build -o bin/drift ./cmd/drift
//	bin/drift -stack staging
//
// Run it built, never with `go run`: go run reports every non-zero exit as 1.
// Exit status: 0 no drift, 1 the check could not run, 2 bad flags, 3 drift found.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/example/webservice/internal/drift"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(drift.Command(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
