package infra

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A newcomer's offline preview of production needs what the set-up gives
// production (its boundary, its certificate) before any AWS account exists.
// render -example supplies AWS's own documentation examples for exactly those
// settings, and runs ExampleProgram, which accepts those values and no other
// placeholder. main.go runs Program: a real update never accepts them.

// ExampleSite are the example values render -example gives a stack for each
// set-up setting its stack file leaves unset.
func ExampleSite(stack string) map[string]string {
	const account = "123456789012" // AWS's documentation account
	return map[string]string{
		"permissionsBoundaryArn": "arn:aws:iam::" + account + ":policy/webservice/webservice-" + stack + "-boundary",
		"certificateArn":         "arn:aws:acm:us-east-1:" + account + ":certificate/12345678-1234-1234-1234-123456789012",
	}
}

// ExampleProgram is Program for render -example: the placeholder check lets
// through the given example values (key without namespace -> value), nothing
// else.
func ExampleProgram(examples map[string]string) func(*pulumi.Context) (Outputs, error) {
	return func(ctx *pulumi.Context) (Outputs, error) {
		return program(ctx, examples)
	}
}
