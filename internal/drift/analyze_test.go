package drift

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The documents in testdata/ have the shape the Pulumi CLI (3.274) prints:
// `pulumi preview --refresh --json` for the scheduled check (the refresh's
// steps, one per resource of the state, then the preview's), and `pulumi
// refresh --preview-only --json` plus `pulumi preview --json` for the check
// before a deploy. States are apitype.ResourceV3, as the CLI serializes them.

const (
	stagingURN    = "urn:pulumi:staging::webservice::"
	serviceURN    = stagingURN + "webservice:infra:Service$aws:ecs/service:Service::service"
	targetURN     = stagingURN + "webservice:infra:LoadBalancer$aws:lb/targetGroup:TargetGroup::target-group"
	ruleURN       = stagingURN + "webservice:infra:LoadBalancer$aws:ec2/securityGroupRule:SecurityGroupRule::service-in-alb"
	logsURN       = stagingURN + "webservice:infra:Cluster$aws:cloudwatch/logGroup:LogGroup::logs"
	lifecycleURN  = stagingURN + "webservice:infra:Registry$aws:ecr/lifecyclePolicy:LifecyclePolicy::lifecycle"
	taskURN       = stagingURN + "webservice:infra:Service$aws:ecs/taskDefinition:TaskDefinition::task"
	prodService   = "urn:pulumi:production::webservice::webservice:infra:Service$aws:ecs/service:Service::service"
	kmsKey        = `"arn:aws:kms:us-east-1:210987654321:key/1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b"`
	emergencyRev  = `"arn:aws:ecs:us-east-1:210987654321:task-definition/webservice-staging:43"`
	ruleDeleted   = "!! deleted in AWS: traffic the rule admits is dropped until it is recreated"
	renderRiskEnd = "!! This change replaces or deletes live resources or interrupts traffic: review the lines marked !!"
)

