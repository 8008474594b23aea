package tests

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/example/webservice/internal/authz"
	deploycmd "github.com/example/webservice/internal/deploy"
	"github.com/example/webservice/internal/drift"
	"github.com/example/webservice/internal/render"
	"github.com/example/webservice/internal/verify"
)

// docs/runbook.md promises that every command in it is one this project's
// tools, the Pulumi CLI or the AWS CLI accepts. The project's tools parse
// their flags in-process here (each command with -h appended: the flags before
// it must exist and their values parse, then the tool prints its help and
// stops); pulumi commands are checked against the CLI's documented flags, aws
// commands against a real API operation and, where the SDK is a dependency
// (ECS, ELBv2, ACM), its parameters.

const runbookPath = projectDir + "/docs/runbook.md"

// runbookSituations are the situations, each a section of the runbook.
var runbookSituations = []string{
	"Rollback failed or circuit breaker tripped",
	"Verify failed but the service looks fine",
	"Stack locked or a pending operation after a cancelled job",
	"Drift found",
	"Alarms firing after a deploy",
	"First deploy half done",
	"Certificate expiring",
	"An image expired by the lifecycle policy",
}

func readRunbook(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(runbookPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var shBlock = regexp.MustCompile("(?s)```sh\n(.*?)```")

func TestRunbookCoversEverySituationWithSymptomConfirmAndFix(t *testing.T) {
	doc := readRunbook(t)
	sections := map[string]string{}
	for _, part := range strings.Split(doc, "\n## ")[1:] {
		title, body, _ := strings.Cut(part, "\n")
		sections[title] = body
	}
	for _, s := range runbookSituations {
		body, ok := sections[s]
		if !ok {
			t.Errorf("no section %q", s)
			continue
		}
		confirm := strings.Index(body, "**Confirm.**")
		fix := strings.Index(body, "**Fix.**")
		if !strings.HasPrefix(body, "\n**Symptom.**") || confirm < 0 || fix < confirm {
			t.Errorf("%s: want **Symptom.**, then **Confirm.**, then **Fix.**", s)
			continue
		}
		if !shBlock.MatchString(body[confirm:fix]) || !shBlock.MatchString(body[fix:]) {
			t.Errorf("%s: the confirm and the fix each need their commands", s)
		}
	}
	readme, err := os.ReadFile(filepath.Join(projectDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "(docs/runbook.md)") {
		t.Error("README.md does not link docs/runbook.md")
	}
}

func TestEveryRunbookCommandIsOneItsToolAccepts(t *testing.T) {
	var cmds []shellCommand
	for _, m := range shBlock.FindAllStringSubmatch(readRunbook(t), -1) {
		cs, err := parseShell(m[1])
		if err != nil {
			t.Fatalf("%v in:\n%s", err, m[1])
		}
		cmds = append(cmds, cs...)
	}
	ref, err := authz.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, c := range cmds {
		words := c.words
		for len(words) > 0 && assignment.MatchString(words[0]) {
			words = words[1:] // VAR=value before a command, or alone
		}
		if len(words) == 0 {
			continue
		}
		name, args := words[0], words[1:]
		counts[name]++
		var problem string
		switch name {
		case "bin/render", "bin/verify", "bin/deploy", "bin/drift":
			problem = projectToolRejects(strings.TrimPrefix(name, "bin/"), args)
		case "go":
			if !goBuild.MatchString(strings.Join(words, " ")) {
				problem = "the only go command here is go build -o bin/TOOL ./cmd/TOOL (never go run: exit codes matter)"
			}
		case "pulumi":
			problem = pulumiRejects(args)
		case "aws":
			problem = awsRejects(ref, args)
		default:
			problem = "not a command of this project's tools, the Pulumi CLI or the AWS CLI"
		}
		if problem != "" {
			t.Errorf("%s\n    %s", c.text, problem)
		}
	}
	// The runbook leans on all three; a parser that found nothing would pass
	// anything.
	if counts["pulumi"] < 15 || counts["aws"] < 15 || counts["bin/verify"] < 5 || counts["bin/drift"] < 1 || counts["bin/render"] < 2 {
		t.Errorf("found too few commands: %v", counts)
	}
}

var (
	assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	goBuild    = regexp.MustCompile(`^go build -o bin/(render|verify|deploy|drift) \./cmd/(render|verify|deploy|drift)$`)
	// What Go's flag package and the tools say about flags they refuse.
	flagErrors = []string{"flag provided but not defined", "invalid value", "invalid boolean value",
		"flag needs an argument", "bad flag syntax", "unknown command"}
)

// projectToolRejects runs a tool's own flag parsing with -h appended, and
// says what it refused. The help text must follow: if it does not, -h was
// taken as a flag's value, so a value was missing.
func projectToolRejects(tool string, args []string) string {
	var out, errb bytes.Buffer
	help := append(append([]string(nil), args...), "-h")
	var usage string
	switch tool {
	case "render":
		render.Command(help, &out, &errb)
		usage = "usage: render -stack NAME"
	case "verify":
		verify.Command(context.Background(), help, strings.NewReader(""), &out, &errb, nil)
		usage = "Usage:\n  pulumi stack output --json -s STACK | bin/verify -outputs -"
	case "deploy":
		deploycmd.Command(context.Background(), help, &out, &errb)
		usage = "usage: deploy [first | settings | staged]"
	case "drift":
		drift.Command(context.Background(), help, &out, &errb)
		usage = "usage: drift -stack NAME"
	}
	text := out.String() + errb.String()
	for _, e := range flagErrors {
		if i := strings.Index(text, e); i >= 0 {
			line, _, _ := strings.Cut(text[i:], "\n")
			return tool + " refuses it: " + line
		}
	}
	if !strings.Contains(text, usage) {
		return fmt.Sprintf("%s did not stop at -h (a flag's value is missing?); it printed:\n%s", tool, text)
	}
	return ""
}

// pulumiFlags are the flags of the Pulumi CLI commands the runbook and the
// README use (pulumi.com/docs/iac/cli/commands, CLI 3.274); "=" marks a flag
// that takes a value. Global flags may stand anywhere.
var (
	pulumiGlobal   = []string{"--cwd=", "-C=", "--non-interactive", "--color="}
	pulumiCommands = map[string][]string{
		"up": {"--stack=", "-s=", "--yes", "-y", "--refresh", "-r", "--message=", "-m=", "--diff",
			"--skip-preview", "-f", "--expect-no-changes", "--json", "-j"},
		"preview": {"--stack=", "-s=", "--refresh", "-r", "--json", "-j", "--diff", "--expect-no-changes",
			"--message=", "-m="},
		"refresh": {"--stack=", "-s=", "--yes", "-y", "--preview-only", "--json", "-j", "--diff",
			"--expect-no-changes", "--clear-pending-creates", "--import-pending-creates=", "--skip-pending-creates",
			"--message=", "-m=", "--skip-preview", "-f"},
		"cancel":        {"--stack=", "-s=", "--yes", "-y"},
		"stack output":  {"--stack=", "-s=", "--json", "-j", "--show-secrets", "--shell"},
		"stack export":  {"--stack=", "-s=", "--file=", "--show-secrets", "--version="},
		"stack history": {"--stack=", "-s=", "--json", "-j", "--full-dates", "--page=", "--page-size=", "--show-secrets"},
		"config get":    {"--stack=", "-s=", "--json", "-j", "--path"},
		"config set":    {"--stack=", "-s=", "--path", "--secret", "--plaintext"},
		"config rm":     {"--stack=", "-s=", "--path"},
		"stack init":    {"--stack=", "-s=", "--secrets-provider=", "--no-select"},
		"login":         {"--local", "--cloud-url="},
	}
)

func pulumiRejects(args []string) string {
	flagSpec := func(allowed []string, f string) (known, takesValue bool) {
		for _, a := range allowed {
			if a == f || a == f+"=" {
				return true, strings.HasSuffix(a, "=")
			}
		}
		return false, false
	}
	// The command: the leading words that are not flags or their values.
	var path []string
	for i := 0; i < len(args); i++ {
		if strings.HasPrefix(args[i], "-") {
			if _, v := flagSpec(pulumiGlobal, args[i]); v {
				i++
			}
			continue
		}
		path = append(path, args[i])
		if _, ok := pulumiCommands[strings.Join(path, " ")]; ok {
			break
		}
	}
	cmd := strings.Join(path, " ")
	allowed, ok := pulumiCommands[cmd]
	if !ok {
		return fmt.Sprintf("pulumi %s: not a command the runbook's table knows", cmd)
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, hasValue := strings.Cut(a, "=")
		known, takesValue := flagSpec(append(append([]string(nil), pulumiGlobal...), allowed...), name)
		if !known {
			return fmt.Sprintf("pulumi %s has no flag %s", cmd, name)
		}
		if name == "--config" || name == "-c" {
			return "--config saves its value into the stack file: the image goes in through WEBSERVICE_IMAGE_*"
		}
		if takesValue && !hasValue {
			i++
		}
	}
	return ""
}

// awsClients are the SDK clients this module depends on: their operations and
// input members are the AWS CLI's commands and parameters.
var awsClients = map[string]reflect.Type{
	"ecs":   reflect.TypeOf(&ecs.Client{}),
	"elbv2": reflect.TypeOf(&elbv2.Client{}),
	"acm":   reflect.TypeOf(&acm.Client{}),
}

// awsOnlyByReference are services whose operations are checked against the
// Service Authorization Reference's actions, by IAM prefix.
var awsOnlyByReference = map[string]string{"ecr": "ecr", "logs": "logs", "cloudwatch": "cloudwatch"}

// awsCustom are the CLI's own commands, which are no API operation: the action
// they call and their parameters.
var awsCustom = map[string][]string{
	"logs tail":              {"logs:FilterLogEvents", "--since", "--follow", "--format", "--filter-pattern", "--log-stream-names", "--log-stream-name-prefix"},
	"ecr get-login-password": {"ecr:GetAuthorizationToken"},
}

var awsGlobal = []string{"--query", "--output", "--region", "--profile", "--no-cli-pager", "--no-paginate",
	"--max-items", "--page-size", "--starting-token", "--endpoint-url", "--cli-input-json"}

func awsRejects(ref *authz.Reference, args []string) string {
	if len(args) < 2 {
		return "want aws SERVICE OPERATION [parameters]"
	}
	svc, op := args[0], args[1]
	params := map[string]bool{}
	for _, g := range awsGlobal {
		params[g] = true
	}
	if custom, ok := awsCustom[svc+" "+op]; ok {
		if _, ok := ref.Action(custom[0]); !ok {
			return "the reference has no " + custom[0]
		}
		for _, p := range custom[1:] {
			params[p] = true
		}
	} else if client, ok := awsClients[svc]; ok {
		m, ok := client.MethodByName(pascal(op))
		if !ok {
			return fmt.Sprintf("aws %s has no operation %s (%s)", svc, op, pascal(op))
		}
		input := m.Type.In(2).Elem() // (client, ctx, *Input, ...options)
		for i := 0; i < input.NumField(); i++ {
			if f := input.Field(i); f.IsExported() {
				params["--"+kebab(f.Name)] = true
			}
		}
	} else if prefix, ok := awsOnlyByReference[svc]; ok {
		if _, ok := ref.Action(prefix + ":" + pascal(op)); !ok {
			return fmt.Sprintf("aws %s %s: no action %s:%s in AWS's reference", svc, op, prefix, pascal(op))
		}
		return ""
	} else {
		return "aws " + svc + ": a service this test does not know"
	}
	for _, a := range args[2:] {
		name, _, _ := strings.Cut(a, "=")
		if strings.HasPrefix(name, "--") && !params[name] {
			return fmt.Sprintf("aws %s %s has no parameter %s", svc, op, name)
		}
	}
	return ""
}

// pascal turns describe-target-health into DescribeTargetHealth.
func pascal(op string) string {
	var b strings.Builder
	for _, part := range strings.Split(op, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// kebab turns an input member (TargetGroupArn) into its CLI parameter name
// (target-group-arn).
func kebab(s string) string {
	r := []rune(s)
	var b strings.Builder
	for i, c := range r {
		if i > 0 && unicode.IsUpper(c) && (unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1]) ||
			(i+1 < len(r) && unicode.IsLower(r[i+1]))) {
			b.WriteByte('-')
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

// shellCommand is one simple command of a script: its words, quotes removed,
// a command substitution kept as one word (its command is listed too).
type shellCommand struct {
	text  string
	words []string
}

// parseShell splits the runbook's scripts into simple commands: enough of the
// shell for one-line commands with quotes, pipes, &&, ||, ;, redirections,
// $(...) and line continuations.
func parseShell(script string) ([]shellCommand, error) {
	var out []shellCommand
	var words []string
	var word strings.Builder
	inWord, redirect := false, false
	start := 0
	endWord := func() {
		if inWord {
			if redirect {
				redirect = false // the redirection's target is no argument
			} else {
				words = append(words, word.String())
			}
		}
		word.Reset()
		inWord = false
	}
	endCommand := func(end int) {
		endWord()
		if len(words) > 0 {
			out = append(out, shellCommand{text: strings.TrimSpace(script[start:end]), words: words})
		}
		words = nil
		start = end
	}
	for i := 0; i < len(script); i++ {
		c := script[i]
		switch {
		case c == '\\' && i+1 < len(script) && script[i+1] == '\n':
			i++
		case c == '#' && !inWord:
			for i < len(script) && script[i] != '\n' {
				i++
			}
			endCommand(i)
		case c == '\'':
			end := strings.IndexByte(script[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unclosed '")
			}
			word.WriteString(script[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case c == '"':
			j := i + 1
			for ; j < len(script) && script[j] != '"'; j++ {
				if strings.HasPrefix(script[j:], "$(") {
					inner, n, err := substitution(script[j:])
					if err != nil {
						return nil, err
					}
					out = append(out, inner...)
					word.WriteString("$(...)")
					j += n - 1
					continue
				}
				word.WriteByte(script[j])
			}
			if j >= len(script) {
				return nil, fmt.Errorf(`unclosed "`)
			}
			inWord = true
			i = j
		case strings.HasPrefix(script[i:], "$("):
			inner, n, err := substitution(script[i:])
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			word.WriteString("$(...)")
			inWord = true
			i += n - 1
		case c == '>' || c == '<':
			if inWord && strings.Trim(word.String(), "0123456789") == "" {
				word.Reset() // the 2 of 2>
				inWord = false
			}
			endWord()
			if i+1 < len(script) && script[i+1] == '>' {
				i++
			}
			redirect = true
		case c == '\n' || c == ';' || c == '|' || c == '&':
			endCommand(i)
			if i+1 < len(script) && (script[i+1] == '|' || script[i+1] == '&') {
				i++
			}
			start = i + 1
		case c == ' ' || c == '\t':
			endWord()
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endCommand(len(script))
	return out, nil
}

// substitution parses the $(...) at the start of s: its commands and length.
func substitution(s string) ([]shellCommand, int, error) {
	depth := 0
	quote := byte(0)
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				inner, err := parseShell(s[2:i])
				return inner, i + 1, err
			}
		}
	}
	return nil, 0, fmt.Errorf("unclosed $(")
}

// The parser and the checks must refuse what they exist to refuse.
func TestRunbookChecksRefuseBadCommands(t *testing.T) {
	ref, err := authz.LoadReference()
	if err != nil {
		t.Fatal(err)
	}
	cmds, err := parseShell(`STACK=staging
pulumi stack output --json -s "$STACK" | bin/verify -outputs - -stack "$STACK" -timeout 2m # a comment
aws elbv2 describe-target-health --target-group-arn "$(pulumi stack output -s staging targetGroupArn)" --output table > out.txt 2> err.txt`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cmds {
		got = append(got, strings.Join(c.words, " "))
	}
	want := []string{"STACK=staging", "pulumi stack output --json -s $STACK", "bin/verify -outputs - -stack $STACK -timeout 2m",
		"pulumi stack output -s staging targetGroupArn", "aws elbv2 describe-target-health --target-group-arn $(...) --output table"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("parsed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	bad := map[string]string{
		"verify -stack staging -timeout soon":            "verify refuses it: invalid value",
		"verify -outputs - -no-such-flag":                "flag provided but not defined: -no-such-flag",
		"verify -outputs":                                "did not stop at -h",
		"render -stack staging -diff":                    "did not stop at -h",
		"drift -stack staging -preview p.json -refrsh x": "flag provided but not defined: -refrsh",
		"deploy -stack staging -tg v1":                   "flag provided but not defined: -tg",
	}
	for line, want := range bad {
		words := strings.Fields(line)
		if got := projectToolRejects(words[0], words[1:]); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", line, got, want)
		}
	}
	if got := projectToolRejects("verify", strings.Fields("-outputs - -stack staging -timing-margin 25")); got != "" {
		t.Errorf("a good verify command refused: %s", got)
	}
	for line, want := range map[string]string{
		"refresh --stack staging --preview-only":     "",
		"refresh --stack staging --previw-only":      "has no flag --previw-only",
		"up --stack staging --config webservice:x=1": "has no flag --config",
		"stack output -s staging imageTag":           "",
		"stack frobnicate -s staging":                "not a command",
		"--cwd bootstrap up --stack shared --yes":    "",
	} {
		if got := pulumiRejects(strings.Fields(line)); !strings.Contains(got, want) || (want == "" && got != "") {
			t.Errorf("pulumi %s: %q, want %q", line, got, want)
		}
	}
	for line, want := range map[string]string{
		"ecs describe-services --cluster c --services s --query x": "",
		"ecs describe-services --cluster c --service s":            "has no parameter --service",
		"ecs describe-servics --cluster c":                         "has no operation",
		"elbv2 describe-target-health --target-group-arn a":        "",
		"ecr describe-images --repository-name r":                  "",
		"ecr describe-imagez --repository-name r":                  "no action ecr:DescribeImagez",
		"logs tail /ecs/x --since 30m":                             "",
		"logs tail /ecs/x --sinse 30m":                             "has no parameter --sinse",
	} {
		if got := awsRejects(ref, strings.Fields(line)); !strings.Contains(got, want) || (want == "" && got != "") {
			t.Errorf("aws %s: %q, want %q", line, got, want)
		}
	}
}
