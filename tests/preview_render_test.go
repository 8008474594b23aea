package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/webservice/internal/render"
)

// The pull request's offline plan of each stack (preview.yml, render job) is
// `render review`, against a checkout of the base branch whose own cmd/render
// renders it. Pulumi.production.yaml holds no certificateArn until the team
// commits theirs, and validation refuses production without one: every pull
// request's production plan would be red until then.

// fakeBase is a checkout of a base branch whose cmd/render prints the file
// json holds (a render -json), or, with json "", refuses the stack.
func fakeBase(t *testing.T, json string) string {
	t.Helper()
	dir := t.TempDir()
	main := `package main

import "os"

func main() {
	b, err := os.ReadFile(` + "`" + json + "`" + `)
	if err != nil {
		os.Exit(1)
	}
	os.Stdout.Write(b)
}
`
	for name, body := range map[string]string{"go.mod": "module base\n\ngo 1.21\n", "cmd/render/main.go": main} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// reviewOf runs `render review` of a stack against base; it returns the exit
// status, stdout, stderr and the job summary.
func reviewOf(t *testing.T, base string, args ...string) (int, string, string, string) {
	t.Helper()
	summary := filepath.Join(t.TempDir(), "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	var out, errb bytes.Buffer
	code := render.Command(append(append([]string{"review", "-dir", projectDir}, args...), base), &out, &errb)
	b, _ := os.ReadFile(summary)
	return code, out.String(), errb.String(), string(b)
}

func TestThePlanOfAStackNotConfiguredYetIsANoticeNotAFailure(t *testing.T) {
	// No certificate, whatever Pulumi.production.yaml holds by then.
	production := []string{"-stack", "production", "-c", "imageTag=review", "-c", "certificateArn="}
	// Not configured on the base branch either (or it predates cmd/render):
	// a notice with validation's words.
	for name, base := range map[string]string{"base refuses it": fakeBase(t, ""), "base has no cmd/render": t.TempDir()} {
		code, out, _, summary := reviewOf(t, base, production...)
		if code != render.ExitOK || !strings.Contains(summary, "production is not configured yet") ||
			!strings.Contains(summary, "webservice:certificateArn: got nothing") || !strings.Contains(out, "::notice title=production is not configured yet::") {
			t.Errorf("%s: exit %d, want a notice in the summary:\n%s\nsummary:\n%s", name, code, out, summary)
		}
	}
	// The base renders the stack and the pull request does not: it broke it.
	js := filepath.Join(t.TempDir(), "base.json")
	var b, errb bytes.Buffer
	if code := render.Command([]string{"-dir", projectDir, "-stack", "staging", "-c", "imageTag=review", "-c", "ecrKeepTaggedImages=30", "-json"}, &b, &errb); code != 0 {
		t.Fatalf("render -json: exit %d: %s", code, errb.String())
	}
	if err := os.WriteFile(js, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _, _ := reviewOf(t, fakeBase(t, js), production...); code == 0 || !strings.Contains(out, "::error::the base branch renders production and this pull request does not") {
		t.Errorf("a pull request breaking a configured stack passed: exit %d\n%s", code, out)
	}
	// Anything but validation (an unparsable stack file) stays an error.
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "Pulumi.yaml"), []byte("name: [unclosed"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := render.Command([]string{"review", "-dir", broken, "-stack", "production", fakeBase(t, "")}, &out, &errb); code == 0 ||
		!strings.Contains(out.String(), "::error::render of production failed") {
		t.Errorf("an unparsable stack file passed: exit %d\n%s", code, out.String())
	}
	// Configured: the plan and the diff against the base, in the log and the summary.
	code, log, stderr, summary := reviewOf(t, fakeBase(t, js), "-stack", "staging", "-c", "imageTag=review")
	for _, s := range []string{log, summary} {
		if code != 0 || !strings.Contains(s, "## Offline plan: staging\n```\nOffline preview of stack \"staging\"") ||
			!strings.Contains(s, "## Changes against the base branch: staging") || !strings.Contains(s, "lifecycle") {
			t.Errorf("configured stack: exit %d\n%s\n%s", code, s, stderr)
		}
	}
}

// TestThePreviewRendersWithTheBasesOwnRender: the step checks the base out
// and hands it to render review; the logic is render's.
func TestThePreviewRendersWithTheBasesOwnRender(t *testing.T) {
	var step map[string]any
	for _, s := range jobs(t, workflow(t, "preview.yml"))["render"]["steps"].([]any) {
		if strings.Contains(run(s.(map[string]any)), "render review") {
			step = s.(map[string]any)
		}
	}
	want := "git worktree add --detach \"$RUNNER_TEMP/base\" \"$BASE_SHA\"\n" +
		"go run ./cmd/render review -stack \"$STACK\" -c imageTag=review \"$RUNNER_TEMP/base\"\n"
	if step == nil || run(step) != want || envOf(step)["BASE_SHA"] != "${{ github.event.pull_request.base.sha }}" ||
		envOf(step)["STACK"] != "${{ matrix.stack }}" {
		t.Errorf("preview.yml/render's step: %v, want:\n%s", step, want)
	}
}
