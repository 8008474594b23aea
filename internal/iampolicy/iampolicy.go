// Package iampolicy builds IAM policy documents as typed values, marshalled with
// encoding/json: never hand-formatted JSON strings. The service program and the
// CI identity bootstrap share it.
package iampolicy

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Document is an IAM policy document.
type Document struct {
	Version   string      `json:"Version"`
	Statement []Statement `json:"Statement"`
}

// Statement is one policy statement. Conditions map an operator to key/value
// pairs; a value may be a string or a list of strings.
type Statement struct {
	Sid       string                    `json:"Sid,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]string         `json:"Principal,omitempty"`
	Action    []string                  `json:"Action"`
	Resource  []string                  `json:"Resource,omitempty"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
}

// New returns a document with the current policy language version.
func New(statements ...Statement) Document {
	return Document{Version: "2012-10-17", Statement: statements}
}

// Allow is a shorthand for an Allow statement.
func Allow(sid string, actions []string, resources ...string) Statement {
	return Statement{Sid: sid, Effect: "Allow", Action: actions, Resource: resources}
}

// When adds a condition to a statement and returns it.
func (s Statement) When(operator, key string, value any) Statement {
	if s.Condition == nil {
		s.Condition = map[string]map[string]any{}
	}
	if s.Condition[operator] == nil {
		s.Condition[operator] = map[string]any{}
	}
	s.Condition[operator][key] = value
	return s
}

// JSON marshals a document that needs no outputs.
func (d Document) JSON() pulumi.String {
	b, err := json.Marshal(d)
	if err != nil {
		// Documents hold only strings, string lists and maps of them.
		panic(fmt.Sprintf("iampolicy: marshal: %v", err))
	}
	return pulumi.String(b)
}

// FromOutputs resolves the given strings (outputs of other resources), hands
// them in order to build, and marshals the document it returns.
func FromOutputs(build func(resolved []string) Document, inputs ...pulumi.StringInput) pulumi.StringOutput {
	args := make([]any, len(inputs))
	for i, in := range inputs {
		args[i] = in
	}
	return pulumi.All(args...).ApplyT(func(vals []any) (string, error) {
		resolved := make([]string, len(vals))
		for i, v := range vals {
			s, ok := v.(string)
			if !ok {
				return "", fmt.Errorf("iampolicy: input %d is %T, not a string", i, v)
			}
			resolved[i] = s
		}
		b, err := json.Marshal(build(resolved))
		return string(b), err
	}).(pulumi.StringOutput)
}
