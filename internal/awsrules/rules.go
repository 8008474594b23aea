package awsrules

import "regexp"

// Sources, cited per row. "tf:" is a file under terraform-provider-aws
// internal/service/ (pulumi-aws v6 bridges it: its schema ValidateFuncs are the
// provider's Check); "api:" is the AWS API reference page of the named request
// or type (the service's own constraints, applied when the call is made);
// "awsx:" is pulumi-awsx's schema (schema.json, the enums of its Go SDK).
//
// A row goes where the provider refuses the same bad values at `pulumi
// preview`, before anything is created: tests/e2e/rules_test.go injects them
// into a preview with the real CLI and provider, and tests/provider_rules_test.go
// counts the property as checked by the provider (docs/provider-rules.md lists
// what went). The "tf:" rows left say, each, what the provider lets through.
const (
	srcSGDescription = "tf: ec2/validate.go validSecurityGroupRuleDescription (a rule's description only); " +
		"api: EC2 IpRange.Description and CreateSecurityGroup GroupDescription; terraform-provider-aws issue 18874 is an apostrophe here"
	srcTags       = "api: Tag (Resource Groups Tagging): keys 1-128, values 0-256 characters; aws: is reserved"
	srcFree       = "free: an ARN, id or reference another resource returned; AWS checks it exists"
	srcBool       = "free: a boolean; the schema's type is the provider's only check"
	srcIAMName    = "tf: iam/role.go validResourceName: [\\w+=,.@-]; api: CreateRole RoleName 1-64"
	srcIAMPolicy  = "api: IAM quotas (IAM/latest/UserGuide/reference_iam-quotas.html): inline policies per role 10,240, managed policy 6,144, role trust policy 2,048 characters, whitespace excluded"
	srcIAMSid     = "api: IAM JSON policy elements: Sid supports ASCII letters and digits only"
	srcTargetName = "tf: elbv2/validate.go validName / validTargetGroupName: letters, digits, hyphens, at most 32"
)

