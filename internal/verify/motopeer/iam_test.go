//go:build e2e

package motopeer

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/example/webservice/internal/offline"
)

// Every IAM document the service stacks and bootstrap/ declare goes through
// moto's IAM, which checks policy grammar as IAM does: element names and
// types, Effect, Version, Sid uniqueness, action and ARN formats, condition
// operators, and, for trust policies, no Resource and only role-assuming
// actions. What moto cannot judge (whether an action exists, whether a
// statement grants too much) is tests/ and IAM Access Analyzer's job.

const (
	typeRole       = "aws:iam/role:Role"
	typeRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	typePolicy     = "aws:iam/policy:Policy"
)

func TestEveryIAMDocumentIsAcceptedByMotosIAM(t *testing.T) {
	p := startPeer(t)
	created := map[string]int{}
	for _, stack := range []string{"bootstrap", "staging", "production"} {
		r := render(t, stack)
		// Managed policies first: the roles name the boundary.
		for _, res := range r.OfType(typePolicy) {
			createPolicy(t, p, res)
			created[typePolicy]++
		}
		for _, res := range r.OfType(typeRole) {
			createRole(t, p, res)
			created[typeRole]++
		}
		for _, res := range r.OfType(typeRolePolicy) {
			putRolePolicy(t, p, res)
			created[typeRolePolicy]++
		}
	}
	// bootstrap: a preview and two deploy roles with one inline policy each and a
	// boundary per stack; each service stack: an execution and a task role, and
	// the execution role's policy.
	want := map[string]int{typeRole: 3 + 2*2, typeRolePolicy: 3 + 2, typePolicy: 2}
	for typ, n := range want {
		if created[typ] < n {
			t.Errorf("created %d %s, want at least %d: did a render lose its IAM resources?", created[typ], typ, n)
		}
	}
}

func TestMotosIAMRefusesAMalformedDocument(t *testing.T) {
	// The test above means something only if moto checks grammar: the
	// execution policy with a misspelt Effect is refused.
	p := startPeer(t)
	doc := str(t, one(t, render(t, "staging"), typeRolePolicy, "execution-policy").Inputs, "policy")
	bad := strings.Replace(doc, `"Effect":"Allow"`, `"Effect":"Allowed"`, 1)
	if bad == doc {
		t.Fatalf("the execution policy has no Allow statement to spoil:\n%s", doc)
	}
	_, err := p.IAM.CreatePolicy(context.Background(), &iam.CreatePolicyInput{
		PolicyName: aws.String("malformed"), PolicyDocument: aws.String(bad)})
	if err == nil || !strings.Contains(err.Error(), "MalformedPolicyDocument") {
		t.Fatalf("moto took Effect Allowed (err %v): it does not check what this suite relies on", err)
	}
}

// name is a resource's physical name: the one it sets, else its auto-name.
func name(t testing.TB, res offline.Resource) string {
	t.Helper()
	if n := optStr(res.Inputs, "name"); n != "" {
		return n
	}
	return str(t, res.Outputs, "name")
}

func createPolicy(t testing.TB, p *peer, res offline.Resource) {
	t.Helper()
	ctx := context.Background()
	doc := str(t, res.Inputs, "policy")
	out, err := p.IAM.CreatePolicy(ctx, &iam.CreatePolicyInput{
		PolicyName: aws.String(name(t, res)), Path: optPtr(res.Inputs, "path"),
		Description: optPtr(res.Inputs, "description"), PolicyDocument: aws.String(doc),
	})
	check(t, "CreatePolicy "+res.Name, err)
	v, err := p.IAM.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{
		PolicyArn: out.Policy.Arn, VersionId: out.Policy.DefaultVersionId})
	check(t, "GetPolicyVersion "+res.Name, err)
	sameDocument(t, "policy "+res.Name, aws.ToString(v.PolicyVersion.Document), doc)
}

func createRole(t testing.TB, p *peer, res offline.Resource) {
	t.Helper()
	ctx := context.Background()
	doc := str(t, res.Inputs, "assumeRolePolicy")
	in := &iam.CreateRoleInput{
		RoleName: aws.String(name(t, res)), Path: optPtr(res.Inputs, "path"),
		Description: optPtr(res.Inputs, "description"), AssumeRolePolicyDocument: aws.String(doc),
		PermissionsBoundary: optPtr(res.Inputs, "permissionsBoundary"),
	}
	if d, ok := res.Inputs["maxSessionDuration"].(float64); ok {
		in.MaxSessionDuration = aws.Int32(int32(d))
	}
	_, err := p.IAM.CreateRole(ctx, in)
	check(t, "CreateRole "+res.Name, err)
	got, err := p.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: in.RoleName})
	check(t, "GetRole "+res.Name, err)
	sameDocument(t, "trust policy of "+res.Name, aws.ToString(got.Role.AssumeRolePolicyDocument), doc)
	if b := aws.ToString(in.PermissionsBoundary); b != "" {
		if got.Role.PermissionsBoundary == nil || aws.ToString(got.Role.PermissionsBoundary.PermissionsBoundaryArn) != b {
			t.Errorf("role %s: boundary %+v, want %s", res.Name, got.Role.PermissionsBoundary, b)
		}
	}
}

func putRolePolicy(t testing.TB, p *peer, res offline.Resource) {
	t.Helper()
	ctx := context.Background()
	doc := str(t, res.Inputs, "policy")
	role := str(t, res.Inputs, "role")
	_, err := p.IAM.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName: aws.String(role), PolicyName: aws.String(name(t, res)), PolicyDocument: aws.String(doc)})
	check(t, "PutRolePolicy "+res.Name, err)
	got, err := p.IAM.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String(name(t, res))})
	check(t, "GetRolePolicy "+res.Name, err)
	sameDocument(t, "inline policy "+res.Name, aws.ToString(got.PolicyDocument), doc)
}

// sameDocument compares policy JSON as IAM returns it (URL-encoded, maybe
// re-serialised) with what was rendered.
func sameDocument(t testing.TB, what, got, want string) {
	t.Helper()
	if decoded, err := url.QueryUnescape(got); err == nil {
		got = decoded
	}
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("%s: moto returned %q: %v", what, got, err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: rendered %q: %v", what, want, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s: moto holds\n%s\nthe stack renders\n%s", what, got, want)
	}
}

func optPtr(props map[string]any, key string) *string {
	if v := optStr(props, key); v != "" {
		return aws.String(v)
	}
	return nil
}
