package tests

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/internal/authz"
	"github.com/example/webservice/internal/offline"
)

// The CI deploy role, and the service roles under their permissions boundary,
// evaluated against every call a deploy makes, with the real resource ARNs
// (internal/authz). A mock engine accepts any call; AWS does not.

const region = "us-east-1"

func env() authz.Env { return authz.Env{Account: testAccount, Region: region} }

// policy parses the policy document a recorded resource holds.
func policy(t *testing.T, r *offline.Result, typ, name, prop string) authz.Policy {
	t.Helper()
	res := r.Named(typ, name)
	if res == nil {
		t.Fatalf("%s: no %s %q", r.Stack, typ, name)
	}
	p, err := authz.ParsePolicy(name, str(t, res.Inputs, prop))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// stackBoundary is the permissions boundary bootstrap/ makes for one stack.
func stackBoundary(t *testing.T, b *offline.Result, stack string) *authz.Policy {
	t.Helper()
	if b.Named("aws:iam/policy:Policy", "boundary-"+stack) == nil {
		t.Errorf("bootstrap/ makes no permissions boundary of its own for stack %s", stack)
		return nil
	}
	p := policy(t, b, "aws:iam/policy:Policy", "boundary-"+stack, "policy")
	return &p
}

// servicePlans are the plans of the service stacks (bootstrap/ is run by an
// administrator, not by CI).
func servicePlans(t *testing.T) []plan {
	var out []plan
	for _, p := range allPlans(t) {
		if !strings.HasPrefix(p.name, "bootstrap") {
			out = append(out, p)
		}
	}
	return out
}

// bootstrapFor is the bootstrap stack that grants what a plan uses.
func bootstrapFor(t *testing.T, p plan) *offline.Result {
	cfg := bootstrapTestConfig()
	if p.result.Config["webservice:waf"] == "true" {
		cfg["waf"] = "true"
	}
	return mustBootstrap(t, cfg)
}

func TestDeployRoleMayMakeEveryCallADeployMakes(t *testing.T) {
	for _, p := range servicePlans(t) {
		t.Run(p.name, func(t *testing.T) {
			b := bootstrapFor(t, p)
			role := deployRole(t, b, p.result.Stack)
			calls, err := authz.Calls(p.result, env())
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range denials(t, role, nil, calls) {
				t.Error(line)
			}
		})
	}
}

func TestExecutionRoleCanStartTasksWithinTheStacksBoundary(t *testing.T) {
	for _, p := range servicePlans(t) {
		t.Run(p.name, func(t *testing.T) {
			boundary := stackBoundary(t, bootstrapFor(t, p), p.result.Stack)
			exec := policy(t, p.result, typeRolePolicy, "execution-policy", "policy")
			calls, err := authz.RuntimeCalls(p.result, env())
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range denials(t, []authz.Policy{exec}, boundary, calls) {
				t.Error(line)
			}
		})
	}
}

// TestBoundaryKeepsEachStackToItsOwnSecretsAndImages: with both stacks in one
// account, a task role or execution role of staging (whose policies code merged
// to main can change) must not reach production's secrets, image or logs.
func TestBoundaryKeepsEachStackToItsOwnSecretsAndImages(t *testing.T) {
	b := mustBootstrap(t, bootstrapTestConfig())
	arn := func(svc, res string) string { return fmt.Sprintf("arn:aws:%s:%s:%s:%s", svc, region, testAccount, res) }
	for _, pair := range [][2]string{{"staging", "production"}, {"production", "staging"}} {
		own, other := pair[0], pair[1]
		boundary := stackBoundary(t, b, own)
		if boundary == nil {
			continue
		}
		// A role policy granting everything: only the boundary stands in the way.
		everything, _ := authz.ParsePolicy("admin", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
		reqs := func(stack string) []authz.Request {
			secret := arn("secretsmanager", "secret:webservice/"+stack+"/db-AbCdEf")
			param := arn("ssm", "parameter/webservice/"+stack+"/flags")
			return []authz.Request{
				{Action: "secretsmanager:GetSecretValue", Resource: secret},
				{Action: "ssm:GetParameters", Resource: param},
				{Action: "kms:Decrypt", Resource: arn("kms", "key/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73"), Context: map[string][]string{
					"kms:ViaService": {"secretsmanager." + region + ".amazonaws.com"}, "kms:EncryptionContext:SecretARN": {secret}}},
				{Action: "ecr:BatchGetImage", Resource: arn("ecr", "repository/webservice-"+stack)},
				{Action: "logs:PutLogEvents", Resource: arn("logs", "log-group:/ecs/webservice-"+stack+":log-stream:webservice/app/1")},
			}
		}
		for _, req := range reqs(own) {
			if ok, why := allowed(t, []authz.Policy{everything}, boundary, req); !ok {
				t.Errorf("%s boundary refuses its own %s (%s)", own, req, why)
			}
		}
		for _, req := range reqs(other) {
			if ok, why := allowed(t, []authz.Policy{everything}, boundary, req); ok {
				t.Errorf("%s boundary lets a %s role make %s (%s)", own, own, req, why)
			}
		}
	}
}

// TestEveryDerivedCallIsARealActionOnItsResourceType checks the call table
// itself against AWS's Service Authorization Reference: each action exists, and
// the ARN it is evaluated on is of a resource type the action takes ("*" when
// it takes none).
func TestEveryDerivedCallIsARealActionOnItsResourceType(t *testing.T) {
	ref, err := authz.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]bool{}
	for _, p := range servicePlans(t) {
		calls, err := authz.Calls(p.result, env())
		if err != nil {
			t.Fatal(err)
		}
		runtime, err := authz.RuntimeCalls(p.result, env())
		if err != nil {
			t.Fatal(err)
		}
		verify, err := authz.VerifyCalls(p.result, env())
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range append(append(calls, runtime...), verify...) {
			a, ok := ref.Action(c.Action)
			switch {
			case !ok:
				bad[c.Action+": not an IAM action"] = true
			case len(a.Resources) == 0 && c.Resource != "*":
				bad[fmt.Sprintf("%s takes no resource, but is evaluated on %s", c.Action, c.Resource)] = true
			case len(a.Resources) > 0 && c.Resource != "*" && ref.ResourceTypeOf(a, c.Resource) == "" &&
				!elbMergedInReference(c.Action):
				bad[fmt.Sprintf("%s: %s is none of its resource types %v", c.Action, c.Resource, a.Resources)] = true
			}
			for k := range c.Context {
				if ok && !ref.ConditionKeyKnown(a, k) {
					bad[fmt.Sprintf("%s: condition key %s is not one it supports", c.Action, k)] = true
				}
			}
		}
	}
	for _, line := range slices.Sorted(maps.Keys(bad)) {
		t.Error(line)
	}
}

// elbMergedInReference: the reference's data merges the Classic and v2 Elastic
// Load Balancing pages under one prefix, and for actions both have (AddTags,
// DeleteLoadBalancer, ModifyLoadBalancerAttributes...) it keeps the Classic
// resource types; v2's (loadbalancer/app, targetgroup, listener/app) are on the
// ELB v2 page of the Service Authorization Reference.
func elbMergedInReference(action string) bool {
	return strings.HasPrefix(action, "elasticloadbalancing:")
}

// TestEveryPolicyNamesOnlyRealActions: a misspelt action in a policy is not an
// error in IAM, just a permission that never applies.
func TestEveryPolicyNamesOnlyRealActions(t *testing.T) {
	ref, err := authz.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	results := []*offline.Result{}
	for _, p := range allPlans(t) {
		results = append(results, p.result)
	}
	wafBootstrap := bootstrapTestConfig()
	wafBootstrap["waf"] = "true"
	results = append(results, mustBootstrap(t, wafBootstrap))
	for _, r := range results {
		for _, res := range r.Resources {
			for _, prop := range []string{"policy", "assumeRolePolicy"} {
				doc, ok := res.Inputs[prop].(string)
				if !ok || !strings.HasPrefix(res.Type, "aws:iam/") && res.Type != "aws:s3/bucketPolicy:BucketPolicy" {
					continue
				}
				p, err := authz.ParsePolicy(res.Name, doc)
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range p.Statements {
					for _, a := range append(st.Action, st.NotAction...) {
						if a != "*" && !strings.HasPrefix(a, "s3:*") && !ref.Known(a) {
							t.Errorf("%s %s: %s names no IAM action", r.Stack, res.Name, a)
						}
					}
				}
			}
		}
	}
}

// allowed evaluates one request. An error (a policy the evaluator cannot
// read) fails the test: it must never pass as "denied" where a denial is wanted.
func allowed(t *testing.T, identity []authz.Policy, boundary *authz.Policy, req authz.Request) (bool, string) {
	t.Helper()
	d, err := authz.Evaluate(identity, boundary, req)
	if err != nil {
		t.Fatalf("evaluate %s: %v", req, err)
	}
	return d.Allowed, d.Reason
}

// denials lists, once each and sorted, the calls the policies refuse.
func denials(t *testing.T, identity []authz.Policy, boundary *authz.Policy, calls []authz.Call) []string {
	t.Helper()
	denied := map[string]bool{}
	for _, c := range calls {
		if ok, why := allowed(t, identity, boundary, c.Request); !ok {
			denied[fmt.Sprintf("AccessDenied: %s %s on %s (%s)", c.Phase, c.Action, c.Resource, why)] = true
		}
	}
	return slices.Sorted(maps.Keys(denied))
}

// TestPreviewRoleMayMakeEveryRead: `pulumi preview --refresh` and the drift
// check read every resource with the read-only role pull requests use.
func TestPreviewRoleMayMakeEveryRead(t *testing.T) {
	for _, p := range servicePlans(t) {
		t.Run(p.name, func(t *testing.T) {
			role := policy(t, bootstrapFor(t, p), typeRolePolicy, "preview-read-only", "policy")
			calls, err := authz.Calls(p.result, env())
			if err != nil {
				t.Fatal(err)
			}
			var reads []authz.Call
			for _, c := range calls {
				if c.Phase == authz.Read {
					reads = append(reads, c)
				}
			}
			for _, line := range denials(t, []authz.Policy{role}, nil, reads) {
				t.Error(line)
			}
		})
	}
}

// TestDeployRoleMayMakeVerifysCalls: cmd/verify runs after `pulumi up` with the
// same role; a denied read makes every verify exit 5 after a good rollout.
func TestDeployRoleMayMakeVerifysCalls(t *testing.T) {
	for _, p := range servicePlans(t) {
		t.Run(p.name, func(t *testing.T) {
			role := deployRole(t, bootstrapFor(t, p), p.result.Stack)
			calls, err := authz.VerifyCalls(p.result, env())
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range denials(t, role, nil, calls) {
				t.Error(line)
			}
		})
	}
}

// deployRole is every policy of a stack's deploy role: its inline policy and
// the managed policies attached to it (the network part, split off to stay
// within IAM's inline-policy quota).
func deployRole(t *testing.T, b *offline.Result, stack string) []authz.Policy {
	t.Helper()
	policies := []authz.Policy{policy(t, b, typeRolePolicy, "deploy-"+stack+"-policy", "policy")}
	role := b.Named(typeRole, "deploy-"+stack)
	if role == nil {
		t.Fatalf("no deploy role for %s", stack)
	}
	for _, att := range b.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment") {
		if att.Inputs["role"] != role.Outputs["name"] {
			continue
		}
		for _, p := range b.OfType("aws:iam/policy:Policy") {
			if p.Outputs["arn"] == att.Inputs["policyArn"] {
				policies = append(policies, policy(t, b, "aws:iam/policy:Policy", p.Name, "policy"))
			}
		}
	}
	if len(policies) < 2 {
		t.Fatalf("the %s deploy role has no managed policy attached", stack)
	}
	return policies
}

