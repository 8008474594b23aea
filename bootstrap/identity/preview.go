package identity

import "github.com/example/webservice/internal/iampolicy"

// previewPolicy lets `pulumi preview` (and refresh) read what the service stacks
// manage: tests/ evaluates it against every read call of every stack. Read-only verbs only: Describe, Get, List. Reads have no resource-level
// permissions in most of these services, hence "*".
func previewPolicy() iampolicy.Document {
	return iampolicy.New(iampolicy.Allow("ReadOnlyForPreview", []string{
		"ec2:Describe*",
		"ecs:Describe*", "ecs:List*",
		"ecr:DescribeRepositories", "ecr:DescribeImages", "ecr:GetLifecyclePolicy", "ecr:ListTagsForResource",
		"ecr:GetRepositoryPolicy",
		"elasticloadbalancing:Describe*",
		"logs:DescribeLogGroups", "logs:ListTagsForResource", "logs:ListTagsLogGroup",
		"iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
		"iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetOpenIDConnectProvider",
		"cloudwatch:DescribeAlarms", "cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource",
		"application-autoscaling:Describe*", "application-autoscaling:ListTagsForResource",
		"s3:GetBucket*", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:ListBucket",
		"s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration",
		"wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:ListTagsForResource",
	}, "*"))
}
