package release

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Any workflow with `deployments: write` creates deployment records as
// github-actions[bot], a workflow on a branch or a pull request's too, so the
// creator alone proves nothing. A record also counts only when the run it
// names (its payload's run URL) is a run of this repository of one of the
// workflows that deploy staging, started on main by that workflow's own
// event, and the record was created while that run was going on. What a
// forger still controls (a payload naming a real run of main) is caught by
// the checks after it: the image's revision label must name the commit and
// the copied digest must be the recorded one, and only main's runs can push
// to staging's registry.

// TrustedRuns are the workflows whose runs write staging's records, with the
// event each is started by, all on TrustedBranch.
var TrustedRuns = map[string]string{
	".github/workflows/staging.yml":  "push",
	".github/workflows/rollback.yml": "workflow_dispatch",
}

// TrustedBranch is the only branch whose runs write staging's records.
const TrustedBranch = "main"

// originSkew allows for clocks: a record is created during its run.
const originSkew = 10 * time.Minute

var runURLRe = regexp.MustCompile(`^https?://[^/]+/([^/]+/[^/]+)/actions/runs/(\d+)(?:/attempts/\d+)?/?$`)

// origins checks and remembers the runs records name.
type origins struct {
	g    *GitHub
	runs map[int64]*Run // nil: not found
}

func newOrigins(g *GitHub) *origins { return &origins{g: g, runs: map[int64]*Run{}} }

// check says why a record does not come from a trusted run ("" when it does).
// Only GitHub API failures other than a missing run are errors.
func (o *origins) check(ctx context.Context, d Deployment, p Payload) (string, error) {
	m := runURLRe.FindStringSubmatch(p.Run)
	if m == nil {
		return fmt.Sprintf("its run %q is not a workflow run URL", p.Run), nil
	}
	if !strings.EqualFold(m[1], o.g.Repo) {
		return fmt.Sprintf("its run %s is not a run of %s", p.Run, o.g.Repo), nil
	}
	id, _ := strconv.ParseInt(m[2], 10, 64)
	r, seen := o.runs[id]
	if !seen {
		got, err := o.g.Run(ctx, id)
		var api *APIError
		switch {
		case errors.As(err, &api) && api.Status == http.StatusNotFound:
			// Deleted, or never this repository's: nothing proves the record.
		case err != nil:
			return "", err
		default:
			r = &got
		}
		o.runs[id] = r
	}
	if r == nil {
		return fmt.Sprintf("its run %s does not exist in %s", p.Run, o.g.Repo), nil
	}
	event, trusted := TrustedRuns[r.Path]
	switch {
	case !trusted:
		return fmt.Sprintf("its run %s is of %s, not of a workflow that deploys staging (%s)", p.Run, r.Path, trustedNames()), nil
	case r.HeadBranch != TrustedBranch || r.Event != event:
		return fmt.Sprintf("its run %s was started by %s on %q, not by %s on %s", p.Run, r.Event, r.HeadBranch, event, TrustedBranch), nil
	case !d.CreatedAt.IsZero() && !r.CreatedAt.IsZero() && d.CreatedAt.Before(r.CreatedAt.Add(-originSkew)):
		return fmt.Sprintf("it was created before its run %s started", p.Run), nil
	case r.Status == "completed" && !d.CreatedAt.IsZero() && !r.UpdatedAt.IsZero() && d.CreatedAt.After(r.UpdatedAt.Add(originSkew)):
		return fmt.Sprintf("it was created after its run %s had finished", p.Run), nil
	}
	return "", nil
}

func trustedNames() string {
	var out []string
	for p := range TrustedRuns {
		out = append(out, strings.TrimPrefix(p, ".github/workflows/"))
	}
	if len(out) == 2 && out[0] > out[1] {
		out[0], out[1] = out[1], out[0]
	}
	return strings.Join(out, " or ") + " on " + TrustedBranch
}
