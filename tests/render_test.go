package tests

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/render"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// renderCmd runs cmd/render's code in-process against the real stack files,
// with the site settings (siteConfig) unless args set them.
func renderCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	for i, a := range args {
		if a == "-stack" && i+1 < len(args) {
			args = append(args, siteArgs(args[i+1], args)...)
			break
		}
	}
	var out, errb bytes.Buffer
	code = render.Command(append([]string{"-dir", projectDir}, args...), &out, &errb)
	return out.String(), errb.String(), code
}

// TestGoldenRenders pins what each stack declares, as the readable plan and as
// preview JSON. The diff of these files in a pull request is the review of an
// infrastructure change. Regenerate on purpose: go test ./tests -update.
func TestGoldenRenders(t *testing.T) {
	for _, stack := range Stacks {
		t.Run(stack, func(t *testing.T) {
			text, stderr, code := renderCmd(t, "-stack", stack, "-c", "imageTag="+deployTag)
			if code != render.ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			compareGolden(t, filepath.Join("testdata", stack+".golden.txt"), []byte(text))
			js, stderr, code := renderCmd(t, "-stack", stack, "-c", "imageTag="+deployTag, "-json")
			if code != render.ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			// The document records how long the render took, as the CLI records
			// how long the preview took; pin it so the file is stable.
			js = durationRe.ReplaceAllString(js, `"duration": 1000000,`)
			compareGolden(t, filepath.Join("testdata", stack+".golden.json"), []byte(js))
		})
	}
}

var durationRe = regexp.MustCompile(`"duration": [0-9]+,`)

// previewDigest is the document `pulumi preview --json` prints: the CLI's
// PreviewDigest and PreviewStep (package display of pulumi/pulumi, v3.274.1) with
// each state an apitype.ResourceV3. Decoding with unknown fields refused proves render
// prints nothing a script written for the CLI would not know, except x-render.
type previewDigest struct {
	Config      map[string]string `json:"config"`
	Steps       []previewStep     `json:"steps"`
	Diagnostics []struct {
		URN      string `json:"urn"`
		Prefix   string `json:"prefix"`
		Message  string `json:"message"`
		Severity string `json:"severity"`
	} `json:"diagnostics"`
	Duration      int64           `json:"duration"`
	ChangeSummary map[string]int  `json:"changeSummary"`
	MaybeCorrupt  bool            `json:"maybeCorrupt"`
	XRender       json.RawMessage `json:"x-render"`
}

type previewStep struct {
	Op             string              `json:"op"`
	URN            string              `json:"urn"`
	Provider       string              `json:"provider"`
	OldState       *apitype.ResourceV3 `json:"oldState"`
	NewState       *apitype.ResourceV3 `json:"newState"`
	DiffReasons    []string            `json:"diffReasons"`
	ReplaceReasons []string            `json:"replaceReasons"`
	DetailedDiff   map[string]struct {
		Kind      string `json:"kind"`
		InputDiff bool   `json:"inputDiff"`
	} `json:"detailedDiff"`
}

func decodeDigest(t *testing.T, js string) (previewDigest, map[string]json.RawMessage) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	var doc previewDigest
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not the shape of pulumi preview --json: %v", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

