package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/example/webservice/internal/deploytime"
)

// Exit codes: each failure mode has its own, so a pipeline can tell them apart.
// They reach CI only from a built binary: `go run` turns every non-zero status
// into 1.
const (
	ExitDeployed   = 0 // the new task definition serves, its targets are healthy, /health passes
	ExitRolledBack = 1 // the rollout failed or was rolled back: the old version serves
	ExitTimedOut   = 2 // the rollout did not finish within the budget, or verify was interrupted
	ExitBadInput   = 3 // missing or malformed outputs or flags; no such cluster or service, or nothing to judge
	ExitUnhealthy  = 4 // the rollout completed, but its targets or /health did not pass
	ExitAPIError   = 5 // no usable credentials, or AWS could not be read (permissions, network) after retries
)

// Clients lets tests hand in SDK clients pointed at a local fake.
type Clients struct {
	ECS ECSAPI
	ELB ELBAPI
	// Credentials says whose credentials the clients sign with (never the
	// secret), for the message when AWS rejects them; "" when unknown.
	Credentials string
	attempts    *lastAttempt // nil for clients built elsewhere
}

// apiMaxAttempts bounds the SDK's retries (with backoff) of throttled and
// transient calls, per call, unless AWS_MAX_ATTEMPTS says otherwise.
const apiMaxAttempts = 6

// Command runs cmd/verify and returns its exit code. newClients builds the AWS
// clients for a region; nil uses the default credential chain.
func Command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer,
	newClients func(ctx context.Context, region string) (Clients, error)) int {
	o, code, ok := parseFlags(args, stderr)
	if !ok {
		return code
	}
	t, err := o.resolve(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return ExitBadInput
	}
	var model *deploytime.Milestones
	if o.stack != "" {
		// The timing report is information: a model that cannot be read never
		// fails a verification.
		if m, err := loadModel(o.dir, o.stack); err != nil {
			fmt.Fprintf(stdout, "verify: warning: -stack %s -dir %s: no deploy-time model to time the rollout against: %v\n",
				o.stack, o.dir, err)
		} else {
			model = &m
		}
	}
	if newClients == nil {
		newClients = DefaultClients
	}
	clients, err := newClients(ctx, t.Region)
	if ctx.Err() != nil {
		return interrupted(stderr, ctx)
	}
	if err != nil {
		fmt.Fprintf(stderr, "verify: %v\n", err)
		return ExitAPIError
	}
	r := run{o: o, t: t, c: clients, stdout: stdout, stderr: stderr, model: model}
	return r.verify(ctx)
}

// resolve merges the outputs and the flags into one checked Target.
func (o options) resolve(stdin io.Reader) (Target, error) {
	t := o.target
	if o.outputsFile != "" {
		r := stdin
		if o.outputsFile != "-" {
			f, err := os.Open(o.outputsFile)
			if err != nil {
				return t, fmt.Errorf("bad input: %v", err)
			}
			defer f.Close()
			r = f
		}
		fromOutputs, err := targetFromOutputs(r)
		if err != nil {
			return t, fmt.Errorf("bad input: %v", err)
		}
		t = merge(fromOutputs, t)
	}
	if o.budget != 0 {
		t.Budget = o.budget
	}
	if t.Budget == 0 {
		t.Budget = defaultBudget
	}
	if t.Region == "" {
		t.Region = os.Getenv("AWS_REGION")
	}
	return t, t.validate()
}

// run is one verification, phase by phase.
type run struct {
	o              options
	t              Target
	c              Clients
	stdout, stderr io.Writer
	model          *deploytime.Milestones // nil: time the rollout without a model
}

func (r run) logf(format string, args ...any) {
	fmt.Fprintf(r.stdout, "verify: "+format+"\n", args...)
}

