package verify

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Prober checks /health the way the ALB's health check does: a target is healthy
// after HealthyThreshold consecutive 2xx answers, each within Timeout; any other
// answer, or none in time, resets the count.
type Prober struct {
	HealthyThreshold int           // default 3, the seed's
	Timeout          time.Duration // default 5 s, the seed's
	Interval         time.Duration // between probes; default 5 s (the ALB waits 30)
	MaxAttempts      int           // default 20
	InsecureTLS      bool          // skip certificate checks (the ALB's own DNS name is never on the certificate)
}

// ProbeResult lists what each probe saw.
type ProbeResult struct {
	Healthy bool
	Seen    []string // "200", "500", "timeout", "error: ..."
}

func (p Prober) withDefaults() Prober {
	if p.HealthyThreshold == 0 {
		p.HealthyThreshold = 3
	}
	if p.Timeout == 0 {
		p.Timeout = 5 * time.Second
	}
	if p.Interval == 0 {
		p.Interval = 5 * time.Second
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 20
	}
	return p
}

// Probe requests url until HealthyThreshold successes in a row, MaxAttempts, or
// the context ends.
func (p Prober) Probe(ctx context.Context, url string) ProbeResult {
	p = p.withDefaults()
	client := &http.Client{
		Timeout: p.Timeout,
		Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{InsecureSkipVerify: p.InsecureTLS}, //nolint:gosec // opt-in, documented
			DisableKeepAlives: true,                                           // every probe is a new connection, as the ALB's are
		},
		// The ALB does not follow redirects: a 301 is a failed check.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var res ProbeResult
	streak := 0
	for attempt := 0; attempt < p.MaxAttempts; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return res
			case <-time.After(p.Interval):
			}
		}
		seen, ok := probeOnce(ctx, client, url)
		res.Seen = append(res.Seen, seen)
		if ok {
			streak++
		} else {
			streak = 0
		}
		if streak >= p.HealthyThreshold {
			res.Healthy = true
			return res
		}
	}
	return res
}

func probeOnce(ctx context.Context, client *http.Client, url string) (string, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "error: " + err.Error(), false
	}
	req.Header.Set("User-Agent", "webservice-verify")
	resp, err := client.Do(req)
	if err != nil {
		if strings.Contains(err.Error(), "Client.Timeout") || strings.Contains(err.Error(), "deadline exceeded") {
			return "timeout", false
		}
		return "error: " + err.Error(), false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return fmt.Sprint(resp.StatusCode), resp.StatusCode >= 200 && resp.StatusCode <= 299
}
