// Package deploy is cmd/deploy, the one way a stack is deployed, from CI or a
// laptop: docs/pipelines.md ("The deploy") says what it does and why.
package deploy

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/example/webservice/internal/stackfile"
)

const usage = `usage: deploy [first | settings | staged] [flags]

  deploy -stack S -tag T [-from IMAGE]  roll S to the image tagged T (promoted from IMAGE), gated on ECR's scan,
                                        verified; the live release restored if it does not serve
  deploy first -stack S -tag T          first deployment (the registry only); writes repository=, push=, deploy=
  deploy settings -stack S              writes region= from the stack files (with -rollback: checks -tag first)
  deploy staged -commit C               writes image=, what staging last verified for C

Results (key=value, for $GITHUB_OUTPUT) go to stdout, the log to stderr. Exit status: 0 deployed (or
skipped, said so), 1 not deployed (the live release restored if there was one), 2 bad flags. Flags:
`

// options are the flags, and what tests replace.
type options struct {
	stack, pulumiStack, dir, git, tag, commit, from, url, signer string
	rollback, skipOlder, allowCritical, requireScan              bool
	wait, poll                                                   time.Duration // for staging's record, and the scan

	out, log io.Writer // results, and the log
	pulumi   string    // the CLI
	verify   func(ctx context.Context, outputs []byte, args []string) int
	gh       func(ctx context.Context, args ...string) ([]byte, error)
	ecr      ecrAPI
}

// Command runs cmd/deploy and returns its exit status.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "deploy: the AWS config: %v\n", err)
		return 2
	}
	return run(ctx, &options{out: stdout, log: stderr, pulumi: "pulumi", verify: runVerify, gh: runGH, wait: time.Hour,
		poll: 30 * time.Second, ecr: ecr.NewFromConfig(cfg)}, args)
}

func run(ctx context.Context, o *options, args []string) int {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	fs.SetOutput(o.log)
	fs.Usage = func() { fmt.Fprint(o.log, usage); fs.PrintDefaults() }
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
	fs.BoolVar(&o.allowCritical, "allow-critical", false, "CRITICAL findings of ECR's scan only warn (ALLOW_CRITICAL_FINDINGS)")
	fs.BoolVar(&o.requireScan, "require-scan", false, "an image ECR cannot scan fails, not warns (REQUIRE_IMAGE_SCAN)")
	fs.StringVar(&o.signer, "signer-workflow", "", "check the image's provenance attestation names `owner/repo/.github/workflows/file.yml`, from main (gh)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	do, ok := map[string]func(context.Context) error{"": o.deploy, "first": o.first, "settings": o.settings, "staged": o.staged}[sub]
	if err := o.check(sub, ok, fs.Args()); err != nil {
		fmt.Fprintf(o.log, "deploy: %v (deploy -h)\n", err)
		return 2
	}
	o.pulumiStack = cmp.Or(o.pulumiStack, o.stack)
	err := o.rollbackTarget(sub)
	if err == nil {
		err = do(ctx)
	}
	if err != nil {
		o.say("error", "%v", err)
		return 1
	}
	return 0
}

// check names every flag value that can never work, and what is allowed.
func (o *options) check(sub string, known bool, rest []string) error {
	switch {
	case !known:
		return fmt.Errorf("unknown command %q: want first, settings, staged or none", sub)
	case len(rest) > 0:
		return fmt.Errorf("unexpected arguments %q: every input is a flag", rest)
	case sub == "staged" && !commitRe.MatchString(o.commit):
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

// settings writes the stack's region from its stack files: no variable can disagree.
func (o *options) settings(context.Context) error {
	cfg, err := stackfile.Load(o.dir, o.stack)
	if err != nil {
		return err
	}
	region, _ := cfg.Get("aws:region")
	if region == "" {
		return fmt.Errorf("stack %s sets no aws:region (Pulumi.%[1]s.yaml)", o.stack)
	}
	o.result("region", region)
	return nil
}

// say writes a line GitHub shows as an annotation (error, warning, notice).
func (o *options) say(kind, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		fmt.Fprintf(o.log, "::%s::%s\n", kind, strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(msg))
		return
	}
	fmt.Fprintf(o.log, "deploy: %s: %s\n", kind, msg)
}

// result writes key=value lines (for $GITHUB_OUTPUT).
func (o *options) result(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(o.out, "%s=%s\n", kv[i], kv[i+1])
	}
}
