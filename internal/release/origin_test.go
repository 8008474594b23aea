package release

import (
	"context"
	"errors"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

const runOf = "https://github.com/acme/web/actions/runs/"

// runs answers GET /actions/runs/{id} for the given runs.
func runs(answers map[string]func(http.ResponseWriter, *http.Request), rs ...Run) map[string]func(http.ResponseWriter, *http.Request) {
	for _, r := range rs {
		answers["GET /actions/runs/"+strconv.FormatInt(r.ID, 10)] = answer(r)
	}
	return answers
}

// Runs of this repository: the staging push of main, a rollback from main,
// and what any branch workflow with deployments: write could run.
var (
	mainPush     = Run{ID: 100, Path: ".github/workflows/staging.yml", Event: "push", HeadBranch: "main", Status: "completed"}
	mainRollback = Run{ID: 101, Path: ".github/workflows/rollback.yml", Event: "workflow_dispatch", HeadBranch: "main", Status: "completed"}
	branchPush   = Run{ID: 200, Path: ".github/workflows/staging.yml", Event: "push", HeadBranch: "topic", Status: "completed"}
	prRun        = Run{ID: 300, Path: ".github/workflows/preview.yml", Event: "pull_request", HeadBranch: "topic", Status: "completed"}
)

func TestFindVerifiedTrustsOnlyRecordsOfStagingRunsOnMain(t *testing.T) {
	forgedDigest := "sha256:" + strings.Repeat("66", 32)
	legit := Payload{Commit: shaA, Image: "r@" + digest, Digest: digest, Mode: "build", Run: runOf + "100"}
	fromBranch := Payload{Commit: shaA, Image: "r@" + forgedDigest, Digest: forgedDigest, Mode: "build", Run: runOf + "200"}
	fromPR := fromBranch
	fromPR.Run = runOf + "300"
	otherRepo := fromBranch
	otherRepo.Run = "https://github.com/evil/web/actions/runs/100"
	g, _ := fakeGitHub(t, runs(map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{deployment(12, shaA, TrustedCreator, otherRepo), deployment(11, shaA, TrustedCreator, fromPR),
			deployment(10, shaA, TrustedCreator, fromBranch), deployment(8, shaA, TrustedCreator, legit)}),
		"GET /deployments/12/statuses": answer([]Status{{State: "success"}}),
		"GET /deployments/11/statuses": answer([]Status{{State: "success"}}),
		"GET /deployments/10/statuses": answer([]Status{{State: "success"}}),
		"GET /deployments/8/statuses":  answer([]Status{{State: "success"}}),
	}, mainPush, branchPush, prRun))
	got, err := FindVerified(context.Background(), g, "staging", shaA)
	if err != nil {
		t.Fatal(err)
	}
	if got.Digest != digest {
		t.Fatalf("promoted %s from %s: want only the record of main's staging run (%s)", got.Digest, got.Run, digest)
	}

	// Without the legit record, the refusal names each untrusted one and why.
	g, _ = fakeGitHub(t, runs(map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{deployment(12, shaA, TrustedCreator, otherRepo), deployment(11, shaA, TrustedCreator, fromPR),
			deployment(10, shaA, TrustedCreator, fromBranch)}),
	}, branchPush, prRun))
	_, err = FindVerified(context.Background(), g, "staging", shaA)
	var nv *NotVerifiedError
	if !errors.As(err, &nv) {
		t.Fatalf("want NotVerifiedError, got %v", err)
	}
	for _, want := range []string{"deployment 12: not trusted: its run https://github.com/evil/web/actions/runs/100 is not a run of acme/web",
		"deployment 11: not trusted: its run " + runOf + "300 is of .github/workflows/preview.yml",
		`deployment 10: not trusted: its run ` + runOf + `200 was started by push on "topic", not by push on main`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal lacks %q:\n%s", want, err)
		}
	}
}

func TestRecordsOutsideTheirRunsLifetimeAreNotTrusted(t *testing.T) {
	start := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	run := mainPush
	run.CreatedAt, run.UpdatedAt = start, start.Add(30*time.Minute)
	replay := Payload{Commit: shaA, Image: "r@" + digest, Digest: digest, Mode: "build", Run: runOf + "100"}
	d := deployment(9, shaA, TrustedCreator, replay)
	d["created_at"] = start.Add(5 * time.Hour) // long after the run it names finished
	g, _ := fakeGitHub(t, runs(map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{d}),
	}, run))
	_, err := FindVerified(context.Background(), g, "staging", shaA)
	if err == nil || !strings.Contains(err.Error(), "created after its run") {
		t.Fatalf("a record created hours after its run finished was trusted: %v", err)
	}
}

