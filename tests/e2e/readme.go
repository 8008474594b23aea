//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The README's set-up is run as the README writes it: each block the suite
// runs follows an HTML comment naming it, `<!-- e2e: NAME -->`, invisible
// when the README is rendered. The suite sets the shell variables the README
// asks the reader to set (AWS_ACCOUNT_ID, GITHUB_ORG, ...).
var readmeBlock = regexp.MustCompile("(?s)<!-- e2e: ([a-z0-9-]+) -->[ \\t]*\n([ \\t]*)```(?:sh|bash)?\n(.*?)\n[ \\t]*```")

// readmeBlocks are the named blocks of the workspace's README, in order.
func readmeBlocks(t testing.TB, repo string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repo, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range readmeBlock.FindAllStringSubmatch(string(b), -1) {
		if _, dup := out[m[1]]; dup {
			t.Fatalf("README.md: two blocks named %q", m[1])
		}
		// A block inside a list item is indented: drop the fence's indent.
		var lines []string
		for _, l := range strings.Split(m[3], "\n") {
			lines = append(lines, strings.TrimPrefix(l, m[2]))
		}
		out[m[1]] = strings.Join(lines, "\n")
	}
	return out
}

// readmeBlock is one named block; a missing one fails the test, naming it.
func (w *world) readme(name string) string {
	w.t.Helper()
	block, ok := readmeBlocks(w.t, w.repo)[name]
	if !ok {
		w.t.Fatalf("README.md has no block marked <!-- e2e: %s --> (the suite runs the set-up as the README writes it)", name)
	}
	return block
}

// vars renders shell assignments for a README block's variables.
func vars(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "%s=%q\n", kv[i], kv[i+1])
	}
	return b.String()
}
