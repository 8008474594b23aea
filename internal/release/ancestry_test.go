package release

import (
	"os/exec"
	"strings"
	"testing"
)

// repo makes a git history A <- B and returns the two commits.
func repo(t *testing.T) (dir, a, b string) {
	t.Helper()
	dir = t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("commit", "-q", "--allow-empty", "-m", "A")
	a = git("rev-parse", "HEAD")
	git("commit", "-q", "--allow-empty", "-m", "B")
	b = git("rev-parse", "HEAD")
	return dir, a, b
}

func TestGuardNeverLetsAnOlderCommitReplaceANewerOne(t *testing.T) {
	dir, a, b := repo(t)
	anc := GitAncestry(dir)
	// Push A's tests finished after push B deployed: A must not go out.
	ok, why, err := Guard(anc, a, []Known{{Commit: b, Source: "the newest commit a push deployed"}})
	if err != nil || ok || !strings.Contains(why, b) || !strings.Contains(why, "older commit never replaces a newer one") {
		t.Fatalf("A over B: ok=%v why=%q err=%v", ok, why, err)
	}
	// B over A, B over itself (a re-run), and a stack that runs no commit yet.
	for _, known := range [][]Known{{{Commit: a}}, {{Commit: b}}, {{Commit: ""}, {Commit: "v1.2.3"}}} {
		if ok, why, err := Guard(anc, b, known); !ok || err != nil {
			t.Errorf("B over %v refused: %s %v", known, why, err)
		}
	}
	// A commit git does not know (force push) is never taken as an ancestor.
	unknown := strings.Repeat("c", 40)
	if ok, why, _ := Guard(anc, b, []Known{{Commit: unknown, Source: "staging runs"}}); ok || !strings.Contains(why, "rollback workflow") {
		t.Fatalf("unknown commit: ok=%v why=%q", ok, why)
	}
	if _, _, err := Guard(anc, "main", nil); err == nil {
		t.Fatal("a branch name is not a commit")
	}
}
