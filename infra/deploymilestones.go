package infra

import "time"

// DeployMilestones are the deploy-time model's figures for the moments of a
// healthy rollout that cmd/verify measures, each from the deploy's start (ECS
// creates the deployment): the last wave's new tasks running (S into it), the
// last wave's tasks healthy in the target group (H x I later), and the
// deployment COMPLETED (the model's healthy rollout, alarm bake included).
// Earlier waves each take S + H*I + D + K before the last one starts.
type DeployMilestones struct {
	Tasks        int // desiredCount: the model's N
	Waves        int
	TasksRunning time.Duration
	Healthy      time.Duration
	Completed    time.Duration
}

// EstimateMilestones applies the model (EstimateDeploy) to a config; zero when
// the settings let no deployment progress.
func EstimateMilestones(c *Config) DeployMilestones {
	e := EstimateDeploy(c)
	if e.Waves < 1 {
		return DeployMilestones{}
	}
	wave := seconds(c.TaskStartupSeconds + c.HealthyThreshold*c.HealthCheckInterval + c.DeregistrationDelay + c.StopTimeout)
	running := time.Duration(e.Waves-1)*wave + seconds(c.TaskStartupSeconds)
	return DeployMilestones{
		Tasks: c.DesiredCount, Waves: e.Waves,
		TasksRunning: running,
		Healthy:      running + seconds(c.HealthyThreshold*c.HealthCheckInterval),
		Completed:    e.Deploy,
	}
}