func TestARunLookupErrorIsNeverReadAsUntrusted(t *testing.T) {
	p := Payload{Commit: shaA, Image: "r@" + digest, Digest: digest, Mode: "build", Run: runOf + "100"}
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{deployment(8, shaA, TrustedCreator, p)}),
		"GET /actions/runs/100": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"message":"Resource not accessible by integration"}`, http.StatusForbidden)
		},
	})
	_, err := FindVerified(context.Background(), g, "staging", shaA)
	var api *APIError
	if !errors.As(err, &api) || api.Status != 403 {
		t.Fatalf("a 403 reading the run must fail as an API error (actions: read missing), got %v", err)
	}
}

func TestNewestStartedSkipsRecordsOfUntrustedRuns(t *testing.T) {
	g, _ := fakeGitHub(t, runs(map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{
			deployment(9, shaB, TrustedCreator, Payload{Commit: shaB, Mode: "build", Run: runOf + "200"}),
			deployment(7, shaA, TrustedCreator, Payload{Commit: shaA, Mode: "build", Run: runOf + "100"}),
		}),
	}, mainPush, branchPush))
	got, ignored, err := NewestStarted(context.Background(), g, "staging")
	if err != nil || got != shaA || len(ignored) != 1 || !strings.Contains(ignored[0], "deployment 9 of "+shaB) {
		t.Fatalf("newest %s, ignored %v, %v: want %s, the record of main's run", got, ignored, err, shaA)
	}
}

// TestGuardIgnoresCommitsARewriteRemovedFromMain: after a force push to main,
// the commit staging runs and the newest recorded push may be gone from main's
// history; the guard warns and deploys instead of refusing every push forever.
func TestGuardIgnoresCommitsARewriteRemovedFromMain(t *testing.T) {
	dir, _, b := repo(t)
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	// main is A <- B (origin/main); C was on main before the rewrite and is
	// now only on a leftover branch; D is gone from the clone altogether.
	git("update-ref", "refs/remotes/origin/main", b)
	git("checkout", "-q", "-b", "rewritten", b+"~1")
	git("commit", "-q", "--allow-empty", "-m", "C")
	c := git("rev-parse", "HEAD")
	gone := strings.Repeat("d", 40)

	g, _ := fakeGitHub(t, runs(map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{deployment(9, gone, TrustedCreator, Payload{Commit: gone, Mode: "build", Run: runOf + "100"})}),
	}, mainPush))
	t.Setenv("GITHUB_API_URL", g.API)
	t.Setenv("GITHUB_REPOSITORY", g.Repo)
	t.Setenv("GH_TOKEN", g.Token)
	outputs := file(t, `{"image":"r@`+digest+`","imageTag":"`+c+`","deploymentState":"deployed"}`)
	code, out, errs := run(t, "guard", "-env", "staging", "-commit", b, "-outputs", outputs, "-git", dir)
	if code != ExitOK || !strings.Contains(out, "deploy=true\n") {
		t.Fatalf("exit %d, out %q: a push after a rewrite of main must deploy:\n%s", code, out, errs)
	}
	for _, want := range []string{"::warning::guard: ignoring the commit staging runs now (its imageTag output), " + c + ": it is not in the history of origin/main",
		"::warning::guard: ignoring the newest commit a push deployed to staging (deployment records), " + gone + ": this clone has no such commit"} {
		if !strings.Contains(errs, want) {
			t.Errorf("log lacks %q:\n%s", want, errs)
		}
	}
	// An older commit still never replaces a newer one on main.
	code, out, _ = run(t, "guard", "-env", "staging", "-commit", git("rev-parse", b+"~1"), "-outputs",
		file(t, `{"imageTag":"`+b+`"}`), "-git", dir)
	if code != ExitOK || !strings.Contains(out, "deploy=false\n") {
		t.Fatalf("A over B on main: exit %d %q", code, out)
	}
}
