package infra

import (
	"errors"
	"strings"
	"testing"
)

// validStaging is the baseline every case changes exactly one thing from.
func validStaging() *Config {
	c := DefaultConfig("staging")
	c.Region = "us-east-1"
	c.AllowHTTPOnly = true
	c.AvailabilityZones = []string{"us-east-1a", "us-east-1b"}
	return c
}

const testCert = "arn:aws:acm:us-east-1:210987654321:certificate/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73"

func TestValidStagingBaselinePasses(t *testing.T) {
	if err := validStaging().Validate(); err != nil {
		t.Fatalf("baseline must be valid: %v", err)
	}
}

func TestValidateRejectsEachBadValue(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *Config)
		key    string
		want   string // a fragment of what the message says is allowed
	}{
		{"rejects a missing region", func(c *Config) { c.Region = "" }, "aws:region", "an AWS region"},
		{"rejects a malformed region", func(c *Config) { c.Region = "US East" }, "aws:region", "a Region of the aws partition"},
		{"rejects a GovCloud region", func(c *Config) { c.Region = "us-gov-west-1"; c.AvailabilityZones = nil },
			"aws:region", "only the aws partition is supported"},
		{"rejects a short account id", func(c *Config) { c.AccountID = "1234" }, "webservice:accountId", "12-digit"},
		{"rejects a boundary that is not a policy ARN", func(c *Config) { c.PermissionsBoundaryArn = "webservice-boundary" }, "webservice:permissionsBoundaryArn", "IAM policy ARN"},
		{"rejects a boundary from another account", func(c *Config) {
			c.AccountID = "345678901234"
			c.PermissionsBoundaryArn = "arn:aws:iam::210987654321:policy/webservice-boundary"
		}, "webservice:permissionsBoundaryArn", "webservice:accountId 345678901234"},
		{"rejects an upper-case service name", func(c *Config) { c.ServiceName = "Web" }, "webservice:serviceName", "lower-case"},
		{"rejects a service name ending in a hyphen", func(c *Config) { c.ServiceName = "web-" }, "webservice:serviceName", "not ending with a hyphen"},
		{"rejects an image tag with a slash", func(c *Config) { c.ImageTag = "feature/x" }, "webservice:imageTag", "Docker tag"},
		{"rejects a digest without sha256 prefix", func(c *Config) { c.ImageDigest = strings.Repeat("a", 64) }, "webservice:imageDigest", "sha256:"},
		{"rejects container port 0", func(c *Config) { c.ContainerPort = 0 }, "webservice:containerPort", "1-65535"},
		{"rejects container port 70000", func(c *Config) { c.ContainerPort = 70000 }, "webservice:containerPort", "1-65535"},
		{"rejects running as root", func(c *Config) { c.ContainerUser = "0" }, "webservice:containerUser", "non-root"},
		{"rejects root with a group", func(c *Config) { c.ContainerUser = "0:1000" }, "webservice:containerUser", "non-root"},
		{"rejects a user name", func(c *Config) { c.ContainerUser = "app" }, "webservice:containerUser", "numeric uid"},
		{"rejects a CPU size Fargate lacks", func(c *Config) { c.CPU = 300 }, "webservice:cpu", "256, 512, 1024"},
		{"rejects 1536 MiB for cpu 256", func(c *Config) { c.Memory = 1536 }, "webservice:memory", "512, 1024 or 2048"},
		{"rejects 4096 MiB for cpu 256", func(c *Config) { c.Memory = 4096 }, "webservice:memory", "512, 1024 or 2048"},
		{"rejects off-step memory for cpu 2048", func(c *Config) { c.CPU = 2048; c.Memory = 4500 }, "webservice:memory", "4096-16384 MiB in steps of 1024"},
		{"rejects memory under the minimum for cpu 8192", func(c *Config) { c.CPU = 8192; c.Memory = 8192 }, "webservice:memory", "16384-61440"},
		{"rejects an unknown architecture", func(c *Config) { c.CPUArchitecture = "arm64" }, "webservice:cpuArchitecture", "X86_64, ARM64"},
		{"rejects a stop timeout over Fargate's 120", func(c *Config) { c.StopTimeout = 121 }, "webservice:stopTimeout", "1-120"},
		{"rejects a zero startup estimate", func(c *Config) { c.TaskStartupSeconds = 0 }, "webservice:taskStartupSeconds", "1-3600"},
		{"rejects a container check without CMD", func(c *Config) { c.ContainerHealthCheckCommand = []string{"/app/server", "healthcheck"} }, "webservice:containerHealthCheckCommand", `"CMD" or "CMD-SHELL"`},
		{"rejects a container check timeout over 60", func(c *Config) {
			c.ContainerHealthCheckCommand = []string{"CMD", "true"}
			c.ContainerHealthCheckTimeout = 61
		}, "webservice:containerHealthCheckTimeout", "2-60"},
		{"rejects container check retries of 0", func(c *Config) {
			c.ContainerHealthCheckCommand = []string{"CMD", "true"}
			c.ContainerHealthCheckRetries = 0
		}, "webservice:containerHealthCheckRetries", "1-10"},
		{"rejects a container check start period over 300", func(c *Config) {
			c.ContainerHealthCheckCommand = []string{"CMD", "true"}
			c.ContainerHealthCheckStartPeriod = 301
		}, "webservice:containerHealthCheckStartPeriod", "0-300"},
		{"rejects desiredCount below 1", func(c *Config) { c.DesiredCount = 0 }, "webservice:desiredCount", "1-5000"},
		{"rejects a minimum healthy percent over 100", func(c *Config) { c.DeploymentMinimumHealthyPercent = 101 }, "webservice:deploymentMinimumHealthyPercent", "0-100"},
		{"rejects a maximum percent under 100", func(c *Config) { c.DeploymentMaximumPercent = 90 }, "webservice:deploymentMaximumPercent", "100-200"},
		{"rejects a rolling update that cannot progress", func(c *Config) { c.DeploymentMaximumPercent = 100 }, "webservice:deploymentMaximumPercent", "could never progress"},
		{"rejects a negative grace period", func(c *Config) { c.HealthCheckGracePeriod = -1 }, "webservice:healthCheckGracePeriod", "0-2147483647"},
		{"rejects a deregistration delay over 3600", func(c *Config) { c.DeregistrationDelay = 3601 }, "webservice:deregistrationDelay", "0-3600"},
		{"rejects a health path without a slash", func(c *Config) { c.HealthCheckPath = "health" }, "webservice:healthCheckPath", "starting with /"},
		{"rejects a health path over 1024 chars", func(c *Config) { c.HealthCheckPath = "/" + strings.Repeat("a", 1024) }, "webservice:healthCheckPath", "at most 1024"},
		{"rejects a health path with a query", func(c *Config) { c.HealthCheckPath = "/health?x=1" }, "webservice:healthCheckPath", "without spaces"},
		{"rejects health check protocol TCP", func(c *Config) { c.HealthCheckProtocol = "TCP" }, "webservice:healthCheckProtocol", "HTTP, HTTPS"},
		{"rejects target protocol lower case", func(c *Config) { c.TargetProtocol = "https" }, "webservice:targetProtocol", "HTTP, HTTPS"},
		{"rejects healthyThreshold 1", func(c *Config) { c.HealthyThreshold = 1 }, "webservice:healthyThreshold", "2-10"},
		{"rejects unhealthyThreshold 11", func(c *Config) { c.UnhealthyThreshold = 11 }, "webservice:unhealthyThreshold", "2-10"},
		{"rejects a timeout of 1 s", func(c *Config) { c.HealthCheckTimeout = 1 }, "webservice:healthCheckTimeout", "2-120"},
		{"rejects an interval of 301 s", func(c *Config) { c.HealthCheckInterval = 301 }, "webservice:healthCheckInterval", "5-300"},
		{"rejects a timeout equal to the interval", func(c *Config) { c.HealthCheckTimeout = 30 }, "webservice:healthCheckTimeout", "less than webservice:healthCheckInterval (30)"},
		{"rejects matcher code 500", func(c *Config) { c.HealthCheckMatcher = "200,500" }, "webservice:healthCheckMatcher", `"500" is not a code 200-499`},
		{"rejects a backwards matcher range", func(c *Config) { c.HealthCheckMatcher = "299-200" }, "webservice:healthCheckMatcher", "runs backwards"},
		{"rejects matcher words", func(c *Config) { c.HealthCheckMatcher = "ok" }, "webservice:healthCheckMatcher", "200-299"},
		{"rejects an empty matcher", func(c *Config) { c.HealthCheckMatcher = "" }, "webservice:healthCheckMatcher", "200-299"},
		{"rejects idle timeout 0", func(c *Config) { c.IdleTimeout = 0 }, "webservice:idleTimeout", "1-4000"},
		{"rejects a malformed certificate ARN", func(c *Config) {
			c.AllowHTTPOnly = false
			c.CertificateArn = "arn:aws:iam::123456789012:server-certificate/x"
		}, "webservice:certificateArn", "ACM certificate ARN"},
		{"rejects a certificate from another region", func(c *Config) {
			c.AllowHTTPOnly = false
			c.CertificateArn = strings.Replace(testCert, "us-east-1", "eu-west-1", 1)
		}, "webservice:certificateArn", "stack's region us-east-1"},
		{"rejects a certificate from another account", func(c *Config) {
			c.AllowHTTPOnly = false
			c.AccountID = "345678901234"
			c.CertificateArn = testCert
		}, "webservice:certificateArn", "webservice:accountId 345678901234"},
		{"rejects a certificate together with allowHttpOnly", func(c *Config) { c.CertificateArn = testCert }, "webservice:allowHttpOnly", "exclude each other"},
		{"rejects no certificate without allowHttpOnly", func(c *Config) { c.AllowHTTPOnly = false }, "webservice:certificateArn", "allowHttpOnly=true"},
		{"rejects plain HTTP on the production stack", func(c *Config) { c.Stack = ProductionStack }, "webservice:allowHttpOnly", "production always serves HTTPS"},
		{"rejects production without a certificate", func(c *Config) { c.Stack = ProductionStack; c.AllowHTTPOnly = false }, "webservice:certificateArn", "production stack always serves HTTPS"},
		{"rejects a retention CloudWatch lacks", func(c *Config) { c.LogRetentionDays = 42 }, "webservice:logRetentionDays", "365, 400"},
		{"rejects keeping 0 images", func(c *Config) { c.ECRKeepTaggedImages = 0 }, "webservice:ecrKeepTaggedImages", "1-1000"},
		{"rejects untagged expiry of 0 days", func(c *Config) { c.ECRUntaggedExpiryDays = 0 }, "webservice:ecrUntaggedExpiryDays", "1-3650"},
		{"rejects a VPC CIDR that is not a CIDR", func(c *Config) { c.VpcCidr = "10.0.0.0" }, "webservice:vpcCidr", "IPv4 CIDR"},
		{"rejects a VPC CIDR too small for subnets", func(c *Config) { c.VpcCidr = "10.0.0.0/26" }, "webservice:vpcCidr", "/16 to /24"},
		{"rejects a VPC CIDR with host bits", func(c *Config) { c.VpcCidr = "10.0.1.0/16" }, "webservice:vpcCidr", "did you mean 10.0.0.0/16"},
		{"rejects NAT strategy None", func(c *Config) { c.NatGateways = "None" }, "webservice:natGateways", "Single, OnePerAz"},
		{"rejects a single availability zone", func(c *Config) { c.AvailabilityZones = []string{"us-east-1a"} }, "webservice:availabilityZones", "at least 2 zones"},
		{"rejects a repeated availability zone", func(c *Config) { c.AvailabilityZones = []string{"us-east-1a", "us-east-1a"} }, "webservice:availabilityZones", "us-east-1a is repeated"},
		{"rejects a zone of another region", func(c *Config) { c.AvailabilityZones = []string{"us-east-1a", "eu-west-1b"} }, "webservice:availabilityZones", "zone of region us-east-1"},
		{"rejects a VPC id without subnets", func(c *Config) { c.VpcID = "vpc-0123456789abcdef0" }, "webservice:publicSubnetIds", "together"},
		{"rejects a malformed VPC id", func(c *Config) {
			c.VpcID = "vpc-xyz"
			c.PublicSubnetIDs = []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}
			c.PrivateSubnetIDs = []string{"subnet-0123456789abcdef2", "subnet-0123456789abcdef3"}
		}, "webservice:vpcId", "vpc-0123456789abcdef0"},
		{"rejects a private subnet that is also public", func(c *Config) {
			c.VpcID = "vpc-0123456789abcdef0"
			c.PublicSubnetIDs = []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}
			c.PrivateSubnetIDs = []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef3"}
		}, "webservice:privateSubnetIds", "not also listed"},
		{"rejects AWS's documentation account", func(c *Config) { c.AccountID = "123456789012" },
			"webservice:accountId", "example account of AWS's documentation"},
		{"rejects a placeholder certificate", func(c *Config) {
			c.AllowHTTPOnly = false
			c.CertificateArn = "arn:aws:acm:us-east-1:210987654321:certificate/00000000-0000-4000-8000-000000000000"
		}, "webservice:certificateArn", "all zeros"},
		{"rejects a certificate in the documentation account", func(c *Config) {
			c.AllowHTTPOnly = false
			c.CertificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73"
		}, "webservice:certificateArn", "example account"},
		{"rejects a placeholder VPC id", func(c *Config) {
			c.VpcID = "vpc-00000000000000000"
			c.PublicSubnetIDs = []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}
			c.PrivateSubnetIDs = []string{"subnet-0123456789abcdef2", "subnet-0123456789abcdef3"}
		}, "webservice:vpcId", "placeholder"},
		{"rejects a secret in the documentation account", func(c *Config) {
			c.Secrets = []string{"DB=arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"}
		}, "webservice:secrets", "example account"},
		{"rejects another stack's secret when the stack has a boundary", func(c *Config) {
			c.PermissionsBoundaryArn = "arn:aws:iam::210987654321:policy/webservice/webservice-staging-boundary"
			c.Secrets = []string{"DB=arn:aws:secretsmanager:us-east-1:210987654321:secret:webservice/production/db-AbCdEf"}
		}, "webservice:secrets", "a secret named webservice/staging/"},
		{"rejects access logs in a region whose log delivery is unknown", func(c *Config) {
			c.Region = "zz-nowhere-1"
			c.AvailabilityZones = []string{"zz-nowhere-1a", "zz-nowhere-1b"}
			c.AccessLogs = true
		}, "webservice:accessLogs", "false in region zz-nowhere-1"},
		{"rejects one private subnet", func(c *Config) {
			c.VpcID = "vpc-0123456789abcdef0"
			c.PublicSubnetIDs = []string{"subnet-0123456789abcdef0", "subnet-0123456789abcdef1"}
			c.PrivateSubnetIDs = []string{"subnet-0123456789abcdef2"}
		}, "webservice:privateSubnetIds", "at least 2 subnets"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validStaging()
			tc.change(c)
			err := c.Validate()
			if err == nil {
				t.Fatalf("want an error for %s", tc.key)
			}
			var fe *FieldError
			found := false
			for _, e := range err.(*ConfigError).Fields {
				if e.Key == tc.key && strings.Contains(e.Want, tc.want) {
					found = true
				}
			}
			if !errors.As(err, &fe) || !found {
				t.Fatalf("want a FieldError for %s mentioning %q, got:\n%v", tc.key, tc.want, err)
			}
			if !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("message must name the key %s:\n%v", tc.key, err)
			}
		})
	}
}

