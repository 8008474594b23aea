package tests

import (
	"fmt"
	"slices"
	"testing"
)

// Staging deploys in the `staging` environment (issue 18, item 4), so its
// OIDC subject is repo:ORG/REPO:environment:staging, which the staging deploy
// role trusts. During the move from the main branch's subject the role trusts
// both (stagingTrustsMainBranch), so no deploy breaks whichever lands first;
// then only the environment's again.
func TestTheStagingRoleTrustsTheStagingEnvironment(t *testing.T) {
	subjects := func(overrides map[string]string) []string {
		r := mustBootstrap(t, overrides)
		st := policyStatements(t, str(t, roleNamed(t, r, "deploy-staging").Inputs, "assumeRolePolicy"))
		if len(st) != 1 {
			t.Fatalf("staging trust has %d statements", len(st))
		}
		switch sub := at(st[0], "Condition.StringEquals").(map[string]any)["token.actions.githubusercontent.com:sub"].(type) {
		case string:
			return []string{sub}
		case []any:
			return toStrings(sub)
		default:
			t.Fatalf("sub condition %v", sub)
			return nil
		}
	}
	env := "repo:acme/webservice:environment:staging"
	if got := subjects(nil); !slices.Equal(got, []string{env}) {
		t.Errorf("the staging role trusts %v, want only %s", got, env)
	}
	moving := subjects(map[string]string{"stagingTrustsMainBranch": "true"})
	if !slices.Equal(moving, []string{env, "repo:acme/webservice:ref:refs/heads/main"}) {
		t.Errorf("during the move the staging role trusts %v, want the environment's and main's subjects", moving)
	}
	if got := subjects(map[string]string{"stagingEnvironment": "stage"}); fmt.Sprint(got) != "[repo:acme/webservice:environment:stage]" {
		t.Errorf("stagingEnvironment: stage gives %v", got)
	}
	// The workflow's staging job is in that environment.
	if got := at(jobs(t, workflow(t, "deploy.yml"))["staging"], "environment.name"); got != "staging" {
		t.Errorf("the staging job runs in environment %v", got)
	}
}
