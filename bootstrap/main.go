// Command bootstrap is the CI identity project: an administrator runs
// `pulumi up` here once per AWS account. Everything lives in package identity.
package main

import (
	"github.com/example/webservice/bootstrap/identity"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		_, err := identity.Program(ctx)
		return err
	})
}
