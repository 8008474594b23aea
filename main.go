// Command webservice is the Pulumi program: `pulumi up -s staging` runs it.
// Everything lives in package infra; this file only hands it to the engine.
package main

import (
	"github.com/example/webservice/infra"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := infra.Program(ctx)
		return err
	})
}
