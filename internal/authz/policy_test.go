package authz

import (
	"strings"
	"testing"
)

func mustPolicy(t *testing.T, name, doc string) Policy {
	t.Helper()
	p, err := ParsePolicy(name, doc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEvaluateFollowsIAMsRules(t *testing.T) {
	identity := mustPolicy(t, "role", `{"Version":"2012-10-17","Statement":[
		{"Sid":"Tag","Effect":"Allow","Action":"ecs:TagResource","Resource":"arn:aws:ecs:us-east-1:210987654321:task-definition/web-staging:*",
		 "Condition":{"StringEquals":{"ecs:CreateAction":"RegisterTaskDefinition"}}},
		{"Sid":"Reads","Effect":"Allow","Action":["ec2:Describe*"],"Resource":"*"},
		{"Sid":"Tagged","Effect":"Allow","Action":"ec2:CreateTags","Resource":"*",
		 "Condition":{"StringEquals":{"ec2:CreateAction":["CreateVpc","CreateSubnet"]}}},
		{"Sid":"NoProd","Effect":"Deny","Action":"*","Resource":"arn:aws:ecs:us-east-1:210987654321:task-definition/web-production:*"}
	]}`)
	boundary := mustPolicy(t, "boundary", `{"Statement":{"Effect":"Allow","Action":["ecs:*","ec2:CreateTags"],"Resource":"*"}}`)
	cases := []struct {
		name     string
		req      Request
		boundary *Policy
		allowed  bool
		reason   string
	}{
		{"tag on create is allowed", Request{Action: "ecs:TagResource",
			Resource: "arn:aws:ecs:us-east-1:210987654321:task-definition/web-staging:3",
			Context:  map[string][]string{"ecs:CreateAction": {"RegisterTaskDefinition"}}}, nil, true, "role/Tag"},
		{"tagging outside a create is not", Request{Action: "ecs:TagResource",
			Resource: "arn:aws:ecs:us-east-1:210987654321:task-definition/web-staging:3"}, nil, false, "no statement"},
		{"actions match case-insensitively", Request{Action: "EC2:describevpcs", Resource: "*"}, nil, true, "Reads"},
		{"a condition list matches any of its values", Request{Action: "ec2:CreateTags", Resource: "arn:aws:ec2:us-east-1:1:subnet/s",
			Context: map[string][]string{"ec2:CreateAction": {"CreateSubnet"}}}, nil, true, "Tagged"},
		{"a prefixed action name is not the API name", Request{Action: "ec2:CreateTags", Resource: "arn:aws:ec2:us-east-1:1:subnet/s",
			Context: map[string][]string{"ec2:CreateAction": {"ec2:CreateSubnet"}}}, nil, false, "no statement"},
		{"an explicit deny wins", Request{Action: "ecs:TagResource",
			Resource: "arn:aws:ecs:us-east-1:210987654321:task-definition/web-production:1",
			Context:  map[string][]string{"ecs:CreateAction": {"RegisterTaskDefinition"}}}, nil, false, "denied by role/NoProd"},
		{"the boundary must allow too", Request{Action: "ec2:DescribeVpcs", Resource: "*"}, &boundary, false, "not by the permissions boundary"},
		{"allowed by both", Request{Action: "ec2:CreateTags", Resource: "arn:aws:ec2:us-east-1:1:vpc/v",
			Context: map[string][]string{"ec2:CreateAction": {"CreateVpc"}}}, &boundary, true, "within boundary"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Evaluate([]Policy{identity}, c.boundary, c.req)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != c.allowed || !strings.Contains(d.Reason, c.reason) {
				t.Fatalf("%s: allowed %v (%s), want %v (%s)", c.req, d.Allowed, d.Reason, c.allowed, c.reason)
			}
		})
	}
}

func TestConditionOperatorsOnMissingKeys(t *testing.T) {
	p := mustPolicy(t, "p", `{"Statement":[
		{"Sid":"Like","Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:SecretARN":"arn:aws:secretsmanager:*:*:secret:web/staging/*"}}},
		{"Sid":"Not","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalTag/team":"x"}}}
	]}`)
	for _, c := range []struct {
		req     Request
		allowed bool
	}{
		{Request{Action: "kms:Decrypt", Resource: "k", Context: map[string][]string{
			"kms:encryptioncontext:secretarn": {"arn:aws:secretsmanager:us-east-1:1:secret:web/staging/db-AbCdEf"}}}, true},
		{Request{Action: "kms:Decrypt", Resource: "k", Context: map[string][]string{
			"kms:EncryptionContext:SecretARN": {"arn:aws:secretsmanager:us-east-1:1:secret:web/production/db-AbCdEf"}}}, false},
		{Request{Action: "kms:Decrypt", Resource: "k"}, false}, // a missing key never satisfies StringLike
		{Request{Action: "s3:GetObject", Resource: "o"}, true}, // but satisfies a negated operator
	} {
		d, err := Evaluate([]Policy{p}, nil, c.req)
		if err != nil || d.Allowed != c.allowed {
			t.Errorf("%s %v: allowed %v (%s, %v), want %v", c.req, c.req.Context, d.Allowed, d.Reason, err, c.allowed)
		}
	}
}

func TestUnknownConditionOperatorIsAnErrorNotAPass(t *testing.T) {
	p := mustPolicy(t, "p", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}]}`)
	if _, err := Evaluate([]Policy{p}, nil, Request{Action: "s3:GetObject", Resource: "o",
		Context: map[string][]string{"aws:CurrentTime": {"2026-01-01T00:00:00Z"}}}); err == nil {
		t.Fatal("an operator the evaluator does not implement must be an error")
	}
}

func TestReferenceKnowsActionsAndTheirResourceTypes(t *testing.T) {
	ref, err := LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	a, ok := ref.Action("ecs:registertaskdefinition")
	if !ok || a.Name != "ecs:RegisterTaskDefinition" {
		t.Fatalf("RegisterTaskDefinition = %+v, %v", a, ok)
	}
	if typ := ref.ResourceTypeOf(a, "arn:aws:ecs:us-east-1:210987654321:task-definition/web-staging:4"); typ != "task-definition" {
		t.Fatalf("resource type = %q", typ)
	}
	if ref.Known("ecs:RegisterTaskDefinitions") || !ref.Known("ec2:Describe*") || ref.Known("nosuchservice:Get*") {
		t.Fatal("Known accepts a misspelt action, or refuses a real pattern")
	}
	if !ref.ConditionKeyKnown(a, "aws:RequestTag/stack") || ref.ConditionKeyKnown(a, "ecs:CreateAction") {
		t.Fatal("condition keys of RegisterTaskDefinition wrong")
	}
}

func TestForAllValuesWithANegatedOperatorForbidsEachValue(t *testing.T) {
	p := mustPolicy(t, "p", `{"Statement":[{"Sid":"KeepOwnerTags","Effect":"Allow","Action":"elasticloadbalancing:AddTags","Resource":"*",
		"Condition":{"ForAllValues:StringNotEquals":{"aws:TagKeys":["stack","service"]}}}]}`)
	for keys, want := range map[string]bool{"managed-by": true, "managed-by,stack": false, "stack": false} {
		d, err := Evaluate([]Policy{p}, nil, Request{Action: "elasticloadbalancing:AddTags", Resource: "r",
			Context: map[string][]string{"aws:TagKeys": strings.Split(keys, ",")}})
		if err != nil || d.Allowed != want {
			t.Errorf("tag keys %s: allowed %v, want %v (%v)", keys, d.Allowed, want, err)
		}
	}
}

func TestResourceWildcardsDoNotSpanARNSegments(t *testing.T) {
	p := mustPolicy(t, "p", `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket*"}]}`)
	for arn, want := range map[string]bool{
		"arn:aws:s3:::bucket-a/key":              true,
		"arn:aws:s3:us-east-1:1:bucket-a":        false, // region and account are segments of their own
		"arn:aws:ecs:us-east-1:1:cluster/bucket": false,
	} {
		d, _ := Evaluate([]Policy{p}, nil, Request{Action: "s3:GetObject", Resource: arn})
		if d.Allowed != want {
			t.Errorf("%s: allowed %v, want %v", arn, d.Allowed, want)
		}
	}
}
