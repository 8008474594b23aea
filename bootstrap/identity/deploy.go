package identity

import (
	"fmt"
	"strings"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/iampolicy"
)

// scope names what one service stack owns, exactly as the service program names
// it: the same infra.Config methods build both.
type scope struct {
	account, region, service, stack string
}

func (s scope) names() *infra.Config {
	c := infra.DefaultConfig(s.stack)
	c.ServiceName = s.service
	return c
}
func (s scope) prefix() string   { return s.names().NamePrefix() }
func (s scope) rolePath() string { return s.names().RolePath() }
func (s scope) arn(svc, resource string) string {
	return fmt.Sprintf("arn:aws:%s:%s:%s:%s", svc, s.region, s.account, resource)
}

// secretPrefix is where the stack's secrets and parameters live: Secrets Manager
// secrets named <service>/<stack>/..., SSM parameters /<service>/<stack>/...
func (s scope) secretPrefix() string { return s.names().SecretNamePrefix() }

func (s scope) stackRoles() string {
	return fmt.Sprintf("arn:aws:iam::%s:role%s*", s.account, s.rolePath())
}

// Tag conditions: the service program's provider tags everything it creates with
// service and stack, so EC2 and ELB resources, whose names are generated, are
// scoped by those tags.
func (s scope) requestTagged(st iampolicy.Statement) iampolicy.Statement {
	return st.When("StringEquals", "aws:RequestTag/stack", s.stack).
		When("StringEquals", "aws:RequestTag/service", s.service)
}

func (s scope) resourceTagged(st iampolicy.Statement) iampolicy.Statement {
	return st.When("StringEquals", "aws:ResourceTag/stack", s.stack).
		When("StringEquals", "aws:ResourceTag/service", s.service)
}

