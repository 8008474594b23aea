package infra

import (
	"testing"
	"time"
)

func TestSeedDeployEstimateMatchesChecklist(t *testing.T) {
	// docs/deploy-time-model.md, worked example: N=2, 100/200, S=60, seed health check, D=30:
	// 60+90+30+30 = 210 s to deploy; ~360 s to detect a bad rollout. The
	// checklist's example has no deployment alarms.
	c := validStaging()
	c.DeploymentAlarms = false
	e := EstimateDeploy(c)
	if e.Headroom != 2 || e.Waves != 1 {
		t.Fatalf("headroom/waves = %d/%d, want 2/1", e.Headroom, e.Waves)
	}
	if e.Deploy != 210*time.Second {
		t.Fatalf("Deploy = %v, want 3m30s", e.Deploy)
	}
	if e.FailureThreshold != 3 {
		t.Fatalf("FailureThreshold = %d, want 3 (the floor of the clamp)", e.FailureThreshold)
	}
	if e.DetectFailure != 360*time.Second {
		t.Fatalf("DetectFailure = %v, want 6m0s", e.DetectFailure)
	}
	if e.Rollback != 570*time.Second {
		t.Fatalf("Rollback = %v, want 9m30s (~10 min end to end)", e.Rollback)
	}
	// 1.5 x 570 s = 855 s, rounded up to whole minutes.
	if e.UpdateTimeout != 15*time.Minute {
		t.Fatalf("UpdateTimeout = %v, want 15m", e.UpdateTimeout)
	}
}

func TestAWSDefaultDeregistrationDelayCostsMinutes(t *testing.T) {
	c := validStaging()
	c.DeploymentAlarms = false
	c.DeregistrationDelay = 300
	if e := EstimateDeploy(c); e.Deploy != 480*time.Second {
		t.Fatalf("Deploy = %v, want 8m0s (~480 s with AWS's D=300)", e.Deploy)
	}
}

func TestRollingUpdateWavesAndBreakerScaleWithTasks(t *testing.T) {
	c := validStaging()
	c.DesiredCount = 10
	c.DeploymentMinimumHealthyPercent = 50
	c.DeploymentMaximumPercent = 100
	e := EstimateDeploy(c)
	// max 10, min 5: 5 at a time, two waves.
	if e.Headroom != 5 || e.Waves != 2 {
		t.Fatalf("headroom/waves = %d/%d, want 5/2", e.Headroom, e.Waves)
	}
	if e.FailureThreshold != 5 {
		t.Fatalf("FailureThreshold = %d, want ceil(10/2) = 5", e.FailureThreshold)
	}

	c.DesiredCount = 1000
	c.DeploymentMinimumHealthyPercent = 100
	c.DeploymentMaximumPercent = 200
	if e := EstimateDeploy(c); e.FailureThreshold != 200 {
		t.Fatalf("FailureThreshold = %d, want the cap 200", e.FailureThreshold)
	}
}

func TestUpdateTimeoutHasAFloor(t *testing.T) {
	c := validStaging()
	c.TaskStartupSeconds = 5
	c.HealthCheckInterval = 5
	c.HealthCheckTimeout = 2
	c.HealthCheckGracePeriod = 0
	c.DeregistrationDelay = 0
	c.StopTimeout = 1
	if e := EstimateDeploy(c); e.UpdateTimeout != MinUpdateTimeout {
		t.Fatalf("UpdateTimeout = %v, want the %v floor", e.UpdateTimeout, MinUpdateTimeout)
	}
}

func TestNoProgressGivesZeroEstimate(t *testing.T) {
	c := validStaging()
	c.DeploymentMaximumPercent = 100
	if e := EstimateDeploy(c); e.Headroom != 0 || e.Deploy != 0 || e.UpdateTimeout != 0 {
		t.Fatalf("want a zero estimate when no task can move, got %+v", e)
	}
}

func TestDeploymentAlarmsAddTheirBakeTime(t *testing.T) {
	c := validStaging() // alarms on: 3 periods of 60 s
	e := EstimateDeploy(c)
	if e.AlarmBake != 180*time.Second || e.Deploy != 390*time.Second {
		t.Fatalf("bake/deploy = %v/%v, want 3m0s/6m30s", e.AlarmBake, e.Deploy)
	}
	// Detection is unchanged; the rollback is a deploy back, baked too:
	// 360 + 390 = 750 s, x1.5 = 1125 s, rounded up to 19 min.
	if e.DetectFailure != 360*time.Second || e.Rollback != 750*time.Second || e.UpdateTimeout != 19*time.Minute {
		t.Fatalf("detect/rollback/timeout = %v/%v/%v", e.DetectFailure, e.Rollback, e.UpdateTimeout)
	}
}
