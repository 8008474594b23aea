package awsrules

// UniqueName is the input holding a resource's physical name where AWS keeps
// that name unique. Pulumi replaces a resource by creating the new one first;
// with the same name the create fails, or (for "put" APIs) overwrites the
// original, which the delete that follows then removes. So every resource that
// sets such a name must be replaced delete-first (deleteBeforeReplace).
type UniqueName struct {
	Property string
	Scope    string // where the name is unique
	Source   string // what AWS does on a duplicate
}

// UniqueNames is the table, by resource type.
var UniqueNames = map[string]UniqueName{
	"aws:ecr/repository:Repository": {"name", "account and Region",
		"api: CreateRepository fails with RepositoryAlreadyExistsException"},
	"aws:ecs/cluster:Cluster": {"name", "account and Region",
		"api: CreateCluster returns the existing cluster, which the replacement's delete then removes"},
	"aws:ecs/service:Service": {"name", "cluster",
		"api: CreateService fails: \"Creation of service was not idempotent\""},
	"aws:cloudwatch/logGroup:LogGroup": {"name", "account and Region",
		"api: CreateLogGroup fails with ResourceAlreadyExistsException"},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {"name", "account and Region",
		"api: PutMetricAlarm overwrites the alarm, which the replacement's delete then removes"},
	"aws:cloudwatch/dashboard:Dashboard": {"dashboardName", "account",
		"api: PutDashboard overwrites the dashboard, which the replacement's delete then removes"},
	"aws:lb/loadBalancer:LoadBalancer": {"name", "account and Region",
		"api: CreateLoadBalancer fails with DuplicateLoadBalancerName"},
	"aws:lb/targetGroup:TargetGroup": {"name", "account and Region",
		"api: CreateTargetGroup fails with DuplicateTargetGroupName"},
	"aws:ec2/securityGroup:SecurityGroup": {"name", "VPC",
		"api: CreateSecurityGroup fails with InvalidGroup.Duplicate"},
	"aws:s3/bucketV2:BucketV2":      {"bucket", "all of AWS", "api: CreateBucket fails with BucketAlreadyOwnedByYou"},
	"aws:iam/role:Role":             {"name", "account", "api: CreateRole fails with EntityAlreadyExists"},
	"aws:iam/policy:Policy":         {"name", "account and path", "api: CreatePolicy fails with EntityAlreadyExists"},
	"aws:iam/rolePolicy:RolePolicy": {"name", "role", "api: PutRolePolicy overwrites, and the delete then removes it"},
	"aws:wafv2/webAcl:WebAcl":       {"name", "account, Region and scope", "api: CreateWebACL fails with WAFDuplicateItemException"},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {"url", "account",
		"api: CreateOpenIDConnectProvider fails with EntityAlreadyExists"},
}
