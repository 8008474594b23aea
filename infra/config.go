package infra

import (
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Namespace is the stack-config namespace of every key this program reads; it is
// the Pulumi project name.
const Namespace = "webservice"

// RegionKey is the standard AWS provider key the region is read from.
const RegionKey = "aws:region"

// Config is everything a stack can set, after defaults, parsed and typed. It is
// read in exactly one place (LoadConfig) and checked by Validate before any
// resource is registered. Each field's default is a named constant in defaults.go,
// declared again (and tested equal) in Pulumi.yaml so `pulumi config` shows it.
type Config struct {
	Stack  string // the Pulumi stack name, e.g. "staging"
	Region string // aws:region. Required.

	// AccountID pins the AWS account this stack may deploy to; the provider refuses
	// any other credentials. Default: "" (any account).
	AccountID string

	// PermissionsBoundaryArn is attached to both IAM roles the stack creates. The
	// CI deploy role from bootstrap/ may only create roles that carry it.
	// Default: "" (no boundary).
	PermissionsBoundaryArn string

	// ServiceName prefixes every physical name, with the stack name appended.
	// Default: DefaultServiceName.
	ServiceName string

	// ImageTag is the tag of this stack's ECR repository to run. A deploy is a stack
	// update that changes it. Default: "" (keep the image the stack already runs).
	ImageTag string
	// ImageDigest pins the image by content (sha256:...); it wins over ImageTag for
	// what runs, while the tag stays as a label. Default: "".
	ImageDigest string
	// PromotionReaderArns are IAM roles of other accounts (production's deploy
	// role) that may read this stack's images, to promote them by digest.
	// Default: empty (no repository policy).
	PromotionReaderArns []string
	// ImageFromEnvironment is true when EnvImageTag or EnvImageDigest chose the
	// image (not a config key).
	ImageFromEnvironment bool
	// examples are values the placeholder check accepts: render -example's
	// only (ExampleProgram); nil for every real update.
	examples map[string]string

	// ContainerPort is the port the app listens on (HTTPS for the reference app).
	// Default: DefaultContainerPort.
	ContainerPort int
	// ContainerUser is the numeric uid[:gid] the app runs as (never root, ECS.20).
	// Default: DefaultContainerUser.
	ContainerUser string
	// CPU in Fargate units (1024 = 1 vCPU). Default: DefaultCPU.
	CPU int
	// Memory in MiB; must pair with CPU per Fargate's table. Default: DefaultMemory.
	Memory int
	// CPUArchitecture is X86_64 or ARM64; the image must be built for it.
	// Default: DefaultCPUArchitecture.
	CPUArchitecture string
	// StopTimeout is how long ECS waits after SIGTERM before SIGKILL (Fargate <= 120).
	// Default: DefaultStopTimeout.
	StopTimeout int
	// TaskStartupSeconds is the expected time from task launch to the app listening,
	// image pull included. It only feeds the deploy-time estimate and the update
	// timeout. Default: DefaultTaskStartupSeconds.
	TaskStartupSeconds int

	// ContainerHealthCheckCommand enables the container-level health check when set,
	// e.g. ["CMD", "/app/server", "healthcheck"]. Default: empty (off).
	ContainerHealthCheckCommand []string
	// ContainerHealthCheckInterval in seconds. Default: DefaultContainerHealthCheckInterval.
	ContainerHealthCheckInterval int
	// ContainerHealthCheckTimeout in seconds. Default: DefaultContainerHealthCheckTimeout.
	ContainerHealthCheckTimeout int
	// ContainerHealthCheckRetries before the task is marked unhealthy.
	// Default: DefaultContainerHealthCheckRetries.
	ContainerHealthCheckRetries int
	// ContainerHealthCheckStartPeriod in seconds of failures ignored at start.
	// Default: DefaultContainerHealthCheckStartPeriod.
	ContainerHealthCheckStartPeriod int

	// DesiredCount is how many tasks run. Default: DefaultDesiredCount.
	DesiredCount int
	// DeploymentMinimumHealthyPercent of DesiredCount kept running during a deploy.
	// Default: DefaultDeploymentMinimumHealthyPercent.
	DeploymentMinimumHealthyPercent int
	// DeploymentMaximumPercent of DesiredCount allowed during a deploy.
	// Default: DefaultDeploymentMaximumPercent.
	DeploymentMaximumPercent int
	// HealthCheckGracePeriod in seconds during which ECS ignores ALB health checks of
	// a new task. Default: DefaultHealthCheckGracePeriod.
	HealthCheckGracePeriod int

	// HealthCheckPath the ALB probes. Default: DefaultHealthCheckPath.
	HealthCheckPath string
	// HealthCheckProtocol the ALB probes with. Default: DefaultHealthCheckProtocol.
	HealthCheckProtocol string
	// HealthyThreshold consecutive successes make a target healthy.
	// Default: DefaultHealthyThreshold.
	HealthyThreshold int
	// UnhealthyThreshold consecutive failures make a target unhealthy.
	// Default: DefaultUnhealthyThreshold.
	UnhealthyThreshold int
	// HealthCheckTimeout in seconds per probe. Default: DefaultHealthCheckTimeout.
	HealthCheckTimeout int
	// HealthCheckInterval in seconds between probes. Default: DefaultHealthCheckInterval.
	HealthCheckInterval int
	// HealthCheckMatcher is the HTTP codes that count as success.
	// Default: DefaultHealthCheckMatcher.
	HealthCheckMatcher string
	// TargetProtocol the ALB uses to reach tasks. Default: DefaultTargetProtocol.
	TargetProtocol string
	// DeregistrationDelay in seconds the ALB drains a stopping task.
	// Default: DefaultDeregistrationDelay (AWS's own 300 adds minutes to every deploy).
	DeregistrationDelay int
	// IdleTimeout of ALB connections in seconds. Default: DefaultIdleTimeout.
	IdleTimeout int

	// CertificateArn is the ACM certificate for the HTTPS listener. Default: "".
	CertificateArn string
	// AllowHTTPOnly lets a stack without a certificate serve plain HTTP. Never
	// allowed for the production stack. Default: false.
	AllowHTTPOnly bool

	// Protect marks stateful resources (repository, ALB, cluster, log group) as
	// protected, so `pulumi destroy` and replacements stop. Default: false.
	Protect bool
	// ALBDeletionProtection turns on the ALB's own deletion protection. Default: false.
	ALBDeletionProtection bool
	// ECRForceDelete lets the repository be deleted while it holds images.
	// Default: false.
	ECRForceDelete bool
	// ECRKeepTaggedImages is how many images the lifecycle policy keeps.
	// Default: DefaultECRKeepTaggedImages.
	ECRKeepTaggedImages int
	// ECRUntaggedExpiryDays after which untagged images are expired.
	// Default: DefaultECRUntaggedExpiryDays.
	ECRUntaggedExpiryDays int
	// LogRetentionDays of the service's log group (a CloudWatch-allowed value).
	// Default: DefaultLogRetentionDays.
	LogRetentionDays int

	// DeploymentAlarms makes the service watch its CloudWatch alarms (target 5xx,
	// unhealthy hosts) during deployments, so a release that passes health checks
	// but serves errors rolls back. The alarms exist either way. Default: true.
	DeploymentAlarms bool
	// Alarm5xxThreshold is the target 5xx count per period that trips the alarm.
	// Default: DefaultAlarm5xxThreshold.
	Alarm5xxThreshold int
	// AlarmEvaluationPeriods is how many periods in a row must breach.
	// Default: DefaultAlarmEvaluationPeriods.
	AlarmEvaluationPeriods int
	// AlarmPeriodSeconds of each alarm datapoint (10, 30 or a multiple of 60).
	// Default: DefaultAlarmPeriodSeconds.
	AlarmPeriodSeconds int

	// AutoscalingMinCount and AutoscalingMaxCount bound Application Auto Scaling of
	// the task count; both 0 turns autoscaling off. Default: 0 (off).
	AutoscalingMinCount int
	AutoscalingMaxCount int
	// AutoscalingCPUTarget is the average CPU percent target tracking aims for.
	// Default: DefaultAutoscalingCPUTarget.
	AutoscalingCPUTarget int
	// AutoscalingRequestsPerTarget is the ALB requests per task per minute aimed for.
	// Default: DefaultAutoscalingRequestsPerTarget.
	AutoscalingRequestsPerTarget int

	// Environment is the app's plain configuration, as NAME=value. Never secrets
	// (ECS.8): AWS credential names are refused. Default: empty.
	Environment []string
	// Secrets are injected from Secrets Manager or SSM Parameter Store, as
	// NAME=<secret or parameter ARN>; the execution role may read exactly these.
	// Default: empty.
	Secrets []string
	// SecretsKMSKeyArns are customer-managed KMS keys those secrets are encrypted
	// with (kms:Decrypt is granted on these only). Default: empty.
	SecretsKMSKeyArns []string

	// AccessLogs sends ALB access logs to an S3 bucket the stack creates (ELB.5).
	// Default: false.
	AccessLogs bool
	// AccessLogsRetentionDays after which log objects expire.
	// Default: DefaultAccessLogsRetentionDays.
	AccessLogsRetentionDays int

	// Dashboard creates a CloudWatch dashboard for the service. Default: true.
	Dashboard bool

	// WAF associates a WAFv2 web ACL with AWS managed rule groups to the ALB
	// (ELB.16). Needs a binary built with -tags waf. Default: false.
	WAF bool

	// VpcCidr of the VPC this stack creates. Default: DefaultVpcCidr.
	VpcCidr string
	// AvailabilityZones for the new VPC, by name. Empty means two AZs looked up at
	// deploy time. Default: empty.
	AvailabilityZones []string
	// NatGateways strategy for the new VPC: Single or OnePerAz.
	// Default: DefaultNatGateways.
	NatGateways string
	// VpcID, PublicSubnetIDs and PrivateSubnetIDs select an existing VPC instead of
	// creating one; all three or none. Default: empty (create a VPC).
	VpcID            string
	PublicSubnetIDs  []string
	PrivateSubnetIDs []string
}

// ExistingVpc reports whether the stack deploys into a VPC it does not own.
func (c *Config) ExistingVpc() bool { return c.VpcID != "" }

// Autoscaling reports whether Application Auto Scaling manages the task count.
func (c *Config) Autoscaling() bool { return c.AutoscalingMaxCount > 0 }

// HTTPS reports whether the ALB terminates TLS (a certificate is configured).
func (c *Config) HTTPS() bool { return c.CertificateArn != "" }

// NamePrefix is the stem of every physical name: service and stack, lower case,
// so staging and production never collide in one account.
func (c *Config) NamePrefix() string {
	return c.ServiceName + "-" + sanitizeName(c.Stack)
}

// RolePath is the IAM path of the stack's roles. The CI deploy role's
// iam:PassRole and role management are scoped to it, since role names are
// auto-generated.
func (c *Config) RolePath() string {
	return "/" + c.ServiceName + "/" + sanitizeName(c.Stack) + "/"
}

func sanitizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteRune('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// ConfigKey describes one stack-config key: its name in the webservice namespace,
// its Pulumi.yaml type, and where it lands in Config. The table drives parsing and
// the test that keeps Pulumi.yaml's declared defaults equal to the Go constants.
type ConfigKey struct {
	Name  string // without namespace, e.g. "cpu"
	Type  string // Pulumi.yaml type: string, integer, boolean, array
	field func(c *Config) any
}

// FullName is the key as stack files and error messages spell it.
func (k ConfigKey) FullName() string { return Namespace + ":" + k.Name }

// Default returns the key's default value from DefaultConfig, typed as Pulumi.yaml
// declares it.
func (k ConfigKey) Default() any {
	c := DefaultConfig("")
	switch p := k.field(c).(type) {
	case *string:
		return *p
	case *int:
		return *p
	case *bool:
		return *p
	case *[]string:
		return *p
	}
	return nil
}

// ConfigKeys lists every key the program reads, in the order Pulumi.yaml declares them.
var ConfigKeys = []ConfigKey{
	{"serviceName", "string", func(c *Config) any { return &c.ServiceName }},
	{"accountId", "string", func(c *Config) any { return &c.AccountID }},
	{"permissionsBoundaryArn", "string", func(c *Config) any { return &c.PermissionsBoundaryArn }},
	{"imageTag", "string", func(c *Config) any { return &c.ImageTag }},
	{"imageDigest", "string", func(c *Config) any { return &c.ImageDigest }},
	{"promotionReaderArns", "array", func(c *Config) any { return &c.PromotionReaderArns }},
	{"containerPort", "integer", func(c *Config) any { return &c.ContainerPort }},
	{"containerUser", "string", func(c *Config) any { return &c.ContainerUser }},
	{"cpu", "integer", func(c *Config) any { return &c.CPU }},
	{"memory", "integer", func(c *Config) any { return &c.Memory }},
	{"cpuArchitecture", "string", func(c *Config) any { return &c.CPUArchitecture }},
	{"stopTimeout", "integer", func(c *Config) any { return &c.StopTimeout }},
	{"taskStartupSeconds", "integer", func(c *Config) any { return &c.TaskStartupSeconds }},
	{"containerHealthCheckCommand", "array", func(c *Config) any { return &c.ContainerHealthCheckCommand }},
	{"containerHealthCheckInterval", "integer", func(c *Config) any { return &c.ContainerHealthCheckInterval }},
	{"containerHealthCheckTimeout", "integer", func(c *Config) any { return &c.ContainerHealthCheckTimeout }},
	{"containerHealthCheckRetries", "integer", func(c *Config) any { return &c.ContainerHealthCheckRetries }},
	{"containerHealthCheckStartPeriod", "integer", func(c *Config) any { return &c.ContainerHealthCheckStartPeriod }},
	{"desiredCount", "integer", func(c *Config) any { return &c.DesiredCount }},
	{"deploymentMinimumHealthyPercent", "integer", func(c *Config) any { return &c.DeploymentMinimumHealthyPercent }},
	{"deploymentMaximumPercent", "integer", func(c *Config) any { return &c.DeploymentMaximumPercent }},
	{"healthCheckGracePeriod", "integer", func(c *Config) any { return &c.HealthCheckGracePeriod }},
	{"healthCheckPath", "string", func(c *Config) any { return &c.HealthCheckPath }},
	{"healthCheckProtocol", "string", func(c *Config) any { return &c.HealthCheckProtocol }},
	{"healthyThreshold", "integer", func(c *Config) any { return &c.HealthyThreshold }},
	{"unhealthyThreshold", "integer", func(c *Config) any { return &c.UnhealthyThreshold }},
	{"healthCheckTimeout", "integer", func(c *Config) any { return &c.HealthCheckTimeout }},
	{"healthCheckInterval", "integer", func(c *Config) any { return &c.HealthCheckInterval }},
	{"healthCheckMatcher", "string", func(c *Config) any { return &c.HealthCheckMatcher }},
	{"targetProtocol", "string", func(c *Config) any { return &c.TargetProtocol }},
	{"deregistrationDelay", "integer", func(c *Config) any { return &c.DeregistrationDelay }},
	{"idleTimeout", "integer", func(c *Config) any { return &c.IdleTimeout }},
	{"certificateArn", "string", func(c *Config) any { return &c.CertificateArn }},
	{"allowHttpOnly", "boolean", func(c *Config) any { return &c.AllowHTTPOnly }},
	{"protect", "boolean", func(c *Config) any { return &c.Protect }},
	{"albDeletionProtection", "boolean", func(c *Config) any { return &c.ALBDeletionProtection }},
	{"ecrForceDelete", "boolean", func(c *Config) any { return &c.ECRForceDelete }},
	{"ecrKeepTaggedImages", "integer", func(c *Config) any { return &c.ECRKeepTaggedImages }},
	{"ecrUntaggedExpiryDays", "integer", func(c *Config) any { return &c.ECRUntaggedExpiryDays }},
	{"logRetentionDays", "integer", func(c *Config) any { return &c.LogRetentionDays }},
	{"deploymentAlarms", "boolean", func(c *Config) any { return &c.DeploymentAlarms }},
	{"alarm5xxThreshold", "integer", func(c *Config) any { return &c.Alarm5xxThreshold }},
	{"alarmEvaluationPeriods", "integer", func(c *Config) any { return &c.AlarmEvaluationPeriods }},
	{"alarmPeriodSeconds", "integer", func(c *Config) any { return &c.AlarmPeriodSeconds }},
	{"autoscalingMinCount", "integer", func(c *Config) any { return &c.AutoscalingMinCount }},
	{"autoscalingMaxCount", "integer", func(c *Config) any { return &c.AutoscalingMaxCount }},
	{"autoscalingCpuTarget", "integer", func(c *Config) any { return &c.AutoscalingCPUTarget }},
	{"autoscalingRequestsPerTarget", "integer", func(c *Config) any { return &c.AutoscalingRequestsPerTarget }},
	{"environment", "array", func(c *Config) any { return &c.Environment }},
	{"secrets", "array", func(c *Config) any { return &c.Secrets }},
	{"secretsKmsKeyArns", "array", func(c *Config) any { return &c.SecretsKMSKeyArns }},
	{"accessLogs", "boolean", func(c *Config) any { return &c.AccessLogs }},
	{"accessLogsRetentionDays", "integer", func(c *Config) any { return &c.AccessLogsRetentionDays }},
	{"dashboard", "boolean", func(c *Config) any { return &c.Dashboard }},
	{"waf", "boolean", func(c *Config) any { return &c.WAF }},
	{"vpcCidr", "string", func(c *Config) any { return &c.VpcCidr }},
	{"availabilityZones", "array", func(c *Config) any { return &c.AvailabilityZones }},
	{"natGateways", "string", func(c *Config) any { return &c.NatGateways }},
	{"vpcId", "string", func(c *Config) any { return &c.VpcID }},
	{"publicSubnetIds", "array", func(c *Config) any { return &c.PublicSubnetIDs }},
	{"privateSubnetIds", "array", func(c *Config) any { return &c.PrivateSubnetIDs }},
}

// key returns the fully qualified name of a config key, for error messages.
func key(name string) string { return Namespace + ":" + name }

// The image a deploy runs can come from the environment instead of config:
// `pulumi up --config webservice:imageTag=x` writes x into Pulumi.<stack>.yaml,
// where a later plain `pulumi up` would deploy it again. These variables are
// never persisted, and win over the config keys.
const (
	EnvImageTag    = "WEBSERVICE_IMAGE_TAG"
	EnvImageDigest = "WEBSERVICE_IMAGE_DIGEST"
)

// LoadConfig reads the stack's config into a Config, applies defaults, and
// validates it. It is the only place the program reads config. On any problem it
// returns a *ConfigError listing all of them.
func LoadConfig(ctx *pulumi.Context) (*Config, error) { return loadConfig(ctx, nil) }

// loadConfig is LoadConfig accepting the given example values as they are
// (ExampleProgram, for render -example only).
func loadConfig(ctx *pulumi.Context, examples map[string]string) (*Config, error) {
	keys, err := configuredKeys()
	if err != nil {
		return nil, err
	}
	lookup := ctx.GetConfig
	env := map[string]string{key("imageTag"): os.Getenv(EnvImageTag), key("imageDigest"): os.Getenv(EnvImageDigest)}
	fromEnv := env[key("imageTag")] != "" || env[key("imageDigest")] != ""
	if fromEnv {
		lookup = func(k string) (string, bool) {
			if _, isImage := env[k]; isImage {
				return env[k], env[k] != ""
			}
			return ctx.GetConfig(k)
		}
	}
	c, err := parseConfig(ctx.Stack(), keys, lookup, examples)
	if c != nil {
		c.ImageFromEnvironment = fromEnv
	}
	var ce *ConfigError
	if fromEnv && errors.As(err, &ce) {
		// Name the variable the bad value came from.
		for _, f := range ce.Fields {
			switch {
			case f.Key == key("imageTag") && env[f.Key] != "":
				f.Key = EnvImageTag + " (" + f.Key + ")"
			case f.Key == key("imageDigest") && env[f.Key] != "":
				f.Key = EnvImageDigest + " (" + f.Key + ")"
			}
		}
	}
	return c, err
}

// ParseConfig is LoadConfig over any lookup of raw, fully qualified config values
// (as Pulumi passes them: strings, arrays as JSON). Unset keys keep their defaults;
// a key set to a zero value stays zero and is validated as given.
func ParseConfig(stack string, lookup func(fullKey string) (string, bool)) (*Config, error) {
	return parseConfig(stack, nil, lookup, nil)
}

// ParseConfigAllowing is ParseConfig accepting the given example values
// (render -example's, infra.ExampleSite) where the placeholder check would
// refuse them.
func ParseConfigAllowing(stack string, lookup func(fullKey string) (string, bool), examples map[string]string) (*Config, error) {
	return parseConfig(stack, nil, lookup, examples)
}

// parseConfig also refuses configured keys nothing reads (when the caller knows
// which keys are configured).
func parseConfig(stack string, configured map[string]string, lookup func(fullKey string) (string, bool), examples map[string]string) (*Config, error) {
	c := DefaultConfig(stack)
	c.examples = examples
	var p problems
	checkKnownKeys(&p, stack, configured)
	c.Region, _ = lookup(RegionKey)
	for _, k := range ConfigKeys {
		raw, ok := lookup(k.FullName())
		if !ok {
			continue
		}
		parseInto(&p, k, raw, k.field(c))
	}
	if len(p.fields) > 0 {
		// Type errors first: range checks on half-parsed values would only add noise.
		return nil, p.err(stack)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func parseInto(p *problems, k ConfigKey, raw string, dst any) {
	switch d := dst.(type) {
	case *string:
		*d = strings.TrimSpace(raw)
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			p.add(k.FullName(), raw, "a whole number")
			return
		}
		*d = n
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			p.add(k.FullName(), raw, "true or false")
			return
		}
		*d = b
	case *[]string:
		var list []string
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			p.add(k.FullName(), raw, `a list of strings, e.g. ["a", "b"]`)
			return
		}
		*d = list
	}
}
