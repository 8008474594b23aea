// Command render shows everything a stack declares, offline: no AWS account, no
// Pulumi CLI, no provider plugins. `go run ./cmd/render -stack staging`.
// See internal/render for the output formats and exit codes.
package main

import (
	"os"

	"github.com/example/webservice/internal/render"
)

func main() {
	os.Exit(render.Command(os.Args[1:], os.Stdout, os.Stderr))
}
