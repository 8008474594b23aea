package verify

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func fastProber() Prober {
	// Generous timeout: a loaded CI machine must not turn a quick 200 into a timeout.
	return Prober{Interval: time.Millisecond, Timeout: 2 * time.Second, MaxAttempts: 10, InsecureTLS: true}
}

func TestProberDefaultsAreTheSeedsHealthCheck(t *testing.T) {
	p := Prober{}.withDefaults()
	if p.HealthyThreshold != 3 || p.Timeout != 5*time.Second {
		t.Fatalf("defaults = %+v, want healthy after 3, timeout 5 s", p)
	}
}

func TestThreeSuccessesInARowPass(t *testing.T) {
	srv := healthServer(t, 200, 204, 299)
	res := fastProber().Probe(context.Background(), srv.URL+"/health")
	if !res.Healthy || strings.Join(res.Seen, ",") != "200,204,299" {
		t.Fatalf("%+v", res)
	}
}

func TestAFailureResetsTheCount(t *testing.T) {
	srv := healthServer(t, 200, 200, 500, 200, 200, 200)
	res := fastProber().Probe(context.Background(), srv.URL+"/health")
	if !res.Healthy || strings.Join(res.Seen, ",") != "200,200,500,200,200,200" {
		t.Fatalf("want healthy only after three more 2xx: %+v", res)
	}
}

func TestASlowAnswerCountsAsAFailure(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 {
			time.Sleep(1500 * time.Millisecond) // over the 500 ms timeout (5 s in production)
		}
	}))
	defer srv.Close()
	p := fastProber()
	p.Timeout = 500 * time.Millisecond
	res := p.Probe(context.Background(), srv.URL+"/health")
	if !res.Healthy || strings.Join(res.Seen, ",") != "200,timeout,200,200,200" {
		t.Fatalf("%+v", res)
	}
}

func TestNeverHealthyGivesUpAfterMaxAttempts(t *testing.T) {
	srv := healthServer(t, 503)
	p := fastProber()
	p.MaxAttempts = 4
	res := p.Probe(context.Background(), srv.URL+"/health")
	if res.Healthy || len(res.Seen) != 4 {
		t.Fatalf("%+v", res)
	}
}

func TestRedirectsFailAsTheyDoForTheALB(t *testing.T) {
	srv := healthServer(t, 301)
	p := fastProber()
	p.MaxAttempts = 2
	if res := p.Probe(context.Background(), srv.URL+"/health"); res.Healthy || res.Seen[0] != "301" {
		t.Fatalf("%+v", res)
	}
}

func TestCertificatesAreCheckedUnlessToldOtherwise(t *testing.T) {
	srv := healthServer(t, 200)
	p := fastProber()
	p.InsecureTLS = false
	p.MaxAttempts = 1
	res := p.Probe(context.Background(), srv.URL+"/health")
	if res.Healthy || !strings.Contains(res.Seen[0], "certificate") {
		t.Fatalf("self-signed certificate accepted: %+v", res)
	}
}
