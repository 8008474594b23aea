package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/example/webservice/infra"
)

// review is `render review ... BASE`, what a pull request's reviewers get for one stack
// (preview.yml), in the log and the job summary ($GITHUB_STEP_SUMMARY): the
// offline plan, and the changes against the base branch, which its own
// cmd/render renders in BASE, a checkout of it (a base that predates
// cmd/render, or does not render the stack, has nothing to compare). A stack
// whose config is not complete yet (production before its certificateArn is
// committed) is a notice while the base does not render it either; a pull
// request that breaks a stack the base renders fails.
func review(stdout, stderr io.Writer, dir, stack, base string, ov map[string]string, cflags []string) int {
	args := []string{"run", "./cmd/render", "-stack", stack, "-json"}
	for _, kv := range cflags {
		args = append(args, "-c", kv)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = base
	var old *Preview
	if b, err := cmd.Output(); err == nil {
		old, _ = ReadPreview(b)
	}
	var summary io.Writer = io.Discard
	if path := os.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintln(stderr, "render:", err)
			return ExitError
		}
		defer f.Close()
		summary = f
	}
	p, err := Render(dir, stack, ov, nil)
	var ce *infra.ConfigError
	switch {
	case err != nil && errors.As(err, &ce) && old == nil:
		fmt.Fprintln(stderr, err)
		first, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Fprintf(summary, "## Offline plan: %s\n> [!NOTE]\n> %[1]s is not configured yet, on this branch or its base: nothing to "+
			"plan until its stack file is complete (README § Set-up, step by step).\n```\n%v\n```\n", stack, err)
		fmt.Fprintf(stdout, "::notice title=%s is not configured yet::%s\n", stack, first)
		return ExitOK
	case err != nil && old != nil:
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stdout, "::error::the base branch renders %s and this pull request does not: it breaks the stack's config\n", stack)
		return ExitError
	case err != nil:
		fmt.Fprintln(stderr, err)
		fmt.Fprintf(stdout, "::error::render of %s failed: an unreadable or unparsable file, not an invalid value\n", stack)
		return ExitError
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "## Offline plan: %s\n```\n", stack)
	if err := WritePlan(&out, p); err != nil {
		return exitOn(err, stderr)
	}
	out.WriteString("```\n")
	if old != nil {
		cur, err := Render(dir, stack, ov, lastOutputs(old))
		if err != nil {
			return exitOn(err, stderr)
		}
		fmt.Fprintf(&out, "## Changes against the base branch: %s\n```\n", stack)
		if err := WriteDiff(&out, Compare(old, cur)); err != nil {
			return exitOn(err, stderr)
		}
		out.WriteString("```\n")
	}
	_, err = io.MultiWriter(stdout, summary).Write(out.Bytes())
	return exitOn(err, stderr)
}
