package tests

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
	"github.com/example/webservice/internal/render"
)

// cmd/render as a newcomer meets it: its help, -dir bootstrap, and where its
// output and the README send a reader.

// Go's flag package prints the first back-quoted word of a usage string as the
// flag's argument, so "as `pulumi up -c`" once printed "-c pulumi up -c".
// Help that was asked for exits 0, as verify's does.
func TestRenderHelpNamesEachArgumentAndReadsAsSentences(t *testing.T) {
	_, help, code := renderCmd(t, "-h")
	if code != render.ExitOK {
		t.Fatalf("render -h: exit %d, want 0", code)
	}
	if strings.Contains(help, "Default: ..") || !strings.Contains(help, `Its default is ".".`) {
		t.Errorf("-dir's default reads oddly:\n%s", help)
	}
	for _, want := range []string{"\n  -c key=value\n", "\n  -stack NAME\n", "\n  -diff OLD.json\n", "\n  -dir DIR\n",
		"\n  -output NAME\n", "\n  -json\n", "\n  -example\n"} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "`") || strings.Contains(help, "-c pulumi") || strings.Contains(help, "-json pulumi") {
		t.Errorf("help prints a back-quoted phrase as an argument name:\n%s", help)
	}
	// Every flag's text is sentences: a capital first, a full stop last.
	usage := regexp.MustCompile(`(?m)^    \t(.*)$`)
	lines := usage.FindAllStringSubmatch(help, -1)
	if len(lines) != 7 {
		t.Fatalf("found %d flag descriptions, want 7:\n%s", len(lines), help)
	}
	for _, m := range lines {
		if text := m[1]; !regexp.MustCompile(`^[A-Z].*\.$`).MatchString(text) {
			t.Errorf("not a sentence: %q", text)
		}
	}
}

// -dir bootstrap renders the CI identity project, not the service. Its stack
// file names no account or repository on purpose, so a bare render reports
// exactly those; given them, it renders the roles and the OIDC provider.
func TestRenderDirBootstrapRendersTheBootstrapProject(t *testing.T) {
	dir := filepath.Join(projectDir, "bootstrap")
	// As committed before the set-up: no account or repository.
	stdout, stderr, code := renderCmd(t, "-dir", dir, "-stack", "shared", "-c", "accountId=", "-c", "githubOrg=", "-c", "githubRepo=")
	if code != render.ExitError || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	for _, key := range []string{"webservice-bootstrap:accountId", "webservice-bootstrap:githubOrg",
		"webservice-bootstrap:githubRepo"} {
		if !strings.Contains(stderr, key) {
			t.Errorf("errors do not name %s:\n%s", key, stderr)
		}
	}
	if strings.Contains(stderr, "webservice:") {
		t.Errorf("errors speak of the service's keys:\n%s", stderr)
	}

	args := []string{"-dir", dir, "-stack", "shared", "-c", "accountId=" + testAccount, "-c", "githubOrg=acme",
		"-c", "githubRepo=webservice"}
	plan, stderr, code := renderCmd(t, args...)
	if code != render.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`stack "shared" (project webservice-bootstrap)`,
		"aws:iam/openIdConnectProvider:OpenIdConnectProvider", "subject repo:acme/webservice:environment:staging",
		"stagingPermissionsBoundaryArn"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
	if strings.Contains(plan, "Deploy-time estimate") || strings.Contains(plan, "aws:ecs/") {
		t.Errorf("the bootstrap plan shows the service:\n%s", plan)
	}
	js, stderr, code := renderCmd(t, append(args, "-json")...)
	if code != render.ExitOK {
		t.Fatalf("-json: exit %d: %s", code, stderr)
	}
	doc, _ := decodeDigest(t, js)
	if doc.ChangeSummary["create"] != len(doc.Steps) || len(doc.Steps) < 8 {
		t.Errorf("bootstrap preview: %d steps, changeSummary %v", len(doc.Steps), doc.ChangeSummary)
	}
}

