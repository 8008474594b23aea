package drift

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
)

// Exit codes of cmd/drift, render's where they mean the same.
const (
	ExitNoDrift = 0 // AWS matches the last update (ignored changes aside)
	ExitError   = 1 // an input is unreadable, or the preview it holds failed
	ExitUsage   = 2 // bad flags
	ExitDrift   = 3 // drift found
)

const usage = `usage: drift -stack NAME -preview FILE [-refresh FILE] [-issues FILE -issue-body FILE -decision FILE]

Reports the drift of a stack: what changed in AWS since its last pulumi up, in
render -diff's language (!! marks what replaces or deletes a live resource or
interrupts traffic). It reads what the Pulumi CLI prints, and changes nothing:

  pulumi preview --refresh --json > preview.json         (the scheduled check)
  drift -stack staging -preview preview.json

  pulumi refresh --preview-only --json > refresh.json     (before a deploy: what
  pulumi preview --json > preview.json                     this up changes back)
  drift -stack staging -refresh refresh.json -preview preview.json

Changes the program ignores (ignoreChanges: the autoscaled desiredCount) and the
program's own changes waiting for an up are listed, and are not drift.
With -issues it also decides what to do with the stack's GitHub issue labelled
drift: action=open|update|close|none lines go to -decision (e.g. $GITHUB_OUTPUT),
the issue's description or closing comment to -issue-body. With
GITHUB_STEP_SUMMARY set, the report is appended to the job summary too.

Exit status: 0 no drift, 1 unreadable input or a failed preview, 2 bad flags,
3 drift found.

Flags:
`

var stackRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Command runs cmd/drift. getenv and now come from the caller so tests can
// set the job summary and the clock.
func Command(args []string, stdout, stderr io.Writer, getenv func(string) string, now func() time.Time) int {
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	stack := fs.String("stack", "", "the stack `name` as its stack file spells it (staging, production); required")
	previewFile := fs.String("preview", "", "`file` with pulumi preview --refresh --json or, with -refresh, pulumi preview --json; required")
	refreshFile := fs.String("refresh", "", "`file` with pulumi refresh --preview-only --json: then -preview is exactly what the next plain pulumi up does")
	issuesFile := fs.String("issues", "", "`file` with the open drift issues: gh issue list --label drift --state open --json number,title,body")
	bodyFile := fs.String("issue-body", "", "`file` to write the issue's description (open, update) or closing comment (close) to")
	decisionFile := fs.String("decision", "", "`file` to append the issue decision to as key=value lines, e.g. $GITHUB_OUTPUT")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitNoDrift
		}
		return ExitUsage
	}
	var problems []string
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected argument %q: every input is a flag", fs.Arg(0)))
	}
	if !stackRe.MatchString(*stack) {
		problems = append(problems, fmt.Sprintf("-stack: got %q, want a stack name such as staging: lower-case letters, digits and hyphens", *stack))
	}
	if *previewFile == "" {
		problems = append(problems, "-preview: missing: the JSON of pulumi preview --refresh --json (or, with -refresh, of pulumi preview --json)")
	}
	if *issuesFile != "" && (*bodyFile == "" || *decisionFile == "") {
		problems = append(problems, "-issues: needs -issue-body and -decision too, to say what to do with the issue")
	}
	if *issuesFile == "" && (*bodyFile != "" || *decisionFile != "") {
		problems = append(problems, "-issue-body and -decision: need -issues, the open drift issues to decide about")
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "drift: bad flags:\n  %s\n(drift -h explains them)\n", strings.Join(problems, "\n  "))
		return ExitUsage
	}

	rep, err := analyzeFiles(*stack, *previewFile, *refreshFile)
	if err != nil {
		fmt.Fprintf(stderr, "drift: %v\n", err)
		return ExitError
	}
	if err := rep.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "drift: %v\n", err)
		return ExitError
	}
	ctx := contextFromEnv(getenv, now())
	if path := getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendFile(path, rep.Markdown(ctx)); err != nil {
			fmt.Fprintf(stderr, "drift: job summary: %v\n", err)
			return ExitError
		}
	}
	if *issuesFile != "" {
		if err := decideIssue(rep, ctx, *issuesFile, *bodyFile, *decisionFile); err != nil {
			fmt.Fprintf(stderr, "drift: %v\n", err)
			return ExitError
		}
	}
	if rep.HasDrift() {
		return ExitDrift
	}
	return ExitNoDrift
}

// analyzeFiles reads one combined document, or a refresh and a plain preview.
func analyzeFiles(stack, previewFile, refreshFile string) (*Report, error) {
	preview, err := readFile(previewFile)
	if err != nil {
		return nil, err
	}
	if refreshFile == "" {
		refresh, steps, err := splitCombined(preview.Steps)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", previewFile, err)
		}
		return Analyze(stack, AfterRefresh, refresh, steps), nil
	}
	refreshDoc, err := readFile(refreshFile)
	if err != nil {
		return nil, err
	}
	refresh, err := refreshSteps(refreshDoc)
	if err != nil {
		return nil, fmt.Errorf("-refresh %s: %v", refreshFile, err)
	}
	steps, err := previewSteps(preview)
	if err != nil {
		return nil, fmt.Errorf("-preview %s: %v", previewFile, err)
	}
	return Analyze(stack, ThisUp, refresh, steps), nil
}

func readFile(name string) (*Document, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return readDocument(name, b)
}

func decideIssue(rep *Report, ctx Context, issuesFile, bodyFile, decisionFile string) error {
	b, err := os.ReadFile(issuesFile)
	if err != nil {
		return err
	}
	var open []Issue
	if err := json.Unmarshal(b, &open); err != nil {
		return fmt.Errorf("-issues %s: want the JSON array of gh issue list --json number,title,body: %v", issuesFile, err)
	}
	d := Decide(rep, open)
	body := ""
	switch d.Action {
	case ActionOpen, ActionUpdate:
		body = rep.Markdown(ctx)
	case ActionClose:
		body = rep.ClosingComment(ctx)
	}
	if err := os.WriteFile(bodyFile, []byte(body), 0o644); err != nil {
		return err
	}
	return appendFile(decisionFile, d.Lines())
}

func appendFile(name, text string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// contextFromEnv links the run and the runbook at the commit it ran from.
func contextFromEnv(getenv func(string) string, checked time.Time) Context {
	c := Context{Checked: checked}
	server, repo := getenv("GITHUB_SERVER_URL"), getenv("GITHUB_REPOSITORY")
	if server == "" || repo == "" {
		c.RunbookURL = "docs/runbook.md#drift-found"
		return c
	}
	if id := getenv("GITHUB_RUN_ID"); id != "" {
		c.RunURL = fmt.Sprintf("%s/%s/actions/runs/%s", server, repo, id)
	}
	ref := getenv("GITHUB_SHA")
	if ref == "" {
		ref = "HEAD"
	}
	c.RunbookURL = fmt.Sprintf("%s/%s/blob/%s/docs/runbook.md#drift-found", server, repo, ref)
	return c
}
