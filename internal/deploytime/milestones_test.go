package deploytime

import (
	"testing"
	"time"
)

// seed is the worked example of docs/deploy-time-model.md: staging's
// defaults (N 2 at 100/200 %, S 60, H 3 x I 30, D 30, K 30, 3 x 60 s of alarms).
func seed() Settings {
	return Settings{DesiredCount: 2, DeploymentMinimumHealthyPercent: 100, DeploymentMaximumPercent: 200,
		TaskStartupSeconds: 60, HealthCheckInterval: 30, HealthyThreshold: 3, UnhealthyThreshold: 2,
		DeregistrationDelay: 30, StopTimeout: 30, HealthCheckGracePeriod: 90, DeploymentAlarms: true,
		AlarmEvaluationPeriods: 3, AlarmPeriodSeconds: 60}
}

// The milestones verify measures, on the worked example and on a rollout of
// two waves.
func TestMilestonesFollowTheModelWaveByWave(t *testing.T) {
	s := seed()
	got := s.Milestones()
	want := Milestones{Tasks: 2, Waves: 1, TasksRunning: 60 * time.Second, Healthy: 150 * time.Second,
		Completed: 390 * time.Second}
	if got != want {
		t.Errorf("staging milestones = %+v, want %+v", got, want)
	}
	if got.Completed != s.Estimate().Deploy {
		t.Errorf("COMPLETED %v is not the model's healthy rollout %v", got.Completed, s.Estimate().Deploy)
	}

	// 4 tasks at 100 %/150 %: 2 at a time, two waves of 210 s. The last
	// wave's tasks run 210 + 60 s in, are healthy 90 s later.
	s.DesiredCount = 4
	s.DeploymentMaximumPercent = 150
	want = Milestones{Tasks: 4, Waves: 2, TasksRunning: 270 * time.Second, Healthy: 360 * time.Second,
		Completed: 600 * time.Second}
	if got = s.Milestones(); got != want {
		t.Errorf("two-wave milestones = %+v, want %+v", got, want)
	}

	// Settings that cannot progress have no figures to compare with.
	s.DeploymentMaximumPercent = 100
	if got := s.Milestones(); got != (Milestones{}) {
		t.Errorf("stuck rollout milestones = %+v, want zero", got)
	}
}

// The settings come from a stack's config as data, every key named when it
// is missing or malformed.
func TestSettingsComeFromTheStackConfig(t *testing.T) {
	cfg := map[string]string{"desiredCount": "2", "deploymentMinimumHealthyPercent": "100",
		"deploymentMaximumPercent": "200", "taskStartupSeconds": "60", "healthCheckInterval": "30",
		"healthyThreshold": "3", "unhealthyThreshold": "2", "deregistrationDelay": "30", "stopTimeout": "30",
		"healthCheckGracePeriod": "90", "deploymentAlarms": "true", "alarmEvaluationPeriods": "3", "alarmPeriodSeconds": "60"}
	get := func(k string) (string, bool) { v, ok := cfg[k]; return v, ok }
	if s, err := FromConfig(get); err != nil || s != seed() {
		t.Fatalf("FromConfig = %+v, %v; want %+v", s, err, seed())
	}
	cfg["stopTimeout"] = "thirty"
	if _, err := FromConfig(get); err == nil || err.Error() != `stopTimeout: got "thirty", want a whole number (the stack file or Pulumi.yaml's default)` {
		t.Errorf("a malformed value: %v", err)
	}
	cfg["stopTimeout"] = "30"
	delete(cfg, "deploymentAlarms")
	if _, err := FromConfig(get); err == nil || err.Error() != `deploymentAlarms: got "", want true or false` {
		t.Errorf("a missing key: %v", err)
	}
}