func TestPreviewJSONHasTheShapeOfPulumiPreview(t *testing.T) {
	js, _, code := renderCmd(t, "-stack", "production", "-c", "imageTag="+deployTag, "-json")
	if code != 0 {
		t.Fatal(code)
	}
	doc, raw := decodeDigest(t, js)
	for _, k := range []string{"config", "steps", "duration", "changeSummary", "x-render"} {
		if raw[k] == nil {
			t.Errorf("top-level %q missing", k)
		}
	}
	// The real CLI leaves diagnostics out when there are none (tests/e2e saw
	// it); production with its boundary and certificate warns of nothing.
	if raw["diagnostics"] != nil {
		t.Errorf("diagnostics = %s, want none for production", raw["diagnostics"])
	}
	if doc.Duration <= 0 {
		t.Errorf("duration = %d, want the time the render took, in nanoseconds", doc.Duration)
	}
	creates := 0
	for _, s := range doc.Steps {
		ns := s.NewState
		if s.Op == "" || s.URN == "" || ns == nil || string(ns.URN) != s.URN || ns.Type == "" {
			t.Fatalf("incomplete step: %+v", s)
		}
		if s.Op == "create" {
			creates++
			// Nothing exists yet: no ids, no outputs, and no old state.
			if ns.ID != "" || ns.Outputs != nil || s.OldState != nil {
				t.Errorf("%s: a create has id %q, outputs %v, old state %v", s.URN, ns.ID, ns.Outputs, s.OldState)
			}
		}
		switch {
		case string(ns.Type) == render.StackType:
			if ns.Outputs != nil || ns.Inputs != nil {
				t.Errorf("the stack step carries inputs %v / outputs %v; the CLI's carries none", ns.Inputs, ns.Outputs)
			}
		case ns.Parent == "":
			t.Errorf("%s has no parent", s.URN)
		}
		if string(ns.Type) == typeTargetGroup {
			hc := ns.Inputs["healthCheck"].(map[string]any)
			if hc["healthyThreshold"] != 3.0 {
				t.Errorf("healthCheck.healthyThreshold = %v", hc["healthyThreshold"])
			}
		}
		if string(ns.Type) == typeALB && !ns.Protect {
			t.Error("production ALB step is not protected")
		}
		if string(ns.Type) == typeService && (ns.CustomTimeouts == nil || ns.CustomTimeouts.Update <= 0) {
			t.Errorf("service customTimeouts = %+v, want seconds as the engine stores them", ns.CustomTimeouts)
		}
	}
	if strings.Count(js, `"detailedDiff": null`) != len(doc.Steps) {
		t.Error("every step must carry detailedDiff, null for a create, as the CLI's do")
	}
	if doc.ChangeSummary["create"] != creates || creates < 20 {
		t.Errorf("changeSummary = %v for %d creates", doc.ChangeSummary, creates)
	}
	var x struct {
		Kind    string         `json:"kind"`
		Outputs map[string]any `json:"outputs"`
	}
	if err := json.Unmarshal(doc.XRender, &x); err != nil {
		t.Fatal(err)
	}
	if x.Kind != render.KindNewStack || len(x.Outputs) != len(infra.OutputContract) || x.Outputs[infra.OutputURL] == nil {
		t.Errorf("x-render: kind %q, outputs %v", x.Kind, x.Outputs)
	}
}

// stepOf finds a step by the last part of its URN.
func stepOf(t *testing.T, doc previewDigest, typ, name string) previewStep {
	t.Helper()
	for _, s := range doc.Steps {
		if string(s.NewState.Type) == typ && strings.HasSuffix(s.URN, "::"+name) {
			return s
		}
	}
	t.Fatalf("no step for %s %s", typ, name)
	return previewStep{}
}

// A preview of a new stack cannot know what AWS assigns on create: every input
// built from another resource's id or ARN is the engine's unknown sentinel, and
// so is the provider's id in every provider reference. Values the program or a
// provider's check sets stay known.
func TestPreviewJSONShowsInputsFromOtherResourcesAsUnknown(t *testing.T) {
	js, _, code := renderCmd(t, "-stack", "staging", "-c", "imageTag="+deployTag, "-json")
	if code != 0 {
		t.Fatal(code)
	}
	doc, _ := decodeDigest(t, js)
	svc := stepOf(t, doc, typeService, "service")
	in := svc.NewState.Inputs
	lb := in["loadBalancers"].([]any)[0].(map[string]any)
	nc := in["networkConfiguration"].(map[string]any)
	for what, v := range map[string]any{
		"cluster": in["cluster"], "taskDefinition": in["taskDefinition"], "loadBalancers[0].targetGroupArn": lb["targetGroupArn"],
		"networkConfiguration.subnets": nc["subnets"], "networkConfiguration.securityGroups[0]": nc["securityGroups"].([]any)[0],
	} {
		if v != render.UnknownValue {
			t.Errorf("service %s = %v, want the unknown sentinel %s", what, v, render.UnknownValue)
		}
	}
	if lb["containerPort"] != 8443.0 || in["name"] != "webservice" || nc["assignPublicIp"] != false {
		t.Errorf("known inputs lost: %v", in)
	}
	if !strings.HasSuffix(svc.Provider, "::"+render.UnknownValue) || svc.NewState.Provider != svc.Provider {
		t.Errorf("provider reference = %q, want the new provider's unknown id", svc.Provider)
	}
	if ref := stepOf(t, doc, "pulumi:pulumi:StackReference", "previous-deployment"); ref.Op != "read" ||
		!ref.NewState.External || ref.NewState.ID == "" {
		t.Errorf("StackReference step = %+v, want a read of an external resource by its id", ref)
	}
	if i := strings.Index(js, `"x-render"`); strings.Contains(js[:i], "arn:aws:ecs:") {
		t.Errorf("a made-up ECS ARN appears outside x-render: the steps must show only what a preview knows")
	}
	if len(doc.Diagnostics) == 0 || doc.Diagnostics[0].Severity != "warning" ||
		!strings.HasPrefix(doc.Diagnostics[0].Message, "warning: ") {
		t.Errorf("diagnostics = %+v, want the program's warnings as the engine prints them", doc.Diagnostics)
	}
}

