package deploy

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"

	"github.com/example/webservice/internal/verify"
)

var (
	commitRe = regexp.MustCompile(`^[0-9a-f]{40}$`)
	ecrTag   = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
)

// first gives a stack that never completed an update its registry (a plain
// `pulumi up`), and says whether to push the image and to deploy at all.
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
	o.result("url", consoleURL(image)+map[bool]string{true: "#rollback"}[o.rollback]) // the environment URL: the record of what ran
	if o.signer != "" {
		if err := o.attested(ctx, image); err != nil {
			return err
		}
	}
	if !o.rollback { // a rollback returns to an image that already ran
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

// rollout is one `pulumi up` of a release and verify (pulumi exits 0 after
// ECS's circuit breaker rolled back too): "" when it serves, else why not.
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

// restore `pulumi up`s the live release with its own program and config (a
// worktree of its tag or commit), so the stack's outputs name what serves.
func (o *options) restore(ctx context.Context, before outputs) string {
	tag, digest, ok := before.live()
	if !ok {
		return "the stack ran no release before it: nothing to restore, the next verified deploy sets it right"
	}
	dir := o.dir
	if commit := o.rev(tag); commit == "" {
		o.say("warning", "the live release %q is no tag or commit of %s: restoring it with this deploy's program and config", tag, o.git)
	} else {
		dir = fmt.Sprintf("%s/restore-%s-%d", os.TempDir(), commit, os.Getpid())
		if out, err := exec.Command("git", "-C", o.git, "worktree", "add", "--detach", dir, commit).CombinedOutput(); err != nil {
			return fmt.Sprintf("restoring %s failed: no checkout of it: %v: %s", tag, err, out)
		}
		defer exec.Command("git", "-C", o.git, "worktree", "remove", "--force", dir).Run()
	}
	if why := o.rollout(ctx, dir, tag, digest); why != "" {
		return fmt.Sprintf("restoring %s failed too (%s): look at the service now (docs/runbook.md)", tag, why)
	}
	return fmt.Sprintf("%s serves again, verified, and the stack's outputs say so", tag)
}

// older is the order rule: a commit that does not contain the live one
// replaces it only in a rollback (-skip-older: skipped, with a notice). A live
// release the clone does not know (main rewritten) is not ordered against.
func (o *options) older(before outputs) (bool, error) {
	if o.commit = cmp.Or(o.commit, o.rev(o.tag)); o.commit == "" {
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

// rollbackTarget, checked before the credentials step: a rollback aims at a release tag (the
// ruleset says who makes one) or a commit of main, never at unreviewed code; never a re-run.
func (o *options) rollbackTarget(sub string) error {
	if !o.rollback || sub == "staged" {
		return nil
	}
	if n := os.Getenv("GITHUB_RUN_ATTEMPT"); n != "" && n != "1" {
		return errors.New("a re-run of a rollback run would return the stack to that release over whatever came after: start a new rollback run")
	}
	commit, isCommit := o.rev(o.tag), commitRe.MatchString(o.tag)
	switch {
	case commit == "" || !isCommit && !strings.HasPrefix(o.tag, "v"):
		return fmt.Errorf("-tag %s: a rollback returns to a release tag (v*, the tags the ruleset guards) or a commit of main, and %s has neither", o.tag, o.git)
	case isCommit && exec.Command("git", "-C", o.git, "rev-parse", "--verify", "--quiet", "origin/main").Run() != nil:
		return fmt.Errorf("%s has no origin/main to find %s in: git fetch origin main", o.git, o.tag)
	case isCommit && exec.Command("git", "-C", o.git, "merge-base", "--is-ancestor", commit, "origin/main").Run() != nil:
		return fmt.Errorf("-tag %s is no commit of origin/main: a rollback returns only to what main ran", o.tag)
	}
	return nil
}

// rev is the commit a tag or commit SHA names in the clone, "" when none.
func (o *options) rev(ref string) string {
	if !commitRe.MatchString(ref) {
		ref = "refs/tags/" + ref
	}
	out, err := exec.Command("git", "-C", o.git, "rev-parse", "--verify", "--quiet", ref+"^{commit}").Output()
	if err != nil {
		return ""
	}
	return string(bytes.TrimSpace(out))
}

// outputs are a stack's outputs as `pulumi stack output --json` prints them.
type outputs map[string]any

func (o outputs) str(k string) string { s, _ := o[k].(string); return s }

// live is the release the stack runs; ok is false when it runs none.
func (o outputs) live() (tag, digest string, ok bool) {
	_, digest, _ = strings.Cut(o.str("image"), "@")
	return o.str("imageTag"), digest, digest != "" && o.str("deploymentState") != "awaiting-image"
}

func (o *options) outputs(ctx context.Context) (outputs, []byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, o.pulumi, "stack", "output", "--json", "--stack", o.pulumiStack, "--non-interactive")
	cmd.Dir, cmd.Stdout, cmd.Stderr = o.dir, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("reading the outputs of %s: %v: %s (is the stack initialised, and are its Pulumi credentials set?)",
			o.pulumiStack, err, strings.TrimSpace(stderr.String()))
	}
	out, b := outputs{}, bytes.TrimSpace(stdout.Bytes())
	if len(b) > 0 { // none: a stack that never completed an update
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, nil, fmt.Errorf("the outputs of %s are not JSON: %w", o.pulumiStack, err)
		}
	}
	return out, b, nil
}

// up runs `pulumi up` of the stack in dir, the image (if any) in env; an
// interrupted one (a cancelled job, its timeout) cancels its update before the
// runner's kill, so its lock does not outlive the run.
func (o *options) up(ctx context.Context, dir string, env []string, what string) error {
	msg := what + " [" + cmp.Or(os.Getenv("GITHUB_RUN_ID"), os.Getenv("USER")) + "]"
	cmd := exec.CommandContext(ctx, o.pulumi, "up", "--yes", "--non-interactive", "--stack", o.pulumiStack, "--message", msg)
	cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = dir, o.log, o.log, append(os.Environ(), env...)
	cmd.Cancel = func() error {
		o.say("warning", "interrupted: cancelling the update of %s so its lock does not outlive this run", o.pulumiStack)
		cancel := exec.Command(o.pulumi, "cancel", "--yes", "--non-interactive", "--stack", o.pulumiStack)
		cancel.Dir, cancel.Stdout, cancel.Stderr = dir, o.log, o.log
		_ = cancel.Run()
		return cmd.Process.Signal(os.Interrupt)
	}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pulumi up of %s: %w", o.pulumiStack, err)
	}
	return nil
}

// runVerify is internal/verify, as cmd/verify runs it.
func runVerify(ctx context.Context, outputs []byte, args []string) int {
	return verify.Command(ctx, args, bytes.NewReader(outputs), os.Stderr, os.Stderr, nil) // stdout: results only
}
