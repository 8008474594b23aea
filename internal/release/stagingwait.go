package release

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// A release is often published soon after its commit was pushed, while that
// commit's staging run (tests, build, rollout, verify: tens of minutes on a
// first deploy) is still going. A promotion first waits, bounded, until every
// staging run of the commit has completed, so its verified record is there to
// be found, instead of failing at once with "never passed staging".

// RunsOf lists the runs of a workflow file for one commit.
func (g *GitHub) RunsOf(ctx context.Context, workflow, commit string) ([]Run, error) {
	var page struct {
		Runs []Run `json:"workflow_runs"`
	}
	q := url.Values{"head_sha": {commit}, "per_page": {"100"}, "exclude_pull_requests": {"true"}}
	err := g.do(ctx, "GET", "/actions/workflows/"+url.PathEscape(workflow)+"/runs?"+q.Encode(), nil, &page)
	return page.Runs, err
}

// WaitForCommit blocks until no run of workflow for commit is still going,
// polling every poll, and fails after timeout naming the runs still going.
func WaitForCommit(ctx context.Context, g *GitHub, workflow, commit string, poll, timeout time.Duration, log io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	last := ""
	for {
		rs, err := g.RunsOf(ctx, workflow, commit)
		if err != nil {
			if ctx.Err() != nil {
				return stillRunning(workflow, commit, timeout, last)
			}
			return err
		}
		var going []string
		for _, r := range rs {
			if r.Status != "completed" {
				going = append(going, fmt.Sprintf("%s (%s)", r.HTMLURL, r.Status))
			}
		}
		if len(going) == 0 {
			fmt.Fprintf(log, "wait-runs: no %s run of %s is still going (%d run(s) found)\n", workflow, commit, len(rs))
			return nil
		}
		if now := strings.Join(going, ", "); now != last {
			fmt.Fprintf(log, "wait-runs: waiting for %s of %s to finish: %s\n", workflow, commit, now)
			last = now
		}
		select {
		case <-ctx.Done():
			return stillRunning(workflow, commit, timeout, last)
		case <-time.After(poll):
		}
	}
}

func stillRunning(workflow, commit string, timeout time.Duration, going string) error {
	return fmt.Errorf("wait-runs: after %s, %s of %s is still going: %s; this run deployed nothing: "+
		"re-run it (Re-run all jobs) once that run has verified the commit", timeout, workflow, commit, going)
}
