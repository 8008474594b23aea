package verify

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// options are cmd/verify's flags, parsed and checked.
type options struct {
	outputsFile string
	target      Target        // what the flags say; they override the outputs
	budget      time.Duration // 0: the outputs' deployTimeoutSeconds, else defaultBudget
	poll        time.Duration
	healthPath  string
	prober      Prober
	skipProbe   bool
	// The deploy-time model to time the rollout against: the stack's config.
	stack, dir   string
	timingMargin int // percent
}

const defaultBudget = 15 * time.Minute

// usageHead and usageTail frame the flag list of `verify -h`.
const usageHead = `verify decides, after pulumi up, whether the new release really went live.
pulumi up exits 0 after an ECS circuit-breaker rollback too; verify does not.

It succeeds only when all of these hold, in this order:
  1. the ECS service is ACTIVE and its PRIMARY deployment runs the task
     definition this deploy created, its rollout COMPLETED with every task running;
  2. every running task of that revision is a registered, healthy target of the
     service's target group (none registered is a failure);
  3. GET <url>/health answers 2xx three times in a row (5 s timeout each), as the
     ALB's health check wants (skipped with -no-probe or without a url).
On a failure it prints why: the deployments, the service events, the targets.
After a completed rollout it prints how long it took to run the new tasks, to
have them healthy in the target group and to COMPLETED, from the times ECS
recorded, next to the deploy-time model's figures for the stack's config
(-stack), and warns when one exceeds the model by more than -timing-margin; with
GITHUB_STEP_SUMMARY set, the same goes to the job summary.

Usage:
  pulumi stack output --json -s STACK | bin/verify -outputs - -stack STACK [flags]
  bin/verify -cluster NAME -service NAME -task-definition ARN -region REGION [flags]

Build it first (go build -o bin/verify ./cmd/verify): go run reports every
non-zero exit status as 1, so the codes below would not reach CI.

Inputs: the stack outputs clusterName, clusterArn (for the region), serviceName,
taskDefinitionArn, url, targetGroupArn and deployTimeoutSeconds; flags override
them. AWS credentials come from the SDK's default chain (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, web identity, AWS_PROFILE, container or instance
credentials). AWS_ENDPOINT_URL sends every call to another endpoint (a local test
peer); AWS_MAX_ATTEMPTS caps the attempts per call (default 6).

Flags:
`

const usageTail = `
Exit status:
  0  deployed: the new revision serves, its targets are healthy, /health passes
  1  rolled back: the rollout FAILED, or another revision is PRIMARY
  2  timed out: the rollout had not ended within -timeout (or SIGINT/SIGTERM came first)
  3  bad input: missing or malformed outputs or flags; the cluster or service does
     not exist, is not ACTIVE, or has no ECS deployments to judge
  4  unhealthy: the rollout completed, but the new tasks are not all healthy
     targets, or /health did not pass
  5  AWS API error: no usable credentials, or ECS or ELB could not be read
     (permissions, network) after retries
`

// parseFlags reads the flags. ok is false when verify should exit with code at
// once (-h, a malformed flag, or values that can never pass).
func parseFlags(args []string, stderr io.Writer) (o options, code int, ok bool) {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
		fmt.Fprint(stderr, usageTail)
	}
	// A backquoted word in a usage string becomes the argument's name in -h.
	fs.StringVar(&o.outputsFile, "outputs", "", "read the stack outputs (pulumi stack output --json) from `file`, or - for stdin")
	fs.StringVar(&o.target.Cluster, "cluster", "", "ECS cluster `name` (overrides the outputs)")
	fs.StringVar(&o.target.Service, "service", "", "ECS service `name` (overrides the outputs)")
	fs.StringVar(&o.target.TaskDefinitionArn, "task-definition", "", "task definition `arn` this deploy created (overrides the outputs)")
	fs.StringVar(&o.target.URL, "url", "", "base `url` whose /health is probed (overrides the outputs; empty skips the probe)")
	fs.StringVar(&o.target.TargetGroupArn, "target-group", "", "target group `arn` the new tasks must be healthy in (default: the outputs', else the service's own)")
	fs.StringVar(&o.target.Region, "region", "", "AWS `region` (default: from the cluster ARN, else AWS_REGION)")
	fs.DurationVar(&o.budget, "timeout", 0, "time budget for the rollout and its targets, e.g. 15m (default: the outputs' deployTimeoutSeconds, else 15m)")
	fs.DurationVar(&o.poll, "poll", 15*time.Second, "how often to read the service and its targets while waiting")
	fs.StringVar(&o.healthPath, "health-path", "/health", "`path` probed under -url")
	fs.DurationVar(&o.prober.Interval, "probe-interval", 5*time.Second, "time between /health probes")
	fs.IntVar(&o.prober.MaxAttempts, "probe-attempts", 20, "give up on /health after `n` probes (at least 3: it takes 3 successes in a row)")
	fs.BoolVar(&o.prober.InsecureTLS, "insecure-tls", false,
		"do not check the certificate of -url (needed for the ALB's own DNS name, which no certificate names)")
	fs.BoolVar(&o.skipProbe, "no-probe", false, "check the rollout and its targets, not /health")
	fs.StringVar(&o.stack, "stack", "", "the stack `name` whose config (Pulumi.<name>.yaml in -dir) gives the deploy-time model's figures to time the rollout against; empty: measured times only")
	fs.StringVar(&o.dir, "dir", ".", "the project `dir` holding Pulumi.yaml and the stack files, for -stack")
	fs.IntVar(&o.timingMargin, "timing-margin", DefaultTimingMargin, "warn when a rollout milestone takes more than this `percent` longer than the model says")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, ExitDeployed, false
		}
		return o, ExitBadInput, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "verify: bad input: unexpected argument %q (every input is a flag; see verify -h)\n", fs.Arg(0))
		return o, ExitBadInput, false
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if problems := o.check(set); len(problems) > 0 {
		fmt.Fprintf(stderr, "verify: bad input:\n  %s\n", strings.Join(problems, "\n  "))
		return o, ExitBadInput, false
	}
	return o, 0, true
}

// check names every flag value that can never pass, with what is allowed.
func (o options) check(set map[string]bool) []string {
	var problems []string
	positive := func(name string, d time.Duration, example string) {
		if d <= 0 {
			problems = append(problems, fmt.Sprintf("-%s: got %v, want a positive duration such as %s", name, d, example))
		}
	}
	if set["timeout"] {
		positive("timeout", o.budget, "15m")
	}
	positive("poll", o.poll, "15s")
	positive("probe-interval", o.prober.Interval, "5s")
	if need := o.prober.withDefaults().HealthyThreshold; o.prober.MaxAttempts < need {
		problems = append(problems, fmt.Sprintf("-probe-attempts: got %d, want at least %d (/health passes only after %d 2xx answers in a row)",
			o.prober.MaxAttempts, need, need))
	}
	if o.timingMargin < 0 || o.timingMargin > 1000 {
		problems = append(problems, fmt.Sprintf("-timing-margin: got %d, want a percentage from 0 to 1000 (default %d)",
			o.timingMargin, DefaultTimingMargin))
	}
	if !strings.HasPrefix(o.healthPath, "/") {
		problems = append(problems, fmt.Sprintf("-health-path: got %q, want a path starting with /", o.healthPath))
	}
	return problems
}
