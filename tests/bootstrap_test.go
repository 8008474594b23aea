package tests

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/bootstrap/identity"
	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The CI identity project (bootstrap/) under the recording engine, against its
// real example stack file.

const bootstrapDir = projectDir + "/bootstrap"

// bootstrap runs bootstrap/ with the settings an administrator gives it
// (bootstrapTestConfig: the committed stack file holds no account or repository)
// plus overrides.
func bootstrap(t *testing.T, overrides map[string]string) (*offline.Result, error) {
	t.Helper()
	cfg := bootstrapTestConfig()
	for k, v := range overrides {
		cfg[k] = v
	}
	return offline.RunProgram(offline.Options{Dir: bootstrapDir, Stack: "shared", Overrides: cfg},
		func(ctx *pulumi.Context) (map[string]pulumi.Output, error) { return identity.Program(ctx) })
}

func mustBootstrap(t *testing.T, overrides map[string]string) *offline.Result {
	t.Helper()
	r, err := bootstrap(t, overrides)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// roleNamed finds a role by its logical name.
func roleNamed(t *testing.T, r *offline.Result, name string) offline.Resource {
	t.Helper()
	role := r.Named(typeRole, name)
	if role == nil {
		t.Fatalf("no role %s", name)
	}
	return *role
}

func rolePolicy(t *testing.T, r *offline.Result, name string) []map[string]any {
	t.Helper()
	p := r.Named(typeRolePolicy, name)
	if p == nil {
		t.Fatalf("no role policy %s", name)
	}
	return policyStatements(t, str(t, p.Inputs, "policy"))
}

// deployStatements are the statements of every policy of a stack's deploy role
// (inline and the attached network policy).
func deployStatements(t *testing.T, r *offline.Result, stack string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, p := range deployRole(t, r, stack) {
		if p.Name == "deploy-"+stack+"-policy" {
			out = append(out, rolePolicy(t, r, p.Name)...)
			continue
		}
		out = append(out, policyStatements(t, str(t, r.Named("aws:iam/policy:Policy", p.Name).Inputs, "policy"))...)
	}
	return out
}

func actions(st map[string]any) []string {
	var out []string
	for _, a := range st["Action"].([]any) {
		out = append(out, a.(string))
	}
	return out
}

func TestEachRoleTrustsExactlyOneSubjectWithExactAudience(t *testing.T) {
	r := mustBootstrap(t, nil)
	provider := r.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
	if len(provider) != 1 || provider[0].Inputs["url"] != "https://token.actions.githubusercontent.com" ||
		get(t, provider[0].Inputs, "clientIdLists.0") != "sts.amazonaws.com" || !provider[0].Protect {
		t.Fatalf("oidc provider = %+v", provider)
	}
	want := map[string]string{
		"preview":           "repo:acme/webservice:pull_request",
		"deploy-staging":    "repo:acme/webservice:environment:staging",
		"deploy-production": "repo:acme/webservice:environment:production",
		"drift":             "repo:acme/webservice:environment:drift",
	}
	for name, subject := range want {
		st := policyStatements(t, str(t, roleNamed(t, r, name).Inputs, "assumeRolePolicy"))
		if len(st) != 1 {
			t.Fatalf("%s trust has %d statements", name, len(st))
		}
		cond := st[0]["Condition"].(map[string]any)
		if len(cond) != 1 || cond["StringEquals"] == nil {
			t.Errorf("%s trust conditions = %v, want StringEquals only (no StringLike)", name, cond)
		}
		eq := cond["StringEquals"].(map[string]any)
		if eq["token.actions.githubusercontent.com:aud"] != "sts.amazonaws.com" ||
			eq["token.actions.githubusercontent.com:sub"] != subject {
			t.Errorf("%s trusts %v, want sub %s", name, eq, subject)
		}
		if strings.ContainsAny(subject, "*?") {
			t.Errorf("%s subject has a wildcard", name)
		}
		if get(t, st[0], "Principal.Federated") != provider[0].ID || actions(st[0])[0] != "sts:AssumeRoleWithWebIdentity" {
			t.Errorf("%s principal/action = %v", name, st[0])
		}
	}
}

func TestSubjectPrefixComesFromConfig(t *testing.T) {
	r := mustBootstrap(t, map[string]string{"subjectPrefix": "repository_owner_id:1234:repository_id:5678"})
	st := policyStatements(t, str(t, roleNamed(t, r, "deploy-staging").Inputs, "assumeRolePolicy"))
	sub := st[0]["Condition"].(map[string]any)["StringEquals"].(map[string]any)["token.actions.githubusercontent.com:sub"]
	if sub != "repository_owner_id:1234:repository_id:5678:environment:staging" {
		t.Fatalf("sub = %v", sub)
	}
}

func TestPreviewAndDriftRolesCannotWrite(t *testing.T) {
	r := mustBootstrap(t, nil)
	for _, st := range append(rolePolicy(t, r, "preview-read-only"), rolePolicy(t, r, "drift-read-only")...) {
		for _, a := range actions(st) {
			verb := a[strings.Index(a, ":")+1:]
			if !strings.HasPrefix(verb, "Describe") && !strings.HasPrefix(verb, "Get") && !strings.HasPrefix(verb, "List") {
				t.Errorf("preview may %s", a)
			}
		}
	}
}

func TestNoPolicyGrantsAWholeServiceOrEverything(t *testing.T) {
	r := mustBootstrap(t, nil)
	docs := map[string][]map[string]any{}
	for _, p := range r.OfType(typeRolePolicy) {
		docs[p.Name] = policyStatements(t, str(t, p.Inputs, "policy"))
	}
	for _, b := range r.OfType("aws:iam/policy:Policy") {
		docs[b.Name] = policyStatements(t, str(t, b.Inputs, "policy"))
	}
	if len(docs) != 8 {
		t.Fatalf("policies = %d, want preview, drift, two deploy roles with a network policy each, two boundaries", len(docs))
	}
	for name, sts := range docs {
		for _, st := range sts {
			if st["Effect"] != "Allow" {
				continue
			}
			for _, a := range actions(st) {
				if a == "*" || strings.HasSuffix(a, ":*") || strings.HasPrefix(a, "iam:*") {
					t.Errorf("%s/%v grants %s", name, st["Sid"], a)
				}
			}
		}
	}
}

func TestDeployRolePassesOnlyTheStacksRolesToEcsTasks(t *testing.T) {
	r := mustBootstrap(t, nil)
	for _, stack := range []string{"staging", "production"} {
		var pass []map[string]any
		for _, st := range deployStatements(t, r, stack) {
			if slices.Contains(actions(st), "iam:PassRole") {
				pass = append(pass, st)
			}
		}
		if len(pass) != 1 {
			t.Fatalf("%s: %d statements grant PassRole", stack, len(pass))
		}
		st := pass[0]
		if res := st["Resource"].([]any); len(res) != 1 || res[0] != "arn:aws:iam::210987654321:role/webservice/"+stack+"/*" {
			t.Errorf("%s PassRole on %v", stack, res)
		}
		if get(t, st, "Condition.StringEquals") == nil ||
			st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["iam:PassedToService"] != "ecs-tasks.amazonaws.com" {
			t.Errorf("%s PassRole condition = %v", stack, st["Condition"])
		}
	}
}

func TestDeployRoleCreatesRolesOnlyWithItsStacksBoundary(t *testing.T) {
	r := mustBootstrap(t, nil)
	boundary := r.Outputs[identity.OutputStagingPermissionsBoundaryArn]
	if boundary != "arn:aws:iam::210987654321:policy/webservice/webservice-staging-boundary" {
		t.Fatalf("boundary = %v", boundary)
	}
	for _, st := range deployStatements(t, r, "staging") {
		acts := actions(st)
		if slices.Contains(acts, "iam:CreateRole") {
			if st["Condition"].(map[string]any)["StringEquals"].(map[string]any)["iam:PermissionsBoundary"] != boundary {
				t.Errorf("CreateRole without the boundary condition: %v", st)
			}
		}
		if slices.Contains(acts, "iam:DeleteRolePermissionsBoundary") {
			t.Error("the deploy role may remove the boundary")
		}
	}
}

func TestDeployRoleIsScopedToItsOwnStack(t *testing.T) {
	r := mustBootstrap(t, nil)
	resources := map[string][]string{}
	tagScoped := map[string]bool{}
	for _, st := range deployStatements(t, r, "staging") {
		for _, res := range st["Resource"].([]any) {
			resources[st["Sid"].(string)] = append(resources[st["Sid"].(string)], res.(string))
		}
		if cond, ok := st["Condition"].(map[string]any); ok {
			if eq, ok := cond["StringEquals"].(map[string]any); ok {
				for k, v := range eq {
					if strings.HasSuffix(k, "Tag/stack") {
						tagScoped[st["Sid"].(string)] = true
						if v != "staging" {
							t.Errorf("%v scoped to stack tag %v", st["Sid"], v)
						}
					}
				}
			}
		}
	}
	if got := resources["EcrThisStacksRepository"]; !slices.Equal(got, []string{"arn:aws:ecr:us-east-1:210987654321:repository/webservice-staging"}) {
		t.Errorf("ECR scope = %v", got)
	}
	for sid, res := range resources {
		for _, arn := range res {
			if strings.Contains(arn, "production") {
				t.Errorf("staging deploy role reaches %s via %s", arn, sid)
			}
		}
	}
	// Everything on "*" is conditioned on the stack's tags, or is one of these:
	// reads and calls without resource-level permissions (the ECR login, task
	// definition reads, SetWebAcl, registering a scalable target, which
	// Application Auto Scaling checks against the caller's rights on the service),
	// and ListTasks, which is authorized on container instances (none on Fargate)
	// and so scoped by the ecs:cluster condition.
	allowedStar := map[string]bool{"EcrLogin": true, "EcsTaskDefinitions": true, "LogsDescribe": true, "Describe": true,
		"EcsListThisStacksTasks": true, "ElbSetWebAcl": true, "AutoscalingTheService": true}
	for sid, res := range resources {
		if slices.Contains(res, "*") && !allowedStar[sid] && !tagScoped[sid] {
			t.Errorf("%s grants on *", sid)
		}
	}
}

func TestRoleOutputsAreExported(t *testing.T) {
	r := mustBootstrap(t, nil)
	for _, name := range []string{identity.OutputOIDCProviderArn, identity.OutputStagingPermissionsBoundaryArn,
		identity.OutputProductionPermissionsBoundaryArn, identity.OutputPreviewRoleArn, identity.OutputDriftRoleArn,
		identity.OutputStagingDeployRoleArn, identity.OutputProductionDeployRole} {
		if s, _ := r.Outputs[name].(string); !strings.HasPrefix(s, "arn:aws:iam::210987654321:") {
			t.Errorf("output %s = %v", name, r.Outputs[name])
		}
	}
}

func TestExistingOIDCProviderIsAdoptedNotCreated(t *testing.T) {
	arn := "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com"
	r := mustBootstrap(t, map[string]string{"oidcProviderArn": arn, "productionStack": ""})
	if n := len(r.OfType("aws:iam/openIdConnectProvider:OpenIdConnectProvider")); n != 0 {
		t.Fatalf("created %d providers", n)
	}
	st := policyStatements(t, str(t, roleNamed(t, r, "preview").Inputs, "assumeRolePolicy"))
	if get(t, st[0], "Principal.Federated") != arn {
		t.Fatalf("principal = %v", st[0]["Principal"])
	}
	if r.Named(typeRole, "deploy-production") != nil {
		t.Fatal("productionStack \"\" still made a production role")
	}
}

func TestBootstrapValidationNamesEveryBadValueAndCreatesNothing(t *testing.T) {
	r, err := bootstrap(t, map[string]string{
		"githubOrg":       "acme corp",
		"githubRepo":      "..",
		"subjectPrefix":   "repo:acme/*",
		"accountId":       "12345",
		"oidcProviderArn": "arn:aws:iam::210987654321:oidc-provider/example.com",
		"mainBranch":      "release/*",
	})
	var ce *infra.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want a ConfigError, got %v", err)
	}
	want := []string{"webservice-bootstrap:accountId", "webservice-bootstrap:githubOrg", "webservice-bootstrap:githubRepo",
		"webservice-bootstrap:mainBranch", "webservice-bootstrap:oidcProviderArn", "webservice-bootstrap:subjectPrefix"}
	if got := ce.Keys(); !slices.Equal(got, want) {
		t.Fatalf("keys = %v, want %v\n%v", got, want, err)
	}
	if len(r.Resources) != 0 {
		t.Fatalf("registered %d resources", len(r.Resources))
	}
}

