package tests

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/render"
)

// renderCmd runs cmd/render's code in-process against the real stack files. For
// production it adds testCertificateArn, as a team's stack file holds theirs.
func renderCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	joined := strings.Join(args, " ")
	if strings.Contains(joined, "-stack production") && !strings.Contains(joined, "certificateArn=") {
		args = append(args, "-c", "certificateArn="+testCertificateArn)
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
			compareGolden(t, filepath.Join("testdata", stack+".golden.json"), []byte(js))
		})
	}
}

func TestPreviewJSONHasTheShapeOfPulumiPreview(t *testing.T) {
	js, _, code := renderCmd(t, "-stack", "production", "-c", "imageTag="+deployTag, "-json")
	if code != 0 {
		t.Fatal(code)
	}
	var doc struct {
		Steps []struct {
			Op       string `json:"op"`
			URN      string `json:"urn"`
			NewState struct {
				Type    string         `json:"type"`
				URN     string         `json:"urn"`
				Custom  *bool          `json:"custom"`
				Parent  string         `json:"parent"`
				Protect *bool          `json:"protect"`
				Inputs  map[string]any `json:"inputs"`
				Outputs map[string]any `json:"outputs"`
			} `json:"newState"`
		} `json:"steps"`
		ChangeSummary map[string]int `json:"changeSummary"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	var stackOutputs map[string]any
	creates := 0
	for _, s := range doc.Steps {
		if s.Op == "" || s.URN == "" || s.URN != s.NewState.URN || s.NewState.Type == "" ||
			s.NewState.Custom == nil || s.NewState.Protect == nil || s.NewState.Inputs == nil {
			t.Fatalf("incomplete step: %+v", s)
		}
		if s.Op == "create" {
			creates++
		}
		if s.NewState.Type == render.StackType {
			stackOutputs = s.NewState.Outputs
		} else if s.NewState.Parent == "" {
			t.Errorf("%s has no parent", s.URN)
		}
		if s.NewState.Type == typeTargetGroup {
			hc := s.NewState.Inputs["healthCheck"].(map[string]any)
			if hc["healthyThreshold"] != 3.0 {
				t.Errorf("healthCheck.healthyThreshold = %v", hc["healthyThreshold"])
			}
		}
		if s.NewState.Type == typeALB && !*s.NewState.Protect {
			t.Error("production ALB step is not protected")
		}
	}
	if len(stackOutputs) != len(infra.OutputContract) || stackOutputs[infra.OutputURL] == nil {
		t.Errorf("stack outputs on the pulumi:pulumi:Stack step = %v", stackOutputs)
	}
	if doc.ChangeSummary["create"] != creates || creates < 20 {
		t.Errorf("changeSummary = %v for %d creates", doc.ChangeSummary, creates)
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
	var d render.Diff
	if err := json.Unmarshal([]byte(js), &d); err != nil {
		t.Fatal(err)
	}
	return &d, text, code
}

func changedTypes(d *render.Diff) map[string]string {
	m := map[string]string{}
	for _, c := range d.Changes {
		m[c.Type] = c.Op
	}
	return m
}

// A deploy replaces the task definition, updates the service, and rewrites the
// ECR lifecycle policy to protect the new tag (with the running one) from expiry.
func TestDiffOfANewImageTagChangesOnlyTheTaskDefinitionServiceAndProtectedTags(t *testing.T) {
	base := baseRender(t, "imageTag=aaa111")
	d, text, code := diffAgainst(t, base, "imageTag=bbb222")
	if code != render.ExitChanges {
		t.Fatalf("exit %d, want %d", code, render.ExitChanges)
	}
	want := map[string]string{typeTaskDef: "replace", typeService: "update", typeLifecycle: "update"}
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
	if _, stderr, code := renderCmd(t, "-stack", "qa"); code != render.ExitError || !strings.Contains(stderr, `stack "qa"`) {
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
	if strings.Contains(clean, "warning:") {
		t.Errorf("the stack's own settings warn:\n%s", clean)
	}
}
