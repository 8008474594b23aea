package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Cancelling a live `pulumi up` and then clearing its pending creates orphans
// the resources it was creating. Deploy runs of a stack wait in the queue, but
// runs can still overlap (a workflow outside the lane, a person's `pulumi up`),
// so a lock is released only when it provably belongs to a run that is over:
// the update's message names `run <id>` (every update the pipeline makes
// does), and that run of this repository is completed, or is this very run (an
// earlier attempt, cancelled or timed out: attempts of a run never overlap).
// Anything else fails the deploy with the runbook's command.

// Update is one entry of `pulumi stack history --json`.
type Update struct {
	Version   int    `json:"version"`
	Kind      string `json:"kind"`
	StartTime string `json:"startTime"`
	Message   string `json:"message"`
	Result    string `json:"result"`
}

// ParseHistory reads `pulumi stack history --json`; empty input is no history.
func ParseHistory(b []byte) ([]Update, error) {
	if strings.TrimSpace(string(b)) == "" {
		return nil, nil
	}
	var us []Update
	if err := json.Unmarshal(b, &us); err != nil {
		return nil, fmt.Errorf("stack history is not the JSON of `pulumi stack history --json`: %w", err)
	}
	return us, nil
}

// running reports whether an update still holds the stack.
func (u Update) running() bool { return u.Result == "in-progress" || u.Result == "not-started" }

var updateRunRe = regexp.MustCompile(`\brun (\d+)\b`)

// LockedError says the stack is held by an update this run must not cancel.
type LockedError struct {
	Stack, Why string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%s is locked by %s. If no one is updating %s, release the lock by hand (docs/runbook.md, "+
		"\"Stack locked or a pending operation after a cancelled job\"): pulumi cancel --stack %s --yes, then re-run this job",
		e.Stack, e.Why, e.Stack, e.Stack)
}

// DecideLock says whether to cancel the update holding stack (cancel true,
// with why for the log), that nothing holds it (cancel false), or refuses with
// a *LockedError.
func DecideLock(ctx context.Context, g *GitHub, history []Update, selfRunID int64, stack string) (cancel bool, why string, err error) {
	var held *Update
	for i := range history {
		if history[i].running() {
			held = &history[i]
			break
		}
	}
	if held == nil {
		return false, "no update of " + stack + " is in progress", nil
	}
	what := fmt.Sprintf("an update (%s, started %s) with the message %q", held.Kind, held.StartTime, held.Message)
	m := updateRunRe.FindStringSubmatch(held.Message)
	if m == nil {
		return false, "", &LockedError{Stack: stack, Why: what + ", which names no run of this pipeline (a person's or another tool's?)"}
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	if id == selfRunID {
		return true, what + ": an earlier attempt of this run, which was interrupted", nil
	}
	r, err := g.Run(ctx, id)
	var api *APIError
	switch {
	case errors.As(err, &api) && api.Status == http.StatusNotFound:
		return false, "", &LockedError{Stack: stack, Why: what + fmt.Sprintf(", and run %d is no run of %s", id, g.Repo)}
	case err != nil:
		return false, "", err
	case r.Status != "completed":
		return false, "", &LockedError{Stack: stack, Why: what + fmt.Sprintf(" of run %s, which is still %s: it may be updating the stack now", r.HTMLURL, r.Status)}
	}
	return true, what + fmt.Sprintf(" of run %s, which has finished (%s) without ending it", r.HTMLURL, r.Conclusion), nil
}