func combined(t *testing.T, file, stack string) *Report {
	t.Helper()
	rep, err := analyzeFiles(stack, filepath.Join("testdata", file), "")
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func resource(t *testing.T, rs []Resource, urn string) Resource {
	t.Helper()
	for _, r := range rs {
		if r.URN == urn {
			return r
		}
	}
	t.Fatalf("%s not among %d resources", urn, len(rs))
	return Resource{}
}

func TestNoDriftWhenAWSMatchesTheLastUpdate(t *testing.T) {
	rep := combined(t, "staging-no-drift.preview-refresh.json", "staging")
	if rep.HasDrift() {
		t.Fatalf("drift found where AWS matches the state:\n%s", rep.Text())
	}
	// Root, provider and the StackReference are skipped: the StackReference's
	// refresh differs after every deploy that changed an output.
	if rep.Refreshed != 6 {
		t.Errorf("refreshed %d resources, want the 6 that are resources in AWS or components", rep.Refreshed)
	}
	// The lifecycle rule names the running release only: the program's own
	// change, waiting for the next up, is listed but not drift.
	if len(rep.Pending) != 1 || rep.Pending[0].URN != lifecycleURN || rep.Pending[0].Properties[0].Path != "policy" {
		t.Fatalf("pending = %+v", rep.Pending)
	}
	text := rep.Text()
	for _, want := range []string{`No drift in stack "staging": the 6 resources the refresh read match its last update.`,
		"Not drift: the program's own changes, waiting for an up:", "~ update " + lifecycleURN} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
}

func TestDriftIsReportedInRenderDiffsLanguage(t *testing.T) {
	rep := combined(t, "staging-drift.preview-refresh.json", "staging")
	if !rep.HasDrift() || len(rep.Drifted) != 4 {
		t.Fatalf("drifted = %+v", rep.Drifted)
	}
	svc := resource(t, rep.Drifted, serviceURN)
	if svc.UpOp != "update" || len(svc.Reverted) != 1 || svc.Reverted[0] != (Property{Path: "desiredCount",
		Recorded: "2", Live: "4", Program: "2"}) {
		t.Errorf("service = %+v", svc)
	}
	tg := resource(t, rep.Drifted, targetURN)
	if len(tg.Reverted) != 1 || tg.Reverted[0].Path != "healthCheck.path" || tg.Reverted[0].Live != `"/healthz"` ||
		tg.Reverted[0].Program != `"/health"` {
		t.Errorf("target group = %+v", tg)
	}
	rule := resource(t, rep.Drifted, ruleURN)
	if !rule.Deleted || rule.UpOp != "create" {
		t.Errorf("deleted rule = %+v, want deleted and recreated by the up", rule)
	}
	// Nothing in the program sets a log group's KMS key: an up keeps it.
	logs := resource(t, rep.Drifted, logsURN)
	if logs.UpOp != "" || len(logs.Kept) != 1 || logs.Kept[0] != (Property{Path: "kmsKeyId", Recorded: `""`, Live: kmsKey}) {
		t.Errorf("log group = %+v", logs)
	}
	// The recreated rule explains its create; the lifecycle rule is the program's.
	if len(rep.Pending) != 1 || rep.Pending[0].URN != lifecycleURN {
		t.Errorf("pending = %+v", rep.Pending)
	}
	text := rep.Text()
	for _, want := range []string{
		`Drift in stack "staging": 4 of 6 resources changed outside Pulumi since its last update.`,
		"An up after a refresh (pulumi up --refresh) changes these back (live value => the program's):",
		"+ create " + ruleURN + "\n      " + ruleDeleted + "\n",
		"~ update " + serviceURN + "\n      desiredCount: 4 => 2\n",
		"~ update " + targetURN + "\n      healthCheck.path: \"/healthz\" => \"/health\"\n",
		"Changes: 1 to create, 2 to update\n" + renderRiskEnd + "\n",
		"drift " + logsURN + "\n      kmsKeyId: \"\" => " + kmsKey + "\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Ignored") {
		t.Errorf("staging has no autoscaling, so its desiredCount is drift, never ignored:\n%s", text)
	}
}

func TestChangesTheProgramIgnoresAreNotDrift(t *testing.T) {
	rep := combined(t, "production-scaled.preview-refresh.json", "production")
	if rep.HasDrift() {
		t.Fatalf("the autoscaled desiredCount is reported as drift:\n%s", rep.Text())
	}
	if len(rep.Ignored) != 1 || rep.Ignored[0].URN != prodService ||
		rep.Ignored[0].Ignored[0] != (Property{Path: "desiredCount", Recorded: "3", Live: "7"}) {
		t.Fatalf("ignored = %+v", rep.Ignored)
	}
	if !strings.Contains(rep.Text(), "Ignored, not drift (the program ignores changes to these; recorded => live):\n"+
		"  ignored "+prodService+"\n      desiredCount: 3 => 7\n") {
		t.Errorf("report:\n%s", rep.Text())
	}

	// The same change without ignoreChanges in the state is drift: the verdict
	// comes from the resource's ignoreChanges, not from the property's name.
	b, err := os.ReadFile(filepath.Join("testdata", "production-scaled.preview-refresh.json"))
	if err != nil {
		t.Fatal(err)
	}
	stripped := strings.ReplaceAll(string(b), `"ignoreChanges": [
                    "desiredCount"
                ]`, `"ignoreChanges": []`)
	if stripped == string(b) {
		t.Fatal("the fixture's ignoreChanges were not found to strip")
	}
	doc, err := readDocument("stripped", []byte(stripped))
	if err != nil {
		t.Fatal(err)
	}
	refresh, preview, err := splitCombined(doc.Steps)
	if err != nil {
		t.Fatal(err)
	}
	if rep := Analyze("production", AfterRefresh, refresh, preview); !rep.HasDrift() ||
		resource(t, rep.Drifted, prodService).Kept[0].Path != "desiredCount" {
		t.Errorf("without ignoreChanges the scaled count must be drift:\n%s", rep.Text())
	}
}

func TestBeforeADeployTheReportSaysWhatThisUpChangesBack(t *testing.T) {
	rep, err := analyzeFiles("staging", filepath.Join("testdata", "staging-deploy.preview.json"),
		filepath.Join("testdata", "staging-deploy.refresh.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Someone put the service on revision :43 and raised its grace period in
	// the console: this deploy's up moves it to the new revision, undoing the
	// first. It leaves the grace period, which its plan does not touch (it does
	// not refresh), and the edited health check path of the target group.
	svc := resource(t, rep.Drifted, serviceURN)
	if svc.UpOp != "update" || len(svc.Reverted) != 1 || svc.Reverted[0].Live != emergencyRev ||
		svc.Reverted[0].Program != "(known after pulumi up)" {
		t.Errorf("service reverted = %+v", svc.Reverted)
	}
	if len(svc.Kept) != 1 || svc.Kept[0] != (Property{Path: "healthCheckGracePeriodSeconds", Recorded: "90", Live: "300"}) {
		t.Errorf("service kept = %+v", svc.Kept)
	}
	tg := resource(t, rep.Drifted, targetURN)
	if tg.UpOp != "" || len(tg.Kept) != 1 || tg.Kept[0].Path != "healthCheck.path" {
		t.Errorf("target group = %+v", tg)
	}
	var pending []string
	for _, c := range rep.Pending {
		pending = append(pending, c.Op+" "+c.URN)
	}
	if strings.Join(pending, ",") != "update "+lifecycleURN+",replace "+taskURN {
		t.Errorf("pending = %v, want the deploy's own changes", pending)
	}
	text := rep.Text()
	for _, want := range []string{
		"This deploy's pulumi up changes these back (live value => the program's):\n~ update " + serviceURN +
			"\n      taskDefinition: " + emergencyRev + " => (known after pulumi up)\n",
		"left as they are by this pulumi up",
		"drift " + serviceURN + "\n      healthCheckGracePeriodSeconds: 90 => 300\n",
		"+- replace " + taskURN + "\n      containerDefinitions:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	// A new task definition revision is how a deploy works: render never marks it.
	if strings.Contains(text, "!!") {
		t.Errorf("nothing here replaces a live resource or interrupts traffic:\n%s", text)
	}
}

func TestInputsThatCannotShowDriftAreRefused(t *testing.T) {
	// A plain preview passed as the combined document has no refresh steps:
	// it compares with the recorded state and cannot see drift.
	if _, err := analyzeFiles("staging", filepath.Join("testdata", "staging-deploy.preview.json"), ""); err == nil ||
		!strings.Contains(err.Error(), "no refresh steps: run pulumi preview --refresh --json") {
		t.Errorf("plain preview as -preview alone: %v", err)
	}
	// The two forms swapped.
	if _, err := analyzeFiles("staging", filepath.Join("testdata", "staging-deploy.refresh.json"),
		filepath.Join("testdata", "staging-deploy.preview.json")); err == nil || !strings.Contains(err.Error(), "is no refresh") {
		t.Errorf("swapped files: %v", err)
	}
	if _, err := analyzeFiles("staging", filepath.Join("testdata", "staging-drift.preview-refresh.json"),
		filepath.Join("testdata", "staging-deploy.refresh.json")); err == nil || !strings.Contains(err.Error(), "without --refresh") {
		t.Errorf("a preview --refresh with -refresh: %v", err)
	}
	// A preview that failed says nothing about drift.
	failed := `{"steps":[{"op":"same","urn":"urn:pulumi:staging::webservice::pulumi:pulumi:Stack::webservice-staging","detailedDiff":null}],
	"diagnostics":[{"message":"error: AccessDenied: ecs:DescribeServices\n","severity":"error"}]}`
	if _, err := readDocument("preview.json", []byte(failed)); err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("failed preview: %v", err)
	}
}

func TestPropertyPathsAsTheCLISpellsThem(t *testing.T) {
	for in, want := range map[string]string{
		"desiredCount":                "desiredCount",
		"healthCheck.path":            "healthCheck.path",
		"ingress[0].cidrBlocks[1]":    "ingress[0].cidrBlocks[1]",
		`tags["team-name"]`:           `tags["team-name"]`,
		`tags["a]b"].x`:               `tags["a]b"].x`,
		"loadBalancers[*].targetPort": "loadBalancers[*].targetPort",
	} {
		p, err := parsePath(in)
		if err != nil || p.String() != want {
			t.Errorf("parsePath(%q) = %v (%v), want %s", in, p, err, want)
		}
	}
	for _, bad := range []string{"", "a..b", "a[", "a[x]", `a["x"`} {
		if _, err := parsePath(bad); err == nil {
			t.Errorf("parsePath(%q) accepted", bad)
		}
	}
	cases := []struct {
		rule, p string
		want    bool
	}{
		{"desiredCount", "desiredCount", true},
		{"tags", `tags["team"]`, true},
		{`tags["team"]`, "tags", false}, // the rest of tags still drifted
		{"loadBalancers[*].containerPort", "loadBalancers[1].containerPort", true},
		{"desiredCount", "deploymentMaximumPercent", false},
	}
	for _, c := range cases {
		if got := ignored([]path{mustPath(c.rule)}, mustPath(c.p)); got != c.want {
			t.Errorf("ignoreChanges %s covers %s: %v, want %v", c.rule, c.p, got, c.want)
		}
	}
}
