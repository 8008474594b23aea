package tests

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// Each stack's Pulumi credentials live in its GitHub environment (`staging`
// restricted to main, `production` to release tags), so only its deploy job
// reads them, never a pull request or another branch's workflow (issue 18,
// item 4); inside the deploy action only the steps that run pulumi get them.
// A token Pulumi Cloud OIDC (pulumi/auth-actions) exported works as well as
// a stored one (item 1).

func TestPulumiCredentialsLiveInTheStacksEnvironment(t *testing.T) {
	for _, f := range workflowFiles {
		for name, j := range jobs(t, workflow(t, f)) {
			env, _ := at(j, "environment.name").(string)
			if env == "" {
				env, _ = j["environment"].(string)
			}
			for _, m := range secretRef.FindAllStringSubmatch(fmt.Sprint(j), -1) {
				s := m[1]
				switch {
				case f == "preview.yml" && !strings.HasPrefix(s, "PREVIEW_"):
					t.Errorf("pull requests read %s", s)
				case f == "preview.yml":
				case !strings.HasPrefix(s, "PULUMI_"):
					t.Errorf("%s/%s reads %s: the only deploy secrets are the environments' PULUMI_*", f, name, s)
				case f != "deploy.yml" || env != name:
					t.Errorf("%s/%s reads %s in environment %q: only a stack's deploy job, in the stack's environment, may", f, name, s, env)
				}
			}
			if strings.Contains(fmt.Sprint(j["env"]), "secrets.") {
				t.Errorf("%s/%s sets secrets in the job's env", f, name)
			}
		}
	}
	// The action: the credentials are on exactly the steps that run pulumi.
	steps, _ := actionSteps(t)
	runsPulumi := regexp.MustCompile(`bin/deploy (first )?-stack`)
	for name, step := range steps {
		env := envOf(step)
		has := env["PULUMI_ACCESS_TOKEN"] == "${{ inputs.pulumi-access-token }}" &&
			env["PULUMI_CONFIG_PASSPHRASE"] == "${{ inputs.pulumi-config-passphrase }}" &&
			env["PULUMI_BACKEND_URL"] == "${{ inputs.pulumi-backend-url }}"
		if needs := runsPulumi.MatchString(run(step)); needs != has {
			t.Errorf("step %q runs pulumi: %v, has the stack's Pulumi credentials: %v", name, needs, has)
		}
	}
}

func TestPulumiCloudOIDCWorksWithoutAStoredToken(t *testing.T) {
	js := jobs(t, workflow(t, "deploy.yml"))
	for _, name := range []string{"staging", "production"} {
		var with map[string]any
		for _, s := range js[name]["steps"].([]any) {
			if at(s, "uses") == "./.github/actions/deploy" {
				with, _ = s.(map[string]any)["with"].(map[string]any)
			}
		}
		expr, _ := with["pulumi-access-token"].(string)
		ctx := func(secret, exported string) map[string]any {
			return map[string]any{"secrets": map[string]any{"pulumi_access_token": secret},
				"env": map[string]any{"pulumi_access_token": exported}}
		}
		if got := evalExpr(t, expr, ctx("", "from-auth-actions")); got != "from-auth-actions" {
			t.Errorf("%s: with no stored token and one pulumi/auth-actions exported, the action gets %v (%s)", name, got, expr)
		}
		if got := evalExpr(t, expr, ctx("stored", "")); got != "stored" {
			t.Errorf("%s: with a stored token the action gets %v", name, got)
		}
	}
	// No step stops on a missing token: pulumi says what it misses itself.
	steps, _ := actionSteps(t)
	for name, step := range steps {
		if strings.Contains(run(step), "PULUMI_ACCESS_TOKEN") || strings.Contains(fmt.Sprint(envOf(step)), "!= ''") {
			t.Errorf("step %q looks at whether a Pulumi token is set", name)
		}
	}
}
