package release

import (
	"fmt"
	"os/exec"
	"strings"
)

// After a failed deploy the reconcile `pulumi up` puts back the release that
// was live, and must use that release's program and stack config too: the new
// commit's may be what failed (an infrastructure or config change), and in
// production the new program with the old image is a combination nothing
// verified. The release's label (imageTag) is its ref: a commit SHA on
// staging, a release tag on production.

// RestoreRef resolves the ref of the release to restore in the clone dir to a
// commit, or returns "" with why (the deploy then restores from its own
// program, and says so).
func RestoreRef(dir, tag string) (commit, why string) {
	rev := func(ref string) string {
		out, err := exec.Command("git", "-C", dir, "rev-parse", "--verify", "--quiet", ref).Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	switch {
	case tag == "":
		return "", "the release that was live has no label (imageTag) to find its code by"
	case IsCommit(tag):
		if c := rev(tag + "^{commit}"); c != "" {
			return c, ""
		}
		return "", fmt.Sprintf("the release that was live is commit %s, which this clone does not have (main's history was rewritten?)", tag)
	case exec.Command("git", "check-ref-format", "refs/tags/"+tag).Run() != nil:
		return "", fmt.Sprintf("the release that was live is labelled %q, which is no git ref", tag)
	}
	if c := rev("refs/tags/" + tag + "^{commit}"); c != "" {
		return c, ""
	}
	return "", fmt.Sprintf("the release that was live is labelled %q, and this repository has no such tag", tag)
}
