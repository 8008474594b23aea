package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

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
		"\n  -output NAME\n", "\n  -json\n"} {
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
	if len(lines) != 6 {
		t.Fatalf("found %d flag descriptions, want 6:\n%s", len(lines), help)
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
