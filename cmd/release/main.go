// Command release runs the release pipeline's decisions (internal/release) for
// the deploy action: reconcile after a failed deploy, the verified staging
// deploy of a commit, the ancestry guard, the deploy queue, stack settings.
// The action builds it (go build -o bin/release ./cmd/release): its exit
// status is the action's branch, so it never runs under `go run`.
package main

import (
	"os"

	"github.com/example/webservice/internal/release"
)

func main() {
	os.Exit(release.Command(os.Args[1:], os.Stdout, os.Stderr))
}
