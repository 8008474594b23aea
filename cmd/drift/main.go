// Command drift reports what changed in AWS since a stack's last pulumi up,
// from the JSON the Pulumi CLI prints (pulumi preview --refresh --json, or
// pulumi refresh --preview-only --json and pulumi preview --json), and decides
// what to do with the stack's GitHub issue labelled drift. It never changes
// the stack.
//
//	go build -o bin/drift ./cmd/drift
//	bin/drift -stack staging -preview preview.json
//
// Run it built, never with `go run`: go run reports every non-zero exit as 1.
// Exit status: 0 no drift, 1 unreadable input, 2 bad flags, 3 drift found.
package main

import (
	"os"
	"time"

	"github.com/example/webservice/internal/drift"
)

func main() {
	os.Exit(drift.Command(os.Args[1:], os.Stdout, os.Stderr, os.Getenv, time.Now))
}
