package release

import (
	"context"
	"errors"
	"flag"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// limitedOnce answers the first request with a rate limit (status and
// headers), then with ok.
func limitedOnce(status int, headers map[string]string, ok any) (func(http.ResponseWriter, *http.Request), *atomic.Int32) {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			for k, v := range headers {
				w.Header().Set(k, v)
			}
			http.Error(w, `{"message":"API rate limit exceeded for installation ID 1."}`, status)
			return
		}
		answer(ok)(w, r)
	}, &calls
}

func TestRateLimitedAnswersAreWaitedOutNotFailed(t *testing.T) {
	// A 403 with retry-after (GitHub's secondary limit) is retried once the
	// wait it names has passed, not reported as an error.
	h, calls := limitedOnce(http.StatusForbidden, map[string]string{"Retry-After": "0"}, []Deployment{{ID: 3}})
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){"GET /deployments": h})
	ds, err := g.Deployments(context.Background(), "staging", "")
	if err != nil || len(ds) != 1 || calls.Load() != 2 {
		t.Fatalf("rate-limited 403: %d calls, %v, %v: want it waited out and retried", calls.Load(), ds, err)
	}
}

func TestRateLimitWaitsAsLongAsGitHubSays(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	reset := strconv.FormatInt(now.Add(42*time.Second).Unix(), 10)
	cases := []struct {
		name    string
		status  int
		headers map[string]string
		want    time.Duration
	}{
		{"primary limit, 403", http.StatusForbidden, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}, 43 * time.Second},
		{"primary limit, 429", http.StatusTooManyRequests, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}, 43 * time.Second},
		{"secondary limit with retry-after", http.StatusTooManyRequests, map[string]string{"Retry-After": "30"}, 31 * time.Second},
		{"secondary limit without headers", http.StatusForbidden, nil, time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, calls := limitedOnce(c.status, c.headers, []Deployment{})
			g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){"GET /deployments": h})
			var waited []time.Duration
			g.Now = func() time.Time { return now }
			g.Sleep = func(_ context.Context, d time.Duration) error { waited = append(waited, d); return nil }
			if _, err := g.Deployments(context.Background(), "staging", ""); err != nil {
				t.Fatal(err)
			}
			if calls.Load() != 2 || len(waited) != 1 || waited[0] != c.want {
				t.Fatalf("%d calls, waited %v, want one wait of %s", calls.Load(), waited, c.want)
			}
		})
	}
}

func TestAForbiddenThatIsNoRateLimitFailsAtOnce(t *testing.T) {
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Remaining", "812")
			http.Error(w, `{"message":"Resource not accessible by integration"}`, http.StatusForbidden)
		},
	})
	g.Sleep = func(context.Context, time.Duration) error { t.Fatal("waited on a missing permission"); return nil }
	_, err := g.Deployments(context.Background(), "staging", "")
	var api *APIError
	if !errors.As(err, &api) || api.Status != 403 {
		t.Fatalf("want the 403 as an API error, got %v", err)
	}
}

func TestRateLimitRetriesAreBounded(t *testing.T) {
	g, _ := fakeGitHub(t, map[string]func(http.ResponseWriter, *http.Request){
		"GET /deployments": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"message":"You have exceeded a secondary rate limit."}`, http.StatusForbidden)
		},
	})
	n := 0
	g.Sleep = func(context.Context, time.Duration) error { n++; return nil }
	_, err := g.Deployments(context.Background(), "staging", "")
	if err == nil || n != DefaultRateLimitRetries || !strings.Contains(err.Error(), "secondary rate limit") {
		t.Fatalf("waited %d times, err %v", n, err)
	}
}

func TestTheQueuePollsOnceAMinute(t *testing.T) {
	fs := flag.NewFlagSet("queue", flag.ContinueOnError)
	commands["queue"](fs)
	if got := fs.Lookup("poll").DefValue; got != "1m0s" {
		t.Fatalf("queue -poll defaults to %s: two list calls per poll against GITHUB_TOKEN's 1,000 requests an hour per repository; want 1m0s", got)
	}
}
