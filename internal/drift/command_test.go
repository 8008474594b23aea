package drift

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var checked = time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)

// runDrift runs the command as the workflow does, in a GitHub Actions
// environment whose job summary is a temporary file.
func runDrift(t *testing.T, args ...string) (stdout, stderr, summary string, code int) {
	t.Helper()
	dir := t.TempDir()
	env := map[string]string{
		"GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary.md"), "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/webservice", "GITHUB_RUN_ID": "7001", "GITHUB_SHA": "3f2c1a9",
	}
	var out, errb bytes.Buffer
	code = Command(args, &out, &errb, func(k string) string { return env[k] }, func() time.Time { return checked })
	b, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	return out.String(), errb.String(), string(b), code
}

func fixture(name string) string { return filepath.Join("testdata", name) }

// issuesFile writes what `gh issue list --label drift --state open --json
// number,title,body` prints.
func issuesFile(t *testing.T, issues ...Issue) string {
	t.Helper()
	if issues == nil {
		issues = []Issue{}
	}
	b, err := json.Marshal(issues)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "issues.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDriftExitsThreeAndWritesTheJobSummary(t *testing.T) {
	stdout, stderr, summary, code := runDrift(t, "-stack", "staging", "-preview", fixture("staging-drift.preview-refresh.json"))
	if code != ExitDrift {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitDrift, stdout, stderr)
	}
	if !strings.Contains(stdout, "desiredCount: 4 => 2") {
		t.Errorf("stdout:\n%s", stdout)
	}
	for _, want := range []string{"### Drift in stack `staging`",
		"Checked 2026-11-26T06:00:00Z by [this run](https://github.com/acme/webservice/actions/runs/7001).",
		"```text\nDrift in stack \"staging\"", "      " + ruleDeleted,
		"[the runbook, \"Drift found\"](https://github.com/acme/webservice/blob/3f2c1a9/docs/runbook.md#drift-found)",
		"<!-- webservice-drift stack=staging fingerprint="} {
		if !strings.Contains(summary, want) {
			t.Errorf("job summary lacks %q:\n%s", want, summary)
		}
	}
}

func TestNoDriftExitsZero(t *testing.T) {
	for _, c := range []struct{ stack, file string }{
		{"staging", "staging-no-drift.preview-refresh.json"},
		{"production", "production-scaled.preview-refresh.json"},
	} {
		stdout, stderr, summary, code := runDrift(t, "-stack", c.stack, "-preview", fixture(c.file))
		if code != ExitNoDrift {
			t.Errorf("%s: exit %d, want 0\n%s%s", c.file, code, stdout, stderr)
		}
		if !strings.Contains(summary, "### No drift in stack `"+c.stack+"`") || strings.Contains(summary, "runbook") {
			t.Errorf("%s: summary:\n%s", c.file, summary)
		}
	}
}

func TestTheIssueIsOpenedUpdatedAndClosed(t *testing.T) {
	dir := t.TempDir()
	body, decision := filepath.Join(dir, "body.md"), filepath.Join(dir, "out")
	decide := func(file string, issues ...Issue) (string, string, int) {
		t.Helper()
		_ = os.Remove(decision)
		_, stderr, _, code := runDrift(t, "-stack", "staging", "-preview", fixture(file), "-issues", issuesFile(t, issues...),
			"-issue-body", body, "-decision", decision)
		if stderr != "" {
			t.Fatalf("stderr: %s", stderr)
		}
		d, _ := os.ReadFile(decision)
		b, _ := os.ReadFile(body)
		return string(d), string(b), code
	}

	// Drift and no issue: open one, described by the report.
	d, b, code := decide("staging-drift.preview-refresh.json")
	if code != ExitDrift || d != "action=open\nissue=\nclose=\ntitle=Drift in stack staging\nchanged=false\n" {
		t.Fatalf("exit %d, decision:\n%s", code, d)
	}
	if !strings.Contains(b, "desiredCount: 4 => 2") || !strings.Contains(b, "<!-- webservice-drift stack=staging fingerprint=") {
		t.Fatalf("issue body:\n%s", b)
	}
	opened := Issue{Number: 41, Title: "Drift in stack staging (renamed by someone)", Body: b}
	other := Issue{Number: 40, Title: "Drift in stack production", Body: strings.ReplaceAll(b, "stack=staging", "stack=production")}

	// The same drift next time: rewrite the description, no comment.
	d, _, _ = decide("staging-drift.preview-refresh.json", other, opened)
	if d != "action=update\nissue=41\nclose=\ntitle=\nchanged=false\n" {
		t.Errorf("same drift again:\n%s", d)
	}
	// Other drift under an older description: update and say it changed;
	// a duplicate of the stack's issue is closed.
	older := Issue{Number: 38, Body: "Old report\n<!-- webservice-drift stack=staging fingerprint=0123456789ab -->\n"}
	d, _, _ = decide("staging-drift.preview-refresh.json", opened, older)
	if d != "action=update\nissue=38\nclose=41\ntitle=\nchanged=true\n" {
		t.Errorf("changed drift with a duplicate:\n%s", d)
	}
	// Drift gone: close the stack's issues, never another stack's.
	d, b, code = decide("staging-no-drift.preview-refresh.json", other, opened)
	if code != ExitNoDrift || d != "action=close\nissue=\nclose=41\ntitle=\nchanged=false\n" {
		t.Errorf("exit %d, drift gone:\n%s", code, d)
	}
	if !strings.HasPrefix(b, "No drift in stack `staging` at 2026-11-26T06:00:00Z ([run](https://github.com/acme/webservice/actions/runs/7001))") {
		t.Errorf("closing comment: %s", b)
	}
	// No drift, no issue: nothing to do.
	if d, _, _ = decide("staging-no-drift.preview-refresh.json", other); d != "action=none\nissue=\nclose=\ntitle=\nchanged=false\n" {
		t.Errorf("nothing to do:\n%s", d)
	}
}

func TestBadFlagsNameTheFlagAndWhatIsAllowed(t *testing.T) {
	cases := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"-preview", "p.json"}, `-stack: got "", want a stack name such as staging`, ExitUsage},
		{[]string{"-stack", "Staging", "-preview", "p.json"}, `-stack: got "Staging"`, ExitUsage},
		{[]string{"-stack", "staging"}, "-preview: missing", ExitUsage},
		{[]string{"-stack", "staging", "-preview", "p.json", "-issues", "i.json"}, "-issues: needs -issue-body and -decision", ExitUsage},
		{[]string{"-stack", "staging", "-preview", "p.json", "-decision", "out"}, "-issue-body and -decision: need -issues", ExitUsage},
		{[]string{"-stack", "staging", "-preview", "p.json", "extra"}, `unexpected argument "extra"`, ExitUsage},
		{[]string{"-stack", "staging", "-previw", "p.json"}, "flag provided but not defined: -previw", ExitUsage},
		{[]string{"-stack", "staging", "-preview", filepath.Join("testdata", "missing.json")}, "missing.json: no such file", ExitError},
		{[]string{"-h"}, "Exit status: 0 no drift, 1 unreadable input or a failed preview, 2 bad flags,\n3 drift found.", ExitNoDrift},
	}
	for _, c := range cases {
		_, stderr, _, code := runDrift(t, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("drift %v: exit %d, want %d with %q; stderr:\n%s", c.args, code, c.code, c.want, stderr)
		}
	}
}
