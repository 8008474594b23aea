package drift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var checked = time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)

// fakeCLI answers pulumi and gh as the real ones would, from canned output,
// and records every call.
type fakeCLI struct {
	outputs, preview []byte
	issues           []Issue
	calls            []string
	stdin            map[string]string
}

func (f *fakeCLI) run(_ context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	call := name + " " + strings.Join(args, " ")
	f.calls = append(f.calls, call)
	if stdin != nil {
		f.stdin[call] = string(stdin)
	}
	switch {
	case strings.HasPrefix(call, "pulumi stack output"):
		if f.outputs == nil {
			return []byte("error: no stack named 'staging' found"), errors.New("exit status 255")
		}
		return f.outputs, nil
	case strings.HasPrefix(call, "pulumi preview --refresh --json"):
		return f.preview, nil
	case strings.HasPrefix(call, "gh issue list"):
		return json.Marshal(f.issues)
	case strings.HasPrefix(call, "gh "):
		return nil, nil
	}
	return nil, errors.New("unexpected call " + call)
}

// runDrift runs the command as the workflow does, in a GitHub Actions
// environment whose job summary is a temporary file.
func runDrift(t *testing.T, cli *fakeCLI, args ...string) (stdout, stderr, summary string, code int) {
	t.Helper()
	dir := t.TempDir()
	vars := map[string]string{
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary.md"), "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/webservice", "GITHUB_RUN_ID": "7001", "GITHUB_SHA": "3f2c1a9",
	}
	if cli.stdin == nil {
		cli.stdin = map[string]string{}
	}
	var out, errb bytes.Buffer
	code = command(context.Background(), args, &out, &errb, env{getenv: func(k string) string { return vars[k] },
		now: func() time.Time { return checked }, run: cli.run})
	b, _ := os.ReadFile(vars["GITHUB_STEP_SUMMARY"])
	return out.String(), errb.String(), string(b), code
}

var deployed = []byte(`{"deploymentState": "deployed", "imageTag": "3f2c1a9"}`)