func (r run) verify(ctx context.Context) int {
	t := r.t
	r.logf("waiting up to %s for %s/%s to run %s", t.Budget, t.Cluster, t.Service, shortTaskDef(t.TaskDefinitionArn))
	rctx, cancel := context.WithTimeout(ctx, t.Budget)
	defer cancel()

	// 1. The rollout.
	res, err := waitForRollout(rctx, r.c, t, r.o.poll, r.logf)
	if ctx.Err() != nil {
		return interrupted(r.stderr, ctx)
	}
	if err != nil {
		return r.failed(err)
	}
	if res.Outcome != Deployed {
		fmt.Fprintf(r.stdout, "verify: %s: %s\n", res.Outcome, res.Reason)
		writeDeployments(r.stdout, res.Service)
		writeEvents(r.stdout, res.Service)
		writeTargetHealth(ctx, r.stdout, r.c.ELB, t.TargetGroupArn)
		if res.Outcome == RolledBack {
			return ExitRolledBack
		}
		return ExitTimedOut
	}
	r.logf("rollout complete: %s", res.Reason)

	// 2. The new revision's tasks as targets of the load balancer.
	if tg, port := targetGroupOf(t, res.Service); tg == "" {
		r.logf("targets not checked: the service has no load balancer and no -target-group was given")
		r.reportTiming(res.Service, nil)
	} else {
		// What is left of the budget, but at least one reading's worth: a rollout
		// completing just before the budget ends still has its targets read.
		floor := min(t.Budget, targetsFloor)
		deadline, _ := rctx.Deadline()
		tctx, tcancel := context.WithDeadline(ctx, later(deadline, time.Now().Add(floor)))
		defer tcancel()
		tt, err := waitForTaskTargets(tctx, r.c, t, res.Service, tg, port, r.o.poll, r.logf)
		if ctx.Err() != nil {
			return interrupted(r.stderr, ctx)
		}
		if err != nil {
			return r.failed(err)
		}
		r.reportTiming(res.Service, tt.Tasks)
		if !tt.ok() {
			fmt.Fprintf(r.stdout, "verify: UNHEALTHY: %s\n", tt.summary())
			tt.write(r.stdout)
			writeEvents(r.stdout, res.Service)
			return ExitUnhealthy
		}
		r.logf("targets: %s", tt.summary())
	}

	// 3. /health, as the ALB's health check asks it.
	if r.o.skipProbe || t.URL == "" {
		r.logf("health probe skipped")
		r.logf("DEPLOYED %s", shortTaskDef(t.TaskDefinitionArn))
		return ExitDeployed
	}
	url := strings.TrimRight(t.URL, "/") + r.o.healthPath
	probe := r.o.prober.Probe(ctx, url)
	if ctx.Err() != nil {
		return interrupted(r.stderr, ctx)
	}
	if !probe.Healthy {
		fmt.Fprintf(r.stdout, "verify: UNHEALTHY: %s did not answer 2xx %d times in a row; saw %s\n",
			url, r.o.prober.withDefaults().HealthyThreshold, strings.Join(probe.Seen, ", "))
		writeTargetHealth(ctx, r.stdout, r.c.ELB, t.TargetGroupArn)
		return ExitUnhealthy
	}
	r.logf("%s healthy: saw %s", url, strings.Join(probe.Seen, ", "))
	r.logf("DEPLOYED %s", shortTaskDef(t.TaskDefinitionArn))
	return ExitDeployed
}

// targetsFloor is the least time the target check gets, whatever the rollout
// left of the budget.
const targetsFloor = 30 * time.Second

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// failed reports an error that ended verification before a verdict.
func (r run) failed(err error) int {
	fmt.Fprintf(r.stderr, "verify: %v\n", err)
	if errors.Is(err, errBadInput) {
		return ExitBadInput
	}
	return ExitAPIError
}

// interrupted: SIGINT or SIGTERM (a cancelled CI job) came before a verdict.
func interrupted(stderr io.Writer, ctx context.Context) int {
	fmt.Fprintf(stderr, "verify: interrupted before a verdict: %v\n", context.Cause(ctx))
	return ExitTimedOut
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
