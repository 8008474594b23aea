package tests

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/bootstrap/identity"
	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/authz"
	"github.com/example/webservice/internal/awsrules"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
)

// Production is promoted by copying the digest staging verified out of the
// staging repository. The production deploy role must be able to read it, in
// one account (its identity policy, from bootstrap/) and across two (plus the
// staging repository's policy, webservice:promotionReaderArns), and nothing
// else of staging.

// productionAccount is where production's deploy role lives in the two-account layout.
const productionAccount = "109876543210"

const typeRepositoryPolicy = "aws:ecr/repositoryPolicy:RepositoryPolicy"

func productionRoleIn(account string) string {
	return "arn:aws:iam::" + account + ":role/webservice-github-deploy-production"
}

// stagingWithReaders is the staging stack of the two-account layout, as CI
// deploys it (account, boundary) with production's role as reader.
func stagingWithReaders(t *testing.T) *offline.Result {
	b := mustBootstrap(t, map[string]string{"productionStack": ""})
	boundary, _ := b.Outputs[identity.OutputStagingPermissionsBoundaryArn].(string)
	return deploy(t, "staging", "accountId="+testAccount, "permissionsBoundaryArn="+boundary,
		`promotionReaderArns=["`+productionRoleIn(productionAccount)+`"]`)
}

func TestStagingRepositoryLetsProductionsRoleReadItsImagesAcrossAccounts(t *testing.T) {
	r := stagingWithReaders(t)
	p := one(t, r, typeRepositoryPolicy)
	if p.Inputs["repository"] != r.Outputs[infra.OutputECRRepositoryName] {
		t.Fatalf("policy on repository %v, want the stack's %v", p.Inputs["repository"], r.Outputs[infra.OutputECRRepositoryName])
	}
	st := policyStatements(t, str(t, p.Inputs, "policy"))
	if len(st) != 1 || st[0]["Effect"] != "Allow" {
		t.Fatalf("statements %v", st)
	}
	if got := fmt.Sprint(get(t, st[0], "Principal.AWS")); got != "["+productionRoleIn(productionAccount)+"]" {
		t.Errorf("principals %s, want exactly production's deploy role", got)
	}
	if got := actions(st[0]); !slices.Equal(got, infra.PromotionReadActions) {
		t.Errorf("actions %v, want the read-only copy set %v", got, infra.PromotionReadActions)
	}
	for _, a := range actions(st[0]) {
		if strings.Contains(a, "Put") || strings.Contains(a, "Delete") || strings.Contains(a, "Upload") {
			t.Errorf("promotion readers may %s", a)
		}
	}
	// Without readers (both committed stacks) there is no repository policy.
	for _, s := range Stacks {
		if n := len(deploy(t, s).OfType(typeRepositoryPolicy)); n != 0 {
			t.Errorf("%s declares %d repository policies without promotionReaderArns", s, n)
		}
	}
}

func TestRepositoryPolicyPassesTheProviderRulesAndTheStagingDeployRole(t *testing.T) {
	r := stagingWithReaders(t)
	violations, uncovered := awsrules.Check(r)
	for _, v := range violations {
		t.Errorf("provider would refuse: %v", v)
	}
	for _, u := range uncovered {
		t.Errorf("no validation row: %s", u)
	}
	b := mustBootstrap(t, map[string]string{"productionStack": ""})
	role := deployRole(t, b, "staging")
	calls, err := authz.Calls(r, env())
	if err != nil {
		t.Fatal(err)
	}
	var policyCalls int
	for _, c := range calls {
		if strings.Contains(c.Action, "RepositoryPolicy") {
			policyCalls++
		}
	}
	for _, line := range denials(t, role, nil, calls) {
		t.Error(line)
	}
	if policyCalls != 4 {
		t.Errorf("derived %d repository-policy calls, want set, get, set, delete", policyCalls)
	}
	// Pull requests' preview reads the policy too.
	preview := policy(t, b, typeRolePolicy, "preview-read-only", "policy")
	for _, c := range calls {
		if c.Phase != authz.Read {
			continue
		}
		if ok, _ := allowed(t, []authz.Policy{preview}, nil, c.Request); !ok {
			t.Errorf("preview AccessDenied: %s on %s", c.Action, c.Resource)
		}
	}
}

