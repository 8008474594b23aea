package drift

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// One GitHub issue per stack, labelled drift, tracks its drift: opened when
// drift appears, its description rewritten at every check while it lasts,
// closed when it is gone. The issue is found by a marker in its description,
// not by its title, which people edit.

// Label is the label of drift issues.
const Label = "drift"

// Issue is one open issue as `gh issue list --json number,title,body` prints it.
type Issue struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	Body   string `json:"body"`
}

// Actions on a stack's drift issue.
const (
	ActionOpen   = "open"   // drift and no issue: open one
	ActionUpdate = "update" // drift and an issue: rewrite its description
	ActionClose  = "close"  // no drift and an issue: close it, saying so
	ActionNone   = "none"   // no drift, no issue
)

// Decision is what to do with the stack's drift issue.
type Decision struct {
	Action string
	Number int    // the issue to update
	Close  []int  // the issues to close: every one of the stack's on close, duplicates on update
	Title  string // of a new issue
	// Changed: on update, the drift differs from what the issue described, so
	// the workflow comments too (a rewritten description notifies nobody).
	Changed bool
}

var markerRe = regexp.MustCompile(`<!-- webservice-drift stack=([a-z0-9-]+) fingerprint=([0-9a-f]*) -->`)

func marker(stack, fingerprint string) string {
	return fmt.Sprintf("<!-- webservice-drift stack=%s fingerprint=%s -->", stack, fingerprint)
}

// Fingerprint names the drift: the same drifted properties give the same one.
func (r *Report) Fingerprint() string {
	if !r.HasDrift() {
		return ""
	}
	var lines []string
	for _, res := range r.Drifted {
		if res.Deleted {
			lines = append(lines, res.URN+"\tdeleted")
		}
		for _, p := range append(append([]Property(nil), res.Reverted...), res.Kept...) {
			lines = append(lines, res.URN+"\t"+p.Path+"\t"+p.Live)
		}
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:6])
}

// Decide picks the action from the report and the open issues labelled drift.
func Decide(r *Report, open []Issue) Decision {
	var mine []Issue
	for _, is := range open {
		if m := markerRe.FindStringSubmatch(is.Body); m != nil && m[1] == r.Stack {
			mine = append(mine, is)
		}
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].Number < mine[j].Number })
	switch {
	case r.HasDrift() && len(mine) == 0:
		return Decision{Action: ActionOpen, Title: fmt.Sprintf("Drift in stack %s", r.Stack)}
	case r.HasDrift():
		d := Decision{Action: ActionUpdate, Number: mine[0].Number}
		d.Changed = markerRe.FindStringSubmatch(mine[0].Body)[2] != r.Fingerprint()
		for _, dup := range mine[1:] {
			d.Close = append(d.Close, dup.Number)
		}
		return d
	case len(mine) > 0:
		d := Decision{Action: ActionClose}
		for _, is := range mine {
			d.Close = append(d.Close, is.Number)
		}
		return d
	}
	return Decision{Action: ActionNone}
}

// Context is where and when the check ran, for the markdown.
type Context struct {
	RunURL     string // the workflow run, "" outside Actions
	RunbookURL string // the runbook's drift section
	Checked    time.Time
}

// maxMarkdownReport keeps an issue's description under GitHub's 65,536
// characters.
const maxMarkdownReport = 60000

// Markdown is the report for the job summary and the issue's description.
func (r *Report) Markdown(c Context) string {
	var b strings.Builder
	if r.HasDrift() {
		fmt.Fprintf(&b, "### Drift in stack `%s`\n\n", r.Stack)
	} else {
		fmt.Fprintf(&b, "### No drift in stack `%s`\n\n", r.Stack)
	}
	fmt.Fprintf(&b, "Checked %s", c.Checked.UTC().Format(time.RFC3339))
	if c.RunURL != "" {
		fmt.Fprintf(&b, " by [this run](%s)", c.RunURL)
	}
	b.WriteString(". Lines marked `!!` replace or delete a live resource or interrupt traffic, as in `render -diff`.\n\n")
	text := r.Text()
	if len(text) > maxMarkdownReport {
		text = text[:maxMarkdownReport] + "\n... (cut: the whole report is in the run's log)\n"
	}
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	fmt.Fprintf(&b, "%stext\n%s%s\n\n", fence, text, fence)
	if r.HasDrift() && c.RunbookURL != "" {
		fmt.Fprintf(&b, "What to do: [the runbook, \"Drift found\"](%s).\n\n", c.RunbookURL)
	}
	b.WriteString(marker(r.Stack, r.Fingerprint()) + "\n")
	return b.String()
}

// ClosingComment says why the issue is closed.
func (r *Report) ClosingComment(c Context) string {
	s := fmt.Sprintf("No drift in stack `%s` at %s", r.Stack, c.Checked.UTC().Format(time.RFC3339))
	if c.RunURL != "" {
		s += fmt.Sprintf(" ([run](%s))", c.RunURL)
	}
	return s + ": AWS matches the stack's last update again (changes the program ignores aside). Closing.\n"
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}
