//go:build e2e

// Command probe is the Pulumi program tests/e2e/rules_test.go previews with
// the real CLI and the stand-in AWS provider: it declares exactly the
// resources its stack's config key probe:resources lists (a JSON list of
// {type, name, inputs}), each with the inputs given and nothing else, so that
// the provider's Check sees one value the test injected among inputs our
// program really sets.
//
// The build tag keeps it out of the module's ordinary builds; the test runs
// `pulumi preview` here with GOFLAGS=-tags=e2e, so the stand-in language
// host's plain `go build .` compiles it in place.
package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// spec is one resource to declare.
type spec struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Inputs map[string]any `json:"inputs"`
}

type custom struct{ pulumi.CustomResourceState }

type provider struct{ pulumi.ProviderResourceState }

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		raw, _ := ctx.GetConfig("probe:resources")
		var specs []spec
		if err := json.Unmarshal([]byte(raw), &specs); err != nil {
			return fmt.Errorf("probe:resources: %w", err)
		}
		// The version the program's SDK asks for (go.mod's pulumi-aws).
		version, ok := ctx.GetConfig("probe:awsVersion")
		if !ok {
			return fmt.Errorf("probe:awsVersion is not set")
		}
		for _, s := range specs {
			var res pulumi.Resource = &custom{}
			if strings.HasPrefix(s.Type, "pulumi:providers:") {
				res = &provider{}
			}
			if err := ctx.RegisterResource(s.Type, s.Name, toMap(s.Inputs), res, pulumi.Version(version)); err != nil {
				return fmt.Errorf("%s %s: %w", s.Type, s.Name, err)
			}
		}
		return nil
	})
}

func toMap(m map[string]any) pulumi.Map {
	out := pulumi.Map{}
	for k, v := range m {
		out[k] = toInput(v)
	}
	return out
}

// toInput turns a JSON value into the input the SDK would marshal for it.
func toInput(v any) pulumi.Input {
	switch x := v.(type) {
	case map[string]any:
		return toMap(x)
	case []any:
		arr := pulumi.Array{}
		for _, e := range x {
			arr = append(arr, toInput(e))
		}
		return arr
	case string:
		return pulumi.String(x)
	case float64:
		return pulumi.Float64(x)
	case bool:
		return pulumi.Bool(x)
	default:
		panic(fmt.Sprintf("probe: a %T in probe:resources", v))
	}
}
