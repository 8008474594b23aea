package drift

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Exit codes of cmd/drift, render's where they mean the same.
const (
	ExitNoDrift = 0 // AWS matches the last update (ignored changes aside), or nothing is deployed yet
	ExitError   = 1 // the check could not run, or its preview failed
	ExitUsage   = 2 // bad flags
	ExitDrift   = 3 // drift found
)

const usage = `usage: drift -stack NAME [-pulumi-stack NAME] [-preview FILE] [-report FILE]
       drift issue -stack NAME -report FILE

Reports the drift of a stack: what changed in AWS since its last pulumi up, in
render -diff's language (!! marks what replaces or deletes a live resource or
interrupts traffic). It changes nothing: it runs

  pulumi preview --refresh --json --stack NAME

(or reads that JSON from -preview) and sorts what changed in AWS into what an
up after a refresh (pulumi up --refresh) changes back and what it leaves.
Changes the program ignores (ignoreChanges: the autoscaled desiredCount) and
the program's own changes waiting for an up are listed, and are not drift. A
stack no deploy has completed on yet is not checked. With GITHUB_STEP_SUMMARY
set the report goes to the job summary too; -report writes it as JSON (and
checked=true to $GITHUB_OUTPUT).

drift issue keeps one GitHub issue per stack, labelled drift, with gh: opened
when drift appears, its description rewritten while it lasts, closed when it is
gone.

Exit status: 0 no drift (or nothing deployed), 1 the check could not run, 2 bad
flags, 3 drift found.

Flags:
`

var stackRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// env is what the command reads from outside: the environment, the clock
// and the programs it runs (pulumi, gh). Tests replace it.
type env struct {
	getenv func(string) string
	now    func() time.Time
	run    func(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error)
}

// Command runs cmd/drift.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return command(ctx, args, stdout, stderr, env{getenv: os.Getenv, now: time.Now, run: runProgram})
}

func command(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	sub := ""
	if len(args) > 0 && args[0] == "issue" {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("drift", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	stack := fs.String("stack", "", "the stack `name` as its stack file spells it (staging, production); required")
	pulumiStack := fs.String("pulumi-stack", "", "the stack as the Pulumi CLI names it, e.g. org/staging (default: -stack)")
	previewFile := fs.String("preview", "", "read pulumi preview --refresh --json from `file` instead of running it")
	reportFile := fs.String("report", "", "`file` for the report as JSON (drift issue reads it)")
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
	if sub == "issue" && *reportFile == "" {
		problems = append(problems, "-report: missing: the file drift -report wrote")
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "drift: bad flags:\n  %s\n(drift -h explains them)\n", strings.Join(problems, "\n  "))
		return ExitUsage
	}
	if *pulumiStack == "" {
		*pulumiStack = *stack
	}
	ctxInfo := contextFromEnv(e.getenv, e.now())
	if sub == "issue" {
		if err := e.issue(ctx, *stack, *reportFile, ctxInfo, stdout); err != nil {
			fmt.Fprintf(stderr, "drift issue: %v\n", err)
			return ExitError
		}
		return ExitNoDrift
	}

	rep, err := e.check(ctx, *stack, *pulumiStack, *previewFile, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "drift: %v\n", err)
		return ExitError
	}
	if rep == nil {
		return ExitNoDrift // nothing deployed: said so
	}
	if err := rep.Write(stdout); err != nil {
		fmt.Fprintf(stderr, "drift: %v\n", err)
		return ExitError
	}
	if path := e.getenv("GITHUB_STEP_SUMMARY"); path != "" {
		if err := appendFile(path, rep.Markdown(ctxInfo)); err != nil {
			fmt.Fprintf(stderr, "drift: job summary: %v\n", err)
			return ExitError
		}
	}
	if *reportFile != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		err := os.WriteFile(*reportFile, b, 0o644)
		if path := e.getenv("GITHUB_OUTPUT"); err == nil && path != "" {
			err = appendFile(path, "checked=true\n") // the issue step's cue: a report to act on
		}
		if err != nil {
			fmt.Fprintf(stderr, "drift: %v\n", err)
			return ExitError
		}
	}
	if rep.HasDrift() {
		return ExitDrift
	}
	return ExitNoDrift
}

