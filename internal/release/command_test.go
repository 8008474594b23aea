package release

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Command(args, &out, &errb)
	return code, out.String(), errb.String()
}

func file(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.json")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReconcileCommandPrintsTheReleaseToRestore(t *testing.T) {
	before := file(t, `{"image":"r@`+digest+`","imageTag":"`+shaA+`","deploymentState":"deployed"}`)
	code, out, _ := run(t, "reconcile", "-before", before, "-up", "success", "-verify", "failure")
	if code != ExitOK || !strings.Contains(out, "action=restore\ntag="+shaA+"\ndigest="+digest+"\n") {
		t.Fatalf("exit %d, out:\n%s", code, out)
	}
	if code, _, errs := run(t, "reconcile", "-before", before, "-up", "ok", "-verify", "failure"); code != ExitUsage || !strings.Contains(errs, "-up") {
		t.Fatalf("bad outcome: exit %d %s", code, errs)
	}
}

func TestLabelCommandRefusesAnImageOfAnotherCommit(t *testing.T) {
	cfg := file(t, `{"config":{"Labels":{"org.opencontainers.image.revision":"`+shaB+`"}}}`)
	code, _, errs := run(t, "label", "-config", cfg, "-commit", shaA)
	if code != ExitRefused || !strings.Contains(errs, "built from "+shaB+", not from "+shaA) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "label", "-config", cfg, "-commit", shaB); code != ExitOK {
		t.Fatalf("same commit refused: %s", errs)
	}
	unlabeled := file(t, `{"config":{}}`)
	if code, _, errs := run(t, "label", "-config", unlabeled, "-commit", shaA); code != ExitRefused || !strings.Contains(errs, "no org.opencontainers.image.revision label") {
		t.Fatalf("unlabeled: exit %d %s", code, errs)
	}
}

func TestExpectCommandChecksTheStackTookTheDigest(t *testing.T) {
	kept := file(t, `{"image":"r@sha256:`+strings.Repeat("00", 32)+`"}`)
	if code, _, errs := run(t, "expect", "-outputs", kept, "-digest", digest); code != ExitRefused || !strings.Contains(errs, "WEBSERVICE_IMAGE_DIGEST") {
		t.Fatalf("exit %d %s", code, errs)
	}
	took := file(t, `{"image":"r@`+digest+`"}`)
	if code, _, errs := run(t, "expect", "-outputs", took, "-digest", digest); code != ExitOK {
		t.Fatalf("exit %d %s", code, errs)
	}
}

func TestFirstDeployCommand(t *testing.T) {
	for body, want := range map[string]string{
		``: "needed=true", `{}`: "needed=true", // Awaiting its first image: the repository exists; straight to push and deploy.
		`{"deploymentState":"awaiting-image","image":""}`:           "needed=false",
		`{"deploymentState":"deployed","image":"r@` + digest + `"}`: "needed=false",
		`{"image":"r:tag"}`: "needed=false",
	} {
		if _, out, _ := run(t, "first-deploy", "-outputs", file(t, body)); !strings.Contains(out, want) {
			t.Errorf("%q: %s, want %s", body, out, want)
		}
	}
}

func TestUnknownCommandAndHelp(t *testing.T) {
	if code, _, _ := run(t, "deploy"); code != ExitUsage {
		t.Fatalf("unknown command exit %d", code)
	}
	if code, _, errs := run(t, "-h"); code != ExitOK || !strings.Contains(errs, "Exit status") {
		t.Fatalf("help exit %d", code)
	}
}