// TestBootstrapAcceptsOnlyRegionsOfTheAWSPartition: its ARNs are arn:aws:...,
// as the service stack's are.
func TestBootstrapAcceptsOnlyRegionsOfTheAWSPartition(t *testing.T) {
	want := map[string]string{
		"aws:region": `aws:region: got "us-gov-west-1", want a Region of the aws partition, e.g. us-east-1 ` +
			"(infra/regions_aws.go lists them): only the aws partition is supported, not GovCloud, China or ISO Regions",
		"webservice-bootstrap:promotionSourceRegion": `webservice-bootstrap:promotionSourceRegion: got "cn-north-1", ` +
			"want the Region of the staging stack: a Region of the aws partition, e.g. us-east-1 " +
			"(infra/regions_aws.go lists them): only the aws partition is supported, not GovCloud, China or ISO Regions",
	}
	for key, region := range map[string]string{"aws:region": "us-gov-west-1",
		"webservice-bootstrap:promotionSourceRegion": "cn-north-1"} {
		r, err := bootstrap(t, map[string]string{key: region})
		if err == nil || !strings.Contains(err.Error(), want[key]) {
			t.Errorf("%s %s: %v", key, region, err)
		}
		if r != nil && len(r.Resources) != 0 {
			t.Errorf("%s %s: registered %d resources", key, region, len(r.Resources))
		}
	}
	for _, region := range infra.AWSRegions() {
		if _, err := bootstrap(t, map[string]string{"aws:region": region}); err != nil {
			t.Errorf("%s: %v", region, err)
		}
	}
}

