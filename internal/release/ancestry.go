package release

import (
	"errors"
	"fmt"
	"os/exec"
	"regexp"
)

var commitRe = regexp.MustCompile(`^[0-9a-f]{40}$`)

// IsCommit reports whether s is a full commit SHA.
func IsCommit(s string) bool { return commitRe.MatchString(s) }

// GitAncestry answers "is a an ancestor of (or equal to) b?" with
// `git merge-base --is-ancestor` in dir. A commit git does not know (a force
// push removed it, or the clone is shallow) is an error, never a yes.
func GitAncestry(dir string) func(a, b string) (bool, error) {
	return func(a, b string) (bool, error) {
		cmd := exec.Command("git", "-C", dir, "merge-base", "--is-ancestor", a, b)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			return true, nil
		case errors.As(err, &exit) && exit.ExitCode() == 1:
			return false, nil
		}
		return false, fmt.Errorf("git merge-base --is-ancestor %s %s: %v: %s", a, b, err, out)
	}
}

// Known is a commit the stack runs or a deploy started, and where that was read.
type Known struct {
	Commit, Source string
}

// Guard decides whether candidate may be deployed over what staging knows:
// it must equal or descend from every known commit, so an older commit never
// replaces a newer one, whichever order the runs' tests finished in. ok false
// comes with the reason.
func Guard(isAncestor func(a, b string) (bool, error), candidate string, known []Known) (ok bool, why string, err error) {
	if !IsCommit(candidate) {
		return false, "", fmt.Errorf("commit %q: want a full 40-character SHA", candidate)
	}
	for _, k := range known {
		if k.Commit == "" || k.Commit == candidate {
			continue
		}
		if !IsCommit(k.Commit) {
			// Not a commit (a hand-deployed tag): nothing to order against.
			continue
		}
		anc, err := isAncestor(k.Commit, candidate)
		if err != nil {
			return false, fmt.Sprintf("%s is %s, which is not in the history of %s (%v): not deploying over it; "+
				"to put %s on staging anyway, run the rollback workflow with it", k.Source, k.Commit, candidate, err, candidate), nil
		}
		if !anc {
			return false, fmt.Sprintf("%s is %s, which is newer than (not an ancestor of) %s: an older commit never "+
				"replaces a newer one on staging", k.Source, k.Commit, candidate), nil
		}
	}
	return true, "", nil
}

// Usable keeps the known commits the guard can order the candidate against:
// each must be a commit this clone has (`git cat-file -e`) and reachable from
// mainRef (origin/main in the deploy job). After a history rewrite on main the
// commit staging runs, or the newest a push deployed, may be neither; ordering
// against it would refuse every later push forever (green, with a warning), so
// it is dropped, and each drop is returned as a warning for the log.
func Usable(dir, mainRef string, known []Known) (kept []Known, warnings []string, err error) {
	if out, err := exec.Command("git", "-C", dir, "rev-parse", "--verify", "--quiet", mainRef+"^{commit}").CombinedOutput(); err != nil {
		return nil, nil, fmt.Errorf("-main %q: no such commit in %s (%v %s): want the ref of main's history, e.g. origin/main "+
			"in a checkout with fetch-depth: 0", mainRef, dir, err, out)
	}
	for _, k := range known {
		if !IsCommit(k.Commit) {
			kept = append(kept, k)
			continue
		}
		if exec.Command("git", "-C", dir, "cat-file", "-e", k.Commit+"^{commit}").Run() != nil {
			warnings = append(warnings, fmt.Sprintf("ignoring %s, %s: this clone has no such commit (main's history was rewritten?)", k.Source, k.Commit))
			continue
		}
		onMain, err := GitAncestry(dir)(k.Commit, mainRef)
		if err != nil {
			return nil, nil, err
		}
		if !onMain {
			warnings = append(warnings, fmt.Sprintf("ignoring %s, %s: it is not in the history of %s (main's history was rewritten?)", k.Source, k.Commit, mainRef))
			continue
		}
		kept = append(kept, k)
	}
	return kept, warnings, nil
}
