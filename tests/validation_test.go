package tests

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
)

// Bad config through the real program and stack files: the error names the key,
// the value and what is allowed, and nothing at all is registered.

func TestBadConfigRegistersNothing(t *testing.T) {
	cases := []struct {
		name      string
		stack     string
		overrides map[string]string
		key       string
		message   string
	}{
		{"rejects a healthy threshold of 1", "staging", map[string]string{"healthyThreshold": "1"},
			"webservice:healthyThreshold", `webservice:healthyThreshold: got "1", want 2-10`},
		{"rejects a timeout not shorter than the interval", "production", map[string]string{"healthCheckTimeout": "30"},
			"webservice:healthCheckTimeout", "less than webservice:healthCheckInterval (30)"},
		{"rejects memory Fargate cannot pair with the CPU", "production", map[string]string{"memory": "512"},
			"webservice:memory", "1024-4096 MiB in steps of 1024 for cpu 512"},
		{"rejects a non-number", "staging", map[string]string{"desiredCount": "two"},
			"webservice:desiredCount", `got "two", want a whole number`},
		{"rejects production without a certificate", "production", map[string]string{"certificateArn": ""},
			"webservice:certificateArn", "production stack always serves HTTPS"},
		{"rejects a rolling update that cannot progress", "staging",
			map[string]string{"deploymentMaximumPercent": "100"},
			"webservice:deploymentMaximumPercent", "could never progress"},
		{"rejects a matcher outside 200-499", "staging", map[string]string{"healthCheckMatcher": "200-599"},
			"webservice:healthCheckMatcher", "each end of a range"},
		{"rejects a misspelt key, naming the closest", "staging", map[string]string{"helthCheckPath": "/x"},
			"webservice:helthCheckPath", "did you mean webservice:healthCheckPath?"},
		{"rejects an aws: key the provider does not declare", "staging", map[string]string{"aws:regoin": "us-east-1"},
			"aws:regoin", "did you mean aws:region?"},
		{"rejects a namespace nothing reads", "staging", map[string]string{"webservce:cpu": "512"},
			"webservce:cpu", "nothing reads webservce: keys; did you mean webservice:cpu?"},
		{"rejects a key in the wrong case, which nothing reads", "staging", map[string]string{"webservice:DesiredCount": "5"},
			"webservice:DesiredCount", "did you mean webservice:desiredCount? (keys are case-sensitive)"},
		{"rejects an unknown key without a far-fetched suggestion, saying how to remove it", "staging",
			map[string]string{"foo": "1"}, "webservice:foo", `webservice:foo: got "1", want a key this program reads ` +
				"(see Pulumi.yaml) (if pulumi up or preview -c gave it, the CLI saved it in Pulumi.staging.yaml: " +
				"remove it with pulumi config rm -s staging webservice:foo)\n"},
		{"rejects a Region outside the aws partition", "production", map[string]string{"aws:region": "us-gov-west-1"},
			"aws:region", `aws:region: got "us-gov-west-1", want a Region of the aws partition, e.g. us-east-1 ` +
				"(infra/regions_aws.go lists them): only the aws partition is supported, not GovCloud, China or ISO Regions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mustReject(t, tc.stack, tc.overrides, tc.key, tc.message)
		})
	}
}

// mustReject deploys a stack with overrides (and the test image tag) and checks
// the run fails with a ConfigError naming key with the given text, and that it
// registered nothing at all. It returns the error for further checks.
func mustReject(t *testing.T, stack string, overrides map[string]string, key, message string) error {
	t.Helper()
	ov := withSite(stack, map[string]string{"imageTag": deployTag})
	for k, v := range overrides {
		ov[k] = v
	}
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: stack, Overrides: ov})
	var ce *infra.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want *infra.ConfigError, got %v", err)
	}
	if !slices.Contains(ce.Keys(), key) || !strings.Contains(err.Error(), message) {
		t.Fatalf("want %s with %q, got:\n%v", key, message, err)
	}
	if len(r.Resources) != 0 {
		t.Fatalf("registered %d resources before rejecting the config, want 0", len(r.Resources))
	}
	return err
}

// TestOneBadValueIsOneProblem: a certificate ARN that is malformed and names
// AWS's documentation account is one value to fix, counted once.
func TestOneBadValueIsOneProblem(t *testing.T) {
	err := mustReject(t, "production", map[string]string{
		"certificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/x",
	}, "webservice:certificateArn", "want an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<uuid>; "+
		"and a real value: account 111122223333 is the example account of AWS's documentation, not yours")
	if !strings.Contains(err.Error(), `stack "production" has 1 invalid config value(s);`) {
		t.Fatalf("count:\n%v", err)
	}
}

func TestSeveralBadValuesAreReportedTogether(t *testing.T) {
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging", Overrides: withSite("staging", map[string]string{
		"imageTag":           "not/a/tag",
		"cpu":                "100",
		"healthCheckPath":    "health",
		"unhealthyThreshold": "20",
		"logRetentionDays":   "10",
	})})
	var ce *infra.ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want *infra.ConfigError, got %v", err)
	}
	want := []string{"webservice:cpu", "webservice:healthCheckPath", "webservice:imageTag",
		"webservice:logRetentionDays", "webservice:unhealthyThreshold"}
	if got := ce.Keys(); !slices.Equal(got, want) {
		t.Fatalf("keys = %v, want %v", got, want)
	}
	if len(r.Resources) != 0 {
		t.Fatalf("registered %d resources, want 0", len(r.Resources))
	}
}
