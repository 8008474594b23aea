package release

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestALockIsCancelledOnlyWhenItsRunIsOver(t *testing.T) {
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /actions/runs/41": answer(Run{ID: 41, Status: "completed", Conclusion: "cancelled", HTMLURL: "https://x/runs/41"}),
		"GET /actions/runs/42": answer(Run{ID: 42, Status: "in_progress", HTMLURL: "https://x/runs/42"}),
		"GET /actions/runs/43": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"message":"Server Error"}`, http.StatusInternalServerError)
		},
	})
	update := func(result, msg string) []Update {
		return []Update{{Kind: "update", StartTime: "2026-05-01T12:00:00Z", Result: result, Message: msg}}
	}
	cases := []struct {
		name    string
		history []Update
		cancel  bool
		refusal string // "" when not refused
	}{
		{"no history (a new stack)", nil, false, ""},
		{"the last update finished", update("succeeded", "deploy x (staging run 41)"), false, ""},
		{"left by a run that was cancelled", update("in-progress", "deploy x @ sha256:1 (staging run 41)"), true, ""},
		{"left by an earlier attempt of this run", update("in-progress", "deploy x (staging run 99)"), true, ""},
		{"a run of this repository still updating", update("in-progress", "deploy x (rollback run 42)"), false, "https://x/runs/42, which is still in_progress"},
		{"a person's pulumi up", update("in-progress", "hotfix by hand"), false, "names no run of this pipeline"},
		{"a run of another repository", update("in-progress", "deploy (run 404)"), false, "run 404 is no run of acme/web"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cancel, why, err := DecideLock(context.Background(), g, c.history, 99, "acme/staging")
			if c.refusal != "" {
				var locked *LockedError
				if !errors.As(err, &locked) || !strings.Contains(err.Error(), c.refusal) ||
					!strings.Contains(err.Error(), "pulumi cancel --stack acme/staging --yes") || !strings.Contains(err.Error(), "docs/runbook.md") {
					t.Fatalf("want a refusal saying %q and the runbook's command, got cancel=%v %v", c.refusal, cancel, err)
				}
				return
			}
			if err != nil || cancel != c.cancel {
				t.Fatalf("cancel=%v (%s) err=%v, want cancel=%v", cancel, why, err, c.cancel)
			}
		})
	}
	// A GitHub error is never read as "that run is over".
	cancel, _, err := DecideLock(context.Background(), g, update("in-progress", "deploy (staging run 43)"), 99, "staging")
	var api *APIError
	if cancel || !errors.As(err, &api) {
		t.Fatalf("API error: cancel=%v err=%v", cancel, err)
	}
}

func TestLockCommandReadsPulumiHistory(t *testing.T) {
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /actions/runs/41": answer(Run{ID: 41, Status: "completed"}),
	})
	t.Setenv("GITHUB_API_URL", g.API)
	t.Setenv("GITHUB_REPOSITORY", g.Repo)
	t.Setenv("GH_TOKEN", g.Token)
	h := file(t, `[{"version":7,"kind":"update","startTime":"2026-05-01T12:00:00Z","message":"deploy (staging run 41)","result":"in-progress","environment":{},"config":{}}]`)
	if code, out, errs := run(t, "lock", "-history", h, "-run-id", "99", "-stack", "staging"); code != ExitOK || !strings.Contains(out, "cancel=true\n") {
		t.Fatalf("exit %d %q %s", code, out, errs)
	}
	human := file(t, `[{"kind":"update","message":"by hand","result":"in-progress"}]`)
	if code, _, errs := run(t, "lock", "-history", human, "-run-id", "99", "-stack", "staging"); code != ExitRefused ||
		!strings.Contains(errs, "pulumi cancel --stack staging --yes") {
		t.Fatalf("exit %d %s", code, errs)
	}
	if code, out, _ := run(t, "lock", "-history", file(t, ""), "-run-id", "99", "-stack", "staging"); code != ExitOK || !strings.Contains(out, "cancel=false\n") {
		t.Fatalf("empty history: exit %d %q", code, out)
	}
}
