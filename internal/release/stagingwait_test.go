package release

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestAPromotionWaitsForTheStagingRunOfItsCommit(t *testing.T) {
	var polls atomic.Int32
	var query string
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /actions/workflows/staging.yml/runs": func(w http.ResponseWriter, r *http.Request) {
			query = r.URL.RawQuery
			status := "in_progress"
			if polls.Add(1) > 2 {
				status = "completed"
			}
			answer(map[string]any{"workflow_runs": []Run{{ID: 10, Status: status, HTMLURL: "https://x/runs/10", HeadSHA: shaA}}})(w, r)
		},
	})
	var log bytes.Buffer
	if err := WaitForCommit(context.Background(), g, "staging.yml", shaA, time.Millisecond, 5*time.Second, &log); err != nil {
		t.Fatal(err)
	}
	if polls.Load() != 3 || !strings.Contains(query, "head_sha="+shaA) || !strings.Contains(log.String(), "waiting for staging.yml of "+shaA) {
		t.Fatalf("polls %d, query %q, log:\n%s", polls.Load(), query, log.String())
	}
	// Still going at the deadline: fail, naming the run, and say to re-run.
	polls.Store(-1000)
	err := WaitForCommit(context.Background(), g, "staging.yml", shaA, time.Millisecond, 20*time.Millisecond, &log)
	if err == nil || !strings.Contains(err.Error(), "https://x/runs/10") || !strings.Contains(err.Error(), "re-run it") {
		t.Fatalf("want a bounded wait naming the run, got %v", err)
	}
}

func TestNoStagingRunOfTheCommitIsNothingToWaitFor(t *testing.T) {
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /actions/workflows/staging.yml/runs": answer(map[string]any{"workflow_runs": []Run{}}),
	})
	if err := WaitForCommit(context.Background(), g, "staging.yml", shaA, time.Hour, time.Hour, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
}

func TestNeverPassedStagingTellsTheOperatorToReRunTheRun(t *testing.T) {
	msg := (&NotVerifiedError{Commit: shaA, Environment: "staging"}).Error()
	if strings.Contains(msg, "publish the release again") || !strings.Contains(msg, "re-run this run") {
		t.Fatalf("the refusal must say to re-run the run (the release event needs no re-publishing):\n%s", msg)
	}
}

func TestWaitRunsCommandFailsOnAnAPIError(t *testing.T) {
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){})
	t.Setenv("GITHUB_API_URL", g.API)
	t.Setenv("GITHUB_REPOSITORY", g.Repo)
	t.Setenv("GH_TOKEN", g.Token)
	code, _, errs := run(t, "wait-runs", "-workflow", "staging.yml", "-commit", shaA, "-timeout", "5s")
	if code != ExitAPIError || !strings.Contains(errs, "HTTP 404") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}
