package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/example/webservice/internal/verify"
)

var (
	commitRe = regexp.MustCompile(`^[0-9a-f]{40}$`)
	ecrTag   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
)

func isCommit(s string) bool { return commitRe.MatchString(s) }

// first makes a stack that never completed an update able to take an image:
// a plain `pulumi up` creates its registry only (deploymentState
// awaiting-image). It says whether the image still has to be pushed, and
// whether this deploy goes ahead at all (the order rule).
func (o *options) first(ctx context.Context) error {
	before, _, err := o.outputs(ctx)
	if err == nil && before.str("deploymentState") == "" && before.str("image") == "" {
		o.say("notice", "first deployment of %s: creating its registry", o.pulumiStack)
		if err = o.up(ctx, o.dir, nil, "first deployment: the registry"); err == nil {
			before, _, err = o.outputs(ctx)
		}
	}
	if err != nil {
		return err
	}
	older, err := o.older(before)
	if err != nil {
		return err
	}
	digest, err := o.digest(ctx, before.str("ecrRepositoryName"))
	o.result("repository", before.str("ecrRepositoryUrl"), "push", fmt.Sprint(digest == "" && !older), "deploy", fmt.Sprint(!older))
	return err
}

// deploy is the deploy.
func (o *options) deploy(ctx context.Context) error {
	before, _, err := o.outputs(ctx)
	if err != nil {
		return err
	}
	repo, url := before.str("ecrRepositoryName"), before.str("ecrRepositoryUrl")
	if repo == "" {
		return fmt.Errorf("%s has no registry yet: run `deploy first -stack %s -tag %s`, push the image, then deploy", o.pulumiStack, o.stack, o.tag)
	}
	if older, err := o.older(before); older || err != nil {
		return err
	}
	if o.from != "" {
		if err := o.promote(ctx, url+":"+o.tag); err != nil {
			return err
		}
	}
	digest, err := o.digest(ctx, repo)
	if digest == "" && err == nil {
		err = fmt.Errorf("no image tagged %s in %s: push it, or promote the one staging verified", o.tag, repo)
	}
	if err != nil {
		return err
	}
	image := url + "@" + digest
	o.result("url", consoleURL(image)) // the job's environment URL: the record of what it ran
	if o.signer != "" {
		if err := o.attested(ctx, image); err != nil {
			return err
		}
	}
	if o.scan && !o.rollback { // a rollback returns to an image that already ran
		if err := o.scanGate(ctx, repo, digest); err != nil {
			return err
		}
	}
	why := o.rollout(ctx, o.dir, o.tag, digest)
	switch {
	case why == "":
		o.say("notice", "%s runs %s (%s), verified", o.pulumiStack, o.tag, image)
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted: %s; the next deploy sets %s right", why, o.pulumiStack)
	}
	o.say("error", "%s is not live (%s): redeploying the release that was", image, why)
	return fmt.Errorf("%s did not go live (%s); %s", o.tag, why, o.restore(ctx, before))
}

// rollout is one `pulumi up` of a release and its verification: "" when the
// release serves, else why not.
func (o *options) rollout(ctx context.Context, dir, tag, digest string) string {
	env := []string{"WEBSERVICE_IMAGE_TAG=" + tag, "WEBSERVICE_IMAGE_DIGEST=" + digest}
	if err := o.up(ctx, dir, env, "deploy "+tag+" @ "+digest); err != nil {
		return err.Error()
	}
	after, b, err := o.outputs(ctx)
	switch {
	case err != nil:
		return err.Error()
	case !strings.HasSuffix(after.str("image"), "@"+digest):
		return fmt.Sprintf("the stack's image output is %q, not %s: the program did not take WEBSERVICE_IMAGE_DIGEST", after.str("image"), digest)
	}
	args := []string{"-outputs", "-", "-stack", o.stack, "-dir", dir, "-insecure-tls"}
	if o.url != "" {
		args = append(args[:6], "-url", o.url)
	}
	if code := o.verify(ctx, b, args); code != verify.ExitDeployed {
		return fmt.Sprintf("verify exited %d: 1 rolled back, 2 timed out, 3 bad input, 4 unhealthy, 5 AWS API error", code)
	}
	return ""
}

// restore puts back the release that was live, with its own program and
// stack config (a worktree of its tag or commit: the new release's may be
// what failed), so the stack's outputs name what serves again (a refresh
// never rewrites outputs). It says how that went.
func (o *options) restore(ctx context.Context, before outputs) string {
	tag, digest, ok := before.live()
	if !ok {
		return "the stack ran no release before it: nothing to restore, the next verified deploy sets it right"
	}
	dir := o.dir
	if commit := o.rev(tag); commit == "" {
		o.say("warning", "the live release %q is no tag or commit of %s: restoring it with this deploy's program and config", tag, o.git)
	} else {
		tmp, err := os.MkdirTemp("", "restore")
		if err != nil {
			return err.Error()
		}
		defer os.RemoveAll(tmp)
		if out, err := exec.Command("git", "-C", o.git, "worktree", "add", "--detach", tmp+"/release", commit).CombinedOutput(); err != nil {
			return fmt.Sprintf("restoring %s failed: no checkout of it: %v: %s", tag, err, out)
		}
		defer exec.Command("git", "-C", o.git, "worktree", "remove", "--force", tmp+"/release").Run()
		dir = tmp + "/release"
	}
	if why := o.rollout(ctx, dir, tag, digest); why != "" {
		return fmt.Sprintf("restoring %s failed too (%s): look at the service now (docs/runbook.md)", tag, why)
	}
	return fmt.Sprintf("%s serves again, verified, and the stack's outputs say so", tag)
}

// older applies the order rule: a commit that does not contain the one the
// stack runs is older, and replaces it only in a rollback. With -skip-older
// (a staging push: the re-run of an old run, say) it is skipped with a
// notice, else the deploy fails. A live release this clone cannot resolve
// (main rewritten, a tag pushed by hand) is not ordered against, with a warning.
func (o *options) older(before outputs) (bool, error) {
	if o.commit = cmpOr(o.commit, o.rev(o.tag)); o.commit == "" {
		return false, fmt.Errorf("-tag %s names no commit of %s: give -commit", o.tag, o.git)
	}
	tag, _, ok := before.live()
	if !ok || o.rollback || tag == o.tag {
		return false, nil
	}
	live := o.rev(tag)
	if live == "" {
		o.say("warning", "%s runs %q, which %s does not know: not ordering %s against it", o.pulumiStack, tag, o.git, o.tag)
		return false, nil
	}
	if exec.Command("git", "-C", o.git, "merge-base", "--is-ancestor", live, o.commit).Run() == nil {
		return false, nil
	}
	why := fmt.Sprintf("%s runs %s (%s), which %s (%s) does not contain: an older release never replaces a newer one",
		o.pulumiStack, tag, live, o.tag, o.commit)
	if o.skipOlder {
		o.say("notice", "not deploying: %s", why)
		return true, nil
	}
	return true, errors.New(why + "; to return to it on purpose, run the rollback")
}

// rev is the commit a tag or commit SHA names in the clone, "" when none.
func (o *options) rev(ref string) string {
	if !isCommit(ref) {
		ref = "refs/tags/" + ref
	}
	out, err := exec.Command("git", "-C", o.git, "rev-parse", "--verify", "--quiet", ref+"^{commit}").Output()
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(out))
}

// runVerify is internal/verify, as cmd/verify runs it.
func runVerify(ctx context.Context, outputs []byte, args []string) int {
	return verify.Command(ctx, args, bytes.NewReader(outputs), os.Stdout, os.Stderr, nil)
}
