package deploy

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// A promotion copies exactly the image staging verified, every platform and
// its attestations, by digest, and only an image built from the release's
// commit; a release tag that names another digest never deploys.

// pushIndex pushes a two-platform index (and an attestation manifest) whose
// images carry revision, and returns it by digest.
func pushIndex(t *testing.T, host, revision string) string {
	t.Helper()
	idx := v1.ImageIndex(empty.Index)
	for _, p := range []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64"}, {OS: "unknown", Architecture: "unknown"}} {
		cfg := &v1.ConfigFile{Architecture: p.Architecture, OS: p.OS, Config: v1.Config{Labels: map[string]string{RevisionLabel: revision}}}
		if p.OS == "unknown" {
			cfg.Config.Labels = nil
		}
		img, err := mutate.ConfigFile(empty.Image, cfg)
		if err != nil {
			t.Fatal(err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &p}})
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := name.NewDigest(host + "/staging@" + d.String())
	if err := remote.WriteIndex(ref, idx); err != nil {
		t.Fatal(err)
	}
	return ref.String()
}

// immutable is a registry whose tags, as ECR's IMMUTABLE repositories' (the
// stacks' registries, infra/registry.go), are never moved; puts counts the
// manifests written under a tag.
func immutable(puts *int) http.Handler {
	reg, tags := registry.New(), map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") && !strings.Contains(r.URL.Path, "sha256:") {
			if tags[r.URL.Path] {
				http.Error(w, `{"errors":[{"code":"TAG_INVALID","message":"the tag already exists and cannot be overwritten"}]}`, http.StatusBadRequest)
				return
			}
			tags[r.URL.Path] = true
			*puts++
		}
		reg.ServeHTTP(w, r)
	})
}

func TestAPromotionCopiesExactlyTheVerifiedImage(t *testing.T) {
	puts := 0
	srv := httptest.NewServer(immutable(&puts))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	verified, other := pushIndex(t, host, commitC), pushIndex(t, host, strings.Repeat("d", 40))
	promote := func(from, commit, tag string) error {
		o := &options{log: &bytes.Buffer{}, from: from, commit: commit}
		return o.promote(context.Background(), host+"/production:"+tag)
	}
	if err := promote(verified, commitC, "v1"); err != nil {
		t.Fatal(err)
	}
	ref, _ := name.NewTag(host + "/production:v1")
	got, err := remote.Head(ref)
	if err != nil || !strings.HasSuffix(verified, got.Digest.String()) || puts != 1 {
		t.Fatalf("production:v1 is %v (%v) after %d put(s), want %s", got, err, puts, verified)
	}
	// A re-run copies nothing.
	if err := promote(verified, commitC, "v1"); err != nil || puts != 1 {
		t.Errorf("a re-run: %v, %d put(s)", err, puts)
	}
	if err := promote(other, commitC, "v2"); err == nil || !strings.Contains(err.Error(), "was built from \""+strings.Repeat("d", 40)+"\"") {
		t.Errorf("an image of another commit was promoted: %v", err)
	}
	// v1 already names the verified digest: a re-published tag of another
	// commit's image is refused, and v1 still names the verified one.
	if err := promote(other, strings.Repeat("d", 40), "v1"); err == nil || !strings.Contains(err.Error(), "TAG_INVALID") {
		t.Errorf("a tag naming another digest was overwritten: %v", err)
	}
	if got, err := remote.Head(ref); err != nil || !strings.HasSuffix(verified, got.Digest.String()) {
		t.Errorf("production:v1 is %v (%v), want %s", got, err, verified)
	}
}

// TestImageLookupsNeverReadAnErrorAsNotFound: only ECR's
// ImageNotFoundException means "not there".
func TestImageLookupsNeverReadAnErrorAsNotFound(t *testing.T) {
	o := &options{tag: "v1", ecr: &fakeECR{tags: map[string]string{"v1": digestA}}}
	if d, err := o.digest(context.Background(), "web"); err != nil || d != digestA {
		t.Errorf("digest %q, %v", d, err)
	}
	o.tag = "v9"
	if d, err := o.digest(context.Background(), "web"); d != "" || err != nil {
		t.Errorf("a missing tag: %q, %v", d, err)
	}
	o.ecr = &fakeECR{err: errors.New("AccessDeniedException: not authorized")}
	if _, err := o.digest(context.Background(), "web"); err == nil || !strings.Contains(err.Error(), `not the same as "not found"`) {
		t.Errorf("AccessDenied read as %v", err)
	}
}

