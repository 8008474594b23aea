package release

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Deploys of one stack wait their turn here, first started first served. A
// GitHub concurrency group keeps one run and one pending run and cancels the
// older pending one when a third arrives: right for pushes (the newest commit
// wins), wrong for a rollback, which must never be dropped. So rollbacks join
// no shared group; every deploy run of a stack (pushes, releases, rollbacks)
// instead waits here until each run of the stack that started before it has
// completed.

// Run is a workflow run.
type Run struct {
	ID           int64     `json:"id"`
	Path         string    `json:"path"`
	DisplayTitle string    `json:"display_title"`
	Status       string    `json:"status"`
	HTMLURL      string    `json:"html_url"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	RunStartedAt time.Time `json:"run_started_at"`
	// What started it: the event, its branch (or tag) and commit.
	Event      string `json:"event"`
	HeadBranch string `json:"head_branch"`
	HeadSHA    string `json:"head_sha"`
	Conclusion string `json:"conclusion"`
}

// started orders runs: a re-run attempt starts again, at the back of the line.
func (r Run) started() time.Time {
	if !r.RunStartedAt.IsZero() {
		return r.RunStartedAt
	}
	return r.CreatedAt
}

// before reports whether r holds its turn ahead of other.
func (r Run) before(other Run) bool {
	if !r.started().Equal(other.started()) {
		return r.started().Before(other.started())
	}
	return r.ID < other.ID
}

// Lane is the runs that deploy one stack.
type Lane struct {
	Stack string
	// Workflows deploy only this stack (staging.yml, production.yml).
	Workflows []string
	// Shared deploys whichever stack its run name starts with:
	// "rollback <stack> ..." (rollback.yml's run-name).
	Shared string
}

func (l Lane) holds(workflow string, r Run) bool {
	if workflow == l.Shared {
		return strings.HasPrefix(r.DisplayTitle, "rollback "+l.Stack+" ")
	}
	return true
}

// Ahead are the runs of the lane that are not completed and hold their turn
// before self.
func (l Lane) Ahead(self Run, runs map[string][]Run) []Run {
	var out []Run
	for wf, rs := range runs {
		for _, r := range rs {
			if r.ID != self.ID && r.Status != "completed" && l.holds(wf, r) && r.before(self) {
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].before(out[j]) })
	return out
}

// Run reads one run.
func (g *GitHub) Run(ctx context.Context, id int64) (Run, error) {
	var r Run
	err := g.do(ctx, "GET", fmt.Sprintf("/actions/runs/%d", id), nil, &r)
	return r, err
}

// Runs lists the newest runs of a workflow file.
func (g *GitHub) Runs(ctx context.Context, workflow string) ([]Run, error) {
	var page struct {
		Runs []Run `json:"workflow_runs"`
	}
	q := url.Values{"per_page": {"100"}, "exclude_pull_requests": {"true"}}
	err := g.do(ctx, "GET", "/actions/workflows/"+url.PathEscape(workflow)+"/runs?"+q.Encode(), nil, &page)
	return page.Runs, err
}

// Wait blocks until no run of the lane holds its turn before run selfID, polling
// every poll, and fails after timeout naming the runs still ahead.
func Wait(ctx context.Context, g *GitHub, lane Lane, selfID int64, poll, timeout time.Duration, log io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	self, err := g.Run(ctx, selfID)
	if err != nil {
		return err
	}
	last := ""
	for {
		runs := map[string][]Run{}
		for _, wf := range append(append([]string{}, lane.Workflows...), lane.Shared) {
			if wf == "" {
				continue
			}
			rs, err := g.Runs(ctx, wf)
			if err != nil {
				if ctx.Err() != nil {
					return giveUp(lane, timeout, last)
				}
				return err
			}
			runs[wf] = rs
		}
		ahead := lane.Ahead(self, runs)
		if len(ahead) == 0 {
			fmt.Fprintf(log, "queue: no earlier deploy of %s is running; this run goes now\n", lane.Stack)
			return nil
		}
		var names []string
		for _, r := range ahead {
			names = append(names, fmt.Sprintf("%q (%s) %s", r.DisplayTitle, r.Status, r.HTMLURL))
		}
		if now := strings.Join(names, ", "); now != last {
			fmt.Fprintf(log, "queue: waiting for %d earlier deploy(s) of %s: %s\n", len(ahead), lane.Stack, now)
			last = now
		}
		select {
		case <-ctx.Done():
			return giveUp(lane, timeout, last)
		case <-time.After(poll):
		}
	}
}

func giveUp(lane Lane, timeout time.Duration, ahead string) error {
	return fmt.Errorf("queue: gave up after %s waiting for earlier deploys of %s to finish: %s; "+
		"this run deployed nothing: run it again once they have", timeout, lane.Stack, ahead)
}
