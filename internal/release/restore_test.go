package release

import (
	"os/exec"
	"strings"
	"testing"
)

func TestRestoreRefFindsTheCodeOfTheReleaseThatWasLive(t *testing.T) {
	dir, a, b := repo(t)
	if out, err := exec.Command("git", "-C", dir, "-c", "user.name=t", "-c", "user.email=t@t", "tag", "-a", "v1.2.3", "-m", "v1.2.3", a).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	for tag, want := range map[string]string{a: a, b: b, "v1.2.3": a} {
		if got, why := RestoreRef(dir, tag); got != want || why != "" {
			t.Errorf("%s: got %q (%s), want %s", tag, got, why, want)
		}
	}
	for tag, why := range map[string]string{
		"":                      "no label",
		strings.Repeat("c", 40): "this clone does not have",
		"v9.9.9":                "no such tag",
		"bad..ref":              "no git ref",
		"sha256:" + "ab":        "no git ref",
	} {
		if got, w := RestoreRef(dir, tag); got != "" || !strings.Contains(w, why) {
			t.Errorf("%q: got %q (%s), want none saying %q", tag, got, w, why)
		}
	}
}

func TestReconcileCommandNamesTheCommitToRestoreFrom(t *testing.T) {
	dir, a, _ := repo(t)
	before := file(t, `{"image":"r@`+digest+`","imageTag":"`+a+`","deploymentState":"deployed"}`)
	code, out, _ := run(t, "reconcile", "-before", before, "-up", "success", "-verify", "failure", "-git", dir)
	if code != ExitOK || !strings.Contains(out, "action=restore\n") || !strings.Contains(out, "ref="+a+"\nref-note=\n") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	gone := file(t, `{"image":"r@`+digest+`","imageTag":"v0-gone","deploymentState":"deployed"}`)
	if _, out, _ := run(t, "reconcile", "-before", gone, "-up", "failure", "-verify", "skipped", "-git", dir); !strings.Contains(out, "ref=\nref-note=") ||
		!strings.Contains(out, "no such tag") {
		t.Fatalf("missing tag:\n%s", out)
	}
}
