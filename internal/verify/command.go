package verify

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// Exit codes: each failure mode has its own, so a pipeline can tell them apart.
const (
	ExitDeployed   = 0 // the new task definition serves and /health passes
	ExitRolledBack = 1 // the rollout failed or was rolled back: the old version serves
	ExitTimedOut   = 2 // the rollout did not finish within the budget
	ExitBadInput   = 3 // missing or malformed outputs or flags
	ExitUnhealthy  = 4 // the rollout completed, but /health did not pass
	ExitAPIError   = 5 // ECS could not be read (permissions, network) after retries
)

// Clients lets tests hand in SDK clients pointed at a local fake.
type Clients struct {
	ECS ECSAPI
	ELB ELBAPI
}

// apiMaxAttempts bounds the SDK's retries (with backoff) of throttled and
// transient calls, per call.
const apiMaxAttempts = 6

// Command runs cmd/verify and returns its exit code. newClients builds the AWS
// clients for a region; nil uses the default credential chain.
func Command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer,
	newClients func(ctx context.Context, region string) (Clients, error)) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outputsFile := fs.String("outputs", "", "stack outputs JSON from `pulumi stack output --json` (a file, or - for stdin)")
	var t Target
	fs.StringVar(&t.Cluster, "cluster", "", "ECS cluster name (overrides the outputs)")
	fs.StringVar(&t.Service, "service", "", "ECS service name (overrides the outputs)")
	fs.StringVar(&t.TaskDefinitionArn, "task-definition", "", "task definition ARN this deploy created (overrides the outputs)")
	fs.StringVar(&t.URL, "url", "", "base URL whose /health is probed (overrides the outputs; empty skips the probe)")
	fs.StringVar(&t.TargetGroupArn, "target-group", "", "target group ARN for the target health report")
	fs.StringVar(&t.Region, "region", "", "AWS region (default: from the cluster ARN, else AWS_REGION)")
	budget := fs.Duration("timeout", 0, "time budget for the rollout (default: the stack's deployTimeoutSeconds output, else 15m)")
	poll := fs.Duration("poll", 15*time.Second, "how often to read the service while the rollout runs")
	healthPath := fs.String("health-path", "/health", "path probed under -url")
	var prober Prober
	fs.DurationVar(&prober.Interval, "probe-interval", 5*time.Second, "time between /health probes")
	fs.IntVar(&prober.MaxAttempts, "probe-attempts", 20, "give up on /health after this many probes")
	fs.BoolVar(&prober.InsecureTLS, "insecure-tls", false,
		"do not check the certificate of -url (needed for the ALB's own DNS name, which no certificate names)")
	skipProbe := fs.Bool("no-probe", false, "only check the rollout, not /health")
	if err := fs.Parse(args); err != nil {
		return ExitBadInput
	}

	if *outputsFile != "" {
		r := stdin
		if *outputsFile != "-" {
			f, err := os.Open(*outputsFile)
			if err != nil {
				fmt.Fprintf(stderr, "verify: bad input: %v\n", err)
				return ExitBadInput
			}
			defer f.Close()
			r = f
		}
		fromOutputs, err := targetFromOutputs(r)
		if err != nil {
			fmt.Fprintf(stderr, "verify: bad input: %v\n", err)
			return ExitBadInput
		}
		t = merge(fromOutputs, t)
	}
	if *budget > 0 {
		t.Budget = *budget
	}
	if t.Budget == 0 {
		t.Budget = 15 * time.Minute
	}
	if t.Region == "" {
		t.Region = os.Getenv("AWS_REGION")
	}
	if err := t.validate(); err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return ExitBadInput
	}

	if newClients == nil {
		newClients = DefaultClients
	}
	clients, err := newClients(ctx, t.Region)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return ExitAPIError
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stdout, "verify: "+format+"\n", args...) }

	logf("waiting up to %s for %s/%s to run %s", t.Budget, t.Cluster, t.Service, shortTaskDef(t.TaskDefinitionArn))
	rctx, cancel := context.WithTimeout(ctx, t.Budget)
	defer cancel()
	res, err := waitForRollout(rctx, clients.ECS, t, *poll, logf)
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "verify: interrupted before the rollout ended: %v\n", ctx.Err())
		return ExitTimedOut
	}
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		if errors.Is(err, errNotFound) {
			return ExitBadInput
		}
		return ExitAPIError
	}
	if res.Outcome != Deployed {
		fmt.Fprintf(stdout, "verify: %s: %s\n", res.Outcome, res.Reason)
		writeDeployments(stdout, res.Service)
		writeEvents(stdout, res.Service)
		writeTargetHealth(ctx, stdout, clients.ELB, t.TargetGroupArn)
		if res.Outcome == RolledBack {
			return ExitRolledBack
		}
		return ExitTimedOut
	}
	logf("rollout complete: %s", res.Reason)

	if *skipProbe || t.URL == "" {
		logf("health probe skipped")
		return ExitDeployed
	}
	url := strings.TrimRight(t.URL, "/") + *healthPath
	probe := prober.Probe(ctx, url)
	if !probe.Healthy {
		fmt.Fprintf(stdout, "verify: UNHEALTHY: %s did not answer 2xx %d times in a row; saw %s\n",
			url, prober.withDefaults().HealthyThreshold, strings.Join(probe.Seen, ", "))
		writeTargetHealth(ctx, stdout, clients.ELB, t.TargetGroupArn)
		return ExitUnhealthy
	}
	logf("%s healthy: saw %s", url, strings.Join(probe.Seen, ", "))
	logf("DEPLOYED %s", shortTaskDef(t.TaskDefinitionArn))
	return ExitDeployed
}

// merge lets flags override what the outputs say.
func merge(base, override Target) Target {
	pick := func(a, b string) string {
		if b != "" {
			return b
		}
		return a
	}
	base.Cluster = pick(base.Cluster, override.Cluster)
	base.Service = pick(base.Service, override.Service)
	base.TaskDefinitionArn = pick(base.TaskDefinitionArn, override.TaskDefinitionArn)
	base.URL = pick(base.URL, override.URL)
	base.TargetGroupArn = pick(base.TargetGroupArn, override.TargetGroupArn)
	base.Region = pick(base.Region, override.Region)
	return base
}

// DefaultClients builds ECS and ELBv2 clients from the default credential chain
// (in CI: the OIDC role configure-aws-credentials assumed), with bounded retries.
func DefaultClients(ctx context.Context, region string) (Clients, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region),
		config.WithRetryer(func() aws.Retryer {
			return retry.AddWithMaxAttempts(retry.NewStandard(), apiMaxAttempts)
		}))
	if err != nil {
		return Clients{}, fmt.Errorf("load AWS config: %w", err)
	}
	return Clients{ECS: ecs.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg)}, nil
}