// On a stack that exists, the CLI lists only what changes: each step with its
// old state, the keys that differ and a detailed diff; unchanged resources are
// counted as same. render -diff BASE -json is that preview, BASE being what runs.
func TestPreviewJSONOfAnUpdateListsOnlyTheChanges(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	js, stderr, code := renderCmd(t, "-stack", "staging", "-c", "imageTag=bbb222", "-diff", base, "-json")
	if code != render.ExitChanges {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	doc, _ := decodeDigest(t, js)
	ops := map[string]string{}
	for _, s := range doc.Steps {
		ops[string(s.NewState.Type)] = s.Op
	}
	want := map[string]string{render.StackType: "same", "pulumi:pulumi:StackReference": "read",
		typeTaskDef: "replace", typeService: "update", typeLifecycle: "replace"}
	if !maps.Equal(ops, want) {
		t.Fatalf("steps = %v, want only the changes %v", ops, want)
	}
	td := stepOf(t, doc, typeTaskDef, "task")
	if td.OldState == nil || td.OldState.ID == "" || td.OldState.Outputs == nil ||
		!slices.Equal(td.ReplaceReasons, []string{"containerDefinitions"}) ||
		!slices.Equal(td.DiffReasons, []string{"containerDefinitions"}) ||
		td.DetailedDiff["containerDefinitions"].Kind != "update-replace" || td.NewState.ID != "" {
		t.Errorf("task definition step = %+v", td)
	}
	svc := stepOf(t, doc, typeService, "service")
	if svc.NewState.Inputs["taskDefinition"] != render.UnknownValue ||
		svc.NewState.Inputs["cluster"] == render.UnknownValue || svc.OldState.Inputs["taskDefinition"] == render.UnknownValue {
		t.Errorf("service inputs: taskDefinition must wait for the new revision, the cluster is known: new %v, old %v",
			svc.NewState.Inputs["taskDefinition"], svc.OldState.Inputs["taskDefinition"])
	}
	if strings.HasSuffix(svc.Provider, render.UnknownValue) {
		t.Errorf("the provider exists already, its id is known: %s", svc.Provider)
	}
	resources := 0
	for _, s := range strings.Split(strings.TrimSpace(mustRead(t, base)), "\n") {
		if strings.Contains(s, `"op": "create"`) {
			resources++
		}
	}
	if doc.ChangeSummary["same"] != resources-3 || doc.ChangeSummary["update"] != 1 || doc.ChangeSummary["replace"] != 2 {
		t.Errorf("changeSummary = %v, want %d same, 1 update, 2 replace", doc.ChangeSummary, resources-3)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// With -diff the program reads the stack's last outputs from the earlier
// render, as pulumi preview reads them from the stack: the deploy's lifecycle
// policy protects the release running (the earlier render's) and the new one,
// as the real preview's does (tests/e2e saw it; render used to protect only
// the new one).
func TestDiffReadsTheRunningReleaseFromTheEarlierRender(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	js, stderr, code := renderCmd(t, "-stack", "staging", "-c", "imageTag=bbb222", "-diff", base, "-json")
	if code != render.ExitChanges {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	doc, _ := decodeDigest(t, js)
	policy, _ := stepOf(t, doc, typeLifecycle, "lifecycle").NewState.Inputs["policy"].(string)
	for _, tag := range []string{`"tagPatternList":["aaa111"]`, `"tagPatternList":["bbb222"]`} {
		if !strings.Contains(policy, tag) {
			t.Errorf("the deploy's lifecycle policy lacks %s:\n%s", tag, policy)
		}
	}
	// And an update that keeps the image keeps the policy: no change at all.
	if out, stderr, code := renderCmd(t, "-stack", "staging", "-diff", base); code != render.ExitOK {
		t.Errorf("an update without an image after a deploy: exit %d, want 0 (no changes):\n%s%s", code, out, stderr)
	}
}

// baseRender writes a -json render of staging with the given overrides to a file.
func baseRender(t *testing.T, overrides ...string) string {
	t.Helper()
	args := []string{"-stack", "staging", "-json"}
	for _, o := range overrides {
		args = append(args, "-c", o)
	}
	js, stderr, code := renderCmd(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	path := filepath.Join(t.TempDir(), "base.json")
	if err := os.WriteFile(path, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func diffAgainst(t *testing.T, base string, overrides ...string) (*render.Diff, string, int) {
	t.Helper()
	args := []string{"-stack", "staging", "-diff", base}
	for _, o := range overrides {
		args = append(args, "-c", o)
	}
	text, stderr, code := renderCmd(t, args...)
	if stderr != "" {
		t.Fatalf("stderr: %s", stderr)
	}
	js, _, _ := renderCmd(t, append(args, "-json")...)
	var doc struct {
		XRender struct {
			Diff render.Diff `json:"diff"`
		} `json:"x-render"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	return &doc.XRender.Diff, text, code
}

func changedTypes(d *render.Diff) map[string]string {
	m := map[string]string{}
	for _, c := range d.Changes {
		m[c.Type] = c.Op
	}
	return m
}

// A deploy replaces the task definition, updates the service, and replaces the
// ECR lifecycle policy to protect the new tag (with the running one) from
// expiry: the provider cannot update the policy in place, and the lifecycle
// policy is no risk (pulumi-aws deletes the old one first; nothing expires in
// the moment without one).
func TestDiffOfANewImageTagChangesOnlyTheTaskDefinitionServiceAndProtectedTags(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	d, text, code := diffAgainst(t, base, "imageTag=bbb222")
	if code != render.ExitChanges {
		t.Fatalf("exit %d, want %d", code, render.ExitChanges)
	}
	want := map[string]string{typeTaskDef: "replace", typeService: "update", typeLifecycle: "replace"}
	if got := changedTypes(d); !maps.Equal(got, want) {
		t.Fatalf("changes = %v, want %v", got, want)
	}
	if d.Risky() || strings.Contains(text, "!!") {
		t.Fatalf("a deploy must not be flagged as risky:\n%s", text)
	}
	if !strings.Contains(text, `imageTag: "aaa111" => "bbb222"`) {
		t.Fatalf("output change not shown:\n%s", text)
	}
}

func TestDiffOfAHealthCheckChangeUpdatesTheTargetGroupInPlace(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	d, text, code := diffAgainst(t, base, "imageTag=aaa111", "healthCheckInterval=15")
	if code != render.ExitChanges {
		t.Fatalf("exit %d", code)
	}
	if got := changedTypes(d); len(got) != 1 || got[typeTargetGroup] != "update" {
		t.Fatalf("changes = %v, want the target group updated in place", got)
	}
	if !strings.Contains(text, "healthCheck.interval: 30 => 15") || d.Risky() {
		t.Fatalf("diff:\n%s", text)
	}
}

func TestDiffFlagsAChangeThatReplacesTheTargetGroup(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	d, text, code := diffAgainst(t, base, "imageTag=aaa111", "targetProtocol=HTTP")
	if code != render.ExitChanges {
		t.Fatalf("exit %d", code)
	}
	got := changedTypes(d)
	if got[typeTargetGroup] != "replace" || got[typeListener] != "update" || got[typeService] != "update" {
		t.Fatalf("changes = %v", got)
	}
	if !d.Risky() || !strings.Contains(text, "protocol: \"HTTPS\" => \"HTTP\"  [forces replacement]") ||
		!strings.Contains(text, "!! replaced: the new target group starts empty") {
		t.Fatalf("replacement not flagged:\n%s", text)
	}
}

func TestDiffOfARenamedResourceWarnsAboutTheDeletedOne(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	b, _ := os.ReadFile(base)
	// Simulate a rename of the log group's logical name in the base branch.
	renamed := strings.ReplaceAll(string(b), "LogGroup::logs", "LogGroup::old-logs")
	if err := os.WriteFile(base, []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	d, text, _ := diffAgainst(t, base, "imageTag=aaa111")
	ops := map[string]string{}
	for _, c := range d.Changes {
		ops[c.URN[strings.LastIndex(c.URN, "::")+2:]] = c.Op
	}
	if ops["old-logs"] != "delete" || ops["logs"] != "create" {
		t.Fatalf("ops = %v", ops)
	}
	if !strings.Contains(text, "add pulumi.Aliases") {
		t.Fatalf("rename hint missing:\n%s", text)
	}
}

func TestDiffWithNoChangeExitsZero(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	d, text, code := diffAgainst(t, base, "imageTag=aaa111")
	if code != render.ExitOK || !d.Empty() || text != "No changes.\n" {
		t.Fatalf("exit %d, diff %q", code, text)
	}
}

func TestRenderOfBadConfigPrintsOnlyTheValidationErrors(t *testing.T) {
	stdout, stderr, code := renderCmd(t, "-stack", "staging", "-c", "healthyThreshold=1", "-c", "cpu=300")
	if code != render.ExitError || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	want := `stack "staging" has 2 invalid config value(s); nothing was created or changed:
  - webservice:cpu: got "300", want a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192, 16384
  - webservice:healthyThreshold: got "1", want 2-10
`
	if stderr != want {
		t.Fatalf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}

func TestRenderWithoutImageTagShowsWhatPulumiUpWouldDo(t *testing.T) {
	stdout, _, code := renderCmd(t, "-stack", "staging")
	if code != 0 {
		t.Fatal(code)
	}
	if !strings.Contains(stdout, "image <image the stack runs now>") ||
		!strings.Contains(stdout, "On a stack that has never run an image, `pulumi up` creates only its ECR repository") {
		t.Fatalf("plan does not explain the kept image:\n%s", stdout)
	}
}

func TestRenderUsageErrors(t *testing.T) {
	if _, stderr, code := renderCmd(t); code != render.ExitUsage || !strings.Contains(stderr, "usage: render -stack") {
		t.Fatalf("no -stack: exit %d, %s", code, stderr)
	}
	if _, _, code := renderCmd(t, "-stack", "staging", "-c", "novalue"); code != render.ExitUsage {
		t.Fatalf("-c without =: exit %d", code)
	}
	if _, stderr, code := renderCmd(t, "-stack", "qa"); code != render.ExitUsage || !strings.Contains(stderr, `stack "qa"`) {
		t.Fatalf("unknown stack: exit %d, %s", code, stderr)
	}
}

func TestRenderWarnsWhenSettingsFightEachOther(t *testing.T) {
	stdout, _, _ := renderCmd(t, "-stack", "staging", "-c", "imageTag=x", "-c", "deregistrationDelay=300",
		"-c", "healthCheckGracePeriod=30")
	for _, want := range []string{
		"warning: healthCheckGracePeriod 30 s is shorter than taskStartupSeconds 60 s",
		"warning: healthCheckGracePeriod 30 s is shorter than healthyThreshold x interval (3 x 30 = 90 s)",
		"warning: deregistrationDelay 300 s is longer than the ALB idle timeout 60 s",
		"rollout            11m0s", // 3 x (D 300 instead of 30) is 8 min, plus 3 min of alarm bake
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("missing %q", want)
		}
	}
	clean, _, _ := renderCmd(t, "-stack", "staging", "-c", "imageTag=x")
	for _, fight := range []string{"warning: healthCheckGracePeriod", "warning: deregistrationDelay", "cannot progress"} {
		if strings.Contains(clean, fight) {
			t.Errorf("the stack's own settings fight each other (%s):\n%s", fight, clean)
		}
	}
}

// The program takes the image from WEBSERVICE_IMAGE_TAG as from imageTag; the
// render must then show that deploy, not an update that keeps the running image.
func TestRenderTakesTheImageFromTheEnvironmentAsTheProgramDoes(t *testing.T) {
	t.Setenv(infra.EnvImageTag, "env123")
	stdout, stderr, code := renderCmd(t, "-stack", "staging")
	if code != render.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "webservice-staging:env123") || strings.Contains(stdout, "<image the stack runs now>") ||
		strings.Contains(stdout, "keeps the image") {
		t.Fatalf("plan does not deploy the image from %s:\n%s", infra.EnvImageTag, stdout)
	}
}