var (
	sgDescription = regexp.MustCompile(`^[A-Za-z0-9 \.\_\-\:\/\(\)\#\,\@\[\]\+\=\&\;\{\}\!\$\*]*$`)
	iamName       = regexp.MustCompile(`^[\w+=,.@-]+$`)
	iamPath       = regexp.MustCompile(`^/([\x21-\x7E]+/)?$`)
	ecsName       = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	ecrName       = regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
	wafName       = regexp.MustCompile(`^[\w-]{1,128}$`)
	wafMetric     = regexp.MustCompile(`^[\w#:.\-/]{1,255}$`)
	s3Prefix      = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)
	iamSid        = regexp.MustCompile(`^[A-Za-z0-9]*$`)
	curlyQuotes   = regexp.MustCompile(`[“‘”’]`)
	manyWildcards = regexp.MustCompile(`(\*[^*]*){5,}`)
	cidr          = regexp.MustCompile(`^([0-9]{1,3}\.){3}[0-9]{1,3}/[0-9]{1,2}$`)
	region        = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$`)
	accountID     = regexp.MustCompile(`^[0-9]{12}$`)
)

func pattern(typ, path string, re *regexp.Regexp, src string) Rule {
	return Rule{Type: typ, Path: path, Kind: Pattern, Pattern: re, Source: src}
}
func length(typ, path string, min, max int, src string) Rule {
	return Rule{Type: typ, Path: path, Kind: Length, Min: min, Max: max, Source: src}
}
func enum(typ, path string, src string, values ...string) Rule {
	return Rule{Type: typ, Path: path, Kind: Enum, Enum: values, Source: src}
}
func rng(typ, path string, min, max int, src string) Rule {
	return Rule{Type: typ, Path: path, Kind: Range, Min: min, Max: max, Source: src}
}
func free(typ, path, src string) Rule { return Rule{Type: typ, Path: path, Kind: Free, Source: src} }
func compact(typ, path string, max int, src string) Rule {
	return Rule{Type: typ, Path: path, Kind: CompactLength, Max: max, Source: src}
}
func named(r Rule) Rule { r.Autoname = true; return r }

// iamDocument is the rows every IAM policy document gets.
func iamDocument(typ, path string, max int) []Rule {
	return []Rule{
		compact(typ, path, max, srcIAMPolicy),
		pattern(typ, path+".#json.Statement.*.Sid", iamSid, srcIAMSid),
		enum(typ, path+".#json.Statement.*.Effect", "api: IAM JSON policy elements: Effect", "Allow", "Deny"),
		enum(typ, path+".#json.Version", "api: IAM JSON policy elements: Version", "2012-10-17"),
	}
}

// Rules is the table: one row per property the program sets. Keep rows grouped
// by resource type, in the order a stack creates them.
var Rules = concat(
	// The provider itself.
	[]Rule{
		// Kept: the provider takes any Region at preview (skipRegionValidation, true here).
		pattern("pulumi:providers:aws", "region", region, "tf: provider region; api: AWS Regions"),
		// Kept: the provider only checks that the account it runs in is listed.
		pattern("pulumi:providers:aws", "allowedAccountIds.*", accountID, "tf: provider allowed_account_ids: 12 digits"),
		length("pulumi:providers:aws", "defaultTags.tags.#keys", 1, 128, srcTags),
		Rule{Type: "pulumi:providers:aws", Path: "defaultTags.tags.#keys", Kind: Forbidden,
			Pattern: regexp.MustCompile(`^aws:`), Source: srcTags},
		length("pulumi:providers:aws", "defaultTags.tags.*", 0, 256, srcTags),
		free("pulumi:providers:aws", "skipCredentialsValidation", srcBool),
		free("pulumi:providers:aws", "skipRegionValidation", srcBool),
	},

	// awsx's VPC (a component: its inputs are checked by awsx's schema).
	[]Rule{
		pattern("awsx:ec2:Vpc", "cidrBlock", cidr, "awsx: VpcArgs.cidrBlock; api: CreateVpc CidrBlock /16 to /28"),
		pattern("awsx:ec2:Vpc", "availabilityZoneNames.*", regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]+[a-z]$`),
			"api: AvailabilityZone ZoneName"),
		free("awsx:ec2:Vpc", "enableDnsHostnames", srcBool),
		free("awsx:ec2:Vpc", "enableDnsSupport", srcBool),
		rng("awsx:ec2:Vpc", "numberOfAvailabilityZones", 1, 32, "awsx: VpcArgs.numberOfAvailabilityZones"),
		enum("awsx:ec2:Vpc", "natGateways.strategy", "awsx: NatGatewayStrategy", "None", "Single", "OnePerAz"),
		enum("awsx:ec2:Vpc", "subnetStrategy", "awsx: SubnetAllocationStrategy", "Legacy", "Auto", "Exact"),
		enum("awsx:ec2:Vpc", "subnetSpecs.*.type", "awsx: SubnetType", "Public", "Private", "Isolated", "Unused"),
		pattern("awsx:ec2:Vpc", "subnetSpecs.*.name", regexp.MustCompile(`^[a-z0-9-]{1,40}$`),
			"awsx: SubnetSpec.name becomes part of each subnet's logical and Name tag"),
		length("awsx:ec2:Vpc", "tags.*", 0, 256, srcTags),
	},

	// Registry.
	[]Rule{
		// Kept: the provider takes an upper-case or malformed name at preview.
		pattern("aws:ecr/repository:Repository", "name", ecrName, "tf: ecr/repository.go name; api: CreateRepository repositoryName"),
		length("aws:ecr/repository:Repository", "name", 2, 256, "api: CreateRepository repositoryName 2-256"),
		free("aws:ecr/repository:Repository", "imageScanningConfiguration.scanOnPush", srcBool),
		free("aws:ecr/repository:Repository", "forceDelete", srcBool),

		pattern("aws:ecr/lifecyclePolicy:LifecyclePolicy", "repository", ecrName, "api: PutLifecyclePolicy repositoryName"),
		rng("aws:ecr/lifecyclePolicy:LifecyclePolicy", "policy.#json.rules.*.rulePriority", 1, 1000,
			"api: ECR lifecycle policy properties: rulePriority, unique, >= 1"),
		enum("aws:ecr/lifecyclePolicy:LifecyclePolicy", "policy.#json.rules.*.selection.tagStatus",
			"api: ECR lifecycle policy properties: tagStatus", "tagged", "untagged", "any"),
		enum("aws:ecr/lifecyclePolicy:LifecyclePolicy", "policy.#json.rules.*.selection.countType",
			"api: ECR lifecycle policy properties: countType", "imageCountMoreThan", "sinceImagePushed"),
		enum("aws:ecr/lifecyclePolicy:LifecyclePolicy", "policy.#json.rules.*.selection.countUnit",
			"api: ECR lifecycle policy properties: countUnit", "days"),
		rng("aws:ecr/lifecyclePolicy:LifecyclePolicy", "policy.#json.rules.*.selection.countNumber", 1, 1<<31-1,
			"api: ECR lifecycle policy properties: countNumber, a positive integer"),
		Rule{Type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", Path: "policy.#json.rules.*.selection.tagPatternList",
			Kind: Items, Min: 1, Max: 1, Source: "api: ECR lifecycle policy properties: the entries of a tagPatternList " +
				"are ANDed (an image must carry all); this project protects one tag per rule"},
		Rule{Type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", Path: "policy.#json.rules.*.selection.tagPatternList.*",
			Kind: Forbidden, Pattern: manyWildcards, Source: "api: ECR lifecycle policy properties: at most 4 wildcards per tagPatternList string"},
		enum("aws:ecr/lifecyclePolicy:LifecyclePolicy", "policy.#json.rules.*.action.type",
			"api: ECR lifecycle policy properties: action type", "expire"),

		// Only with webservice:promotionReaderArns (infra/promotion.go).
		pattern("aws:ecr/repositoryPolicy:RepositoryPolicy", "repository", ecrName, "api: SetRepositoryPolicy repositoryName"),
		pattern("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy.#json.Statement.*.Principal.AWS.*",
			regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$`),
			"api: SetRepositoryPolicy: a principal must be an existing IAM ARN (ECR refuses the policy otherwise)"),
		compact("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy", 10240, "api: SetRepositoryPolicy policyText, 0-10240 characters"),
		pattern("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy.#json.Statement.*.Sid", iamSid, srcIAMSid),
		enum("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy.#json.Statement.*.Effect", "api: IAM JSON policy elements: Effect", "Allow", "Deny"),
		enum("aws:ecr/repositoryPolicy:RepositoryPolicy", "policy.#json.Version", "api: IAM JSON policy elements: Version", "2012-10-17"),
	},

	// Cluster and logs.
	[]Rule{
		pattern("aws:ecs/cluster:Cluster", "name", ecsName, "api: CreateCluster clusterName: 1-255 letters, digits, _ and -"),
		enum("aws:ecs/cluster:Cluster", "settings.*.value", "api: ClusterSetting value", "enabled", "disabled", "enhanced"),
	},

	// Security groups.
	[]Rule{
		// Kept: the provider checks the characters of a rule's description only.
		pattern("aws:ec2/securityGroup:SecurityGroup", "description", sgDescription, srcSGDescription),
		// Kept: the provider refuses a long name, the stand-in not a long auto-name.
		named(length("aws:ec2/securityGroup:SecurityGroup", "name", 1, 255, "tf: ec2/vpc_security_group.go name")),
		free("aws:ec2/securityGroup:SecurityGroup", "vpcId", srcFree),
		// Kept: the provider takes any protocol name.
		enum("aws:ec2/securityGroupRule:SecurityGroupRule", "protocol", "tf: ec2 protocol: a name or number; -1 is all",
			"-1", "tcp", "udp", "icmp", "icmpv6", "all"),
		// Kept: the provider does not check ports.
		rng("aws:ec2/securityGroupRule:SecurityGroupRule", "fromPort", -1, 65535, "tf: ec2/vpc_security_group_rule.go from_port"),
		// Kept: the provider does not check ports.
		rng("aws:ec2/securityGroupRule:SecurityGroupRule", "toPort", -1, 65535, "tf: ec2/vpc_security_group_rule.go to_port"),
		free("aws:ec2/securityGroupRule:SecurityGroupRule", "securityGroupId", srcFree),
		free("aws:ec2/securityGroupRule:SecurityGroupRule", "sourceSecurityGroupId", srcFree),
	},

	// Load balancer, target group, listeners.
	[]Rule{
		// Kept: the provider takes 0 and 4001.
		rng("aws:lb/loadBalancer:LoadBalancer", "idleTimeout", 1, 4000, "tf: elbv2/load_balancer.go idle_timeout"),
		pattern("aws:lb/loadBalancer:LoadBalancer", "accessLogs.prefix", regexp.MustCompile(`^([^A]|A[^W]|AW[^S]|AWS[^L])*$`),
			"api: ALB access logs: the prefix must not include AWSLogs"),
		free("aws:lb/loadBalancer:LoadBalancer", "accessLogs.bucket", srcFree),
		free("aws:lb/loadBalancer:LoadBalancer", "accessLogs.enabled", srcBool),
		free("aws:lb/loadBalancer:LoadBalancer", "dropInvalidHeaderFields", srcBool),
		free("aws:lb/loadBalancer:LoadBalancer", "enableDeletionProtection", srcBool),
		free("aws:lb/loadBalancer:LoadBalancer", "enableHttp2", srcBool),
		free("aws:lb/loadBalancer:LoadBalancer", "internal", srcBool),
		free("aws:lb/loadBalancer:LoadBalancer", "securityGroups.*", srcFree),
		free("aws:lb/loadBalancer:LoadBalancer", "subnets.*", srcFree),

		// Kept: the provider refuses a long name, the stand-in not a long auto-name.
		named(length("aws:lb/targetGroup:TargetGroup", "name", 1, 32, srcTargetName)),
		free("aws:lb/targetGroup:TargetGroup", "vpcId", srcFree),
		free("aws:lb/targetGroup:TargetGroup", "healthCheck.enabled", srcBool),
		// Kept: the provider takes "https".
		enum("aws:lb/targetGroup:TargetGroup", "healthCheck.protocol", "tf: elbv2/target_group.go health_check.protocol",
			"HTTP", "HTTPS", "TCP"),
		pattern("aws:lb/targetGroup:TargetGroup", "healthCheck.matcher",
			regexp.MustCompile(`^[2-4][0-9]{2}((-|,)[2-4][0-9]{2})*$`), "api: Matcher HttpCode: 200-499, as 200, 200,202 or 200-299"),

		// Kept: the provider takes "https".
		enum("aws:lb/listener:Listener", "protocol", "tf: elbv2/listener.go protocol",
			"GENEVE", "HTTP", "HTTPS", "TCP", "TCP_UDP", "TLS", "UDP"),
		enum("aws:lb/listener:Listener", "sslPolicy",
			"api: ELB predefined security policies (elasticloadbalancing/latest/application/describe-ssl-policies.html)",
			"ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
			"ELBSecurityPolicy-TLS13-1-2-PQ-2025-09", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
			"ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06"),
		free("aws:lb/listener:Listener", "certificateArn", srcFree),
		free("aws:lb/listener:Listener", "loadBalancerArn", srcFree),
		// Kept: the provider takes "Forward".
		enum("aws:lb/listener:Listener", "defaultActions.*.type", "tf: elbv2/listener.go default_action.type",
			"forward", "redirect", "fixed-response", "authenticate-cognito", "authenticate-oidc"),
		free("aws:lb/listener:Listener", "defaultActions.*.targetGroupArn", srcFree),
		pattern("aws:lb/listener:Listener", "defaultActions.*.redirect.port",
			regexp.MustCompile(`^(#\{port\}|[1-9][0-9]{0,4})$`), "api: RedirectActionConfig Port: 1-65535 or #{port}"),
	},

	// Roles and policies.
	[]Rule{
		// Kept: the provider refuses a long name, the stand-in not a long auto-name.
		named(length("aws:iam/role:Role", "name", 1, 64, srcIAMName)),
		pattern("aws:iam/role:Role", "path", iamPath, "api: CreateRole Path: / or /a/.../ of printable ASCII, 1-512"),
		// Kept: the provider refuses “ and ‘ but takes ’ and ”.
		Rule{Type: "aws:iam/role:Role", Path: "description", Kind: Forbidden, Pattern: curlyQuotes,
			Source: "tf: iam/role.go description: no typographic quotes"},
		free("aws:iam/role:Role", "permissionsBoundary", srcFree),
		// Kept: the provider does not check the role's name here.
		pattern("aws:iam/rolePolicy:RolePolicy", "role", iamName, srcIAMName),
		pattern("aws:iam/policy:Policy", "path", iamPath, "api: CreatePolicy Path"),
		// Kept: the provider takes a description of 1,001 characters.
		length("aws:iam/policy:Policy", "description", 0, 1000, "tf: iam/policy.go description"),
		// Kept: the provider does not check the role's name here.
		pattern("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "role", iamName, srcIAMName),
		free("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "policyArn", srcFree),
	},
	iamDocument("aws:iam/role:Role", "assumeRolePolicy", 2048),
	iamDocument("aws:iam/rolePolicy:RolePolicy", "policy", 10240),
	iamDocument("aws:iam/policy:Policy", "policy", 6144),

	// Task definition.
	[]Rule{
		enum("aws:ecs/taskDefinition:TaskDefinition", "cpu", "api: TaskDefinition cpu (Fargate sizes)",
			"256", "512", "1024", "2048", "4096", "8192", "16384"),
		rng("aws:ecs/taskDefinition:TaskDefinition", "memory", 512, 122880, "api: TaskDefinition memory (Fargate, MiB)"),
		// Kept: the provider takes the Windows families.
		enum("aws:ecs/taskDefinition:TaskDefinition", "runtimePlatform.operatingSystemFamily",
			"tf: ecs/task_definition.go runtime_platform.operating_system_family", "LINUX"),
		pattern("aws:ecs/taskDefinition:TaskDefinition", "volumes.*.name", ecsName, "api: Volume name"),
		free("aws:ecs/taskDefinition:TaskDefinition", "executionRoleArn", srcFree),
		free("aws:ecs/taskDefinition:TaskDefinition", "taskRoleArn", srcFree),
		free("aws:ecs/taskDefinition:TaskDefinition", "skipDestroy", srcBool),
		pattern("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.name", ecsName, "api: ContainerDefinition name"),
		pattern("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.user",
			regexp.MustCompile(`^[0-9]+:[0-9]+$`), "api: ContainerDefinition user; this project: numeric uid:gid (ECS.20)"),
		rng("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.stopTimeout", 1, 120,
			"api: ContainerDefinition stopTimeout: Fargate at most 120"),
		rng("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.portMappings.*.containerPort", 1, 65535,
			"api: PortMapping containerPort"),
		enum("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.portMappings.*.protocol",
			"api: PortMapping protocol", "tcp", "udp"),
		enum("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.logConfiguration.logDriver",
			"api: LogConfiguration logDriver (Fargate)", "awslogs", "splunk", "awsfirelens"),
		rng("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.healthCheck.interval", 5, 300,
			"api: HealthCheck interval"),
		rng("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.healthCheck.timeout", 2, 60,
			"api: HealthCheck timeout"),
		rng("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.healthCheck.retries", 1, 10,
			"api: HealthCheck retries"),
		rng("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.healthCheck.startPeriod", 0, 300,
			"api: HealthCheck startPeriod"),
		pattern("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.environment.*.name",
			regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`), "api: KeyValuePair name (an environment variable name)"),
		pattern("aws:ecs/taskDefinition:TaskDefinition", "containerDefinitions.#json.*.mountPoints.*.sourceVolume", ecsName,
			"api: MountPoint sourceVolume names a task volume"),
	},

	// Service, alarms, autoscaling, dashboard.
	[]Rule{
		pattern("aws:ecs/service:Service", "name", ecsName, "api: CreateService serviceName: 1-255 letters, digits, _ and -"),
		pattern("aws:ecs/service:Service", "platformVersion", regexp.MustCompile(`^(LATEST|[0-9]+\.[0-9]+\.[0-9]+)$`),
			"api: CreateService platformVersion"),
		// Kept: the provider takes -1 and 101.
		rng("aws:ecs/service:Service", "deploymentMinimumHealthyPercent", 0, 100, "tf: ecs/service.go deployment_minimum_healthy_percent"),
		// Kept: the provider takes -1 and 2001.
		rng("aws:ecs/service:Service", "deploymentMaximumPercent", 0, 2000, "tf: ecs/service.go deployment_maximum_percent"),
		rng("aws:ecs/service:Service", "desiredCount", 0, 5000, "api: CreateService desiredCount (tasks per service quota 5,000)"),
		pattern("aws:ecs/service:Service", "loadBalancers.*.containerName", ecsName, "api: LoadBalancer containerName"),
		rng("aws:ecs/service:Service", "loadBalancers.*.containerPort", 1, 65535, "api: LoadBalancer containerPort"),
		free("aws:ecs/service:Service", "loadBalancers.*.targetGroupArn", srcFree),
		free("aws:ecs/service:Service", "cluster", srcFree),
		free("aws:ecs/service:Service", "taskDefinition", srcFree),
		free("aws:ecs/service:Service", "networkConfiguration.assignPublicIp", srcBool),
		free("aws:ecs/service:Service", "networkConfiguration.securityGroups.*", srcFree),
		free("aws:ecs/service:Service", "networkConfiguration.subnets.*", srcFree),
		free("aws:ecs/service:Service", "deploymentCircuitBreaker.enable", srcBool),
		free("aws:ecs/service:Service", "deploymentCircuitBreaker.rollback", srcBool),
		free("aws:ecs/service:Service", "alarms.enable", srcBool),
		free("aws:ecs/service:Service", "alarms.rollback", srcBool),
		length("aws:ecs/service:Service", "alarms.alarmNames.*", 1, 255, "api: DeploymentAlarms alarmNames: CloudWatch alarm names"),
		// Kept: the provider takes no names and 11.
		Rule{Type: "aws:ecs/service:Service", Path: "alarms.alarmNames", Kind: Items, Min: 1, Max: 10,
			Source: "tf: ecs/service.go expandAlarms sends AlarmNames only when the set is non-empty, and " +
				"aws-sdk-go-v2 ecs validators require it (missing required field DeploymentAlarms.AlarmNames); ECS allows up to 10"},
		free("aws:ecs/service:Service", "enableEcsManagedTags", srcBool),
		free("aws:ecs/service:Service", "waitForSteadyState", srcBool),

		// Kept: the provider takes "NotBreaching".
		enum("aws:cloudwatch/metricAlarm:MetricAlarm", "treatMissingData", "tf: cloudwatch/metric_alarm.go treat_missing_data",
			"missing", "ignore", "breaching", "notBreaching"),
		// Kept: the provider takes a leading colon.
		pattern("aws:cloudwatch/metricAlarm:MetricAlarm", "namespace", regexp.MustCompile(`^[^:].{0,254}$`),
			"tf: cloudwatch/validate.go validNamespace"),
		Rule{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Path: "period", Kind: MultipleOf, Min: 60,
			Enum: []string{"10", "20", "30"}, Source: "api: PutMetricAlarm Period: 10, 20, 30 or a multiple of 60"},
		// Kept: the provider takes 2^31.
		rng("aws:cloudwatch/metricAlarm:MetricAlarm", "evaluationPeriods", 1, 1<<31-1, "tf: cloudwatch/metric_alarm.go evaluation_periods"),
		free("aws:cloudwatch/metricAlarm:MetricAlarm", "threshold", "free: any number"),
		length("aws:cloudwatch/metricAlarm:MetricAlarm", "dimensions.*", 1, 1024, "api: Dimension Value 1-1024"),
		length("aws:cloudwatch/metricAlarm:MetricAlarm", "dimensions.#keys", 1, 255, "api: Dimension Name 1-255"),

		length("aws:cloudwatch/dashboard:Dashboard", "dashboardName", 1, 255, "api: PutDashboard DashboardName"),

		// Kept: the provider takes any namespace.
		enum("aws:appautoscaling/target:Target", "serviceNamespace", "tf: appautoscaling/target.go service_namespace", "ecs"),
		enum("aws:appautoscaling/target:Target", "scalableDimension", "api: RegisterScalableTarget ScalableDimension (ECS)",
			"ecs:service:DesiredCount"),
		pattern("aws:appautoscaling/target:Target", "resourceId", regexp.MustCompile(`^service/[A-Za-z0-9_-]+/[A-Za-z0-9_-]+$`),
			"api: RegisterScalableTarget ResourceId for ECS: service/<cluster>/<service>"),
		rng("aws:appautoscaling/target:Target", "minCapacity", 0, 5000, "api: RegisterScalableTarget MinCapacity"),
		rng("aws:appautoscaling/target:Target", "maxCapacity", 0, 5000, "api: RegisterScalableTarget MaxCapacity"),
		named(Rule{Type: "aws:appautoscaling/policy:Policy", Path: "name", Kind: Pattern,
			Pattern: regexp.MustCompile(`^[^:/]+$`), Source: "api: PutScalingPolicy PolicyName: no : or /"}),
		// Kept: the provider takes any policy type.
		enum("aws:appautoscaling/policy:Policy", "policyType", "tf: appautoscaling/policy.go policy_type",
			"StepScaling", "TargetTrackingScaling", "PredictiveScaling"),
		// Kept: the provider takes any namespace.
		enum("aws:appautoscaling/policy:Policy", "serviceNamespace", "tf: appautoscaling/policy.go service_namespace", "ecs"),
		enum("aws:appautoscaling/policy:Policy", "scalableDimension", "api: PutScalingPolicy ScalableDimension (ECS)",
			"ecs:service:DesiredCount"),
		free("aws:appautoscaling/policy:Policy", "resourceId", srcFree),
		enum("aws:appautoscaling/policy:Policy",
			"targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType",
			"api: PredefinedMetricSpecification (ECS)", "ECSServiceAverageCPUUtilization",
			"ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget"),
		length("aws:appautoscaling/policy:Policy",
			"targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel", 1, 1023,
			"api: PredefinedMetricSpecification ResourceLabel"),
		rng("aws:appautoscaling/policy:Policy", "targetTrackingScalingPolicyConfiguration.scaleInCooldown", 0, 1<<31-1,
			"api: TargetTrackingScalingPolicyConfiguration ScaleInCooldown"),
		rng("aws:appautoscaling/policy:Policy", "targetTrackingScalingPolicyConfiguration.scaleOutCooldown", 0, 1<<31-1,
			"api: TargetTrackingScalingPolicyConfiguration ScaleOutCooldown"),
		free("aws:appautoscaling/policy:Policy", "targetTrackingScalingPolicyConfiguration.targetValue", "free: a number"),
	},

	// Access-log bucket.
	[]Rule{
		pattern("aws:s3/bucketV2:BucketV2", "bucketPrefix", s3Prefix, "api: S3 bucket naming rules: lower case, digits, . and -"),
		free("aws:s3/bucketV2:BucketV2", "forceDestroy", srcBool),
		free("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "bucket", srcFree),
		free("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "blockPublicAcls", srcBool),
		free("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "blockPublicPolicy", srcBool),
		free("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "ignorePublicAcls", srcBool),
		free("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "restrictPublicBuckets", srcBool),
		free("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "bucket", srcFree),
		free("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", "bucket", srcFree),
		// Kept: the provider takes aws:kms.
		enum("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
			"rules.*.applyServerSideEncryptionByDefault.sseAlgorithm",
			"tf: s3/bucket_server_side_encryption_configuration.go sse_algorithm; ALB log delivery takes AES256 only",
			"AES256"),
		free("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "bucket", srcFree),
		length("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "rules.*.filter.prefix", 0, 1024,
			"api: LifecycleRuleFilter Prefix (an object key prefix)"),
		rng("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "rules.*.expiration.days", 1, 1<<31-1,
			"api: LifecycleExpiration Days: a positive integer"),
		rng("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
			"rules.*.abortIncompleteMultipartUpload.daysAfterInitiation", 1, 1<<31-1,
			"api: AbortIncompleteMultipartUpload DaysAfterInitiation"),
		free("aws:s3/bucketPolicy:BucketPolicy", "bucket", srcFree),
		compact("aws:s3/bucketPolicy:BucketPolicy", "policy", 20480, "api: S3 bucket policy size limit 20 KB"),
	},

	// WAF (only with -tags waf). Kept, the "tf:" rows too: the stand-in
	// provider of tests/e2e does not serve wafv2, so no preview has shown them.
	[]Rule{
		pattern("aws:wafv2/webAcl:WebAcl", "name", wafName, "tf: wafv2/web_acl.go name"),
		enum("aws:wafv2/webAcl:WebAcl", "scope", "tf: wafv2/web_acl.go scope", "CLOUDFRONT", "REGIONAL"),
		pattern("aws:wafv2/webAcl:WebAcl", "visibilityConfig.metricName", wafMetric, "tf: wafv2/schemas.go visibility_config.metric_name"),
		pattern("aws:wafv2/webAcl:WebAcl", "rules.*.visibilityConfig.metricName", wafMetric,
			"tf: wafv2/schemas.go visibility_config.metric_name"),
		free("aws:wafv2/webAcl:WebAcl", "visibilityConfig.cloudwatchMetricsEnabled", srcBool),
		free("aws:wafv2/webAcl:WebAcl", "visibilityConfig.sampledRequestsEnabled", srcBool),
		free("aws:wafv2/webAcl:WebAcl", "rules.*.visibilityConfig.cloudwatchMetricsEnabled", srcBool),
		free("aws:wafv2/webAcl:WebAcl", "rules.*.visibilityConfig.sampledRequestsEnabled", srcBool),
		pattern("aws:wafv2/webAcl:WebAcl", "rules.*.name", wafName, "tf: wafv2/web_acl.go rule.name"),
		rng("aws:wafv2/webAcl:WebAcl", "rules.*.priority", 0, 1<<31-1, "tf: wafv2/web_acl.go rule.priority"),
		pattern("aws:wafv2/webAcl:WebAcl", "rules.*.statement.managedRuleGroupStatement.name", wafName,
			"tf: wafv2/schemas.go managed_rule_group_statement.name"),
		length("aws:wafv2/webAcl:WebAcl", "rules.*.statement.managedRuleGroupStatement.vendorName", 1, 128,
			"tf: wafv2/schemas.go managed_rule_group_statement.vendor_name"),
		free("aws:wafv2/webAclAssociation:WebAclAssociation", "resourceArn", srcFree),
		free("aws:wafv2/webAclAssociation:WebAclAssociation", "webAclArn", srcFree),
	},

	// Tags set on a resource of its own.
	[]Rule{
		length("*", "tags.*", 0, 256, srcTags),
		length("*", "tags.#keys", 1, 128, srcTags),
	},
)

func concat(groups ...[]Rule) []Rule {
	var out []Rule
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}