// TestDeployRoleReachesWhatTheServiceStackCreates checks the deploy role's
// scoped statements against the names the service program really uses, so a
// rename on either side cannot lock CI out of its own stack.
func TestDeployRoleReachesWhatTheServiceStackCreates(t *testing.T) {
	b := mustBootstrap(t, nil)
	for _, stack := range Stacks {
		svc := deploy(t, stack, "accountId="+testAccount)
		resources := map[string][]string{}
		for _, st := range deployStatements(t, b, stack) {
			for _, r := range st["Resource"].([]any) {
				resources[st["Sid"].(string)] = append(resources[st["Sid"].(string)], r.(string))
			}
		}
		covers := func(sid, arn string) {
			t.Helper()
			for _, pattern := range resources[sid] {
				re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$"
				if regexp.MustCompile(re).MatchString(arn) {
					return
				}
			}
			t.Errorf("%s: %s does not cover %s (has %v)", stack, sid, arn, resources[sid])
		}
		covers("EcrThisStacksRepository", svc.Outputs[infra.OutputECRRepositoryArn].(string))
		covers("EcsThisStacksClusterAndService", svc.Outputs[infra.OutputClusterArn].(string))
		covers("EcsThisStacksClusterAndService", svc.Outputs[infra.OutputServiceArn].(string))
		covers("LogsThisStacksLogGroup", one(t, svc, typeLogGroup).Outputs["arn"].(string))
		covers("PassStackRolesToEcsTasksOnly", svc.Outputs[infra.OutputTaskRoleArn].(string))
		for _, a := range svc.OfType(typeAlarm) {
			covers("CloudWatchThisStacksAlarmsAndDashboard", a.Outputs["arn"].(string))
		}
		covers("CloudWatchThisStacksAlarmsAndDashboard", one(t, svc, typeDashboard).Outputs["dashboardArn"].(string))
		if bucket, ok := svc.Outputs[infra.OutputAccessLogsBucket].(string); ok && bucket != "" {
			covers("S3ThisStacksAccessLogBucket", "arn:aws:s3:::"+bucket)
		}
	}
}
