package tests

import (
	"testing"

	"github.com/example/webservice/internal/authz"
	deploycmd "github.com/example/webservice/internal/deploy"
)

// TestDeployRolesMayMakeTheDeploysAWSCalls: every call bin/deploy makes
// besides pulumi up and verify (internal/deploycmd.AWSCalls), evaluated against
// each stack's deploy role on its own repository, and production's reads of
// the staging repository it promotes from: a call the role may not make fails
// a deploy as surely as a provider's.
func TestDeployRolesMayMakeTheDeploysAWSCalls(t *testing.T) {
	ref, err := authz.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	b := mustBootstrap(t, nil)
	repo := func(stack string) string {
		return "arn:aws:ecr:" + region + ":" + testAccount + ":repository/webservice-" + stack
	}
	check := func(stack string, actions []string, resource string) {
		for _, a := range actions {
			act, ok := ref.Action(a)
			if !ok {
				t.Errorf("bin/deploy calls %s, which is no IAM action", a)
				continue
			}
			r := resource
			if len(act.Resources) == 0 {
				r = "*"
			}
			if ok, why := allowed(t, deployRole(t, b, stack), nil, authz.Request{Action: a, Resource: r}); !ok {
				t.Errorf("%s deploy role: AccessDenied: %s on %s (%s)", stack, a, r, why)
			}
		}
	}
	for _, stack := range Stacks {
		check(stack, deploycmd.AWSCalls, repo(stack))
	}
	check("production", deploycmd.PromotionReads, repo("staging"))
}
