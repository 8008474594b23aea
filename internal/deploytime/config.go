package deploytime

import (
	"fmt"
	"strconv"
)

// FromConfig reads the settings from a stack's config as the Pulumi CLI hands
// it to the program (get answers a key of the project's namespace, e.g.
// "desiredCount", with Pulumi.yaml's default when the stack file sets none).
// A missing or malformed value is an error naming the key.
func FromConfig(get func(key string) (string, bool)) (Settings, error) {
	var s Settings
	ints := []struct {
		key string
		to  *int
	}{
		{"desiredCount", &s.DesiredCount}, {"deploymentMinimumHealthyPercent", &s.DeploymentMinimumHealthyPercent},
		{"deploymentMaximumPercent", &s.DeploymentMaximumPercent}, {"taskStartupSeconds", &s.TaskStartupSeconds},
		{"healthCheckInterval", &s.HealthCheckInterval}, {"healthyThreshold", &s.HealthyThreshold},
		{"unhealthyThreshold", &s.UnhealthyThreshold}, {"deregistrationDelay", &s.DeregistrationDelay},
		{"stopTimeout", &s.StopTimeout}, {"healthCheckGracePeriod", &s.HealthCheckGracePeriod},
		{"alarmEvaluationPeriods", &s.AlarmEvaluationPeriods}, {"alarmPeriodSeconds", &s.AlarmPeriodSeconds},
	}
	for _, f := range ints {
		v, ok := get(f.key)
		n, err := strconv.Atoi(v)
		if !ok || err != nil {
			return s, fmt.Errorf("%s: got %q, want a whole number (the stack file or Pulumi.yaml's default)", f.key, v)
		}
		*f.to = n
	}
	v, ok := get("deploymentAlarms")
	b, err := strconv.ParseBool(v)
	if !ok || err != nil {
		return s, fmt.Errorf("deploymentAlarms: got %q, want true or false", v)
	}
	s.DeploymentAlarms = b
	return s, nil
}