func TestDeployRoleTagsEC2OnlyAsPartOfItsOwnCreates(t *testing.T) {
	staging := deployRole(t, mustBootstrap(t, nil), "staging")
	arn := func(res string) string { return "arn:aws:ec2:" + region + ":" + testAccount + ":" + res }
	tags := func(createAction string) map[string][]string {
		ctx := map[string][]string{"aws:RequestTag/stack": {"staging"}, "aws:RequestTag/service": {"webservice"},
			"aws:TagKeys": {"service", "stack"}, "aws:ResourceTag/stack": {"production"},
			"aws:ResourceTag/service": {"webservice"}}
		if createAction != "" {
			ctx["ec2:CreateAction"] = []string{createAction}
		}
		return ctx
	}
	for _, c := range []struct {
		why  string
		req  authz.Request
		want bool
	}{
		{"tag the VPC it creates", authz.Request{Action: "ec2:CreateTags", Resource: arn("vpc/*"), Context: tags("CreateVpc")}, true},
		{"tag the address it allocates", authz.Request{Action: "ec2:CreateTags", Resource: arn("elastic-ip/*"), Context: tags("AllocateAddress")}, true},
		{"retag production's VPC as staging's", authz.Request{Action: "ec2:CreateTags", Resource: arn("vpc/vpc-0a1b2c3d4e5f60718"), Context: tags("")}, false},
		{"tag an instance it launches", authz.Request{Action: "ec2:CreateTags", Resource: arn("instance/*"), Context: tags("RunInstances")}, false},
		{"tag in another Region", authz.Request{Action: "ec2:CreateTags", Resource: "arn:aws:ec2:eu-west-1:" + testAccount + ":vpc/*", Context: tags("CreateVpc")}, false},
	} {
		if ok, why := allowed(t, staging, nil, c.req); ok != c.want {
			t.Errorf("the staging deploy role may %s: %v, want %v (%s)", c.why, ok, c.want, why)
		}
	}
}
