package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/example/webservice/internal/render"
)

// The pull request's offline plan of each stack (preview.yml, render job),
// run as its step with stand-ins for go (which "builds" a stand-in render),
// git and render. Pulumi.production.yaml holds no certificateArn until the
// team commits theirs, and validation refuses production without one: every
// pull request's production plan would be red until then.

const invalidConfig = `stack "production" has 1 invalid config value(s); nothing was created or changed:
  - webservice:certificateArn: got nothing, want an ACM certificate ARN: the production stack always serves HTTPS`

func renderStep(t *testing.T) string {
	t.Helper()
	for _, s := range jobs(t, workflow(t, "preview.yml"))["render"]["steps"].([]any) {
		if at(s, "name") == "Render the pull request and its base" {
			return run(s.(map[string]any))
		}
	}
	t.Fatal("preview.yml/render has no step rendering the pull request")
	return ""
}

// renderFakes: go build -o X writes a render that behaves as HEAD (X named
// render) or BASE (render-base) says: ok, invalid (validation), broken (an
// unreadable file), or, for the base, none (it predates cmd/render).
func renderFakes() map[string]string {
	return map[string]string{
		"git": `[ "$1 $2" = "worktree add" ] && mkdir -p "$4"`,
		"go": `out=$3
mode=$HEAD; case "$out" in *render-base) mode=$BASE ;; esac
[ "$mode" != none ] || exit 1
cat > "$out" <<EOS
#!/usr/bin/env bash
case "$mode" in
  ok) case "\$*" in *-json*) echo '{}' ;; *-diff*) echo "~ service"; exit 3 ;; *) echo "plan of the stack" ;; esac ;;
  invalid) printf '%s\n' '` + strings.ReplaceAll(invalidConfig, "'", "") + `' >&2; exit 1 ;;
  broken) echo "render: read Pulumi.production.yaml: permission denied" >&2; exit 1 ;;
esac
EOS
chmod +x "$out"`,
	}
}

func TestThePlanOfAStackNotConfiguredYetIsANoticeNotAFailure(t *testing.T) {
	step := renderStep(t)
	try := func(head, base string) (int, string, string) {
		summary := filepath.Join(t.TempDir(), "summary.md")
		code, out, _ := script(t, step, t.TempDir(), map[string]string{"STACK": "production", "BASE_SHA": strings.Repeat("b", 40),
			"HEAD": head, "BASE": base, "GITHUB_STEP_SUMMARY": summary}, renderFakes())
		b, _ := os.ReadFile(summary)
		return code, out, string(b)
	}
	// Not configured on the base branch either: a notice with validation's words.
	for _, base := range []string{"invalid", "none"} {
		code, out, summary := try("invalid", base)
		if code != 0 || !strings.Contains(summary, "production is not configured yet") ||
			!strings.Contains(summary, "webservice:certificateArn: got nothing") || !strings.Contains(out, "::notice title=production is not configured yet::") {
			t.Errorf("base %s: exit %d, want a notice in the summary:\n%s\nsummary:\n%s", base, code, out, summary)
		}
	}
	// The base renders the stack and the pull request does not: it broke it.
	if code, out, _ := try("invalid", "ok"); code == 0 || !strings.Contains(out, "::error::the base branch renders production and this pull request does not") {
		t.Errorf("a pull request breaking a configured stack passed: exit %d\n%s", code, out)
	}
	// Anything but validation (an unreadable file) stays an error.
	if code, out, _ := try("broken", "invalid"); code == 0 || !strings.Contains(out, "::error::render of production exited 1") {
		t.Errorf("an unreadable stack file passed: exit %d\n%s", code, out)
	}
	// Configured: the plan and the diff against the base.
	code, out, summary := try("ok", "ok")
	if code != 0 || !strings.Contains(summary, "plan of the stack") || !strings.Contains(summary, "## Changes against the base branch: production") ||
		!strings.Contains(summary, "~ service") {
		t.Errorf("configured stack: exit %d\n%s\nsummary:\n%s", code, out, summary)
	}
}

// TestRenderSaysInvalidConfigAsTheStepExpects: the step tells validation from
// other failures by render's exit 1 and its words; the real render of the
// committed production stack says them.
func TestRenderSaysInvalidConfigAsTheStepExpects(t *testing.T) {
	var out, errb bytes.Buffer
	// No certificate, whatever Pulumi.production.yaml holds by then.
	code := render.Command([]string{"-dir", projectDir, "-stack", "production", "-c", "imageTag=review", "-c", "certificateArn="}, &out, &errb)
	if code != render.ExitError || !strings.Contains(errb.String(), "invalid config value") {
		t.Fatalf("render of production without a certificateArn: exit %d, stderr %q: the preview step's check no longer matches", code, errb.String())
	}
	if !strings.Contains(renderStep(t), "grep -q 'invalid config value'") {
		t.Error("the step does not tell validation errors by render's words")
	}
}
