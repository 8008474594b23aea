package infra

// Defaults, one named constant per Config field. The seed's health check is the
// default; everything else is a production-grade choice explained where it is not
// obvious. Pulumi.yaml declares the same values (a test keeps them equal).
const (
	DefaultServiceName   = "webservice"
	DefaultContainerPort = 8443
	// DefaultContainerUser names a group too: a uid alone runs with gid 0 (root's
	// group) in most images, distroless included.
	DefaultContainerUser   = "10001:10001"
	DefaultCPU             = 256
	DefaultMemory          = 512
	DefaultCPUArchitecture = "X86_64"
	// DefaultStopTimeout gives in-flight requests time to finish after SIGTERM while
	// the ALB drains; Fargate's maximum is 120.
	DefaultStopTimeout        = 30
	DefaultTaskStartupSeconds = 60

	DefaultContainerHealthCheckInterval    = 30
	DefaultContainerHealthCheckTimeout     = 5
	DefaultContainerHealthCheckRetries     = 3
	DefaultContainerHealthCheckStartPeriod = 10

	// DefaultDesiredCount of 2 keeps one task per AZ, so losing an AZ or a task
	// never drops the service to zero.
	DefaultDesiredCount = 2
	// 100/200: a deploy starts a full new set before stopping any old task, so
	// capacity never dips (zero-downtime rolling update).
	DefaultDeploymentMinimumHealthyPercent = 100
	DefaultDeploymentMaximumPercent        = 200
	// DefaultHealthCheckGracePeriod covers start-up (DefaultTaskStartupSeconds) and
	// the time a new task needs to prove itself healthy (3 x 30 s). It does not slow
	// failure detection: a failing task is only declared unhealthy after
	// (unhealthyThreshold+1) x interval = 90 s anyway.
	DefaultHealthCheckGracePeriod = 90

	// The seed's health check.
	DefaultHealthCheckPath     = "/health"
	DefaultHealthCheckProtocol = "HTTPS"
	DefaultHealthyThreshold    = 3
	DefaultUnhealthyThreshold  = 2
	DefaultHealthCheckTimeout  = 5
	DefaultHealthCheckInterval = 30
	DefaultHealthCheckMatcher  = "200-299"

	DefaultTargetProtocol = "HTTPS"
	// DefaultDeregistrationDelay of 30 s: AWS's 300 adds ~4.5 minutes to every deploy.
	DefaultDeregistrationDelay = 30
	DefaultIdleTimeout         = 60

	DefaultECRKeepTaggedImages   = 30
	DefaultECRUntaggedExpiryDays = 7
	DefaultLogRetentionDays      = 30

	// Deployment alarms: 10 target 5xx a minute for 3 minutes in a row rolls back.
	DefaultAlarm5xxThreshold      = 10
	DefaultAlarmEvaluationPeriods = 3
	DefaultAlarmPeriodSeconds     = 60

	DefaultAutoscalingCPUTarget         = 60
	DefaultAutoscalingRequestsPerTarget = 1000

	DefaultAccessLogsRetentionDays = 90

	DefaultVpcCidr     = "10.0.0.0/16"
	DefaultNatGateways = "Single"
)

// TLSPolicy is the HTTPS listener's security policy. It is set explicitly because an
// unset policy means AWS's ELBSecurityPolicy-2016-08, which fails Security Hub ELB.17.
const TLSPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"

// ContainerName is the name of the app container in the task definition; the
// service's load balancer mapping and other teams' tooling refer to it.
const ContainerName = "app"

// DefaultConfig returns a Config holding every default, for the given stack.
func DefaultConfig(stack string) *Config {
	return &Config{
		Stack:                           stack,
		ServiceName:                     DefaultServiceName,
		PromotionReaderArns:             []string{},
		ContainerPort:                   DefaultContainerPort,
		ContainerUser:                   DefaultContainerUser,
		CPU:                             DefaultCPU,
		Memory:                          DefaultMemory,
		CPUArchitecture:                 DefaultCPUArchitecture,
		StopTimeout:                     DefaultStopTimeout,
		TaskStartupSeconds:              DefaultTaskStartupSeconds,
		ContainerHealthCheckCommand:     []string{},
		ContainerHealthCheckInterval:    DefaultContainerHealthCheckInterval,
		ContainerHealthCheckTimeout:     DefaultContainerHealthCheckTimeout,
		ContainerHealthCheckRetries:     DefaultContainerHealthCheckRetries,
		ContainerHealthCheckStartPeriod: DefaultContainerHealthCheckStartPeriod,
		DesiredCount:                    DefaultDesiredCount,
		DeploymentMinimumHealthyPercent: DefaultDeploymentMinimumHealthyPercent,
		DeploymentMaximumPercent:        DefaultDeploymentMaximumPercent,
		HealthCheckGracePeriod:          DefaultHealthCheckGracePeriod,
		HealthCheckPath:                 DefaultHealthCheckPath,
		HealthCheckProtocol:             DefaultHealthCheckProtocol,
		HealthyThreshold:                DefaultHealthyThreshold,
		UnhealthyThreshold:              DefaultUnhealthyThreshold,
		HealthCheckTimeout:              DefaultHealthCheckTimeout,
		HealthCheckInterval:             DefaultHealthCheckInterval,
		HealthCheckMatcher:              DefaultHealthCheckMatcher,
		TargetProtocol:                  DefaultTargetProtocol,
		DeregistrationDelay:             DefaultDeregistrationDelay,
		IdleTimeout:                     DefaultIdleTimeout,
		ECRKeepTaggedImages:             DefaultECRKeepTaggedImages,
		ECRUntaggedExpiryDays:           DefaultECRUntaggedExpiryDays,
		LogRetentionDays:                DefaultLogRetentionDays,
		DeploymentAlarms:                true,
		Alarm5xxThreshold:               DefaultAlarm5xxThreshold,
		AlarmEvaluationPeriods:          DefaultAlarmEvaluationPeriods,
		AlarmPeriodSeconds:              DefaultAlarmPeriodSeconds,
		AutoscalingCPUTarget:            DefaultAutoscalingCPUTarget,
		AutoscalingRequestsPerTarget:    DefaultAutoscalingRequestsPerTarget,
		Environment:                     []string{},
		Secrets:                         []string{},
		SecretsKMSKeyArns:               []string{},
		AccessLogsRetentionDays:         DefaultAccessLogsRetentionDays,
		Dashboard:                       true,
		VpcCidr:                         DefaultVpcCidr,
		AvailabilityZones:               []string{},
		NatGateways:                     DefaultNatGateways,
		PublicSubnetIDs:                 []string{},
		PrivateSubnetIDs:                []string{},
	}
}
