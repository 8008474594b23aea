package awsrules

// PreviewCheck is a row that went from the table because the AWS provider
// itself refuses its bad values at `pulumi preview`, before anything is
// created. tests/e2e/rules_test.go injects the values into a preview with the
// real Pulumi CLI and the provider (terraform-provider-aws v5.100.0, the code
// pulumi-aws v6.83 bridges) and fails if the provider stops refusing one.
type PreviewCheck struct {
	Type, Path string
	Kind       Kind // the row's kind
	Autoname   bool // the row checked auto-names too, and the provider refuses those as well
}

// CheckedAtPreview has one entry per row that went (docs/provider-rules.md
// lists them with the provider's messages). Check counts a property here as
// covered: the provider checks it at preview. A property neither here nor in
// Rules still fails the coverage test.
var CheckedAtPreview = []PreviewCheck{
	{Type: "aws:ecr/repository:Repository", Path: "imageTagMutability", Kind: Enum},
	{Type: "aws:ecr/repository:Repository", Path: "encryptionConfigurations.*.encryptionType", Kind: Enum},
	{Type: "aws:ecr/lifecyclePolicy:LifecyclePolicy", Path: "policy", Kind: JSON},
	{Type: "aws:ecr/repositoryPolicy:RepositoryPolicy", Path: "policy", Kind: JSON},
	{Type: "aws:ecs/cluster:Cluster", Path: "settings.*.name", Kind: Enum},
	{Type: "aws:cloudwatch/logGroup:LogGroup", Path: "name", Kind: Pattern},
	{Type: "aws:cloudwatch/logGroup:LogGroup", Path: "name", Kind: Length},
	{Type: "aws:cloudwatch/logGroup:LogGroup", Path: "retentionInDays", Kind: Enum},
	{Type: "aws:ec2/securityGroup:SecurityGroup", Path: "description", Kind: Length},
	{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Path: "description", Kind: Pattern},
	{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Path: "description", Kind: Length},
	{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Path: "type", Kind: Enum},
	{Type: "aws:ec2/securityGroupRule:SecurityGroupRule", Path: "cidrBlocks.*", Kind: Pattern},
	{Type: "aws:lb/loadBalancer:LoadBalancer", Path: "name", Kind: Pattern, Autoname: true},
	{Type: "aws:lb/loadBalancer:LoadBalancer", Path: "name", Kind: Length, Autoname: true},
	{Type: "aws:lb/loadBalancer:LoadBalancer", Path: "loadBalancerType", Kind: Enum},
	{Type: "aws:lb/loadBalancer:LoadBalancer", Path: "desyncMitigationMode", Kind: Enum},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "name", Kind: Pattern, Autoname: true},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "port", Kind: Range},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "protocol", Kind: Enum},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "targetType", Kind: Enum},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "deregistrationDelay", Kind: Range},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "healthCheck.interval", Kind: Range},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "healthCheck.timeout", Kind: Range},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "healthCheck.healthyThreshold", Kind: Range},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "healthCheck.unhealthyThreshold", Kind: Range},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "healthCheck.path", Kind: Pattern},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "healthCheck.path", Kind: Length},
	{Type: "aws:lb/targetGroup:TargetGroup", Path: "healthCheck.port", Kind: Pattern},
	{Type: "aws:lb/listener:Listener", Path: "port", Kind: Range},
	{Type: "aws:lb/listener:Listener", Path: "defaultActions.*.redirect.protocol", Kind: Enum},
	{Type: "aws:lb/listener:Listener", Path: "defaultActions.*.redirect.statusCode", Kind: Enum},
	{Type: "aws:iam/role:Role", Path: "name", Kind: Pattern, Autoname: true},
	{Type: "aws:iam/role:Role", Path: "path", Kind: Length},
	{Type: "aws:iam/role:Role", Path: "description", Kind: Length},
	{Type: "aws:iam/role:Role", Path: "maxSessionDuration", Kind: Range},
	{Type: "aws:iam/role:Role", Path: "assumeRolePolicy", Kind: JSON},
	{Type: "aws:iam/rolePolicy:RolePolicy", Path: "name", Kind: Pattern, Autoname: true},
	{Type: "aws:iam/rolePolicy:RolePolicy", Path: "name", Kind: Length, Autoname: true},
	{Type: "aws:iam/rolePolicy:RolePolicy", Path: "policy", Kind: JSON},
	{Type: "aws:iam/policy:Policy", Path: "name", Kind: Pattern},
	{Type: "aws:iam/policy:Policy", Path: "name", Kind: Length},
	{Type: "aws:iam/policy:Policy", Path: "policy", Kind: JSON},
	{Type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", Path: "url", Kind: Pattern},
	{Type: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", Path: "clientIdLists.*", Kind: Length},
	{Type: "aws:ecs/taskDefinition:TaskDefinition", Path: "family", Kind: Pattern},
	{Type: "aws:ecs/taskDefinition:TaskDefinition", Path: "networkMode", Kind: Enum},
	{Type: "aws:ecs/taskDefinition:TaskDefinition", Path: "requiresCompatibilities.*", Kind: Enum},
	{Type: "aws:ecs/taskDefinition:TaskDefinition", Path: "runtimePlatform.cpuArchitecture", Kind: Enum},
	{Type: "aws:ecs/taskDefinition:TaskDefinition", Path: "containerDefinitions", Kind: JSON},
	{Type: "aws:ecs/service:Service", Path: "launchType", Kind: Enum},
	{Type: "aws:ecs/service:Service", Path: "propagateTags", Kind: Enum},
	{Type: "aws:ecs/service:Service", Path: "deploymentController.type", Kind: Enum},
	{Type: "aws:ecs/service:Service", Path: "healthCheckGracePeriodSeconds", Kind: Range},
	{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Path: "name", Kind: Length},
	{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Path: "alarmDescription", Kind: Length},
	{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Path: "comparisonOperator", Kind: Enum},
	{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Path: "statistic", Kind: Enum},
	{Type: "aws:cloudwatch/metricAlarm:MetricAlarm", Path: "metricName", Kind: Length},
	{Type: "aws:cloudwatch/dashboard:Dashboard", Path: "dashboardName", Kind: Pattern},
	{Type: "aws:cloudwatch/dashboard:Dashboard", Path: "dashboardBody", Kind: JSON},
	{Type: "aws:appautoscaling/policy:Policy", Path: "name", Kind: Length, Autoname: true},
	{Type: "aws:s3/bucketV2:BucketV2", Path: "bucketPrefix", Kind: Length},
	{Type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", Path: "rule.objectOwnership", Kind: Enum},
	{Type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Path: "rules.*.id", Kind: Length},
	{Type: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", Path: "rules.*.status", Kind: Enum},
	{Type: "aws:s3/bucketPolicy:BucketPolicy", Path: "policy", Kind: JSON},
}
