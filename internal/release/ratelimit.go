package release

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// GitHub's REST rate limits, as its documentation says to honour them: a
// primary limit (GITHUB_TOKEN: 1,000 requests an hour per repository) answers
// 403 or 429 with x-ratelimit-remaining 0, to be retried after the epoch
// second in x-ratelimit-reset; a secondary limit answers 403 or 429 with a
// message saying so, to be retried after retry-after seconds when present,
// else after at least a minute. A 403 without any of these is a missing
// permission and fails at once: it is never waited out.

// DefaultRateLimitRetries bounds how often one request waits out a limit.
const DefaultRateLimitRetries = 5

// minRateLimitWait is the wait when GitHub names none (secondary limits).
const minRateLimitWait = time.Minute

// rateLimitWait reports whether an answer is a rate limit, and how long to wait.
func rateLimitWait(resp *http.Response, message string, now time.Time) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if s := resp.Header.Get("Retry-After"); s != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n >= 0 {
			return time.Duration(n)*time.Second + time.Second, true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if n, err := strconv.ParseInt(strings.TrimSpace(resp.Header.Get("X-RateLimit-Reset")), 10, 64); err == nil {
			if d := time.Unix(n, 0).Sub(now) + time.Second; d > 0 {
				return d, true
			}
			return time.Second, true
		}
		return minRateLimitWait, true
	}
	if resp.StatusCode == http.StatusTooManyRequests || strings.Contains(strings.ToLower(message), "rate limit") {
		return minRateLimitWait, true
	}
	return 0, false
}

func (g *GitHub) rateLimitRetries() int {
	if g.RateLimitRetries > 0 {
		return g.RateLimitRetries
	}
	return DefaultRateLimitRetries
}

func (g *GitHub) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *GitHub) sleep(ctx context.Context, d time.Duration) error {
	if g.Sleep != nil {
		return g.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
