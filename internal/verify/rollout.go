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
	ListTasks(ctx context.Context, in *ecs.ListTasksInput, opts ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, opts ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
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

const budgetRanOut = "the rollout had not finished when the time budget ran out"

// waitForRollout polls the service until its rollout of taskDefinition ends or
// the context's deadline passes. An API failure outlasting the budget is an
// API error, not a timeout: a verdict needs the service to have been read.
func waitForRollout(ctx context.Context, c Clients, t Target, poll time.Duration, logf func(string, ...any)) (*RolloutResult, error) {
	failures := 0
	var last *ecstypes.Service
	var lastErr error
	for {
		svc, err := describeService(ctx, c, t)
		switch {
		case err == nil:
			failures = 0
			last = svc
			if err := judgeable(svc, t); err != nil {
				return nil, err
			}
			if res := judge(svc, t.TaskDefinitionArn); res != nil {
				return res, nil
			}
			if p := primary(svc); p != nil {
				logf("rollout in progress: %d/%d tasks running on %s", p.RunningCount, p.DesiredCount,
					shortTaskDef(aws.ToString(p.TaskDefinition)))
			}
		case errors.Is(err, errBadInput), errors.Is(err, errCredentials):
			return nil, err
		case ctx.Err() != nil:
			if last == nil || failures > 0 {
				return nil, firstNonNil(lastErr, err)
			}
			return &RolloutResult{Outcome: TimedOut, Service: last, Reason: budgetRanOut}, nil
		default:
			failures++
			lastErr = err
			logf("could not read the service (%d/%d): %v", failures, maxAPIFailures, err)
			if failures >= maxAPIFailures {
				return nil, err
			}
		}
		select {
		case <-ctx.Done():
			if last == nil || failures > 0 {
				return nil, firstNonNil(lastErr, fmt.Errorf("%w: ECS did not answer within the time budget", ErrAPI))
			}
			return &RolloutResult{Outcome: TimedOut, Service: last, Reason: budgetRanOut}, nil
		case <-time.After(poll):
		}
	}
}

func firstNonNil(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func describeService(ctx context.Context, c Clients, t Target) (*ecstypes.Service, error) {
	out, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{
		Cluster:  aws.String(t.Cluster),
		Services: []string{t.Service},
	})
	if errorCode(err) == "ClusterNotFoundException" {
		return nil, fmt.Errorf("%w: cluster %s not found in %s (check -cluster, or clusterName in the outputs, and -region)",
			errBadInput, t.Cluster, t.Region)
	}
	if err != nil {
		return nil, c.apiError(err, fmt.Sprintf("describe service %s in cluster %s", t.Service, t.Cluster))
	}
	if len(out.Services) == 0 {
		reason := "no such service"
		if len(out.Failures) > 0 {
			reason = aws.ToString(out.Failures[0].Reason)
		}
		return nil, fmt.Errorf("%w: service %s not found in cluster %s: %s", errBadInput, t.Service, t.Cluster, reason)
	}
	return &out.Services[0], nil
}

// judgeable says why a service can never reach a verdict, or nil. A deleted
// service keeps its last deployments, so only its status tells; a service
// another deployment controller runs has no ECS deployments at all.
func judgeable(svc *ecstypes.Service, t Target) error {
	if status := aws.ToString(svc.Status); status != "ACTIVE" {
		return fmt.Errorf("%w: service %s in cluster %s is %s, not ACTIVE: it was deleted or is being deleted, so nothing was deployed to it",
			errBadInput, t.Service, t.Cluster, status)
	}
	controller := ecstypes.DeploymentControllerTypeEcs
	if svc.DeploymentController != nil && svc.DeploymentController.Type != "" {
		controller = svc.DeploymentController.Type
	}
	if controller != ecstypes.DeploymentControllerTypeEcs || len(svc.Deployments) == 0 {
		return fmt.Errorf("%w: service %s in cluster %s has no ECS deployments to judge (deployment controller %s); verify judges ECS rolling updates only",
			errBadInput, t.Service, t.Cluster, controller)
	}
	return nil
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
