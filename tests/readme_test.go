package tests

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/drift"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
	"github.com/example/webservice/internal/render"
	"go.yaml.in/yaml/v3"
)

// The README is the front door: a newcomer finds the set-up, the rollback, the
// outputs contract and the config reference from its contents, and every
// command and example in it is what the tools accept and print. Internals live
// in docs/. These tests keep both true.

const readmePath = projectDir + "/README.md"

// The README's command lines, as .ci/run runs them.
const (
	readmeTestCommand = "go tool gotestsum -- ./... && go -C app test ./..."
	readmeE2ECommand  = "go test -tags e2e -timeout 80m ./tests/e2e ./internal/verify/motopeer"
)

// readmeSections are the README's sections, in the order a newcomer needs them.
var readmeSections = []string{
	"Contents",
	"What it is",
	"Quick start",
	"Set-up, step by step",
	"Deploying, rolling back, and when a deploy fails",
	"The outputs contract",
	"Configuration reference",
	"How it is built and tested",
	"Known limits",
}

// ownDocs are the documents whose every command and citation these tests
// check: the README and docs/, but the ones other work owns (pipelines, the
// end-to-end suite, the provider rules), which are only linked.
func ownDocs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"README.md": readFile(t, readmePath)}
	paths, err := filepath.Glob(filepath.Join(projectDir, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		switch filepath.Base(p) {
		case "pipelines.md", "e2e.md", "provider-rules.md":
			continue
		}
		out["docs/"+filepath.Base(p)] = readFile(t, p)
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// section is the text of a markdown section: from its heading to the next
// heading of the same or a higher level.
func section(t *testing.T, doc, heading string) string {
	t.Helper()
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		level, text, ok := headingOf(l)
		if !ok || text != heading {
			continue
		}
		var out []string
		for _, m := range lines[i+1:] {
			if l2, _, ok := headingOf(m); ok && l2 <= level {
				break
			}
			out = append(out, m)
		}
		return strings.Join(out, "\n")
	}
	t.Fatalf("no section %q", heading)
	return ""
}

var headingRe = regexp.MustCompile(`^(#{1,6}) +(.+?) *$`)

// headingOf reads a markdown heading line (outside code blocks, which callers
// must not pass: see headings).
func headingOf(line string) (level int, text string, ok bool) {
	m := headingRe.FindStringSubmatch(line)
	if m == nil {
		return 0, "", false
	}
	return len(m[1]), m[2], true
}

// headings are a document's headings, code blocks skipped.
func headings(doc string) []string {
	var out []string
	fence := false
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
			continue
		}
		if _, text, ok := headingOf(l); ok && !fence {
			out = append(out, text)
		}
	}
	return out
}

// slug is the anchor GitHub gives a heading.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'):
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestREADMEIsShortAndInTheOrderANewcomerNeedsIt(t *testing.T) {
	readme := readFile(t, readmePath)
	if n := strings.Count(readme, "\n"); n > 450 {
		t.Errorf("README.md has %d lines, want at most 450: move internals to docs/", n)
	}
	var top []string
	fence := false
	for _, l := range strings.Split(readme, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fence = !fence
		}
		if level, text, ok := headingOf(l); ok && level == 2 && !fence {
			top = append(top, text)
		}
	}
	if !slices.Equal(top, readmeSections) {
		t.Errorf("README sections:\n  %s\nwant:\n  %s", strings.Join(top, "\n  "), strings.Join(readmeSections, "\n  "))
	}
	contents := section(t, readme, "Contents")
	for _, s := range readmeSections[1:] {
		if !strings.Contains(contents, "["+s+"](#"+slug(s)+")") {
			t.Errorf("the contents do not link %q as [%[1]s](#%s)", s, slug(s))
		}
	}
}

// Every link to a heading, in the README and docs/, names one that exists.
func TestEveryAnchorLinkNamesAHeading(t *testing.T) {
	docs := allDocs(t)
	link := regexp.MustCompile(`\]\(([\w./-]*)#([\w-]+)\)`)
	for name, doc := range docs {
		for _, m := range link.FindAllStringSubmatch(doc, -1) {
			target := name
			if m[1] != "" {
				target = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(name), m[1])))
			}
			d, ok := docs[target]
			if !ok {
				t.Errorf("%s links %s#%s: no such document", name, m[1], m[2])
				continue
			}
			found := false
			for _, h := range headings(d) {
				found = found || slug(h) == m[2]
			}
			if !found {
				t.Errorf("%s links %s#%s: %s has no such heading", name, m[1], m[2], target)
			}
		}
	}
}

