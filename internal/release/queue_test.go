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

func at(min int) time.Time { return time.Date(2026, 11, 25, 12, min, 0, 0, time.UTC) }

func TestQueueIsFirstStartedFirstServedAcrossWorkflows(t *testing.T) {
	lane := Lane{Stack: "staging", Workflows: []string{"staging.yml"}, Shared: "rollback.yml"}
	self := Run{ID: 30, DisplayTitle: "rollback staging to " + shaA, Status: "in_progress", RunStartedAt: at(10)}
	runs := map[string][]Run{
		"staging.yml": {
			{ID: 10, DisplayTitle: "push 1", Status: "in_progress", RunStartedAt: at(5)}, // ahead
			{ID: 11, DisplayTitle: "push 0", Status: "completed", RunStartedAt: at(1)},   // done
			{ID: 40, DisplayTitle: "push 2", Status: "queued", RunStartedAt: at(12)},     // behind
		},
		"rollback.yml": {
			{ID: 20, DisplayTitle: "rollback production to v1", Status: "in_progress", RunStartedAt: at(2)}, // other stack
			{ID: 21, DisplayTitle: "rollback staging to " + shaB, Status: "waiting", RunStartedAt: at(8)},   // ahead
			self,
		},
	}
	var ids []int64
	for _, r := range lane.Ahead(self, runs) {
		ids = append(ids, r.ID)
	}
	if len(ids) != 2 || ids[0] != 10 || ids[1] != 21 {
		t.Fatalf("ahead = %v, want [10 21]", ids)
	}
	// The push queued after the rollback waits for it: nobody is dropped.
	behind := runs["staging.yml"][2]
	if ahead := lane.Ahead(behind, runs); len(ahead) != 3 || ahead[2].ID != 30 {
		t.Fatalf("the later push waits for %v, want the rollback among them", ahead)
	}
	// A re-run attempt starts again: it goes behind runs that started meanwhile.
	rerun := Run{ID: 5, DisplayTitle: "push old", Status: "in_progress", CreatedAt: at(0), RunStartedAt: at(11)}
	if ahead := lane.Ahead(rerun, runs); len(ahead) != 3 {
		t.Fatalf("re-run waits for %d runs, want 3", len(ahead))
	}
}

func TestWaitReturnsOnceEarlierRunsComplete(t *testing.T) {
	var polls atomic.Int32
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /actions/runs/30": answer(Run{ID: 30, DisplayTitle: "rollback staging to x", RunStartedAt: at(10)}),
		"GET /actions/workflows/staging.yml/runs": func(w http.ResponseWriter, r *http.Request) {
			status := "in_progress"
			if polls.Add(1) > 2 {
				status = "completed"
			}
			answer(map[string]any{"workflow_runs": []Run{{ID: 10, DisplayTitle: "push", Status: status, RunStartedAt: at(5)}}})(w, r)
		},
		"GET /actions/workflows/rollback.yml/runs": answer(map[string]any{"workflow_runs": []Run{}}),
	})
	var log bytes.Buffer
	lane := Lane{Stack: "staging", Workflows: []string{"staging.yml"}, Shared: "rollback.yml"}
	if err := Wait(context.Background(), g, lane, 30, time.Millisecond, 5*time.Second, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "waiting for 1 earlier deploy(s) of staging") || polls.Load() != 3 {
		t.Fatalf("polls %d, log:\n%s", polls.Load(), log.String())
	}
	// Still blocked at the deadline: fail loudly, never go ahead.
	polls.Store(-1000)
	err := Wait(context.Background(), g, lane, 30, time.Millisecond, 20*time.Millisecond, &log)
	if err == nil || !strings.Contains(err.Error(), "deployed nothing") {
		t.Fatalf("want a timeout that deploys nothing, got %v", err)
	}
}
