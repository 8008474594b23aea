// Package deploy is cmd/deploy, the one way a stack is deployed, from CI or a
// laptop: read what the stack runs, refuse (or skip) a release older than
// that, pin the image by digest, `pulumi up` with it in WEBSERVICE_IMAGE_TAG
// and WEBSERVICE_IMAGE_DIGEST (never --config, which the CLI saves into the
// stack file), verify it serves (internal/verify: `pulumi up` exits 0 after an
// ECS circuit-breaker rollback too), and after anything but a verified
// rollout `pulumi up` the release that was live, with its own program and
// config, so the stack's outputs name what runs; then fail.
package deploy

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

const usage = `usage: deploy [first | settings | staged] [flags]

  deploy -stack S -tag T [-from IMAGE]  roll S to the image tagged T (promoting: copied from IMAGE first),
                                        verify it, and restore the live release if it does not serve
  deploy first -stack S -tag T          first deployment (the registry only); writes repository=, push=, deploy=
  deploy settings -stack S              writes region= and platforms= from the stack files
  deploy staged -commit C               writes image=, what staging last verified for C

Results go to $GITHUB_OUTPUT when set, else stdout. Needs pulumi on PATH, the stack's Pulumi and
AWS credentials; gh (GH_TOKEN) only for staged and -signer-workflow. Exit status: 0 deployed (or
skipped, said so), 1 not deployed (the live release restored if there was one), 2 bad flags.

Flags:
`

// options are the flags, and what tests replace.
type options struct {
	stack, pulumiStack, dir, git, tag, commit, from, url, signer, sourceRef, environment string
	rollback, skipOlder, scan, allowCritical, requireScan                                bool
	wait, poll                                                                           time.Duration

	out, log io.Writer
	pulumi   string // the CLI
	verify   func(ctx context.Context, outputs []byte, args []string) int
	gh       func(ctx context.Context, args ...string) ([]byte, error)
	ecr      ecrAPI // nil: from the environment's AWS config
}

// Command runs cmd/deploy and returns its exit status.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, &options{log: stdout, pulumi: "pulumi", verify: runVerify, gh: runGH}, args, stderr)
}

func run(ctx context.Context, o *options, args []string, stderr io.Writer) int {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage); fs.PrintDefaults() }
	fs.StringVar(&o.stack, "stack", "", "the stack as its stack file names it (Pulumi.<name>.yaml)")
	fs.StringVar(&o.pulumiStack, "pulumi-stack", "", "the stack as the Pulumi CLI names it, e.g. org/staging (default -stack)")
	fs.StringVar(&o.dir, "dir", ".", "the program and stack files of the release deployed")
	fs.StringVar(&o.git, "git", ".", "a clone with main's history and the release tags")
	fs.StringVar(&o.tag, "tag", "", "the image tag: the commit SHA on staging, the release tag on production")
	fs.StringVar(&o.commit, "commit", "", "the commit deployed (default: the one -tag names; staged: the release's)")
	fs.StringVar(&o.from, "from", "", "promote: copy this image (repository@sha256:...) to -tag in the stack's repository")
	fs.BoolVar(&o.rollback, "rollback", false, "deploy a release older than the live one, on purpose (no scan gate)")
	fs.BoolVar(&o.skipOlder, "skip-older", false, "deploy nothing, with a notice, when the commit is older than the live one (default: fail)")
	fs.StringVar(&o.url, "url", "", "verify probes `url`/health (default: the url output, its certificate unchecked)")
	fs.BoolVar(&o.scan, "scan", false, "gate on ECR's scan: CRITICAL findings fail, an image ECR cannot scan warns")
	fs.BoolVar(&o.allowCritical, "allow-critical", false, "with -scan: CRITICAL findings only warn")
	fs.BoolVar(&o.requireScan, "require-scan", false, "with -scan: an image ECR cannot scan fails")
	fs.StringVar(&o.signer, "signer-workflow", "", "check the image's provenance attestation names `owner/repo/.github/workflows/file.yml`")
	fs.StringVar(&o.sourceRef, "source-ref", "refs/heads/main", "with -signer-workflow: the ref the image was built from")
	fs.StringVar(&o.environment, "environment", "staging", "staged: the GitHub environment of the records")
	fs.DurationVar(&o.wait, "wait", time.Hour, "staged: how long a deploy still going is waited for; -scan: the scan")
	fs.DurationVar(&o.poll, "poll", 30*time.Second, "how often to look again while waiting")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	do, ok := map[string]func(context.Context) error{"": o.deploy, "first": o.first, "settings": o.settings, "staged": o.staged}[sub]
	if err := o.check(sub, ok, fs.Args()); err != nil {
		fmt.Fprintf(stderr, "deploy: %v (deploy -h)\n", err)
		return 2
	}
	o.pulumiStack = cmpOr(o.pulumiStack, o.stack)
	o.out = o.log
	if path := os.Getenv("GITHUB_OUTPUT"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			fmt.Fprintf(stderr, "deploy: GITHUB_OUTPUT: %v\n", err)
			return 2
		}
		defer f.Close()
		o.out = f
	}
	if err := do(ctx); err != nil {
		o.say("error", "%v", err)
		return 1
	}
	return 0
}

// check names every flag value that can never work, with what is allowed.
func (o *options) check(sub string, known bool, rest []string) error {
	switch {
	case !known:
		return fmt.Errorf("unknown command %q: want first, settings, staged or none", sub)
	case len(rest) > 0:
		return fmt.Errorf("unexpected arguments %q: every input is a flag", rest)
	case sub == "staged" && !isCommit(o.commit):
		return fmt.Errorf("-commit %q: want the full 40-character SHA of the release's commit", o.commit)
	case sub != "staged" && o.stack == "":
		return errors.New("-stack: want the stack's name, e.g. staging")
	case (sub == "" || sub == "first") && !ecrTag.MatchString(o.tag):
		return fmt.Errorf("-tag %q: want an image tag (letters, digits, _ . -, at most 128, so no semver build "+
			"metadata \"+...\"): the commit SHA on staging, the release tag such as v1.2.3 on production", o.tag)
	case o.from != "" && (o.rollback || !strings.Contains(o.from, "@sha256:")):
		return fmt.Errorf("-from %q: want the verified image by digest, repository@sha256:..., and no -rollback "+
			"(a rollback returns to an image the stack's repository holds)", o.from)
	}
	return nil
}

// say writes a line GitHub shows as an annotation (error, warning, notice).
func (o *options) say(kind, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		fmt.Fprintf(o.log, "::%s::%s\n", kind, strings.ReplaceAll(msg, "\n", "%0A"))
		return
	}
	fmt.Fprintf(o.log, "deploy: %s: %s\n", kind, msg)
}

// result writes key=value lines for $GITHUB_OUTPUT.
func (o *options) result(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(o.out, "%s=%s\n", kv[i], kv[i+1])
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
