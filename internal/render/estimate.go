package render

import (
	"fmt"
	"time"

	"github.com/example/webservice/infra"
)

// Estimate is the deploy-time model's answer for a stack, with warnings where
// settings work against each other.
type Estimate struct {
	Tasks             int      `json:"tasks"`
	TasksAtOnce       int      `json:"tasksAtOnce"`
	Waves             int      `json:"waves"`
	RolloutSeconds    int      `json:"rolloutSeconds"`
	AlarmBakeSeconds  int      `json:"alarmBakeSeconds"`
	BreakerThreshold  int      `json:"circuitBreakerThreshold"`
	DetectSeconds     int      `json:"detectFailureSeconds"`
	RollbackSeconds   int      `json:"rollbackSeconds"`
	UpdateTimeoutSecs int      `json:"updateTimeoutSeconds"`
	Warnings          []string `json:"warnings,omitempty"`
}

// NewEstimate applies infra.EstimateDeploy and checks the settings it depends on.
func NewEstimate(c *infra.Config) Estimate {
	m := infra.EstimateDeploy(c)
	e := Estimate{
		Tasks: c.DesiredCount, TasksAtOnce: m.Headroom, Waves: m.Waves,
		RolloutSeconds: secs(m.Deploy), AlarmBakeSeconds: secs(m.AlarmBake), BreakerThreshold: m.FailureThreshold,
		DetectSeconds: secs(m.DetectFailure), RollbackSeconds: secs(m.Rollback),
		UpdateTimeoutSecs: secs(m.UpdateTimeout),
	}
	healthy := c.HealthyThreshold * c.HealthCheckInterval
	if m.Headroom < 1 {
		e.Warnings = append(e.Warnings, fmt.Sprintf(
			"the rolling update cannot progress: with %d tasks at %d%%/%d%% no task can start or stop",
			c.DesiredCount, c.DeploymentMinimumHealthyPercent, c.DeploymentMaximumPercent))
	}
	if c.HealthCheckGracePeriod < c.TaskStartupSeconds {
		e.Warnings = append(e.Warnings, fmt.Sprintf(
			"healthCheckGracePeriod %d s is shorter than taskStartupSeconds %d s: ECS may stop tasks that are still starting",
			c.HealthCheckGracePeriod, c.TaskStartupSeconds))
	}
	if c.HealthCheckGracePeriod < healthy {
		e.Warnings = append(e.Warnings, fmt.Sprintf(
			"healthCheckGracePeriod %d s is shorter than healthyThreshold x interval (%d x %d = %d s): "+
				"a new task cannot be proven healthy before its grace ends",
			c.HealthCheckGracePeriod, c.HealthyThreshold, c.HealthCheckInterval, healthy))
	}
	if c.DeregistrationDelay > c.IdleTimeout {
		e.Warnings = append(e.Warnings, fmt.Sprintf(
			"deregistrationDelay %d s is longer than the ALB idle timeout %d s: idle connections are closed by then, "+
				"so each wave waits %d s for nothing",
			c.DeregistrationDelay, c.IdleTimeout, c.DeregistrationDelay-c.IdleTimeout))
	}
	return e
}

func secs(d time.Duration) int { return int(d / time.Second) }

// duration prints seconds as "3m30s".
func duration(s int) string { return (time.Duration(s) * time.Second).String() }
