package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// GitHub is the little of GitHub's REST API the pipeline uses: deployment
// records and workflow runs, with the job's GITHUB_TOKEN.
type GitHub struct {
	API   string // GITHUB_API_URL, e.g. https://api.github.com
	Repo  string // owner/name
	Token string
	HTTP  *http.Client
	// Retries of a 5xx answer or a failed connection; each waits Backoff longer.
	Retries int
	Backoff time.Duration
	// RateLimitRetries is how often a rate-limited answer (403 or 429 with
	// GitHub's rate-limit headers or message) is retried after the wait GitHub
	// asks for (ratelimit.go); 0 means DefaultRateLimitRetries.
	RateLimitRetries int
	// Sleep waits (tests record it); nil sleeps, returning early when ctx ends.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock that x-ratelimit-reset is read against; nil is time.Now.
	Now func() time.Time
}

// GitHubFromEnv reads what every Actions job has: GITHUB_API_URL,
// GITHUB_REPOSITORY and the token (GH_TOKEN or GITHUB_TOKEN).
func GitHubFromEnv() (*GitHub, error) {
	g := &GitHub{API: os.Getenv("GITHUB_API_URL"), Repo: os.Getenv("GITHUB_REPOSITORY"),
		Token: os.Getenv("GH_TOKEN"), HTTP: &http.Client{Timeout: 30 * time.Second}, Retries: 4, Backoff: 5 * time.Second}
	if g.Token == "" {
		g.Token = os.Getenv("GITHUB_TOKEN")
	}
	if g.API == "" {
		g.API = "https://api.github.com"
	}
	var missing []string
	if g.Repo == "" {
		missing = append(missing, "GITHUB_REPOSITORY")
	}
	if g.Token == "" {
		missing = append(missing, "GH_TOKEN (the job's github.token)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("GitHub API: %s not set", strings.Join(missing, " and "))
	}
	return g, nil
}

// APIError is an answer other than 2xx. It is never read as "nothing found":
// a 403 or 404 from a missing permission must fail the run, not skip a check.
type APIError struct {
	Method, Path string
	Status       int
	Message      string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("GitHub API %s %s: HTTP %d: %s", e.Method, e.Path, e.Status, e.Message)
}

func (g *GitHub) do(ctx context.Context, method, path string, body, out any) error {
	var payload []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		payload = b
	}
	url := strings.TrimRight(g.API, "/") + "/repos/" + g.Repo + path
	limited := 0
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(payload))
		if err != nil {
			return err
		}
		req.Header.Set("Accept", "application/vnd.github+json")
		req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
		req.Header.Set("Authorization", "Bearer "+g.Token)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := g.HTTP.Do(req)
		if err != nil {
			if attempt < g.Retries && ctx.Err() == nil {
				time.Sleep(g.Backoff * time.Duration(attempt+1))
				continue
			}
			return fmt.Errorf("GitHub API %s %s: %w", method, path, err)
		}
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			if out == nil {
				return nil
			}
			if err := json.Unmarshal(b, out); err != nil {
				return fmt.Errorf("GitHub API %s %s: unreadable answer: %w", method, path, err)
			}
			return nil
		}
		var msg struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &msg)
		if msg.Message == "" {
			msg.Message = strings.TrimSpace(string(b))
		}
		if wait, ok := rateLimitWait(resp, msg.Message, g.now()); ok {
			if limited < g.rateLimitRetries() {
				limited++
				if err := g.sleep(ctx, wait); err != nil {
					return fmt.Errorf("GitHub API %s %s: rate limited (HTTP %d: %s), and the wait of %s for it outlasts this command: %w",
						method, path, resp.StatusCode, msg.Message, wait, err)
				}
				attempt-- // a rate limit is not a failed attempt
				continue
			}
		} else if resp.StatusCode >= 500 && attempt < g.Retries {
			time.Sleep(g.Backoff * time.Duration(attempt+1))
			continue
		}
		return &APIError{Method: method, Path: path, Status: resp.StatusCode, Message: msg.Message}
	}
}
