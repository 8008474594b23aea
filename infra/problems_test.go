package infra

import (
	"errors"
	"strings"
	"testing"
)

// One bad value is one problem: a value refused for its form is not counted
// again as a placeholder, and a key with several problems is one line, so the
// count in the summary is the number of keys to fix.
func TestProblemsAreCountedPerKey(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *Config)
		key    string
		line   string
	}{
		{"a malformed certificate ARN in the documentation account", func(c *Config) {
			c.AllowHTTPOnly = false
			c.CertificateArn = "arn:aws:acm:us-east-1:111122223333:certificate/x"
		}, "webservice:certificateArn", `webservice:certificateArn: got "arn:aws:acm:us-east-1:111122223333:certificate/x", ` +
			`want an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<uuid>; ` +
			`and a real value: account 111122223333 is the example account of AWS's documentation, not yours`},
		{"a desired count outside both its range and the autoscaling bounds", func(c *Config) {
			c.DesiredCount = 0
			c.AutoscalingMinCount, c.AutoscalingMaxCount = 3, 12
		}, "webservice:desiredCount", `webservice:desiredCount: got "0", want 1-5000; and between ` +
			`webservice:autoscalingMinCount (3) and webservice:autoscalingMaxCount (12): it is the count the service starts with`},
		{"one zone, of another region", func(c *Config) { c.AvailabilityZones = []string{"eu-west-1a"} },
			"webservice:availabilityZones", `webservice:availabilityZones: got "[\"eu-west-1a\"]", want at least 2 zones ` +
				`(ELB.13: the ALB and the service span two or more AZs); got "eu-west-1a", want a zone of region us-east-1, e.g. us-east-1a`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validStaging()
			tc.change(c)
			err := c.Validate()
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("want a *ConfigError, got %v", err)
			}
			want := `stack "staging" has 1 invalid config value(s); nothing was created or changed:` + "\n  - " + tc.line
			if err.Error() != want {
				t.Fatalf("message\n got %s\nwant %s", err, want)
			}
			if len(ce.Fields) != 1 || ce.Fields[0].Key != tc.key {
				t.Fatalf("fields = %v", ce.Keys())
			}
		})
	}
}

// Two keys with problems are two, however many problems each has.
func TestTwoKeysAreTwoProblems(t *testing.T) {
	c := validStaging()
	c.AvailabilityZones = []string{"eu-west-1a"}
	c.HealthyThreshold = 1
	err := c.Validate()
	if err == nil || !strings.HasPrefix(err.Error(), `stack "staging" has 2 invalid config value(s);`) {
		t.Fatalf("got %v", err)
	}
}
