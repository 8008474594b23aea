package release

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	shaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

var digest = "sha256:" + strings.Repeat("ab", 32)

// fakeGitHub serves scripted answers by "METHOD path" (query excluded) and
// records the bodies it was sent.
func fakeGitHub(t *testing.T, answers map[string]func(w http.ResponseWriter, r *http.Request)) (*GitHub, *[]string) {
	t.Helper()
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("%s %s without the token", r.Method, r.URL.Path)
		}
		key := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/repos/acme/web")
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		b, _ := json.Marshal(body)
		got = append(got, key+" "+r.URL.RawQuery+" "+string(b))
		if f, ok := answers[key]; ok {
			f(w, r)
			return
		}
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return &GitHub{API: srv.URL, Repo: "acme/web", Token: "tok", HTTP: srv.Client(), Retries: 1, Backoff: time.Millisecond}, &got
}

func answer(v any) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { _ = json.NewEncoder(w).Encode(v) }
}

func deployment(id int64, sha, creator string, p Payload) map[string]any {
	return map[string]any{"id": id, "sha": sha, "environment": "staging", "payload": p,
		"creator": map[string]string{"login": creator}}
}

func TestFindVerifiedReturnsTheDigestStagingVerified(t *testing.T) {
	p := Payload{Commit: shaA, Image: "1.dkr.ecr.us-east-1.amazonaws.com/web-staging@" + digest, Digest: digest, Tag: shaA, Mode: "build",
		Run: runOf + "100"}
	g, _ := fakeGitHub(t, runs(map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{deployment(7, shaA, TrustedCreator, p), deployment(5, shaA, TrustedCreator, p)}),
		// The newest attempt failed; an older one of the same commit was verified
		// and later marked inactive when a newer commit succeeded.
		"GET /deployments/7/statuses": answer([]Status{{State: "failure"}, {State: "in_progress"}}),
		"GET /deployments/5/statuses": answer([]Status{{State: "inactive"}, {State: "success"}, {State: "in_progress"}}),
	}, mainPush))
	got, err := FindVerified(context.Background(), g, "staging", shaA)
	if err != nil {
		t.Fatal(err)
	}
	if got.Digest != digest || got.Image != p.Image {
		t.Fatalf("found %+v", got)
	}
}

func TestFindVerifiedRefusesACommitThatNeverPassedStagingNamingIt(t *testing.T) {
	failed := Payload{Commit: shaB, Image: "r@" + digest, Digest: digest, Mode: "build", Run: runOf + "100"}
	forged := failed
	g, _ := fakeGitHub(t, runs(map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": answer([]any{deployment(9, shaB, "mallory", forged), deployment(8, shaB, TrustedCreator, failed),
			deployment(6, shaB, TrustedCreator, Payload{Commit: shaB, Image: "r:tag", Mode: "build"})}),
		"GET /deployments/8/statuses": answer([]Status{{State: "failure"}, {State: "in_progress"}}),
		"GET /deployments/9/statuses": answer([]Status{{State: "success"}}),
	}, mainPush))
	_, err := FindVerified(context.Background(), g, "staging", shaB)
	var nv *NotVerifiedError
	if !errors.As(err, &nv) {
		t.Fatalf("want NotVerifiedError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"commit " + shaB + " never passed staging", "deployment 8 (build): failure",
		"created by mallory", "deployment 6: payload does not name a digest-pinned image"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestAPIErrorsAreNeverReadAsNotFound(t *testing.T) {
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"message":"Resource not accessible by integration"}`, http.StatusForbidden)
		},
	})
	_, err := FindVerified(context.Background(), g, "staging", shaA)
	var api *APIError
	var nv *NotVerifiedError
	if !errors.As(err, &api) || errors.As(err, &nv) || api.Status != 403 {
		t.Fatalf("a 403 must surface as an API error, got %v", err)
	}
}

func TestRecordCreatesTheDeploymentWithoutDeactivatingOlderOnes(t *testing.T) {
	g, sent := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"POST /deployments":             answer(map[string]any{"id": 42}),
		"POST /deployments/42/statuses": answer(map[string]any{}),
	})
	id, err := g.CreateDeployment(context.Background(), "staging", Payload{Commit: shaA, Image: "r@" + digest, Digest: digest, Mode: "build"})
	if err != nil || id != 42 {
		t.Fatalf("id %d, %v", id, err)
	}
	if err := g.SetStatus(context.Background(), id, "success", "verified", "https://x/run"); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(*sent, "\n")
	for _, want := range []string{`"ref":"` + shaA + `"`, `"required_contexts":[]`, `"auto_merge":false`, `"digest":"` + digest + `"`,
		`"auto_inactive":false`, `"state":"success"`} {
		if !strings.Contains(all, want) {
			t.Errorf("requests lack %s:\n%s", want, all)
		}
	}
}
