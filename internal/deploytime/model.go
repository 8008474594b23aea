// Package deploytime is the deploy-time model (docs/deploy-time-model.md): how
// long a rolling update and a circuit-breaker rollback take for a stack's
// settings. The program (infra) uses it for the ECS service's update timeout,
// render prints it, and verify times a rollout against it. It is pure
// arithmetic on a few settings, so verify and the deploy command read it
// without compiling the program or its providers.
//
// Terms: N desired tasks, m/M min/max percent, S task start (image pull
// included), I health-check interval, H/U healthy/unhealthy thresholds, D
// deregistration delay, K stop time, G grace period.
package deploytime

import "time"

// Settings are the stack settings the model reads, in seconds and counts.
type Settings struct {
	DesiredCount                    int  // N
	DeploymentMinimumHealthyPercent int  // m
	DeploymentMaximumPercent        int  // M
	TaskStartupSeconds              int  // S
	HealthCheckInterval             int  // I
	HealthyThreshold                int  // H
	UnhealthyThreshold              int  // U
	DeregistrationDelay             int  // D
	StopTimeout                     int  // K
	HealthCheckGracePeriod          int  // G
	DeploymentAlarms                bool // alarms add their bake time
	AlarmEvaluationPeriods          int
	AlarmPeriodSeconds              int
}

// Estimate is the model's answer for one config.
type Estimate struct {
	// Headroom is how many tasks the scheduler may add or stop at once:
	// floor(M*N/100) - ceil(m*N/100). Below 1 a deployment cannot progress.
	Headroom int
	// Waves is how many start/replace rounds a deploy takes: ceil(N / Headroom).
	Waves int
	// AlarmBake is how long ECS keeps watching the deployment alarms after the
	// rollout is steady: evaluation periods x period (0 without alarms).
	AlarmBake time.Duration
	// Deploy is the expected time for a healthy rollout:
	// Waves * (S + H*I + D + K) + AlarmBake.
	Deploy time.Duration
	// FailureThreshold is how many failed tasks trip the circuit breaker:
	// clamp(ceil(N/2), 3, 200).
	FailureThreshold int
	// DetectFailure is the time until a bad rollout trips the breaker:
	// (R-1)(t_u + D + K) + t_u with t_u = S + max(G, (U+1)*I) and
	// R = ceil(FailureThreshold / parallel new tasks).
	DetectFailure time.Duration
	// Rollback is the time from a bad deploy's start until the previous version
	// serves again: DetectFailure + Deploy (the rollback is a deploy back).
	Rollback time.Duration
	// UpdateTimeout bounds the ECS service update in `pulumi up`: half as long again
	// as the slower of a good deploy and a rollback, rounded up to a minute, never
	// under MinUpdateTimeout.
	UpdateTimeout time.Duration
}

// MinUpdateTimeout is the floor of the service's update timeout: AWS API latency
// and image pulls vary more than the model does for tiny services.
const MinUpdateTimeout = 10 * time.Minute

// Estimate applies the model; the zero Estimate when no deployment can progress.
func (s Settings) Estimate() Estimate {
	n := s.DesiredCount
	var e Estimate
	e.Headroom = floorDiv(s.DeploymentMaximumPercent*n, 100) - ceilDiv(s.DeploymentMinimumHealthyPercent*n, 100)
	if e.Headroom < 1 || n < 1 {
		// Validation rejects this; return the zero estimate rather than divide by 0.
		return e
	}
	e.Waves = ceilDiv(n, e.Headroom)
	if s.DeploymentAlarms {
		e.AlarmBake = seconds(s.AlarmEvaluationPeriods * s.AlarmPeriodSeconds)
	}
	e.Deploy = seconds(e.Waves*s.wave()) + e.AlarmBake

	e.FailureThreshold = clamp(ceilDiv(n, 2), 3, 200)
	// New tasks the scheduler launches at once: the model writes floor(M*N/100) - N,
	// which is the headroom when m = 100; the headroom is the general form.
	rounds := ceilDiv(e.FailureThreshold, e.Headroom)
	tu := s.TaskStartupSeconds + max(s.HealthCheckGracePeriod, (s.UnhealthyThreshold+1)*s.HealthCheckInterval)
	e.DetectFailure = seconds((rounds-1)*(tu+s.DeregistrationDelay+s.StopTimeout) + tu)
	e.Rollback = e.DetectFailure + e.Deploy

	slowest := max(e.Deploy, e.Rollback)
	timeout := (slowest*3/2 + time.Minute - 1).Truncate(time.Minute)
	e.UpdateTimeout = max(timeout, MinUpdateTimeout)
	return e
}

// wave is one start/replace round in seconds: S + H*I + D + K.
func (s Settings) wave() int {
	return s.TaskStartupSeconds + s.HealthyThreshold*s.HealthCheckInterval + s.DeregistrationDelay + s.StopTimeout
}

// Milestones are the model's figures for the moments of a healthy rollout
// that verify measures, each from the deploy's start (ECS creates the
// deployment): the last wave's new tasks running (S into it), the last wave's
// tasks healthy in the target group (H x I later), and the deployment
// COMPLETED (the healthy rollout, alarm bake included). Earlier waves each
// take S + H*I + D + K before the last one starts.
type Milestones struct {
	Tasks        int // desiredCount: the model's N
	Waves        int
	TasksRunning time.Duration
	Healthy      time.Duration
	Completed    time.Duration
}

// Milestones applies the model; zero when the settings let no deployment progress.
func (s Settings) Milestones() Milestones {
	e := s.Estimate()
	if e.Waves < 1 {
		return Milestones{}
	}
	running := seconds((e.Waves-1)*s.wave() + s.TaskStartupSeconds)
	return Milestones{Tasks: s.DesiredCount, Waves: e.Waves, TasksRunning: running,
		Healthy: running + seconds(s.HealthyThreshold*s.HealthCheckInterval), Completed: e.Deploy}
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

func floorDiv(a, b int) int { return a / b }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func clamp(x, lo, hi int) int { return min(max(x, lo), hi) }
