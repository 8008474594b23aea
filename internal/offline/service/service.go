// Package service runs this repository's program (infra.Program) under
// internal/offline's recorder. It is its own package so that offline, and
// what builds on it without the program (internal/authz), links no
// pulumi-aws: each test binary that does costs the test command seconds.
package service

import (
	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Run runs infra.Program for a stack, as pulumi up would, under mocks.
func Run(opts offline.Options) (*offline.Result, error) {
	return offline.RunProgram(opts, func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
		return infra.Program(ctx)
	})
}