// check reads the stack's refresh-then-preview and analyzes it. A nil report
// is a stack no deploy has completed on: nothing to compare with.
func (e env) check(ctx context.Context, stack, pulumiStack, previewFile string, stdout io.Writer) (*Report, error) {
	var b []byte
	name := previewFile
	if previewFile != "" {
		var err error
		if b, err = os.ReadFile(previewFile); err != nil {
			return nil, err
		}
	} else {
		out, err := e.run(ctx, nil, "pulumi", "stack", "output", "--json", "--non-interactive", "--stack", pulumiStack)
		var outputs map[string]any
		if err != nil || json.Unmarshal(out, &outputs) != nil || outputs["deploymentState"] != "deployed" {
			fmt.Fprintf(stdout, "Not checked: stack %s has no completed deploy yet (pulumi stack output: %s); the first deploy creates it.\n",
				pulumiStack, firstLine(out, err))
			return nil, nil
		}
		name = "pulumi preview --refresh --json"
		if b, err = e.run(ctx, nil, "pulumi", "preview", "--refresh", "--json", "--non-interactive", "--stack", pulumiStack); err != nil {
			if _, why := readDocument(name, b); why != nil {
				return nil, why // the preview's own errors say more than its exit status
			}
			return nil, fmt.Errorf("%s failed: %v", name, err)
		}
	}
	doc, err := readDocument(name, b)
	if err != nil {
		return nil, err
	}
	rep, err := Analyze(stack, doc)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if rep.Refreshed > 0 && rep.deletedAll() {
		return nil, fmt.Errorf("every one of the %d resources of %s is missing in AWS: is the check's role in the stack's account "+
			"(with production in another account, the variable PRODUCTION_DRIFT_ROLE_ARN)?", rep.Refreshed, pulumiStack)
	}
	return rep, nil
}

// deletedAll: the refresh found none of the stack's resources.
func (r *Report) deletedAll() bool {
	n := 0
	for _, res := range r.Drifted {
		if res.Deleted {
			n++
		}
	}
	return n == r.Refreshed
}

// issue opens, updates or closes the stack's drift issue with gh.
func (e env) issue(ctx context.Context, stack, reportFile string, c Context, stdout io.Writer) error {
	b, err := os.ReadFile(reportFile)
	if err != nil {
		return err
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil || rep.Stack != stack {
		return fmt.Errorf("%s: not drift's report of stack %s (%v)", reportFile, stack, err)
	}
	repo := e.getenv("GITHUB_REPOSITORY")
	if repo == "" {
		return errors.New("GITHUB_REPOSITORY is not set: the repository whose issues to keep")
	}
	gh := func(stdin []byte, args ...string) ([]byte, error) {
		out, err := e.run(ctx, stdin, "gh", append(args, "--repo", repo)...)
		if err != nil {
			return nil, fmt.Errorf("gh %s: %v: %s", args[0]+" "+args[1], err, bytes.TrimSpace(out))
		}
		return out, nil
	}
	out, err := gh(nil, "issue", "list", "--label", Label, "--state", "open", "--limit", "100", "--json", "number,title,body")
	if err != nil {
		return err
	}
	var open []Issue
	if err := json.Unmarshal(out, &open); err != nil {
		return fmt.Errorf("gh issue list: %v", err)
	}
	d := Decide(&rep, open)
	fmt.Fprintf(stdout, "drift issue of %s: %s\n", stack, d.Action)
	switch d.Action {
	case ActionOpen:
		if _, err := gh(nil, "label", "create", Label, "--color", "B60205", "--force",
			"--description", "A stack changed outside Pulumi (drift.yml)"); err != nil {
			return err
		}
		_, err = gh([]byte(rep.Markdown(c)), "issue", "create", "--title", d.Title, "--label", Label, "--body-file", "-")
		return err
	case ActionUpdate:
		if _, err := gh([]byte(rep.Markdown(c)), "issue", "edit", strconv.Itoa(d.Number), "--body-file", "-"); err != nil {
			return err
		}
		if d.Changed {
			msg := fmt.Sprintf("The drift of %s changed: the description shows it now.", stack)
			if c.RunURL != "" {
				msg = fmt.Sprintf("The drift of %s changed: the description shows it now (%s).", stack, c.RunURL)
			}
			if _, err := gh(nil, "issue", "comment", strconv.Itoa(d.Number), "--body", msg); err != nil {
				return err
			}
		}
		for _, n := range d.Close {
			if _, err := gh(nil, "issue", "close", strconv.Itoa(n), "--reason", "not planned", "--comment", fmt.Sprintf("Duplicate of #%d.", d.Number)); err != nil {
				return err
			}
		}
	case ActionClose:
		for _, n := range d.Close {
			if _, err := gh(nil, "issue", "close", strconv.Itoa(n), "--reason", "completed", "--comment", rep.ClosingComment(c)); err != nil {
				return err
			}
		}
	}
	return nil
}

// runProgram runs a program and returns its standard output; its standard
// error goes to ours, so the CLI's own messages reach the log.
func runProgram(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stderr = os.Stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	return cmd.Output()
}

func firstLine(out []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	s := strings.TrimSpace(string(out))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
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
