package infra

import "github.com/example/webservice/internal/deploytime"

// The deploy-time model (docs/deploy-time-model.md) lives in
// internal/deploytime, pure arithmetic that verify and the deploy command read
// without compiling this program. The program uses it for the ECS service's
// update timeout, so `pulumi up` waits long enough for a rollback to finish but
// not forever; the offline preview reads the same numbers.

// DeployEstimate is the model's answer for one config.
type DeployEstimate = deploytime.Estimate

// MinUpdateTimeout is the floor of the service's update timeout.
const MinUpdateTimeout = deploytime.MinUpdateTimeout

// EstimateDeploy applies the model to a config.
func EstimateDeploy(c *Config) DeployEstimate { return c.deployTime().Estimate() }

// deployTime is the part of the config the model reads.
func (c *Config) deployTime() deploytime.Settings {
	return deploytime.Settings{
		DesiredCount: c.DesiredCount, DeploymentMinimumHealthyPercent: c.DeploymentMinimumHealthyPercent,
		DeploymentMaximumPercent: c.DeploymentMaximumPercent, TaskStartupSeconds: c.TaskStartupSeconds,
		HealthCheckInterval: c.HealthCheckInterval, HealthyThreshold: c.HealthyThreshold,
		UnhealthyThreshold: c.UnhealthyThreshold, DeregistrationDelay: c.DeregistrationDelay,
		StopTimeout: c.StopTimeout, HealthCheckGracePeriod: c.HealthCheckGracePeriod,
		DeploymentAlarms: c.DeploymentAlarms, AlarmEvaluationPeriods: c.AlarmEvaluationPeriods,
		AlarmPeriodSeconds: c.AlarmPeriodSeconds,
	}
}