func TestValidateAcceptsEdgeValues(t *testing.T) {
	cases := []struct {
		name   string
		change func(c *Config)
	}{
		{"accepts 2048 MiB for cpu 256", func(c *Config) { c.Memory = 2048 }},
		{"accepts cpu 4096 with 30720 MiB", func(c *Config) { c.CPU = 4096; c.Memory = 30720 }},
		{"accepts cpu 16384 with 122880 MiB", func(c *Config) { c.CPU = 16384; c.Memory = 122880 }},
		{"accepts matcher list", func(c *Config) { c.HealthCheckMatcher = "200,202,301" }},
		{"accepts a single code", func(c *Config) { c.HealthCheckMatcher = "204" }},
		{"accepts timeout one less than interval", func(c *Config) { c.HealthCheckTimeout = 29 }},
		{"accepts min 50 max 150 with 4 tasks", func(c *Config) {
			c.DesiredCount = 4
			c.DeploymentMinimumHealthyPercent = 50
			c.DeploymentMaximumPercent = 150
		}},
		{"accepts a certificate instead of HTTP", func(c *Config) { c.AllowHTTPOnly = false; c.CertificateArn = testCert }},
		{"accepts an existing VPC", func(c *Config) {
			c.VpcID = "vpc-0123456789abcdef0"
			c.PublicSubnetIDs = []string{"subnet-0123456789abcdef0", "subnet-01234567"}
			c.PrivateSubnetIDs = []string{"subnet-0123456789abcdef2", "subnet-0123456789abcdef3"}
		}},
		{"accepts uid:gid", func(c *Config) { c.ContainerUser = "1000:1000" }},
		{"accepts another region of the aws partition", func(c *Config) { c.Region = "ap-southeast-7"; c.AvailabilityZones = nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := validStaging()
			tc.change(c)
			if err := c.Validate(); err != nil {
				t.Fatalf("want valid, got %v", err)
			}
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	c := validStaging()
	c.CPU = 300
	c.HealthyThreshold = 11
	c.HealthCheckPath = "health"
	c.ContainerUser = "0"
	err := c.Validate()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ConfigError, got %v", err)
	}
	want := []string{"webservice:containerUser", "webservice:cpu", "webservice:healthCheckPath", "webservice:healthyThreshold"}
	if got := ce.Keys(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("keys = %v, want %v", got, want)
	}
	if !strings.Contains(err.Error(), "4 invalid config value(s); nothing was created") {
		t.Fatalf("summary line missing: %v", err)
	}
}

func lookupFrom(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestParseConfigKeepsAnExplicitZero(t *testing.T) {
	// An explicit 0 must not quietly become the default of 2: it is rejected.
	_, err := ParseConfig("staging", lookupFrom(map[string]string{
		"aws:region": "us-east-1", "webservice:allowHttpOnly": "true", "webservice:desiredCount": "0",
	}))
	var ce *ConfigError
	if !errors.As(err, &ce) || strings.Join(ce.Keys(), ",") != "webservice:desiredCount" {
		t.Fatalf("want only desiredCount rejected, got %v", err)
	}
}

func TestParseConfigReportsTypeErrorsWithTheKey(t *testing.T) {
	_, err := ParseConfig("staging", lookupFrom(map[string]string{
		"aws:region":                   "us-east-1",
		"webservice:cpu":               "a lot",
		"webservice:protect":           "yes please",
		"webservice:availabilityZones": "us-east-1a",
	}))
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want *ConfigError, got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`webservice:cpu: got "a lot", want a whole number`,
		`webservice:protect: got "yes please", want true or false`,
		`webservice:availabilityZones: got "us-east-1a", want a list of strings`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("missing %q in:\n%s", want, msg)
		}
	}
}

func TestParseConfigAppliesDefaultsAndOverrides(t *testing.T) {
	c, err := ParseConfig("staging", lookupFrom(map[string]string{
		"aws:region": "eu-west-1", "webservice:allowHttpOnly": "true",
		"webservice:cpu": "1024", "webservice:memory": "2048",
		"webservice:availabilityZones": `["eu-west-1a","eu-west-1b"]`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.CPU != 1024 || c.Memory != 2048 || c.Region != "eu-west-1" || len(c.AvailabilityZones) != 2 {
		t.Fatalf("overrides not applied: %+v", c)
	}
	if c.HealthCheckPath != "/health" || c.HealthyThreshold != 3 || c.DeregistrationDelay != 30 {
		t.Fatalf("defaults not applied: %+v", c)
	}
	if c.NamePrefix() != "webservice-staging" {
		t.Fatalf("NamePrefix = %q", c.NamePrefix())
	}
}

func TestNamePrefixSanitisesStackNames(t *testing.T) {
	c := DefaultConfig("Feature_Branch.1")
	if got := c.NamePrefix(); got != "webservice-feature-branch-1" {
		t.Fatalf("NamePrefix = %q", got)
	}
}

func TestSecretPolicyResourceNamesWhatIAMMatches(t *testing.T) {
	cases := map[string]string{
		// Full ARN with AWS's random suffix: exactly that secret.
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
		// A JSON key of a secret: the policy names the secret itself.
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:api-Zz9Zz9:token::": "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-Zz9Zz9",
		// Named without the suffix: match any one suffix, not any longer name.
		"arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-??????",
		// SSM parameters are named exactly.
		"arn:aws:ssm:us-east-1:123456789012:parameter/flags": "arn:aws:ssm:us-east-1:123456789012:parameter/flags",
	}
	for in, want := range cases {
		if got := secretPolicyResource(in); got != want {
			t.Errorf("secretPolicyResource(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestAccessLogsBucketPrefixFitsS3sLimit(t *testing.T) {
	c := validStaging()
	if got := c.AccessLogsBucketPrefix(); got != "webservice-staging-alb-logs-" {
		t.Fatalf("prefix = %q", got)
	}
	c.ServiceName = strings.Repeat("a", 32)
	if got := c.AccessLogsBucketPrefix(); len(got) != maxBucketPrefixLen {
		t.Fatalf("prefix %q is %d characters, want %d", got, len(got), maxBucketPrefixLen)
	}
}

// Every Region validation accepts has a known log-delivery principal.
func TestAccessLogsWorkInEveryRegionWithAKnownDeliveryPrincipal(t *testing.T) {
	for _, region := range AWSRegions() {
		c := validStaging()
		c.Region, c.AccessLogs = region, true
		c.AvailabilityZones = []string{region + "a", region + "b"}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", region, err)
		}
	}
}

func TestBucketPolicyNamesTheRegionsLogDeliveryAccountOrOnlyTheServicePrincipal(t *testing.T) {
	for region, want := range map[string]string{
		"sa-east-1":     "arn:aws:iam::507241528517:root",
		"us-gov-east-1": "arn:aws-us-gov:iam::190560391635:root",
		"me-central-1":  "",
	} {
		c := validStaging()
		c.Region = region
		doc := accessLogsBucketPolicy(c, "arn:aws:s3:::b")
		var accounts []string
		for _, st := range doc.Statement {
			if a := st.Principal["AWS"]; a != "" && a != "*" {
				accounts = append(accounts, a)
			}
		}
		if want == "" && len(accounts) != 0 || want != "" && (len(accounts) != 1 || accounts[0] != want) {
			t.Errorf("%s: account principals %v, want %q", region, accounts, want)
		}
	}
}

func TestAUidWithoutAGroupIsWarnedAbout(t *testing.T) {
	c := validStaging()
	c.PermissionsBoundaryArn = "arn:aws:iam::210987654321:policy/webservice/webservice-staging-boundary"
	if w := c.Warnings(); len(w) != 0 {
		t.Fatalf("the default user %s warns: %v", c.ContainerUser, w)
	}
	c.ContainerUser = "10001"
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "gid 0") || !strings.Contains(w[0], "10001:10001") {
		t.Fatalf("warnings = %v", w)
	}
}

func TestAStackWithoutTheCIBoundaryIsWarnedAbout(t *testing.T) {
	w := validStaging().Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "webservice:permissionsBoundaryArn is not set") ||
		!strings.Contains(w[0], "stagingPermissionsBoundaryArn") {
		t.Fatalf("warnings = %v", w)
	}
}
