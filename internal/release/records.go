package release

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Staging records each deploy as a GitHub deployment of the commit, with the
// image it ran in the payload, and marks it success only after verify passed.
// The production pipeline reads these records instead of the staging stack's
// outputs or history: outputs name only the latest release (a verified commit
// that a newer push replaced would no longer be found), history does not hold
// verify's verdict, and both would put staging's Pulumi credentials into the
// production job. Records are kept per commit, readable with the job's own
// token, and visible to people on the commit and the Environments page.

// Payload is what a deployment record holds.
type Payload struct {
	Commit string `json:"commit"`
	// Image is repository@sha256:..., the exact content that ran.
	Image  string `json:"image"`
	Digest string `json:"digest"`
	Tag    string `json:"tag"`
	Stack  string `json:"stack"`
	// Mode is how the deploy started: build (a push), rollback or promote.
	Mode string `json:"mode"`
	Run  string `json:"run,omitempty"`
}

// Deployment is a GitHub deployment record.
type Deployment struct {
	ID          int64           `json:"id"`
	SHA         string          `json:"sha"`
	Environment string          `json:"environment"`
	RawPayload  json.RawMessage `json:"payload"`
	CreatedAt   time.Time       `json:"created_at"`
	Creator     struct {
		Login string `json:"login"`
	} `json:"creator"`
}

// Payload decodes the record's payload (an object, or a JSON string of one).
func (d Deployment) Payload() (Payload, error) {
	raw := d.RawPayload
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = json.RawMessage(s)
	}
	var p Payload
	if len(raw) == 0 || string(raw) == "null" {
		return p, nil
	}
	err := json.Unmarshal(raw, &p)
	return p, err
}

// Status is one state of a deployment record.
type Status struct {
	State       string    `json:"state"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// TrustedCreator is who creates deployment records in a workflow run.
const TrustedCreator = "github-actions[bot]"

// CreateDeployment records a deploy of p.Commit to environment.
func (g *GitHub) CreateDeployment(ctx context.Context, environment string, p Payload) (int64, error) {
	body := map[string]any{
		"ref": p.Commit, "environment": environment, "payload": p, "auto_merge": false,
		// The commit's checks already gated the run that records it.
		"required_contexts": []string{}, "production_environment": false, "transient_environment": false,
		"description": fmt.Sprintf("%s %s (%s)", p.Mode, p.Image, p.Stack),
	}
	var d Deployment
	if err := g.do(ctx, "POST", "/deployments", body, &d); err != nil {
		return 0, err
	}
	return d.ID, nil
}

// SetStatus adds a state (in_progress, success, failure, error) to a record.
// Older records are left active: a record's success must stay readable when a
// newer commit succeeds.
func (g *GitHub) SetStatus(ctx context.Context, id int64, state, description, logURL string) error {
	return g.do(ctx, "POST", fmt.Sprintf("/deployments/%d/statuses", id), map[string]any{
		"state": state, "description": truncate(description, 140), "log_url": logURL, "auto_inactive": false,
	}, nil)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// Deployments lists records of environment, newest first; sha "" lists all.
func (g *GitHub) Deployments(ctx context.Context, environment, sha string) ([]Deployment, error) {
	q := url.Values{"environment": {environment}, "per_page": {"100"}}
	if sha != "" {
		q.Set("sha", sha)
	}
	var ds []Deployment
	if err := g.do(ctx, "GET", "/deployments?"+q.Encode(), nil, &ds); err != nil {
		return nil, err
	}
	// Newest first, whatever order the API chose.
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].ID > ds[j].ID })
	return ds, nil
}

// Statuses lists a record's states, newest first.
func (g *GitHub) Statuses(ctx context.Context, id int64) ([]Status, error) {
	var ss []Status
	err := g.do(ctx, "GET", fmt.Sprintf("/deployments/%d/statuses?per_page=100", id), nil, &ss)
	return ss, err
}

// NotVerifiedError says a commit never passed the environment, naming it.
type NotVerifiedError struct {
	Commit, Environment string
	Seen                []string
}

func (e *NotVerifiedError) Error() string {
	msg := fmt.Sprintf("commit %s never passed %s: no %s deploy of it was verified", e.Commit, e.Environment, e.Environment)
	if len(e.Seen) == 0 {
		msg += " (none is recorded)"
	} else {
		msg += " (recorded: " + strings.Join(e.Seen, "; ") + ")"
	}
	return msg + ". Only an image that " + e.Environment + " ran and verified is promoted: let a " + e.Environment +
		" deploy of the commit pass (re-run its failed " + e.Environment + " run, or push it to main), then re-run this run " +
		"(Re-run all jobs): the release needs no publishing again."
}

// FindVerified returns the payload of the newest record of commit in
// environment that reached success, was created by a workflow run and names a
// digest-pinned image of that commit.
func FindVerified(ctx context.Context, g *GitHub, environment, commit string) (Payload, error) {
	ds, err := g.Deployments(ctx, environment, commit)
	if err != nil {
		return Payload{}, err
	}
	var seen []string
	runs := newOrigins(g)
	for _, d := range ds {
		p, err := d.Payload()
		if err != nil {
			seen = append(seen, fmt.Sprintf("deployment %d: unreadable payload", d.ID))
			continue
		}
		if d.Creator.Login != TrustedCreator {
			seen = append(seen, fmt.Sprintf("deployment %d: created by %s, not a workflow run", d.ID, d.Creator.Login))
			continue
		}
		if d.SHA != commit || p.Commit != commit || p.Digest == "" || !strings.HasSuffix(p.Image, "@"+p.Digest) {
			seen = append(seen, fmt.Sprintf("deployment %d: payload does not name a digest-pinned image of this commit", d.ID))
			continue
		}
		why, err := runs.check(ctx, d, p)
		if err != nil {
			return Payload{}, err
		}
		if why != "" {
			seen = append(seen, fmt.Sprintf("deployment %d: not trusted: %s", d.ID, why))
			continue
		}
		ss, err := g.Statuses(ctx, d.ID)
		if err != nil {
			return Payload{}, err
		}
		latest := "no status"
		if len(ss) > 0 {
			latest = ss[0].State
		}
		for _, s := range ss {
			if s.State == "success" {
				return p, nil
			}
		}
		seen = append(seen, fmt.Sprintf("deployment %d (%s): %s", d.ID, p.Mode, latest))
	}
	return Payload{}, &NotVerifiedError{Commit: commit, Environment: environment, Seen: seen}
}

// NewestStarted is the commit of the newest record that a push (mode build)
// started in environment from a trusted run, "" when there is none; ignored
// lists the newer records it passed over, and why.
func NewestStarted(ctx context.Context, g *GitHub, environment string) (commit string, ignored []string, err error) {
	ds, err := g.Deployments(ctx, environment, "")
	if err != nil {
		return "", nil, err
	}
	runs := newOrigins(g)
	for _, d := range ds {
		p, err := d.Payload()
		if err != nil || p.Mode != "build" || d.Creator.Login != TrustedCreator {
			continue
		}
		why, err := runs.check(ctx, d, p)
		if err != nil {
			return "", nil, err
		}
		if why != "" {
			ignored = append(ignored, fmt.Sprintf("deployment %d of %s: %s", d.ID, d.SHA, why))
			continue
		}
		return d.SHA, ignored, nil
	}
	return "", ignored, nil
}
