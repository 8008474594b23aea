package infra

import "time"

// Deploy-time model (docs/deploy-time-model.md). It predicts how long a rolling
// update and a circuit-breaker rollback take for a stack's settings. The program
// uses it for the ECS service's update timeout, so `pulumi up` waits long enough for
// a rollback to finish but not forever; the offline preview and the post-deploy
// check read the same numbers.
//
// Terms: N desired tasks, m/M min/max percent, S task start (image pull included),
// I health-check interval, H/U healthy/unhealthy thresholds, D deregistration delay,
// K stop time, G grace period.

// DeployEstimate is the model's answer for one config.
type DeployEstimate struct {
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

// EstimateDeploy applies the model to a config.
func EstimateDeploy(c *Config) DeployEstimate {
	n := c.DesiredCount
	maxTasks := floorDiv(c.DeploymentMaximumPercent*n, 100)
	minTasks := ceilDiv(c.DeploymentMinimumHealthyPercent*n, 100)
	var e DeployEstimate
	e.Headroom = maxTasks - minTasks
	if e.Headroom < 1 || n < 1 {
		// Validation rejects this; return the zero estimate rather than divide by 0.
		return e
	}
	s := c.TaskStartupSeconds
	i := c.HealthCheckInterval
	d := c.DeregistrationDelay
	k := c.StopTimeout
	e.Waves = ceilDiv(n, e.Headroom)
	if c.DeploymentAlarms {
		e.AlarmBake = seconds(c.AlarmEvaluationPeriods * c.AlarmPeriodSeconds)
	}
	e.Deploy = seconds(e.Waves*(s+c.HealthyThreshold*i+d+k)) + e.AlarmBake

	e.FailureThreshold = clamp(ceilDiv(n, 2), 3, 200)
	// New tasks the scheduler launches at once. the model writes floor(M*N/100) - N,
	// which is the headroom when m = 100; the headroom is the general form.
	parallel := e.Headroom
	rounds := ceilDiv(e.FailureThreshold, parallel)
	tu := s + max(c.HealthCheckGracePeriod, (c.UnhealthyThreshold+1)*i)
	e.DetectFailure = seconds((rounds-1)*(tu+d+k) + tu)
	e.Rollback = e.DetectFailure + e.Deploy

	slowest := max(e.Deploy, e.Rollback)
	timeout := (slowest*3/2 + time.Minute - 1).Truncate(time.Minute)
	e.UpdateTimeout = max(timeout, MinUpdateTimeout)
	return e
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

func floorDiv(a, b int) int { return a / b }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

func clamp(x, lo, hi int) int { return min(max(x, lo), hi) }
