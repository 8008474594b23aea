package verify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ECSAPI is the part of the ECS client verify uses.
type ECSAPI interface {
	DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, opts ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
}

// Outcome is how a rollout ended, as far as verify could tell.
type Outcome int

const (
	Deployed   Outcome = iota // PRIMARY runs the new task definition, COMPLETED, running = desired
	RolledBack                // the rollout FAILED or another task definition is PRIMARY
	TimedOut                  // still in progress when the budget ran out
)

func (o Outcome) String() string {
	return [...]string{"DEPLOYED", "ROLLED BACK", "TIMED OUT"}[o]
}

// RolloutResult is the last state seen and why it was judged so.
type RolloutResult struct {
	Outcome Outcome
	Reason  string
	Service *ecstypes.Service
}

// maxAPIFailures is how many polls in a row may fail (after the SDK's own
// retries with backoff) before verify gives up on the API.
const maxAPIFailures = 3

// ErrAPI wraps a failure to read the service from ECS.
var ErrAPI = errors.New("ECS API")

// waitForRollout polls the service until its rollout of taskDefinition ends or
// the context's deadline passes.
func waitForRollout(ctx context.Context, client ECSAPI, t Target, poll time.Duration, logf func(string, ...any)) (*RolloutResult, error) {
	failures := 0
	var last *ecstypes.Service
	for {
		svc, err := describeService(ctx, client, t)
		switch {
		case err == nil:
			failures = 0
			last = svc
			if res := judge(svc, t.TaskDefinitionArn); res != nil {
				return res, nil
			}
			if p := primary(svc); p != nil {
				logf("rollout in progress: %d/%d tasks running on %s", p.RunningCount, p.DesiredCount,
					shortTaskDef(aws.ToString(p.TaskDefinition)))
			}
		case errors.Is(err, errNotFound):
			return nil, err
		case ctx.Err() != nil:
			return &RolloutResult{Outcome: TimedOut, Service: last,
				Reason: "the rollout had not finished when the time budget ran out"}, nil
		default:
			failures++
			logf("could not read the service (%d/%d): %v", failures, maxAPIFailures, err)
			if failures >= maxAPIFailures {
				return nil, err
			}
		}
		select {
		case <-ctx.Done():
			return &RolloutResult{Outcome: TimedOut, Service: last,
				Reason: "the rollout had not finished when the time budget ran out"}, nil
		case <-time.After(poll):
		}
	}
}

var errNotFound = errors.New("service not found")

func describeService(ctx context.Context, client ECSAPI, t Target) (*ecstypes.Service, error) {
	out, err := client.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(t.Cluster),
		Services: []string{t.Service},
	})
	if err != nil {
		return nil, fmt.Errorf("%w: describe service %s in cluster %s: %w", ErrAPI, t.Service, t.Cluster, err)
	}
	if len(out.Services) == 0 {
		reason := "no such service"
		if len(out.Failures) > 0 {
			reason = aws.ToString(out.Failures[0].Reason)
		}
		return nil, fmt.Errorf("%w: %s in cluster %s: %s", errNotFound, t.Service, t.Cluster, reason)
	}
	return &out.Services[0], nil
}

// judge returns the outcome once the rollout has ended, or nil while it runs.
func judge(svc *ecstypes.Service, want string) *RolloutResult {
	p := primary(svc)
	if p == nil {
		return nil
	}
	got := aws.ToString(p.TaskDefinition)
	if got != want {
		reason := fmt.Sprintf("the PRIMARY deployment runs %s, not %s", got, want)
		if d := deploymentOf(svc, want); d != nil && d.RolloutState == ecstypes.DeploymentRolloutStateFailed {
			reason += ": its rollout FAILED (" + aws.ToString(d.RolloutStateReason) + ")"
		} else {
			reason += ": the deployment was rolled back or replaced"
		}
		return &RolloutResult{Outcome: RolledBack, Reason: reason, Service: svc}
	}
	switch p.RolloutState {
	case ecstypes.DeploymentRolloutStateFailed:
		return &RolloutResult{Outcome: RolledBack, Service: svc,
			Reason: "the rollout FAILED: " + aws.ToString(p.RolloutStateReason)}
	case ecstypes.DeploymentRolloutStateCompleted:
		if p.RunningCount == p.DesiredCount && len(svc.Deployments) == 1 {
			return &RolloutResult{Outcome: Deployed, Service: svc, Reason: fmt.Sprintf(
				"the PRIMARY deployment runs %s with %d/%d tasks", shortTaskDef(got), p.RunningCount, p.DesiredCount)}
		}
	}
	return nil
}

func primary(svc *ecstypes.Service) *ecstypes.Deployment {
	for i, d := range svc.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			return &svc.Deployments[i]
		}
	}
	return nil
}

func deploymentOf(svc *ecstypes.Service, taskDef string) *ecstypes.Deployment {
	for i, d := range svc.Deployments {
		if aws.ToString(d.TaskDefinition) == taskDef {
			return &svc.Deployments[i]
		}
	}
	return nil
}

// shortTaskDef turns a task definition ARN into family:revision.
func shortTaskDef(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}