func TestPromotionReaderArnsAreExactRolesOfAnotherAccount(t *testing.T) {
	for _, bad := range []string{
		`["arn:aws:iam::` + productionAccount + `:role/*"]`,
		`["arn:aws:iam::` + productionAccount + `:root"]`,
		`["arn:aws:iam::` + productionAccount + `:user/ci"]`,
		`["arn:aws:iam::` + testAccount + `:role/webservice-github-deploy-production"]`,
		`["arn:aws:iam::123456789012:role/webservice-github-deploy-production"]`,
		`["` + productionRoleIn(productionAccount) + `","` + productionRoleIn(productionAccount) + `"]`,
	} {
		r, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging", Overrides: withSite("staging", map[string]string{
			"imageTag": deployTag, "accountId": testAccount, "promotionReaderArns": bad})})
		var ce *infra.ConfigError
		if !errors.As(err, &ce) || !slices.Contains(ce.Keys(), "webservice:promotionReaderArns") {
			t.Errorf("%s: want a config error naming webservice:promotionReaderArns, got %v", bad, err)
			continue
		}
		if r != nil && len(r.OfType(typeRepositoryPolicy)) > 0 {
			t.Errorf("%s: registered a repository policy before refusing", bad)
		}
	}
}

// promotionRequests are the calls the production pipeline makes to promote:
// read the digest out of the staging repository, write it to production's.
func promotionRequests(stagingRepo, productionRepo string) (read, write []authz.Request) {
	for _, a := range infra.PromotionReadActions {
		read = append(read, authz.Request{Action: a, Resource: stagingRepo})
	}
	for _, a := range []string{"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
		"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:DescribeImages"} {
		write = append(write, authz.Request{Action: a, Resource: productionRepo})
	}
	return read, write
}

func TestProductionDeployRoleMayPromoteFromStagingAndNothingMore(t *testing.T) {
	repo := func(account, stack string) string {
		return "arn:aws:ecr:us-east-1:" + account + ":repository/webservice-" + stack
	}
	layouts := []struct {
		name       string
		bootstrap  map[string]string
		stagingIn  string
		production string
	}{
		{"one account", nil, testAccount, testAccount},
		{"two accounts", map[string]string{"accountId": productionAccount, "stagingStack": "",
			"promotionSourceAccountId": testAccount}, testAccount, productionAccount},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			b := mustBootstrap(t, l.bootstrap)
			prod := deployRole(t, b, "production")
			read, write := promotionRequests(repo(l.stagingIn, "staging"), repo(l.production, "production"))
			for _, req := range append(read, write...) {
				if ok, why := allowed(t, prod, nil, req); !ok {
					t.Errorf("production deploy role may not %s (%s)", req, why)
				}
			}
			for _, a := range []string{"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy"} {
				req := authz.Request{Action: a, Resource: repo(l.stagingIn, "staging")}
				if ok, _ := allowed(t, prod, nil, req); ok {
					t.Errorf("production deploy role may %s", req)
				}
			}
		})
	}
	// The staging role never reads production's repository.
	b := mustBootstrap(t, nil)
	staging := deployRole(t, b, "staging")
	req := authz.Request{Action: "ecr:BatchGetImage", Resource: repo(testAccount, "production")}
	if ok, _ := allowed(t, staging, nil, req); ok {
		t.Errorf("staging deploy role may %s", req)
	}
	// No promotion source: production reads no other repository.
	none := mustBootstrap(t, map[string]string{"promotionSourceStack": ""})
	prod := deployRole(t, none, "production")
	req = authz.Request{Action: "ecr:BatchGetImage", Resource: repo(testAccount, "staging")}
	if ok, _ := allowed(t, prod, nil, req); ok {
		t.Errorf("with promotionSourceStack \"\" the production role may still %s", req)
	}
}

func TestBootstrapRefusesABadPromotionSource(t *testing.T) {
	_, err := bootstrap(t, map[string]string{"promotionSourceStack": "production", "promotionSourceAccountId": "12",
		"promotionSourceRegion": "mars-1"})
	var ce *infra.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want a ConfigError, got %v", err)
	}
	want := []string{"webservice-bootstrap:promotionSourceAccountId", "webservice-bootstrap:promotionSourceRegion",
		"webservice-bootstrap:promotionSourceStack"}
	if got := ce.Keys(); !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
}