// TestTheScanGate: every platform image's findings count (not the
// attestation's); a scan not there yet is waited for; CRITICAL findings stop
// the deploy unless allowed; an image ECR cannot scan warns unless a scan
// is required; an error is never "no scan"; the wait is bounded.
func TestTheScanGate(t *testing.T) {
	amd, arm, att := "sha256:"+strings.Repeat("1", 64), "sha256:"+strings.Repeat("2", 64), "sha256:"+strings.Repeat("3", 64)
	manifest := `{"manifests":[{"digest":"` + amd + `","platform":{"os":"linux"}},{"digest":"` + arm + `","platform":{"os":"linux"}},` +
		`{"digest":"` + att + `","platform":{"os":"unknown"}}]}`
	scan := func(d, status string, critical int32) ecrtypes.ImageDetail {
		detail := ecrtypes.ImageDetail{ImageDigest: aws.String(d)}
		if status != "" {
			detail.ImageScanStatus = &ecrtypes.ImageScanStatus{Status: ecrtypes.ScanStatus(status)}
		}
		if status == "COMPLETE" || status == "ACTIVE" && critical >= 0 {
			detail.ImageScanFindingsSummary = &ecrtypes.ImageScanFindingsSummary{ImageScanCompletedAt: aws.Time(time.Now()),
				FindingSeverityCounts: map[string]int32{"CRITICAL": critical, "HIGH": 4}}
		}
		return detail
	}
	both := func(a, b ecrtypes.ImageDetail) []ecrtypes.ImageDetail { return []ecrtypes.ImageDetail{a, b} }
	for _, c := range []struct {
		name           string
		scans          [][]ecrtypes.ImageDetail
		err            error
		allow, require bool
		fails, says    string
	}{
		{"clean after waiting", [][]ecrtypes.ImageDetail{both(scan(amd, "", 0), scan(arm, "IN_PROGRESS", 0)),
			both(scan(amd, "COMPLETE", 0), scan(arm, "ACTIVE", -1)), both(scan(amd, "COMPLETE", 0), scan(arm, "ACTIVE", 0))}, nil, false, false, "", "0 CRITICAL"},
		{"critical findings stop it", [][]ecrtypes.ImageDetail{both(scan(amd, "COMPLETE", 0), scan(arm, "COMPLETE", 2))}, nil, false, false, "2 CRITICAL finding(s)", ""},
		{"... unless allowed", [][]ecrtypes.ImageDetail{both(scan(amd, "COMPLETE", 0), scan(arm, "COMPLETE", 2))}, nil, true, false, "", "deployed anyway"},
		{"an image ECR cannot scan warns", [][]ecrtypes.ImageDetail{both(scan(amd, "UNSUPPORTED_IMAGE", 0), scan(arm, "COMPLETE", 0))}, nil, false, false, "", "ECR cannot scan"},
		{"... or fails when a scan is required", [][]ecrtypes.ImageDetail{both(scan(amd, "FAILED", 0), scan(arm, "COMPLETE", 0))}, nil, false, true, "REQUIRE_IMAGE_SCAN", ""},
		{"an error is not \"no scan\"", nil, errors.New("ThrottlingException"), false, false, `not the same as "no scan"`, ""},
		{"the wait is bounded", [][]ecrtypes.ImageDetail{both(scan(amd, "PENDING", 0), scan(arm, "COMPLETE", 0))}, nil, false, false, "did not finish", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			f := &fakeECR{manifest: manifest, scans: c.scans}
			o := &options{log: &out, wait: 50 * time.Millisecond, poll: time.Millisecond, allowCritical: c.allow, requireScan: c.require, ecr: f}
			if c.err != nil {
				f.scans, f.err = [][]ecrtypes.ImageDetail{nil}, c.err
			}
			err := o.scanGate(context.Background(), "web", "sha256:"+strings.Repeat("0", 64))
			if c.fails != "" && (err == nil || !strings.Contains(err.Error(), c.fails)) || c.fails == "" && err != nil ||
				!strings.Contains(out.String(), c.says) {
				t.Fatalf("err %v, want %q; log:\n%s", err, c.fails, out.String())
			}
			if c.err == nil && !slices.Equal(f.scanned, []string{amd, arm}) {
				t.Errorf("scans read of %v, want the platform images' (not the attestation's)", f.scanned)
			}
		})
	}
	// A single-platform image is its own platform image.
	image := "sha256:" + strings.Repeat("4", 64)
	f := &fakeECR{manifest: `{"schemaVersion":2,"config":{"digest":"sha256:` + strings.Repeat("5", 64) + `"}}`,
		scans: [][]ecrtypes.ImageDetail{{scan(image, "COMPLETE", 0)}}}
	o := &options{log: &bytes.Buffer{}, wait: time.Second, poll: time.Millisecond, ecr: f}
	if err := o.scanGate(context.Background(), "web", image); err != nil || !slices.Equal(f.scanned, []string{image}) {
		t.Errorf("a single image: %v, scans read of %v", err, f.scanned)
	}
}

// TestAWSCallsNameEveryECRCall: the list the deploy roles are checked against
// holds every call of ecrAPI.
func TestAWSCallsNameEveryECRCall(t *testing.T) {
	api := reflect.TypeOf((*ecrAPI)(nil)).Elem()
	for i := range api.NumMethod() {
		if a := "ecr:" + api.Method(i).Name; !slices.Contains(AWSCalls, a) {
			t.Errorf("AWSCalls lacks %s", a)
		}
	}
}
