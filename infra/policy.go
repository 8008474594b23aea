package infra

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// IAM policy documents as typed values marshalled with encoding/json: never
// hand-formatted JSON strings.

type policyDocument struct {
	Version   string            `json:"Version"`
	Statement []policyStatement `json:"Statement"`
}

type policyStatement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal map[string]string            `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

func newPolicy(statements ...policyStatement) policyDocument {
	return policyDocument{Version: "2012-10-17", Statement: statements}
}

// policyJSON resolves the given ARNs (outputs of other resources), hands them in
// order to build, and marshals the document it returns.
func policyJSON(build func(arns []string) policyDocument, arns ...pulumi.StringInput) pulumi.StringOutput {
	inputs := make([]any, len(arns))
	for i, a := range arns {
		inputs[i] = a
	}
	return pulumi.All(inputs...).ApplyT(func(vals []any) (string, error) {
		resolved := make([]string, len(vals))
		for i, v := range vals {
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("policy input %d is %T, not a string", i, v)
			}
			resolved[i] = s
		}
		doc, err := json.Marshal(build(resolved))
		return string(doc), err
	}).(pulumi.StringOutput)
}

// staticPolicyJSON marshals a document that needs no outputs.
func staticPolicyJSON(doc policyDocument) pulumi.String {
	b, err := json.Marshal(doc)
	if err != nil {
		// The document is built from plain strings: marshalling cannot fail.
		panic(err)
	}
	return pulumi.String(b)
}