// deployPolicy is what `pulumi up` of one service stack needs, and no more. Each
// statement's Sid says what it is for; docs/identity.md lists the reasons. Where AWS
// offers no resource-level permission the statement is read-only or names why.
// tests/ evaluates it against every call a deploy of each stack makes
// (internal/authz), so a missing permission fails here, not in an account.
//
// promoteFrom, for the production role, is the staging repository it copies
// verified images out of (by digest, read-only); "" for none.
func deployPolicy(s scope, boundaryArn string, waf bool, promoteFrom string) iampolicy.Document {
	repo := s.arn("ecr", "repository/"+s.prefix())
	cluster := s.arn("ecs", "cluster/"+s.prefix())
	services := s.arn("ecs", "service/"+s.prefix()+"/*")
	logGroup := s.arn("logs", "log-group:/ecs/"+s.prefix())

	ec2Created := []string{"vpc", "subnet", "route-table", "internet-gateway", "natgateway", "elastic-ip", "security-group"}
	var ec2CreatedArns []string
	for _, t := range ec2Created {
		ec2CreatedArns = append(ec2CreatedArns, s.arn("ec2", t+"/*"))
	}
	// ec2CreateActions[i] creates an ec2Created[i].
	ec2CreateActions := []string{"ec2:CreateVpc", "ec2:CreateSubnet", "ec2:CreateRouteTable", "ec2:CreateInternetGateway",
		"ec2:CreateNatGateway", "ec2:AllocateAddress", "ec2:CreateSecurityGroup"}
	// ec2:CreateAction holds the API name without the service prefix ("CreateVpc").
	var ec2CreateAPIs []string
	for _, a := range ec2CreateActions {
		ec2CreateAPIs = append(ec2CreateAPIs, strings.TrimPrefix(a, "ec2:"))
	}
	taskDefinitions := s.arn("ecs", "task-definition/"+s.prefix()+":*")
	targetTrackingAlarms := s.arn("cloudwatch", "alarm:TargetTracking-service/"+s.prefix()+"/*")

	sts := []iampolicy.Statement{
		// ECR's login call has no resource-level permissions: AWS requires "*".
		iampolicy.Allow("EcrLogin", []string{"ecr:GetAuthorizationToken"}, "*"),
		iampolicy.Allow("EcrThisStacksRepository", []string{
			"ecr:CreateRepository", "ecr:DeleteRepository", "ecr:DescribeRepositories", "ecr:DescribeImages",
			"ecr:PutImageScanningConfiguration", "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy",
			"ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy", "ecr:ListTagsForResource", "ecr:TagResource",
			"ecr:UntagResource",
			// The repository policy of webservice:promotionReaderArns.
			"ecr:SetRepositoryPolicy", "ecr:GetRepositoryPolicy", "ecr:DeleteRepositoryPolicy",
			// Push and re-read the image (DescribeImages: its scan summary, for the scan gate).
			"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
			"ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
		}, repo),
		iampolicy.Allow("EcsThisStacksClusterAndService", []string{
			"ecs:CreateCluster", "ecs:DeleteCluster", "ecs:DescribeClusters", "ecs:UpdateCluster",
			"ecs:UpdateClusterSettings", "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService",
			"ecs:DescribeServices", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource",
		}, cluster, services),
		// cmd/verify finds the new revision's tasks to check their target health.
		// ListTasks is authorized on container instances (none on Fargate), so it
		// is scoped by the ecs:cluster condition instead.
		iampolicy.Allow("EcsListThisStacksTasks", []string{"ecs:ListTasks"}, "*").
			When("ArnEquals", "ecs:cluster", cluster),
		iampolicy.Allow("EcsDescribeThisStacksTasks", []string{"ecs:DescribeTasks"}, s.arn("ecs", "task/"+s.prefix()+"/*")),
		iampolicy.Allow("EcsRegisterThisStacksTaskDefinitions", []string{"ecs:RegisterTaskDefinition"}, taskDefinitions),
		// The provider registers revisions with the default tags, and ECS authorizes
		// tagging a resource at creation separately (ecs:CreateAction is then
		// RegisterTaskDefinition); tags are also the one attribute of a revision
		// that is updated in place, without that key. Both on the family only.
		iampolicy.Allow("EcsTagThisStacksTaskDefinitions", []string{"ecs:TagResource", "ecs:UntagResource"}, taskDefinitions),
		// No resource-level permission. No DeregisterTaskDefinition: revisions are
		// kept (skipDestroy) as rollback targets, and it cannot be scoped to a family.
		iampolicy.Allow("EcsTaskDefinitions", []string{"ecs:DescribeTaskDefinition"}, "*"),
		iampolicy.Allow("LogsThisStacksLogGroup", []string{
			"logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
			"logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup",
			"logs:ListTagsLogGroup",
		}, logGroup, logGroup+":*"),
		iampolicy.Allow("LogsDescribe", []string{"logs:DescribeLogGroups"}, "*"),
		// Roles only under the stack's path, and only with the boundary attached.
		iampolicy.Allow("IamCreateStackRolesWithBoundary", []string{"iam:CreateRole", "iam:PutRolePermissionsBoundary"},
			s.stackRoles()).When("StringEquals", "iam:PermissionsBoundary", boundaryArn),
		iampolicy.Allow("IamManageStackRoles", []string{
			"iam:GetRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
			"iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:PutRolePolicy", "iam:GetRolePolicy",
			"iam:DeleteRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
			"iam:ListInstanceProfilesForRole",
		}, s.stackRoles()),
		iampolicy.Allow("PassStackRolesToEcsTasksOnly", []string{"iam:PassRole"}, s.stackRoles()).
			When("StringEquals", "iam:PassedToService", "ecs-tasks.amazonaws.com"),
		// First use of ECS, ELB and ECS autoscaling in an account creates their
		// service-linked roles.
		iampolicy.Allow("ServiceLinkedRoles", []string{"iam:CreateServiceLinkedRole"},
			fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/*", s.account)).
			When("StringEquals", "iam:AWSServiceName", []string{"ecs.amazonaws.com",
				"elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"}),
		// Describe calls have no resource-level permissions.
		iampolicy.Allow("Describe", []string{"ec2:Describe*", "elasticloadbalancing:Describe*",
			"cloudwatch:DescribeAlarms", "application-autoscaling:Describe*"}, "*"),
		iampolicy.Allow("CloudWatchThisStacksAlarmsAndDashboard", []string{
			"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:ListTagsForResource",
			"cloudwatch:TagResource", "cloudwatch:UntagResource",
			"cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards",
		}, s.arn("cloudwatch", "alarm:"+s.prefix()+"-*"),
			fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", s.account, s.prefix())),
		// Scalable targets and policies have no resource-level permissions; they
		// can only act on services this role can already see.
		// Registering and putting a policy are checked by Application Auto Scaling
		// against the caller's ecs:UpdateService on the service and CloudWatch rights
		// on its alarms, both scoped to this stack; the rest are scoped by the
		// scalable target's tags, so staging cannot deregister production's.
		iampolicy.Allow("AutoscalingTheService", []string{
			"application-autoscaling:RegisterScalableTarget", "application-autoscaling:PutScalingPolicy",
			"application-autoscaling:ListTagsForResource",
		}, "*"),
		s.resourceTagged(iampolicy.Allow("AutoscalingThisStacksTargets", []string{
			"application-autoscaling:DeregisterScalableTarget", "application-autoscaling:DeleteScalingPolicy",
			"application-autoscaling:UntagResource",
		}, "*")),
		s.requestTagged(iampolicy.Allow("AutoscalingTagThisStacksTargets", []string{"application-autoscaling:TagResource"}, "*")).
			When("StringEqualsIfExists", "aws:ResourceTag/stack", s.stack),
		// Target-tracking policies make Application Auto Scaling create and delete
		// CloudWatch alarms named TargetTracking-<resource id>-... in the caller's name.
		iampolicy.Allow("CloudWatchTargetTrackingAlarms", []string{
			"cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms",
		}, targetTrackingAlarms),
		iampolicy.Allow("S3ThisStacksAccessLogBucket", []string{
			"s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucket*",
			"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketPublicAccessBlock",
			"s3:PutBucketOwnershipControls", "s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration",
			"s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration", "s3:PutBucketTagging",
			"s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration",
			// forceDestroy empties the bucket first (staging only).
			"s3:DeleteObject", "s3:DeleteObjectVersion",
		}, "arn:aws:s3:::"+s.names().AccessLogsBucketPrefix()+"*", "arn:aws:s3:::"+s.names().AccessLogsBucketPrefix()+"*/*"),
	}
	// Each create is allowed, with the stack's tags, only on the kind of resource
	// it creates; the VPC, subnet or address it goes into must already carry the
	// stack's tags (Ec2ManageTaggedNetwork), so staging cannot build in production's VPC.
	for i, action := range ec2CreateActions {
		sid := "Ec2" + strings.TrimPrefix(action, "ec2:") + "Tagged"
		sts = append(sts, s.requestTagged(iampolicy.Allow(sid, []string{action}, ec2CreatedArns[i])))
	}
	sts = append(sts,
		// Tags only as part of those creates. Each of them tags only what it
		// creates (its TagSpecifications take that one resource type), so the
		// condition alone confines this to ec2CreatedArns. Naming them again
		// cost 341 of the network policy's 6,144 characters (the longest
		// serviceName with WAF, tests/policy_size_test.go), which it had not.
		iampolicy.Allow("Ec2TagOnCreate", []string{"ec2:CreateTags"}, s.arn("ec2", "*")).
			When("StringEquals", "ec2:CreateAction", ec2CreateAPIs),
		// Rules are created untagged; the security group they change must be the
		// stack's (Ec2ManageTaggedNetwork).
		iampolicy.Allow("Ec2SecurityGroupRules", []string{
			"ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
		}, s.arn("ec2", "security-group-rule/*")),
		s.resourceTagged(iampolicy.Allow("Ec2ManageTaggedNetwork", []string{
			"ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:CreateRouteTable",
			"ec2:ModifySubnetAttribute", "ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute",
			"ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:DeleteRouteTable",
			"ec2:AttachInternetGateway", "ec2:DetachInternetGateway", "ec2:DeleteInternetGateway",
			"ec2:CreateNatGateway", "ec2:DeleteNatGateway", "ec2:ReleaseAddress", "ec2:DisassociateAddress",
			"ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress",
			"ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
			"ec2:UpdateSecurityGroupRuleDescriptionsIngress", "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
			"ec2:CreateTags", "ec2:DeleteTags",
		}, "*")),
		// New load balancers and target groups carry the stack's tags; a listener
		// is created on a load balancer that already does (ElbManageTagged).
		s.requestTagged(iampolicy.Allow("ElbCreateTagged", []string{
			"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup",
		}, "*")),
		// Tags at creation only; retagging goes through ElbRetagThisStacks.
		s.requestTagged(iampolicy.Allow("ElbTagOnCreate", []string{"elasticloadbalancing:AddTags"}, "*")).
			When("StringEquals", "elasticloadbalancing:CreateAction",
				[]string{"CreateLoadBalancer", "CreateTargetGroup", "CreateListener"}),
		s.resourceTagged(iampolicy.Allow("ElbManageTagged", []string{
			"elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteLoadBalancer",
			"elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetSecurityGroups",
			"elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteTargetGroup",
			"elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
			"elasticloadbalancing:ModifyListener", "elasticloadbalancing:DeleteListener",
		}, "*")),
		// The stack's own resources may be retagged, but never their service and
		// stack tags: those are what every statement here is scoped by.
		s.resourceTagged(iampolicy.Allow("ElbRetagThisStacks", []string{
			"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
		}, "*")).When("ForAllValues:StringNotEquals", "aws:TagKeys", []string{"service", "stack"}),
	)
	if waf {
		sts = append(sts, wafStatements(s)...)
	}
	if promoteFrom != "" {
		sts = append(sts, iampolicy.Allow("EcrReadPromotionSource", infra.PromotionReadActions, promoteFrom))
	}
	return iampolicy.New(sts...)
}

// splitDeployPolicy keeps the deploy role within IAM's quota of 10,240
// characters of inline policy per role: the network statements (EC2, ELB, WAF)
// go to a managed policy of their own (6,144 characters each), attached to the
// role. tests/ checks both sizes (internal/awsrules) and evaluates the role's
// policies together.
func splitDeployPolicy(doc iampolicy.Document) (inline, network iampolicy.Document) {
	inline, network = iampolicy.New(), iampolicy.New()
	for _, st := range doc.Statement {
		switch {
		case strings.HasPrefix(st.Sid, "Ec2"), strings.HasPrefix(st.Sid, "Elb"), strings.HasPrefix(st.Sid, "Waf"):
			network.Statement = append(network.Statement, st)
		default:
			inline.Statement = append(inline.Statement, st)
		}
	}
	return inline, network
}

// wafStatements let the deploy role manage the stack's WAFv2 web ACL (named
// like every other resource of the stack) and associate it with the stack's
// ALB. A rule that references an AWS managed rule group is authorized on that
// group too; associating also needs elasticloadbalancing:SetWebAcl, which has no
// resource-level permissions. Only with webservice-bootstrap:waf.
func wafStatements(s scope) []iampolicy.Statement {
	webACL := s.arn("wafv2", "regional/webacl/"+s.prefix()+"/*")
	albs := s.arn("elasticloadbalancing", "loadbalancer/app/*")
	return []iampolicy.Statement{
		iampolicy.Allow("WafThisStacksWebAcl", []string{
			"wafv2:CreateWebACL", "wafv2:GetWebACL", "wafv2:UpdateWebACL", "wafv2:DeleteWebACL",
			"wafv2:ListTagsForResource", "wafv2:TagResource", "wafv2:UntagResource",
			"wafv2:AssociateWebACL", "wafv2:GetWebACLForResource",
		}, webACL),
		iampolicy.Allow("WafUseManagedRuleGroups", []string{"wafv2:CreateWebACL", "wafv2:UpdateWebACL"},
			fmt.Sprintf("arn:aws:wafv2:%s:*:regional/managedruleset/*/*", s.region)),
		iampolicy.Allow("WafAssociateWithTheAlb", []string{
			"wafv2:AssociateWebACL", "wafv2:DisassociateWebACL", "wafv2:GetWebACLForResource",
		}, albs),
		iampolicy.Allow("ElbSetWebAcl", []string{"elasticloadbalancing:SetWebAcl"}, "*"),
	}
}