func TestRenderRefusesAProjectItDoesNotKnow(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), []byte("name: other\nruntime: go\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.dev.yaml"), []byte("config: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := renderCmd(t, "-dir", dir, "-stack", "dev")
	if code != render.ExitError || !strings.Contains(stderr, `project "other"`) ||
		!strings.Contains(stderr, "webservice-bootstrap") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// What the plan cites must be in this repository, so a reader can open it.
func TestRenderCitesOnlyDocumentsInTheRepository(t *testing.T) {
	plan, _, code := renderCmd(t, "-stack", "staging", "-c", "imageTag="+deployTag)
	if code != render.ExitOK {
		t.Fatal(code)
	}
	cited := regexp.MustCompile(`\(([\w./-]+\.md)\)`).FindAllStringSubmatch(plan, -1)
	if len(cited) == 0 {
		t.Fatalf("the plan cites no document for its deploy-time estimate:\n%s", plan)
	}
	for _, m := range cited {
		if _, err := os.Stat(filepath.Join(projectDir, m[1])); err != nil {
			t.Errorf("the plan cites %s, which is not in the repository: %v", m[1], err)
		}
	}
	if strings.Contains(plan, "CHECKLIST") || strings.Contains(plan, "../") {
		t.Errorf("the plan points outside the repository:\n%s", plan)
	}
}

// The README sends readers only to files in the repository.
func TestREADMELinksOnlyIntoTheRepository(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(projectDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	if strings.Contains(readme, "../") || strings.Contains(readme, "CHECKLIST") {
		t.Error("README points outside the repository (../ or the design CHECKLIST)")
	}
	for _, m := range regexp.MustCompile("\\]\\((docs/[^)#]+)").FindAllStringSubmatch(readme, -1) {
		if _, err := os.Stat(filepath.Join(projectDir, m[1])); err != nil {
			t.Errorf("README links %s: %v", m[1], err)
		}
	}
	for _, doc := range []string{"docs/deploy-time-model.md", "docs/controls.md"} {
		if !strings.Contains(readme, "("+doc+")") {
			t.Errorf("README does not link %s", doc)
		}
	}
}

// The deploy action reads the repository name with -output; the stack outputs
// moved from the stack's step to x-render, and -output must not care.
func TestRenderOutputPrintsOneStackOutput(t *testing.T) {
	stdout, stderr, code := renderCmd(t, "-stack", "staging", "-c", "imageTag="+deployTag, "-output", "ecrRepositoryName")
	if code != render.ExitOK || stdout != "webservice-staging\n" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	if _, stderr, code := renderCmd(t, "-stack", "staging", "-output", "nope"); code != render.ExitUsage ||
		!strings.Contains(stderr, `"nope"`) {
		t.Fatalf("unknown output: exit %d, %s", code, stderr)
	}
}

// render -example previews production before an account exists, with AWS's
// documentation examples for what the set-up sets; the placeholder check a
// real update gets is unchanged: the same values through Program are
// refused, and -example lets through only its own values.
func TestRenderExamplePreviewsProductionWithoutWeakeningTheRealCheck(t *testing.T) {
	var out, errb bytes.Buffer
	// As committed before the set-up: no boundary, no certificate.
	args := []string{"-dir", projectDir, "-stack", "production", "-example", "-c", "permissionsBoundaryArn=", "-c", "certificateArn="}
	if code := render.Command(args, &out, &errb); code != render.ExitOK {
		t.Fatalf("render -example: exit %d\n%s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Note: EXAMPLE, not deployable: webservice:certificateArn and webservice:permissionsBoundaryArn are AWS's documentation examples") {
		t.Errorf("the plan does not say it is an example:\n%s", out.String())
	}
	site := infra.ExampleSite("production")
	_, err := service.Run(offline.Options{Dir: projectDir, Stack: "production", Overrides: map[string]string{
		"imageTag": deployTag, "certificateArn": site["certificateArn"], "permissionsBoundaryArn": site["permissionsBoundaryArn"]}})
	var ce *infra.ConfigError
	if !errors.As(err, &ce) || !slices.Contains(ce.Keys(), "webservice:certificateArn") || !slices.Contains(ce.Keys(), "webservice:permissionsBoundaryArn") {
		t.Errorf("a real update took -example's values: %v", err)
	}
	errb.Reset()
	if code := render.Command(append(args, "-c", "accountId=123456789012"), &out, &errb); code != render.ExitError ||
		!strings.Contains(errb.String(), "webservice:accountId") {
		t.Errorf("-example let through a placeholder it did not give: exit %d\n%s", code, errb.String())
	}
}

// A newcomer's first mistakes with the command line are usage errors (exit
// 2) whose last line says what was wrong: a missing -stack, the stack given
// as an argument, or a stack with no file (which names those that have one).
func TestRenderSaysWhichPartOfTheCommandLineIsWrong(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "render: -stack is required (for example -stack staging)"},
		{[]string{"staging"}, "render: -stack is required"},
		{[]string{"-stack", "staging", "production"}, `render: unexpected argument "production"`},
		{[]string{"-stack", "prod"}, `render: -stack "prod": no Pulumi.prod.yaml in ` + projectDir + "; its stacks are production, staging"},
		{[]string{"-stack", "Staging"}, "its stacks are production, staging"},
	} {
		_, stderr, code := renderCmd(t, c.args...)
		last := strings.TrimSpace(stderr)
		last = last[strings.LastIndex(last, "\n")+1:]
		if code != render.ExitUsage || !strings.Contains(last, c.want) {
			t.Errorf("render %v: exit %d, last line %q; want exit %d and %q", c.args, code, last, render.ExitUsage, c.want)
		}
	}
}