// allDocs are the README and every document in docs/, by repository path.
func allDocs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{"README.md": readFile(t, readmePath)}
	paths, _ := filepath.Glob(filepath.Join(projectDir, "docs", "*.md"))
	for _, p := range paths {
		out["docs/"+filepath.Base(p)] = readFile(t, p)
	}
	return out
}

// A pointer into a document ("README § Set-up, step by step", "docs/operations.md
// § WAF") in a message, a workflow or a document names a heading that exists
// there, so a reader who follows it finds it.
var pointerRe = regexp.MustCompile(`(README|docs/[\w.-]+\.md) § ([^)\]"` + "`" + `\n;]+)`)

func TestEveryPointerIntoADocumentNamesAHeadingThatExists(t *testing.T) {
	docs := allDocs(t)
	var files []string
	for _, root := range []string{".", ".github"} {
		err := filepath.WalkDir(filepath.Join(projectDir, root), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(projectDir, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if rel == ".git" || rel == "bin" || rel == "node_modules" || (root == "." && rel == ".github") {
					return filepath.SkipDir
				}
				return nil
			}
			switch {
			case root == "." && strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go"),
				root == "." && strings.HasSuffix(rel, ".md"),
				root == ".github" && (strings.HasSuffix(rel, ".yml") || strings.HasSuffix(rel, ".yaml")):
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	found := 0
	for _, f := range files {
		text := readFile(t, filepath.Join(projectDir, f))
		for _, m := range pointerRe.FindAllStringSubmatch(text, -1) {
			found++
			// A sentence may go on after the heading: ". " or ": " ends it.
			heading := m[2]
			for _, end := range []string{". ", ": "} {
				heading, _, _ = strings.Cut(heading, end)
			}
			target, heading := m[1], strings.TrimSuffix(strings.TrimSpace(heading), ".")
			if target == "README" {
				target = "README.md"
			}
			d, ok := docs[target]
			if !ok {
				t.Errorf("%s points to %s § %s: no such document", f, m[1], heading)
				continue
			}
			if !slices.Contains(headings(d), heading) {
				t.Errorf("%s points to %s § %q: %s has no such heading", f, m[1], heading, target)
			}
		}
	}
	// The messages infra/ and render print point into the README and docs.
	if found < 6 {
		t.Errorf("found %d pointers; the program's messages alone hold 5", found)
	}
}

// The test commands the README gives are the ones .ci/run runs.
func TestTheREADMEsTestCommandsAreTheOnesCIRuns(t *testing.T) {
	readme := readFile(t, readmePath)
	ci := readFile(t, projectDir+"/.ci/run")
	for _, cmd := range []string{readmeTestCommand, readmeE2ECommand} {
		if !strings.Contains(section(t, readme, "Quick start"), "\n"+cmd+"\n") {
			t.Errorf("the Quick start lost the command %q", cmd)
		}
		if !strings.Contains(ci, "\n"+cmd+"\n") {
			t.Errorf(".ci/run does not run the README's command %q", cmd)
		}
	}
}

// docCommands are the shell commands of a document's sh blocks, and its inline
// code spans that run a project tool or go.
func docCommands(t *testing.T, doc string) []shellCommand {
	t.Helper()
	var out []shellCommand
	block := regexp.MustCompile("(?s)\n([ \t]*)```sh\n(.*?)\n[ \t]*```")
	for _, m := range block.FindAllStringSubmatch(doc, -1) {
		var lines []string
		for _, l := range strings.Split(m[2], "\n") {
			lines = append(lines, strings.TrimPrefix(l, m[1]))
		}
		cs, err := parseShell(strings.Join(lines, "\n"))
		if err != nil {
			t.Fatalf("%v in:\n%s", err, m[2])
		}
		out = append(out, cs...)
	}
	span := regexp.MustCompile("`((?:bin/|go )[^`]+)`")
	for _, m := range span.FindAllStringSubmatch(doc, -1) {
		text := strings.Join(strings.Fields(m[1]), " ")
		if n := len(strings.Fields(text)); n < 2 || (strings.HasPrefix(text, "go ") && n < 3) {
			continue // a name in a sentence (`go run`, `bin/deploy`), not a command
		}
		cs, err := parseShell(text)
		if err != nil {
			t.Fatalf("%v in `%s`", err, text)
		}
		out = append(out, cs...)
	}
	return out
}

// commandWords strips what runs a command (variables, /usr/bin/time -v) off
// its words; a sh -c script is parsed in its turn.
func commandWords(t *testing.T, c shellCommand) [][]string {
	t.Helper()
	words := c.words
	for len(words) > 0 && assignment.MatchString(words[0]) {
		words = words[1:]
	}
	if len(words) >= 2 && words[0] == "/usr/bin/time" && words[1] == "-v" {
		words = words[2:]
	}
	if len(words) == 3 && words[0] == "sh" && words[1] == "-c" {
		inner, err := parseShell(words[2])
		if err != nil {
			t.Fatalf("%v in %s", err, words[2])
		}
		var out [][]string
		for _, ic := range inner {
			out = append(out, commandWords(t, ic)...)
		}
		return out
	}
	return [][]string{words}
}

// Every go and project-tool command in the README and docs/ is one the tool
// accepts as written: the tools parse their own flags (with -h appended), go
// commands name packages, files and flags that exist.
func TestEveryGoAndToolCommandInTheDocsParses(t *testing.T) {
	counts := map[string]int{}
	for name, doc := range ownDocs(t) {
		for _, c := range docCommands(t, doc) {
			for _, words := range commandWords(t, c) {
				if len(words) == 0 {
					continue
				}
				var problem string
				switch w := words[0]; {
				case strings.HasPrefix(w, "bin/") && slices.Contains([]string{"render", "verify", "deploy", "drift"}, w[4:]):
					problem = projectToolRejects(w[4:], words[1:])
				case w == "go":
					problem = goRejects(words[1:])
				case w == "pulumi" && name == "README.md":
					problem = pulumiRejects(words[1:])
				default:
					continue
				}
				counts[name]++
				if problem != "" {
					t.Errorf("%s: %s\n    %s", name, c.text, problem)
				}
			}
		}
	}
	if counts["README.md"] < 15 {
		t.Errorf("found too few commands: %v", counts)
	}
}

var (
	goValueFlags = []string{"-o", "-tags", "-timeout", "-run", "-count", "-p", "-C"}
	goBoolFlags  = []string{"-v", "-race", "-short"}
)

// goRejects says what is wrong with a go command's arguments, "" if nothing.
func goRejects(args []string) string {
	dir := projectDir
	if len(args) >= 2 && args[0] == "-C" {
		dir = filepath.Join(projectDir, args[1])
		args = args[2:]
	}
	if len(args) == 0 {
		return "go without a command"
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "tool":
		if len(rest) == 0 {
			return "go tool without a tool"
		}
		mod := readFileString(filepath.Join(projectDir, "go.mod"))
		if !regexp.MustCompile(`(?m)^tool [^\s]*/` + regexp.QuoteMeta(rest[0]) + `$`).MatchString(mod) {
			return "go.mod declares no tool " + rest[0]
		}
		if rest[0] == "gotestsum" {
			if i := slices.Index(rest, "--"); i >= 0 {
				return goBuildRejects(dir, "test", rest[i+1:])
			}
		}
		return ""
	case "build", "test", "vet":
		return goBuildRejects(dir, sub, rest)
	case "list":
		// go list -m MODULE: the module must be one go.mod requires.
		if len(rest) != 2 || rest[0] != "-m" {
			return "go list: only go list -m MODULE is documented"
		}
		mod := readFileString(filepath.Join(dir, "go.mod"))
		if !regexp.MustCompile(`(?m)^\s*(require )?` + regexp.QuoteMeta(rest[1]) + ` v`).MatchString(mod) {
			return "go.mod requires no module " + rest[1]
		}
		return ""
	case "run":
		if len(rest) == 0 {
			return "go run of nothing"
		}
		target := filepath.Join(dir, rest[0])
		if strings.HasSuffix(rest[0], ".go") {
			src := readFileString(target)
			if src == "" {
				return "no file " + rest[0]
			}
			for _, a := range rest[1:] {
				if name, ok := strings.CutPrefix(a, "-"); ok {
					name, _, _ = strings.Cut(name, "=")
					if !regexp.MustCompile(`flag\.\w+\("` + regexp.QuoteMeta(name) + `"`).MatchString(src) {
						return fmt.Sprintf("%s defines no flag -%s", rest[0], name)
					}
				}
			}
			return ""
		}
		if tool, ok := strings.CutPrefix(rest[0], "./cmd/"); ok {
			return projectToolRejects(tool, rest[1:])
		}
		return "go run of " + rest[0] + ": not a file or a project tool"
	}
	return "go " + sub + ": a command this test does not know"
}

func readFileString(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// goBuildRejects checks build, test and vet arguments: known flags, packages
// that exist, a -o bin/TOOL that is ./cmd/TOOL, test flags the package defines.
func goBuildRejects(dir, sub string, args []string) string {
	var pkgs []string
	out := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.Contains(a, "=") && slices.Contains(goValueFlags, a[:strings.Index(a, "=")]):
		case slices.Contains(goValueFlags, a):
			if i+1 >= len(args) {
				return a + " without its value"
			}
			if a == "-o" {
				out = args[i+1]
			}
			i++
		case slices.Contains(goBoolFlags, a):
		case strings.HasPrefix(a, "-"):
			// A flag of the test binary: a package under test must define it.
			name := strings.TrimPrefix(a, "-")
			if sub != "test" || len(pkgs) == 0 || !packagesDefineFlag(dir, pkgs, name) {
				return fmt.Sprintf("go %s: no flag %s", sub, a)
			}
		case a == "." || strings.HasPrefix(a, "./"):
			pkgs = append(pkgs, a)
			p := filepath.Join(dir, strings.TrimSuffix(a, "/..."))
			if goFiles, _ := filepath.Glob(filepath.Join(p, "*.go")); len(goFiles) == 0 && !strings.HasSuffix(a, "/...") {
				return "no Go package " + a
			} else if _, err := os.Stat(p); err != nil {
				return "no directory " + a
			}
		default:
			return fmt.Sprintf("go %s: %q is neither a flag nor a ./package", sub, a)
		}
	}
	if len(pkgs) == 0 {
		return "go " + sub + " of no package"
	}
	if tool, ok := strings.CutPrefix(out, "bin/"); ok && sub == "build" && len(pkgs) == 1 && pkgs[0] != "./cmd/"+tool {
		return fmt.Sprintf("-o %s builds %s: bin/TOOL is ./cmd/TOOL", out, pkgs[0])
	}
	return ""
}

func packagesDefineFlag(dir string, pkgs []string, name string) bool {
	re := regexp.MustCompile(`flag\.\w+\("` + regexp.QuoteMeta(name) + `"`)
	for _, p := range pkgs {
		files, _ := filepath.Glob(filepath.Join(dir, p, "*_test.go"))
		for _, f := range files {
			if re.MatchString(readFileString(f)) {
				return true
			}
		}
	}
	return false
}

// transcript is one `$ command` of a documented example and the lines it printed
// (those the document shows; "..." marks what it left out).
type transcript struct {
	command string
	lines   []string
}

func transcripts(doc string) []transcript {
	var out []transcript
	block := regexp.MustCompile("(?s)\n```\n(\\$ .*?)\n```")
	for _, m := range block.FindAllStringSubmatch(doc, -1) {
		for _, l := range strings.Split(m[1], "\n") {
			if cmd, ok := strings.CutPrefix(l, "$ "); ok {
				out = append(out, transcript{command: cmd})
				continue
			}
			if l = strings.TrimRight(l, " "); l != "" && l != "..." {
				out[len(out)-1].lines = append(out[len(out)-1].lines, l)
			}
		}
	}
	return out
}

// runTranscript runs a documented render or drift command in-process and
// returns what it printed; ok is false for a command this test cannot run.
func runTranscript(t *testing.T, command string) (output string, ok bool) {
	t.Helper()
	words := strings.Fields(command)
	var out bytes.Buffer
	switch words[0] {
	case "bin/render":
		render.Command(append(words[1:], "-dir", projectDir), &out, &out)
	case "bin/drift":
		args := slices.Clone(words[1:])
		i := slices.Index(args, "-preview")
		if i < 0 || i+1 >= len(args) {
			return "", false
		}
		args[i+1] = driftFixture(t, args[i+1])
		drift.Command(context.Background(), args, &out, &out)
	default:
		return "", false
	}
	return out.String(), true
}

// driftFixture is the file the drift examples read: the real CLI's preview of
// a drifted staging stack, decompressed.
func driftFixture(t *testing.T, name string) string {
	t.Helper()
	if name != "staging-drift.json" {
		t.Fatalf("the drift example reads %s; the fixture is staging-drift.json", name)
	}
	f, err := os.Open(projectDir + "/internal/drift/testdata/staging-drift.preview-refresh.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every example of what render and drift print is what they print, line for
// line (in order; "..." marks lines left out), and the Quick start's excerpt is
// of the very command it tells the reader to run.
func TestEveryDocumentedOutputIsWhatTheToolPrints(t *testing.T) {
	ran := 0
	for name, doc := range ownDocs(t) {
		for _, tr := range transcripts(doc) {
			got, ok := runTranscript(t, tr.command)
			if !ok {
				continue
			}
			ran++
			lines := strings.Split(got, "\n")
			for i := range lines {
				lines[i] = strings.TrimRight(lines[i], " ")
			}
			at := 0
			for _, want := range tr.lines {
				j := slices.Index(lines[at:], want)
				if j < 0 {
					t.Errorf("%s: `%s` does not print, at this point, the line\n    %s\nit printed:\n%s", name, tr.command, want, got)
					break
				}
				at += j + 1
			}
		}
	}
	if ran < 4 {
		t.Errorf("ran %d documented examples; the README alone has 3", ran)
	}
	quick := section(t, readFile(t, readmePath), "Quick start")
	trs := transcripts("\n" + quick)
	first := regexp.MustCompile("(?s)```sh\n(.*?)\n```").FindStringSubmatch(quick)
	if len(trs) == 0 || first == nil {
		t.Fatal("the Quick start has no command and no excerpt of what it prints")
	}
	if cmds := strings.Split(first[1], " && "); cmds[len(cmds)-1] != trs[0].command {
		t.Errorf("the Quick start runs %q but shows what %q prints", cmds[len(cmds)-1], trs[0].command)
	}
}

// The config reference lists exactly the keys the program reads, each with its
// Pulumi.yaml default, and in the stack columns exactly what the committed
// stack files set (or "set-up" for what the README's set-up sets).
func TestTheConfigReferenceIsTheProgramsKeysAndTheStackFiles(t *testing.T) {
	readme := readFile(t, readmePath)
	table := section(t, readme, "Configuration reference")
	setup := setupKeys(t, readme)
	files := map[string]map[string]any{}
	for _, stack := range Stacks {
		var doc struct {
			Config map[string]any `yaml:"config"`
		}
		if err := yaml.Unmarshal([]byte(readFile(t, projectDir+"/Pulumi."+stack+".yaml")), &doc); err != nil {
			t.Fatal(err)
		}
		files[stack] = doc.Config
	}
	defaults := map[string]string{}
	for _, k := range infra.ConfigKeys {
		defaults[k.Name] = cellValue(k.Default())
	}
	names := regexp.MustCompile("`([\\w:]+)`")
	seen := map[string]bool{}
	for _, row := range strings.Split(table, "\n") {
		if !strings.HasPrefix(row, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(row, "|"), "|")
		if len(cells) != 5 {
			t.Errorf("config row with %d cells, want 5: %s", len(cells), row)
			continue
		}
		var keys []string
		for _, m := range names.FindAllStringSubmatch(cells[0], -1) {
			keys = append(keys, m[1])
		}
		split := func(cell string) []string {
			parts := strings.Split(strings.TrimSpace(cell), " / ")
			if len(keys) > 1 && len(parts) == 1 && parts[0] == "" {
				parts = make([]string, len(keys))
			}
			return parts
		}
		def, cols := split(cells[1]), map[string][]string{"staging": split(cells[2]), "production": split(cells[3])}
		for i, key := range keys {
			if seen[key] {
				t.Errorf("config key %s is listed twice", key)
			}
			seen[key] = true
			if key == infra.RegionKey {
				continue
			}
			want, ok := defaults[key]
			if !ok {
				t.Errorf("the config reference lists %s, which the program does not read", key)
				continue
			}
			if len(def) != len(keys) {
				t.Errorf("%s: %d defaults for %d keys", row, len(def), len(keys))
				break
			}
			if got, _, _ := strings.Cut(def[i], " ("); strings.TrimSpace(got) != want {
				t.Errorf("%s: default %q, Pulumi.yaml says %q", key, got, want)
			}
			for _, stack := range Stacks {
				col := cols[stack]
				if len(col) != len(keys) {
					t.Errorf("%s: %d %s values for %d keys", row, len(col), stack, len(keys))
					break
				}
				got := strings.TrimSpace(col[i])
				fileValue, set := files[stack]["webservice:"+key]
				switch {
				case setup[stack+" "+key]:
					if got != "set-up" {
						t.Errorf("%s, %s: the set-up sets it, the table says %q", key, stack, got)
					}
				case !set && got != "":
					t.Errorf("%s, %s: the table says %q, Pulumi.%[2]s.yaml does not set it", key, stack, got)
				case set && got != cellValue(fileValue):
					t.Errorf("%s, %s: the table says %q, Pulumi.%[2]s.yaml sets %q", key, stack, got, cellValue(fileValue))
				}
			}
		}
	}
	for key := range defaults {
		if !seen[key] {
			t.Errorf("the config reference does not list %s", key)
		}
	}
	if !seen[infra.RegionKey] {
		t.Errorf("the config reference does not list %s", infra.RegionKey)
	}
}

// cellValue is a config value as the table writes it.
func cellValue(v any) string {
	switch v := v.(type) {
	case string:
		if v == "" {
			return `""`
		}
		return v
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	case []string:
		if len(v) == 0 {
			return "[]"
		}
		return strings.Join(v, ", ")
	case []any:
		var s []string
		for _, e := range v {
			s = append(s, fmt.Sprint(e))
		}
		return cellValue(s)
	}
	return fmt.Sprint(v)
}

// setupKeys are "stack key" pairs the README's set-up sets on the service stacks.
func setupKeys(t *testing.T, readme string) map[string]bool {
	t.Helper()
	m := regexp.MustCompile("(?s)<!-- e2e: stacks -->[ \t]*\n[ \t]*```sh\n(.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("no <!-- e2e: stacks --> block in the README")
	}
	out := map[string]bool{}
	for _, s := range regexp.MustCompile(`pulumi config set -s (\w+) webservice:(\w+)`).FindAllStringSubmatch(m[1], -1) {
		out[s[1]+" "+s[2]] = true
	}
	if len(out) == 0 {
		t.Fatal("the set-up sets no service stack key")
	}
	return out
}

// Every output is in the contract's table, and what awaiting-image says has a
// value is what such a stack exports.
func TestTheOutputsContractIsTheProgramsOutputs(t *testing.T) {
	contract := section(t, readFile(t, readmePath), "The outputs contract")
	for _, o := range infra.OutputContract {
		if !strings.Contains(contract, "`"+o.Name+"`") {
			t.Errorf("the outputs contract does not document %s", o.Name)
		}
	}
	if !strings.Contains(contract, "`contractVersion` is now `"+infra.ContractVersion+"`") {
		t.Errorf("the outputs contract does not say it is version %s", infra.ContractVersion)
	}
	// A stack that has never run an image, updated without one.
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging",
		Overrides: withSite("staging", map[string]string{"imageTag": ""})})
	if err != nil {
		t.Fatal(err)
	}
	if r.Outputs[infra.OutputDeploymentState] != infra.StateAwaitingImage {
		t.Fatalf("deploymentState = %v, want %s", r.Outputs[infra.OutputDeploymentState], infra.StateAwaitingImage)
	}
	var valued []string
	for k, v := range r.Outputs {
		switch v := v.(type) {
		case string:
			if v != "" {
				valued = append(valued, k)
			}
		case []any:
			if len(v) > 0 {
				valued = append(valued, k)
			}
		case float64, int, int64:
			if fmt.Sprint(v) != "0" {
				valued = append(valued, k)
			}
		default:
			valued = append(valued, k)
		}
	}
	sort.Strings(valued)
	row := regexp.MustCompile("(?m)^\\| `deploymentState` \\|.*awaiting-image.*then (.*) have values").FindStringSubmatch(contract)
	if row == nil {
		t.Fatal("the deploymentState row does not say which outputs an awaiting-image stack gives values")
	}
	var documented []string
	for _, m := range regexp.MustCompile("`(\\w+)`").FindAllStringSubmatch(row[1], -1) {
		documented = append(documented, m[1])
	}
	sort.Strings(documented)
	if !slices.Equal(documented, valued) {
		t.Errorf("awaiting-image: the README says %v have values, the program gives %v", documented, valued)
	}
}

// The documents name the deployment alarms as infra/ names them.
func TestTheDocsNameTheAlarmsAsInfraDoes(t *testing.T) {
	suffixes := map[string]bool{}
	valid := map[string]bool{"alarm-target-5xx": true, "alarm-unhealthy-hosts": true} // the logical names
	for _, stack := range Stacks {
		for _, a := range deploy(t, stack).OfType(typeAlarm) {
			name := str(t, a.Inputs, "name")
			valid[name] = true
			suffix, ok := strings.CutPrefix(name, "webservice-"+stack+"-")
			if !ok {
				t.Fatalf("alarm %s is not named <serviceName>-<stack>-...", name)
			}
			suffixes[suffix] = true
			valid["<serviceName>-<stack>-"+suffix] = true
		}
	}
	mention := regexp.MustCompile(`[\w<>-]*-(?:target-5xx|unhealthy-hosts)\b`)
	docs := ownDocs(t)
	for name, doc := range docs {
		for _, m := range mention.FindAllString(doc, -1) {
			if !valid[m] {
				t.Errorf("%s names the alarm %q; infra/ names them %v", name, m, keys(toAny(valid)))
			}
		}
	}
	for s := range suffixes {
		if !strings.Contains(docs["docs/operations.md"], "`<serviceName>-<stack>-"+s+"`") {
			t.Errorf("docs/operations.md does not name the alarm <serviceName>-<stack>-%s", s)
		}
	}
}

func toAny(m map[string]bool) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// The cost table counts every alarm a stack pays for: its own two and the
// ones Application Auto Scaling creates for each target-tracking policy.
func TestTheCostTableCountsEveryAlarm(t *testing.T) {
	const perTargetTrackingPolicy = 4 // Application Auto Scaling's alarms per policy
	row := regexp.MustCompile(`(?m)^\| CloudWatch alarms .*$`).FindString(readFile(t, projectDir+"/docs/operations.md"))
	cells := strings.Split(strings.Trim(row, "|"), "|")
	if len(cells) != 3 {
		t.Fatalf("docs/operations.md has no CloudWatch alarms row of three cells: %q", row)
	}
	for i, stack := range Stacks {
		r := deploy(t, stack)
		n := len(r.OfType(typeAlarm))
		for _, p := range r.OfType(typeScalePolicy) {
			if str(t, p.Inputs, "policyType") == "TargetTrackingScaling" {
				n += perTargetTrackingPolicy
			}
		}
		want := fmt.Sprintf("%d alarms", n)
		cost := fmt.Sprintf("$%.2f", float64(n)*0.10)
		if cell := cells[i+1]; !strings.Contains(cell, want) || !strings.Contains(cell, cost) {
			t.Errorf("%s's alarm cost is %q, want %s: %s", stack, strings.TrimSpace(cell), want, cost)
		}
	}
}

// The README's app-settings and secrets example is one the CLI and the program
// accept: --plaintext for a key the CLI takes for a secret, a secret named
// under the stack's prefix (the boundary allows no other), a real account.
func TestTheREADMEsSecretsExampleIsAccepted(t *testing.T) {
	cmds := docCommands(t, readFile(t, readmePath))
	given := map[string][]string{}
	stack := ""
	for _, c := range cmds {
		w := c.words
		if len(w) < 4 || w[0] != "pulumi" || w[1] != "config" || w[2] != "set" || !slices.Contains(w, "--path") {
			continue
		}
		i := slices.IndexFunc(w, func(s string) bool { return strings.HasPrefix(s, "webservice:") })
		if i < 0 || i+1 >= len(w) {
			t.Fatalf("no key and value in %s", c.text)
		}
		key, _, _ := strings.Cut(strings.TrimPrefix(w[i], "webservice:"), "[")
		given[key] = append(given[key], w[i+1])
		if s := slices.Index(w, "-s"); s >= 0 {
			stack = w[s+1]
		}
	}
	if len(given["secrets"]) == 0 || len(given["environment"]) == 0 || stack == "" {
		t.Fatalf("the README sets no secret and environment example with --path -s STACK: %v", given)
	}
	ov := map[string]string{}
	for k, vs := range given {
		ov[k] = `["` + strings.Join(vs, `","`) + `"]`
	}
	if _, err := service.Run(offline.Options{Dir: projectDir, Stack: stack, Overrides: withSite(stack, ov)}); err != nil {
		t.Errorf("the README's example is refused: %v", err)
	}
}

// The CLI refuses to save a value under a key that looks like a secret's
// unless told --secret or --plaintext (pulumi/pulumi pkg/cmd/pulumi/config
// config.go, looksLikeSecret, CLI 3.274.1): every documented config set of such
// a key says which.
func TestEveryConfigSetOfASecretLikeKeySaysPlaintextOrSecret(t *testing.T) {
	secretLike := regexp.MustCompile(`(?i)passwd|pass|password|pwd|secret|token`)
	for name, doc := range ownDocs(t) {
		for _, c := range docCommands(t, doc) {
			w := c.words
			if len(w) < 3 || w[0] != "pulumi" || w[1] != "config" || w[2] != "set" {
				continue
			}
			for _, a := range w[3:] {
				if !strings.HasPrefix(a, "-") && strings.Contains(a, ":") {
					_, k, _ := strings.Cut(a, ":")
					if secretLike.MatchString(k) && !slices.Contains(w, "--plaintext") && !slices.Contains(w, "--secret") {
						t.Errorf("%s: %s\n    the CLI refuses it without --plaintext or --secret", name, c.text)
					}
					break
				}
			}
		}
	}
}

// Every test a document cites exists, and every file or directory it names.
func TestTheDocsCiteOnlyTestsAndFilesThatExist(t *testing.T) {
	tests := map[string]bool{}
	err := filepath.WalkDir(projectDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(p, "_test.go") {
			for _, m := range regexp.MustCompile(`(?m)^func (Test\w+)\(`).FindAllStringSubmatch(readFileString(p), -1) {
				tests[m[1]] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	path := regexp.MustCompile("`((?:\\.github|\\.ci|app|bootstrap|cmd|docs|infra|internal|tests)/[\\w./-]*)`")
	for name, doc := range ownDocs(t) {
		for _, m := range regexp.MustCompile(`\bTest[A-Z]\w*`).FindAllString(doc, -1) {
			if !tests[m] {
				t.Errorf("%s cites %s, which no test file defines", name, m)
			}
		}
		for _, m := range path.FindAllStringSubmatch(doc, -1) {
			p := strings.TrimSuffix(m[1], "...")
			if _, err := os.Stat(filepath.Join(projectDir, p)); err != nil {
				t.Errorf("%s names %s, which does not exist", name, m[1])
			}
		}
	}
}

// "How it is built and tested" names every command, every internal package,
// and the places a newcomer needs.
func TestWhereThingsLiveNamesEveryPackage(t *testing.T) {
	tree := section(t, readFile(t, readmePath), "How it is built and tested")
	want := []string{"main.go", "infra/", "bootstrap/", "app/", "tests/", "tests/e2e", ".github/workflows",
		".github/actions", ".github/dependabot.yml", ".ci/run", "docs/"}
	for _, root := range []string{"cmd", "internal"} {
		dirs, err := os.ReadDir(filepath.Join(projectDir, root))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range dirs {
			if d.IsDir() {
				want = append(want, root+"/"+d.Name())
			}
		}
	}
	for _, w := range want {
		if !regexp.MustCompile(`(^|[\s,])` + regexp.QuoteMeta(w) + `($|[\s,/])`).MatchString(tree) {
			t.Errorf("How it is built and tested does not say where %s is", w)
		}
	}
}

// docs/tests.md lists the Security Hub controls docs/controls.md keeps, all of
// them (ELB.6 included), and nothing else.
func TestTheTestInventoryListsEveryControl(t *testing.T) {
	id := regexp.MustCompile(`\b(?:ECS|ECR|ELB|CloudWatch|IAM)\.\d+\b`)
	set := func(doc string) []string {
		out := slices.Compact(slices.Sorted(slices.Values(id.FindAllString(doc, -1))))
		return out
	}
	controls := set(section(t, readFile(t, projectDir+"/docs/controls.md"), "Security Hub controls"))
	if listed := set(readFile(t, projectDir+"/docs/tests.md")); !slices.Equal(listed, controls) {
		t.Errorf("docs/tests.md lists the controls\n  %v\ndocs/controls.md has\n  %v", listed, controls)
	}
}

// The authorization reference's refresh is documented as gen_reference.go's
// own comment gives it: the package it reads must be fetched first.
func TestTheReferenceRefreshIsTheGeneratorsOwn(t *testing.T) {
	src := readFile(t, projectDir+"/internal/authz/gen_reference.go")
	doc := readFile(t, projectDir+"/docs/checks.md")
	var steps []string
	for _, l := range strings.Split(src, "\n") {
		if cmd, ok := strings.CutPrefix(l, "//\t"); ok {
			steps = append(steps, cmd)
		}
	}
	if len(steps) < 2 {
		t.Fatalf("gen_reference.go's comment gives %d commands, want the fetch and the run", len(steps))
	}
	if !strings.Contains(doc, "```sh\n"+strings.Join(steps, "\n")+"\n```") {
		t.Errorf("docs/checks.md does not give the refresh as gen_reference.go does:\n%s", strings.Join(steps, "\n"))
	}
}

// The README and docs/ speak to a newcomer: no project history they cannot know.
func TestTheDocsCarryNoProjectHistory(t *testing.T) {
	for name, doc := range ownDocs(t) {
		for _, word := range []string{"the seed", "seed's", "CHECKLIST", "rollback.yml", "staging.yml",
			"production.yml", "bin/release", "ancestry guard"} {
			if strings.Contains(doc, word) {
				t.Errorf("%s mentions %q", name, word)
			}
		}
	}
}
