package infra

import (
	"testing"
	"time"
)

// The milestones verify measures, on the worked example of
// docs/deploy-time-model.md (staging: S 60, H 3 x I 30, D 30, K 30, 3 x 60 s
// of alarms) and on a rollout of two waves.
func TestMilestonesFollowTheModelWaveByWave(t *testing.T) {
	c := validStaging()
	got := EstimateMilestones(c)
	want := DeployMilestones{Tasks: 2, Waves: 1, TasksRunning: 60 * time.Second, Healthy: 150 * time.Second,
		Completed: 390 * time.Second}
	if got != want {
		t.Errorf("staging milestones = %+v, want %+v", got, want)
	}
	if got.Completed != EstimateDeploy(c).Deploy {
		t.Errorf("COMPLETED %v is not the model's healthy rollout %v", got.Completed, EstimateDeploy(c).Deploy)
	}

	// 4 tasks at 100 %/150 %: 2 at a time, two waves of 210 s. The last
	// wave's tasks run 210 + 60 s in, are healthy 90 s later.
	c.DesiredCount = 4
	c.DeploymentMaximumPercent = 150
	got = EstimateMilestones(c)
	want = DeployMilestones{Tasks: 4, Waves: 2, TasksRunning: 270 * time.Second, Healthy: 360 * time.Second,
		Completed: 600 * time.Second}
	if got != want {
		t.Errorf("two-wave milestones = %+v, want %+v", got, want)
	}

	// Settings that cannot progress have no figures to compare with.
	c.DeploymentMaximumPercent = 100
	if got := EstimateMilestones(c); got != (DeployMilestones{}) {
		t.Errorf("stuck rollout milestones = %+v, want zero", got)
	}
}