func TestDriftRunsTheRefreshingPreviewAndExitsThree(t *testing.T) {
	cli := &fakeCLI{outputs: deployed, preview: fixtureBytes(t, "staging-drift.preview-refresh.json")}
	report := filepath.Join(t.TempDir(), "report.json")
	stdout, stderr, summary, code := runDrift(t, cli, "-stack", "staging", "-pulumi-stack", "acme/staging", "-report", report)
	if code != ExitDrift {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if want := "pulumi preview --refresh --json --non-interactive --stack acme/staging"; !strings.Contains(strings.Join(cli.calls, "\n"), want) {
		t.Errorf("calls %q, want %q", cli.calls, want)
	}
	for _, c := range cli.calls { // read-only: it never writes the stack or its state
		if !strings.HasPrefix(c, "pulumi stack output --json") && !strings.HasPrefix(c, "pulumi preview --refresh --json") {
			t.Errorf("drift ran %q", c)
		}
	}
	if !strings.Contains(stdout, "Drift in stack") || !strings.Contains(summary, "### Drift in stack `staging`") ||
		!strings.Contains(summary, "https://github.com/acme/webservice/actions/runs/7001") {
		t.Errorf("stdout:\n%s\nsummary:\n%s", stdout, summary)
	}
	var rep Report
	if b, err := os.ReadFile(report); err != nil || json.Unmarshal(b, &rep) != nil || len(rep.Drifted) != 2 {
		t.Errorf("report file: %v, %+v", err, rep)
	}
}

func TestNoDriftExitsZero(t *testing.T) {
	cli := &fakeCLI{outputs: deployed, preview: fixtureBytes(t, "staging-no-drift.preview-refresh.json")}
	if _, stderr, summary, code := runDrift(t, cli, "-stack", "staging"); code != ExitNoDrift || !strings.Contains(summary, "No drift") {
		t.Fatalf("exit %d, stderr %s, summary %s", code, stderr, summary)
	}
	// The same from a file, without running pulumi.
	if _, stderr, _, code := runDrift(t, &fakeCLI{}, "-stack", "staging", "-preview", fixture(t, "staging-no-drift.preview-refresh.json")); code != ExitNoDrift {
		t.Fatalf("-preview: exit %d, %s", code, stderr)
	}
}

// A stack no deploy has completed on (not initialised, or awaiting its first
// image) has nothing to compare: the scheduled check says so and passes.
func TestAStackNotDeployedYetIsNotChecked(t *testing.T) {
	for name, outputs := range map[string][]byte{"no stack": nil, "awaiting its image": []byte(`{"deploymentState": "awaiting-image"}`)} {
		cli := &fakeCLI{outputs: outputs}
		stdout, _, _, code := runDrift(t, cli, "-stack", "staging")
		if code != ExitNoDrift || !strings.Contains(stdout, "Not checked: stack staging has no completed deploy yet") {
			t.Errorf("%s: exit %d, stdout %q", name, code, stdout)
		}
		for _, c := range cli.calls {
			if strings.HasPrefix(c, "pulumi preview") {
				t.Errorf("%s: ran %s", name, c)
			}
		}
	}
}

// Read with a role of another account, every resource looks deleted: that is
// a wrong role, not drift.
func TestEveryResourceGoneIsTheWrongAccountNotDrift(t *testing.T) {
	d := document(t, "staging-drift.preview-refresh.json")
	var steps []Step
	for _, s := range d.Steps {
		if s.Op == "refresh" || !inAWS(s.NewState) {
			steps = append(steps, s)
			continue
		}
	}
	for _, s := range d.Steps {
		if s.Op == "refresh" && inAWS(s.OldState) {
			steps = append(steps, Step{Op: "create", URN: s.URN, NewState: s.OldState})
		}
	}
	b, _ := json.Marshal(Document{Steps: steps})
	_, stderr, _, code := runDrift(t, &fakeCLI{outputs: deployed, preview: b}, "-stack", "production")
	if code != ExitError || !strings.Contains(stderr, "PRODUCTION_DRIFT_ROLE_ARN") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
}

func TestTheIssueIsOpenedUpdatedAndClosed(t *testing.T) {
	report := filepath.Join(t.TempDir(), "report.json")
	runDrift(t, &fakeCLI{outputs: deployed, preview: fixtureBytes(t, "staging-drift.preview-refresh.json")}, "-stack", "staging", "-report", report)

	open := &fakeCLI{}
	if _, stderr, _, code := runDrift(t, open, "issue", "-stack", "staging", "-report", report); code != 0 {
		t.Fatalf("open: exit %d %s", code, stderr)
	}
	var created string
	for _, c := range open.calls {
		if strings.HasPrefix(c, "gh issue create --title Drift in stack staging --label drift --body-file - --repo acme/webservice") {
			created = open.stdin[c]
		}
	}
	if !strings.Contains(created, "<!-- webservice-drift stack=staging fingerprint=") {
		t.Fatalf("no issue created: %q", open.calls)
	}

	var rep Report
	b, _ := os.ReadFile(report)
	_ = json.Unmarshal(b, &rep)
	mine := Issue{Number: 41, Title: "Drift in stack staging", Body: created}
	dup := Issue{Number: 42, Body: created}
	update := &fakeCLI{issues: []Issue{mine, dup, {Number: 7, Body: "<!-- webservice-drift stack=production fingerprint=abc -->"}}}
	runDrift(t, update, "issue", "-stack", "staging", "-report", report)
	if got := strings.Join(update.calls, "\n"); !strings.Contains(got, "gh issue edit 41 --body-file -") ||
		!strings.Contains(got, "gh issue close 42 --reason not planned --comment Duplicate of #41.") || strings.Contains(got, "comment 41") ||
		strings.Contains(got, " 7 ") {
		t.Errorf("update calls:\n%s", got)
	}

	clean := filepath.Join(t.TempDir(), "clean.json")
	runDrift(t, &fakeCLI{outputs: deployed, preview: fixtureBytes(t, "staging-no-drift.preview-refresh.json")}, "-stack", "staging", "-report", clean)
	closing := &fakeCLI{issues: []Issue{mine}}
	runDrift(t, closing, "issue", "-stack", "staging", "-report", clean)
	if got := strings.Join(closing.calls, "\n"); !strings.Contains(got, "gh issue close 41 --reason completed --comment No drift in stack `staging`") {
		t.Errorf("close calls:\n%s", got)
	}
}

func TestBadFlagsNameTheFlagAndWhatIsAllowed(t *testing.T) {
	for args, want := range map[string]string{
		"-stack Staging":          `-stack: got "Staging", want a stack name`,
		"-stack staging extra":    `unexpected argument "extra"`,
		"issue -stack staging":    "-report: missing",
		"-stack staging -nonsuch": "flag provided but not defined: -nonsuch",
	} {
		_, stderr, _, code := runDrift(t, &fakeCLI{}, strings.Fields(args)...)
		if code != ExitUsage || !strings.Contains(stderr, want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", args, code, stderr, want)
		}
	}
}
