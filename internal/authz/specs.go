package authz

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// tf names a terraform-provider-aws source file: pulumi-aws v6 bridges it, so
// its create, read, update and delete functions are the calls `pulumi up` makes.
func tf(file string) string { return "terraform-provider-aws internal/service/" + file }

// tagOnCreate is the AWS page on authorizing tags at creation, per service.
const tagOnCreate = "; tag-on-create: the service's tag action is authorized on the new resource " +
	"(ECS: AmazonECS/latest/developerguide/supported-iam-actions-tagging.html; ELB: elasticloadbalancing " +
	"tagging-on-create with elasticloadbalancing:CreateAction; EC2: ec2:CreateTags with ec2:CreateAction)"

// resourceSpecs is the table of calls per resource type: one row per type the
// service stacks and bootstrap/ declare. Read calls run on every preview and
// refresh; a Describe/List/Get call without resource-level permissions is
// evaluated on "*".
var resourceSpecs = map[string]resourceSpec{
	"pulumi:providers:aws": {
		source: "the provider only calls sts:GetCallerIdentity, which needs no permission",
		calls:  func(*res) []Call { return nil },
	},

	"aws:ecr/repository:Repository": {
		source: tf("ecr/repository.go") + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("ecr:CreateRepository", self, "ecr:TagResource", "", nil)
			calls = append(calls, r.each(Read, self, nil, "ecr:DescribeRepositories", "ecr:ListTagsForResource")...)
			calls = append(calls, r.each(Update, self, nil, "ecr:PutImageScanningConfiguration",
				"ecr:PutImageTagMutability", "ecr:TagResource", "ecr:UntagResource")...)
			return append(calls, r.call(Delete, "ecr:DeleteRepository", self, nil))
		},
	},
	"aws:ecr/lifecyclePolicy:LifecyclePolicy": {
		source: tf("ecr/lifecycle_policy.go"),
		calls: func(r *res) []Call {
			repo := r.arn("ecr", "repository/"+r.in("repository"))
			calls := r.each(Create, repo, nil, "ecr:PutLifecyclePolicy")
			calls = append(calls, r.each(Read, repo, nil, "ecr:GetLifecyclePolicy")...)
			calls = append(calls, r.each(Update, repo, nil, "ecr:PutLifecyclePolicy")...)
			return append(calls, r.each(Delete, repo, nil, "ecr:DeleteLifecyclePolicy")...)
		},
	},

	"aws:ecr/repositoryPolicy:RepositoryPolicy": {
		source: tf("ecr/repository_policy.go") + " (create and update set the policy, then read it back)",
		calls: func(r *res) []Call {
			repo := r.arn("ecr", "repository/"+r.in("repository"))
			calls := r.each(Create, repo, nil, "ecr:SetRepositoryPolicy")
			calls = append(calls, r.each(Read, repo, nil, "ecr:GetRepositoryPolicy")...)
			calls = append(calls, r.each(Update, repo, nil, "ecr:SetRepositoryPolicy")...)
			return append(calls, r.each(Delete, repo, nil, "ecr:DeleteRepositoryPolicy")...)
		},
	},

	"aws:ecs/cluster:Cluster": {
		source: tf("ecs/cluster.go") + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("ecs:CreateCluster", self, "ecs:TagResource", "ecs:CreateAction", nil)
			calls = append(calls, r.serviceLinkedRole("ecs.amazonaws.com", "AWSServiceRoleForECS"))
			calls = append(calls, r.each(Read, self, nil, "ecs:DescribeClusters")...)
			calls = append(calls, r.each(Update, self, r.resourceTags(nil), "ecs:UpdateCluster", "ecs:TagResource",
				"ecs:UntagResource")...)
			return append(calls, r.call(Delete, "ecs:DeleteCluster", self, r.resourceTags(nil)))
		},
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		source: tf("logs/group.go") + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("logs:CreateLogGroup", self, "logs:TagResource", "", nil)
			calls = append(calls, r.call(Create, "logs:PutRetentionPolicy", self, nil))
			calls = append(calls, r.call(Read, "logs:DescribeLogGroups", "*", nil),
				r.call(Read, "logs:ListTagsForResource", self, nil))
			calls = append(calls, r.each(Update, self, nil, "logs:PutRetentionPolicy", "logs:TagResource",
				"logs:UntagResource")...)
			return append(calls, r.call(Delete, "logs:DeleteLogGroup", self, nil))
		},
	},

	"aws:ecs/taskDefinition:TaskDefinition": {
		source: tf("ecs/task_definition.go") + " (delete deregisters unless skipDestroy)" + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.rec.ID
			calls := r.taggedCreate("ecs:RegisterTaskDefinition", self, "ecs:TagResource", "ecs:CreateAction", nil)
			for _, role := range []string{"executionRoleArn", "taskRoleArn"} {
				if arn := r.in(role); arn != "" {
					calls = append(calls, r.passRole(arn, "ecs-tasks.amazonaws.com"))
				}
			}
			calls = append(calls, r.call(Read, "ecs:DescribeTaskDefinition", "*", nil))
			// Tags are the one attribute updated in place; the rest registers a revision.
			calls = append(calls, r.each(Update, self, r.resourceTags(nil), "ecs:TagResource", "ecs:UntagResource")...)
			if skip, _ := r.rec.Inputs["skipDestroy"].(bool); !skip {
				calls = append(calls, r.call(Delete, "ecs:DeregisterTaskDefinition", "*", nil))
			}
			return calls
		},
	},
	"aws:ecs/service:Service": {
		source: tf("ecs/service.go") + " (delete scales to 0 first; waitForSteadyState polls DescribeServices)" + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.rec.ID
			cluster := map[string][]string{"ecs:cluster": {r.in("cluster")}}
			calls := r.taggedCreate("ecs:CreateService", self, "ecs:TagResource", "ecs:CreateAction", cluster)
			calls = append(calls, r.call(Read, "ecs:DescribeServices", self, cluster))
			calls = append(calls, r.call(Update, "ecs:UpdateService", self, r.resourceTags(cluster)))
			calls = append(calls, r.each(Update, self, r.resourceTags(nil), "ecs:TagResource", "ecs:UntagResource")...)
			return append(calls, r.each(Delete, self, r.resourceTags(cluster), "ecs:UpdateService",
				"ecs:DeleteService")...)
		},
	},

	"aws:iam/role:Role": {
		source: tf("iam/role.go") + "; IAM authorizes tags on CreateRole with iam:TagRole",
		calls: func(r *res) []Call {
			self := r.out("arn")
			var boundary map[string][]string
			if b := r.in("permissionsBoundary"); b != "" {
				boundary = map[string][]string{"iam:PermissionsBoundary": {b}}
			}
			calls := r.taggedCreate("iam:CreateRole", self, "iam:TagRole", "", boundary)
			calls = append(calls, r.each(Read, self, nil, "iam:GetRole", "iam:ListRolePolicies",
				"iam:ListAttachedRolePolicies")...)
			calls = append(calls, r.each(Update, self, nil, "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
				"iam:TagRole", "iam:UntagRole")...)
			if boundary != nil {
				calls = append(calls, r.call(Update, "iam:PutRolePermissionsBoundary", self, boundary))
			}
			return append(calls, r.each(Delete, self, nil, "iam:ListInstanceProfilesForRole",
				"iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:DeleteRole")...)
		},
	},
	"aws:iam/rolePolicy:RolePolicy": {
		source: tf("iam/role_policy.go"),
		calls: func(r *res) []Call {
			role := r.idx.roles[r.in("role")]
			if role == nil {
				return []Call{r.call(Create, "iam:PutRolePolicy", "unknown role "+r.in("role"), nil)}
			}
			arn := lookupString(role.Outputs, "arn")
			calls := r.each(Create, arn, nil, "iam:PutRolePolicy")
			calls = append(calls, r.each(Read, arn, nil, "iam:GetRolePolicy")...)
			calls = append(calls, r.each(Update, arn, nil, "iam:PutRolePolicy")...)
			return append(calls, r.each(Delete, arn, nil, "iam:DeleteRolePolicy")...)
		},
	},
	"aws:iam/policy:Policy": {
		source: tf("iam/policy.go"),
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("iam:CreatePolicy", self, "iam:TagPolicy", "", nil)
			calls = append(calls, r.each(Read, self, nil, "iam:GetPolicy", "iam:GetPolicyVersion",
				"iam:ListPolicyVersions")...)
			calls = append(calls, r.each(Update, self, nil, "iam:CreatePolicyVersion", "iam:DeletePolicyVersion")...)
			return append(calls, r.each(Delete, self, nil, "iam:DeletePolicy")...)
		},
	},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
		source: tf("iam/role_policy_attachment.go"),
		calls: func(r *res) []Call {
			role := r.idx.roles[r.in("role")]
			if role == nil {
				return []Call{r.call(Create, "iam:AttachRolePolicy", "unknown role "+r.in("role"), nil)}
			}
			arn := lookupString(role.Outputs, "arn")
			policy := map[string][]string{"iam:PolicyARN": {r.in("policyArn")}}
			return []Call{r.call(Create, "iam:AttachRolePolicy", arn, policy),
				r.call(Read, "iam:ListAttachedRolePolicies", arn, nil),
				r.call(Delete, "iam:DetachRolePolicy", arn, policy)}
		},
	},
	"aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
		source: tf("iam/openid_connect_provider.go"),
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("iam:CreateOpenIDConnectProvider", self, "iam:TagOpenIDConnectProvider", "", nil)
			calls = append(calls, r.call(Read, "iam:GetOpenIDConnectProvider", self, nil))
			return append(calls, r.call(Delete, "iam:DeleteOpenIDConnectProvider", self, nil))
		},
	},

	"aws:ec2/securityGroup:SecurityGroup": {
		source: tf("ec2/vpc_security_group.go") + " (create revokes the default allow-all egress rule)" + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("ec2:CreateSecurityGroup", self, "ec2:CreateTags", "ec2:CreateAction", nil)
			// CreateSecurityGroup is also authorized on the VPC it goes into.
			calls = append(calls, r.call(Create, "ec2:CreateSecurityGroup", r.arn("ec2", "vpc/"+r.in("vpcId")),
				r.resourceTags(nil)))
			calls = append(calls, r.call(Create, "ec2:RevokeSecurityGroupEgress", self, r.resourceTags(nil)))
			calls = append(calls, r.each(Read, "*", nil, "ec2:DescribeSecurityGroups")...)
			calls = append(calls, r.each(Update, self, r.resourceTags(nil), "ec2:CreateTags", "ec2:DeleteTags")...)
			return append(calls, r.call(Delete, "ec2:DeleteSecurityGroup", self, r.resourceTags(nil)))
		},
	},
	"aws:ec2/securityGroupRule:SecurityGroupRule": {
		source: tf("ec2/vpc_security_group_rule.go"),
		calls: func(r *res) []Call {
			dir := "Ingress"
			if r.in("type") == "egress" {
				dir = "Egress"
			}
			sg := r.arn("ec2", "security-group/"+r.in("securityGroupId"))
			calls := []Call{r.call(Create, "ec2:AuthorizeSecurityGroup"+dir, sg, r.resourceTags(nil))}
			calls = append(calls, r.each(Read, "*", nil, "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules")...)
			calls = append(calls, r.call(Update, "ec2:UpdateSecurityGroupRuleDescriptions"+dir, sg, r.resourceTags(nil)))
			return append(calls, r.call(Delete, "ec2:RevokeSecurityGroup"+dir, sg, r.resourceTags(nil)))
		},
	},
	"awsx:ec2:Vpc": {
		source: "awsx ec2.Vpc (pulumi-awsx v2 nodejs/ec2/vpc.ts) creates aws.ec2 Vpc, Subnet, RouteTable, " +
			"RouteTableAssociation, Route, InternetGateway, Eip and NatGateway; each per " + tf("ec2/") + tagOnCreate,
		calls: vpcCalls,
	},

	"aws:lb/loadBalancer:LoadBalancer": {
		source: tf("elbv2/load_balancer.go") + " (attributes are set after create)" + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("elasticloadbalancing:CreateLoadBalancer", self, "elasticloadbalancing:AddTags",
				"elasticloadbalancing:CreateAction", nil)
			calls = append(calls, r.call(Create, "elasticloadbalancing:ModifyLoadBalancerAttributes", self, r.resourceTags(nil)))
			calls = append(calls, r.serviceLinkedRole("elasticloadbalancing.amazonaws.com", "AWSServiceRoleForElasticLoadBalancing"))
			calls = append(calls, r.each(Read, "*", nil, "elasticloadbalancing:DescribeLoadBalancers",
				"elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeTags")...)
			calls = append(calls, r.each(Update, self, r.resourceTags(nil), "elasticloadbalancing:ModifyLoadBalancerAttributes",
				"elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets",
				"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")...)
			return append(calls, r.call(Delete, "elasticloadbalancing:DeleteLoadBalancer", self, r.resourceTags(nil)))
		},
	},
	"aws:lb/targetGroup:TargetGroup": {
		source: tf("elbv2/target_group.go") + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("elasticloadbalancing:CreateTargetGroup", self, "elasticloadbalancing:AddTags",
				"elasticloadbalancing:CreateAction", nil)
			calls = append(calls, r.call(Create, "elasticloadbalancing:ModifyTargetGroupAttributes", self, r.resourceTags(nil)))
			calls = append(calls, r.each(Read, "*", nil, "elasticloadbalancing:DescribeTargetGroups",
				"elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTags")...)
			calls = append(calls, r.each(Update, self, r.resourceTags(nil), "elasticloadbalancing:ModifyTargetGroup",
				"elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:AddTags",
				"elasticloadbalancing:RemoveTags")...)
			return append(calls, r.call(Delete, "elasticloadbalancing:DeleteTargetGroup", self, r.resourceTags(nil)))
		},
	},
	"aws:lb/listener:Listener": {
		source: tf("elbv2/listener.go") + tagOnCreate,
		calls: func(r *res) []Call {
			self := r.rec.ID
			// CreateListener is authorized on the load balancer; its tags on the new listener.
			calls := []Call{r.call(Create, "elasticloadbalancing:CreateListener", r.in("loadBalancerArn"),
				r.requestTags(r.resourceTags(nil)))}
			calls = append(calls, r.call(Create, "elasticloadbalancing:AddTags", self, r.requestTags(
				map[string][]string{"elasticloadbalancing:CreateAction": {"CreateListener"}})))
			calls = append(calls, r.each(Read, "*", nil, "elasticloadbalancing:DescribeListeners",
				"elasticloadbalancing:DescribeTags")...)
			calls = append(calls, r.each(Update, self, r.resourceTags(nil), "elasticloadbalancing:ModifyListener",
				"elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags")...)
			return append(calls, r.call(Delete, "elasticloadbalancing:DeleteListener", self, r.resourceTags(nil)))
		},
	},

	"aws:cloudwatch/metricAlarm:MetricAlarm": {
		source: tf("cloudwatch/metric_alarm.go") + "; CloudWatch authorizes tags on PutMetricAlarm with cloudwatch:TagResource",
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.taggedCreate("cloudwatch:PutMetricAlarm", self, "cloudwatch:TagResource", "", nil)
			calls = append(calls, r.call(Read, "cloudwatch:DescribeAlarms", self, nil),
				r.call(Read, "cloudwatch:ListTagsForResource", self, nil))
			calls = append(calls, r.each(Update, self, nil, "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource",
				"cloudwatch:UntagResource")...)
			return append(calls, r.call(Delete, "cloudwatch:DeleteAlarms", self, nil))
		},
	},
	"aws:cloudwatch/dashboard:Dashboard": {
		source: tf("cloudwatch/dashboard.go"),
		calls: func(r *res) []Call {
			self := r.out("dashboardArn")
			calls := r.each(Create, self, nil, "cloudwatch:PutDashboard")
			calls = append(calls, r.each(Read, self, nil, "cloudwatch:GetDashboard")...)
			calls = append(calls, r.each(Update, self, nil, "cloudwatch:PutDashboard")...)
			return append(calls, r.each(Delete, self, nil, "cloudwatch:DeleteDashboards")...)
		},
	},

	"aws:appautoscaling/target:Target": {
		source: tf("appautoscaling/target.go") + "; Application Auto Scaling checks that the caller may " +
			"ecs:DescribeServices and ecs:UpdateService the service (AmazonECS/latest/developerguide/auto-scaling-IAM.html)",
		calls: func(r *res) []Call {
			self := scalableTargetArn(r, r.rec.ID)
			service := r.arn("ecs", r.rec.ID) // the target's id is service/<cluster>/<service>
			calls := r.taggedCreate("application-autoscaling:RegisterScalableTarget", self,
				"application-autoscaling:TagResource", "", nil)
			calls = append(calls, r.each(Create, service, r.resourceTags(nil), "ecs:DescribeServices", "ecs:UpdateService")...)
			calls = append(calls, r.serviceLinkedRole("ecs.application-autoscaling.amazonaws.com",
				"AWSServiceRoleForApplicationAutoScaling_ECSService"))
			calls = append(calls, r.call(Read, "application-autoscaling:DescribeScalableTargets", "*", nil),
				r.call(Read, "application-autoscaling:ListTagsForResource", self, nil))
			calls = append(calls, r.call(Update, "application-autoscaling:RegisterScalableTarget", self, r.resourceTags(nil)),
				r.call(Update, "application-autoscaling:TagResource", self, r.requestTags(r.resourceTags(nil))),
				r.call(Update, "application-autoscaling:UntagResource", self, r.resourceTags(nil)))
			return append(calls, r.call(Delete, "application-autoscaling:DeregisterScalableTarget", self, r.resourceTags(nil)))
		},
	},
	"aws:appautoscaling/policy:Policy": {
		source: tf("appautoscaling/policy.go") + "; a target-tracking policy makes Application Auto Scaling " +
			"create and delete CloudWatch alarms named TargetTracking-<resourceId>-* as the caller " +
			"(AmazonECS/latest/developerguide/auto-scaling-IAM.html)",
		calls: func(r *res) []Call {
			target := scalableTargetArn(r, r.in("resourceId"))
			alarms := r.arn("cloudwatch", "alarm:TargetTracking-"+r.in("resourceId")+"-AlarmHigh-0123abcd")
			calls := r.each(Create, target, nil, "application-autoscaling:PutScalingPolicy")
			calls = append(calls, r.each(Create, alarms, nil, "cloudwatch:PutMetricAlarm", "cloudwatch:DescribeAlarms")...)
			calls = append(calls, r.call(Read, "application-autoscaling:DescribeScalingPolicies", "*", nil))
			calls = append(calls, r.each(Update, target, nil, "application-autoscaling:PutScalingPolicy")...)
			calls = append(calls, r.each(Update, alarms, nil, "cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms")...)
			calls = append(calls, r.each(Delete, target, r.resourceTags(nil), "application-autoscaling:DeleteScalingPolicy")...)
			return append(calls, r.each(Delete, alarms, nil, "cloudwatch:DeleteAlarms")...)
		},
	},

	"aws:s3/bucketV2:BucketV2": {
		source: tf("s3/bucket.go") + " (read fetches every bucket sub-configuration; forceDestroy empties the bucket)",
		calls: func(r *res) []Call {
			self := r.out("arn")
			calls := r.each(Create, self, nil, "s3:CreateBucket", "s3:PutBucketTagging")
			calls = append(calls, r.each(Read, self, nil, "s3:ListBucket", "s3:GetBucketTagging", "s3:GetBucketPolicy",
				"s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite", "s3:GetBucketVersioning",
				"s3:GetAccelerateConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketLogging",
				"s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:GetEncryptionConfiguration",
				"s3:GetBucketObjectLockConfiguration")...)
			calls = append(calls, r.each(Update, self, nil, "s3:PutBucketTagging")...)
			calls = append(calls, r.each(Delete, self, nil, "s3:DeleteBucket")...)
			if force, _ := r.rec.Inputs["forceDestroy"].(bool); force {
				calls = append(calls, r.call(Delete, "s3:ListBucketVersions", self, nil),
					r.call(Delete, "s3:DeleteObjectVersion", self+"/alb/AWSLogs/log.gz", nil))
			}
			return calls
		},
	},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": s3Sub("s3/bucket_public_access_block.go",
		"s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": s3Sub("s3/bucket_ownership_controls.go",
		"s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls"),
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": s3Sub(
		"s3/bucket_server_side_encryption_configuration.go",
		"s3:PutEncryptionConfiguration", "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration"),
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": s3Sub("s3/bucket_lifecycle_configuration.go",
		"s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
	"aws:s3/bucketPolicy:BucketPolicy": s3Sub("s3/bucket_policy.go",
		"s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),

	"aws:wafv2/webAcl:WebAcl": {
		source: tf("wafv2/web_acl.go") + "; a rule referencing a managed rule group is authorized on it",
		calls: func(r *res) []Call {
			self := r.out("arn")
			// AWS's managed rule groups are not in the caller's account.
			managed := fmt.Sprintf("arn:aws:wafv2:%s:aws:regional/managedruleset/AWSManagedRulesCommonRuleSet/0123abcd", r.env.Region)
			calls := r.taggedCreate("wafv2:CreateWebACL", self, "wafv2:TagResource", "", nil)
			calls = append(calls, r.call(Create, "wafv2:CreateWebACL", managed, r.requestTags(nil)))
			calls = append(calls, r.each(Read, self, nil, "wafv2:GetWebACL", "wafv2:ListTagsForResource")...)
			calls = append(calls, r.each(Update, self, nil, "wafv2:UpdateWebACL", "wafv2:TagResource",
				"wafv2:UntagResource")...)
			calls = append(calls, r.call(Update, "wafv2:UpdateWebACL", managed, nil))
			return append(calls, r.each(Delete, self, nil, "wafv2:GetWebACL", "wafv2:DeleteWebACL")...)
		},
	},
	"aws:wafv2/webAclAssociation:WebAclAssociation": {
		source: tf("wafv2/web_acl_association.go") + "; associating with an ALB also needs " +
			"elasticloadbalancing:SetWebAcl (waf/latest/developerguide/security_iam_service-with-iam.html)",
		calls: func(r *res) []Call {
			acl, alb := r.in("webAclArn"), r.in("resourceArn")
			calls := []Call{
				r.call(Create, "wafv2:AssociateWebACL", acl, nil),
				r.call(Create, "wafv2:AssociateWebACL", alb, r.resourceTags(nil)),
				r.call(Create, "elasticloadbalancing:SetWebAcl", "*", nil),
				r.call(Read, "wafv2:GetWebACLForResource", acl, nil),
				r.call(Read, "wafv2:GetWebACLForResource", alb, r.resourceTags(nil)),
			}
			return append(calls, r.call(Delete, "wafv2:DisassociateWebACL", alb, r.resourceTags(nil)),
				r.call(Delete, "elasticloadbalancing:SetWebAcl", "*", nil))
		},
	},
}

// s3Sub is a bucket sub-resource managed by one put, one get and one delete action.
func s3Sub(file, put, get, del string) resourceSpec {
	return resourceSpec{
		source: tf(file) + " (S3 authorizes the Delete API with the Put action where no Delete action exists)",
		calls: func(r *res) []Call {
			bucket := "arn:aws:s3:::" + r.in("bucket")
			return []Call{r.call(Create, put, bucket, nil), r.call(Read, get, bucket, nil),
				r.call(Update, put, bucket, nil), r.call(Delete, del, bucket, nil)}
		},
	}
}

// scalableTargetArn stands in for a target's ARN: Application Auto Scaling names
// a target by an opaque id, so policies scope it by "scalable-target/*" and its
// tags. One id per resourceId, so a target and its policies name the same ARN.
func scalableTargetArn(r *res, resourceID string) string {
	sum := sha256.Sum256([]byte(resourceID))
	return r.arn("application-autoscaling", "scalable-target/"+hex.EncodeToString(sum[:16]))
}

// vpcCalls expands awsx's VPC, which the offline engine sees as one remote
// component, into the EC2 calls its children make: per AZ one public and one
// private subnet, each with its route table; one internet gateway; one NAT
// gateway and Elastic IP per NAT (Single: 1, OnePerAz: one per AZ).
func vpcCalls(r *res) []Call {
	vpcID := r.out("vpcId")
	vpc := r.arn("ec2", "vpc/"+vpcID)
	tagged := func(action, arn string) []Call {
		return r.taggedCreate(action, arn, "ec2:CreateTags", "ec2:CreateAction", nil)
	}
	owned := r.resourceTags(nil)
	var calls []Call
	calls = append(calls, tagged("ec2:CreateVpc", vpc)...)
	calls = append(calls, r.call(Create, "ec2:ModifyVpcAttribute", vpc, owned))
	if azs, _ := r.rec.Inputs["availabilityZoneNames"].([]any); len(azs) == 0 {
		calls = append(calls, r.call(Create, "ec2:DescribeAvailabilityZones", "*", nil))
	}

	var public, private []string
	for _, key := range []string{"publicSubnetIds", "privateSubnetIds"} {
		ids, _ := r.rec.Outputs[key].([]any)
		for _, id := range ids {
			if key == "publicSubnetIds" {
				public = append(public, fmt.Sprint(id))
			} else {
				private = append(private, fmt.Sprint(id))
			}
		}
	}
	igw := r.arn("ec2", "internet-gateway/igw-"+vpcID[4:21])
	calls = append(calls, tagged("ec2:CreateInternetGateway", igw)...)
	calls = append(calls, r.call(Create, "ec2:AttachInternetGateway", igw, owned),
		r.call(Create, "ec2:AttachInternetGateway", vpc, owned))

	nats := 1
	if r.lookupNatStrategy() == "OnePerAz" {
		nats = len(public)
	}
	for i, id := range append(append([]string{}, public...), private...) {
		subnet := r.arn("ec2", "subnet/"+id)
		rt := r.arn("ec2", fmt.Sprintf("route-table/rtb-%s%d", vpcID[4:18], i))
		calls = append(calls, tagged("ec2:CreateSubnet", subnet)...)
		calls = append(calls, r.call(Create, "ec2:CreateSubnet", vpc, owned))
		calls = append(calls, tagged("ec2:CreateRouteTable", rt)...)
		calls = append(calls, r.call(Create, "ec2:CreateRouteTable", vpc, owned),
			r.call(Create, "ec2:AssociateRouteTable", rt, owned), r.call(Create, "ec2:AssociateRouteTable", subnet, owned),
			r.call(Create, "ec2:CreateRoute", rt, owned))
		if i < len(public) {
			calls = append(calls, r.call(Create, "ec2:ModifySubnetAttribute", subnet, owned))
		}
		if i < nats {
			eip := r.arn("ec2", fmt.Sprintf("elastic-ip/eipalloc-%s%d", vpcID[4:18], i))
			nat := r.arn("ec2", fmt.Sprintf("natgateway/nat-%s%d", vpcID[4:18], i))
			calls = append(calls, tagged("ec2:AllocateAddress", eip)...)
			calls = append(calls, tagged("ec2:CreateNatGateway", nat)...)
			calls = append(calls, r.call(Create, "ec2:CreateNatGateway", subnet, owned),
				r.call(Create, "ec2:CreateNatGateway", eip, owned))
			calls = append(calls, r.call(Delete, "ec2:DeleteNatGateway", nat, owned),
				r.call(Delete, "ec2:ReleaseAddress", eip, owned))
		}
		calls = append(calls, r.call(Delete, "ec2:DisassociateRouteTable", rt, owned),
			r.call(Delete, "ec2:DeleteRoute", rt, owned), r.call(Delete, "ec2:DeleteRouteTable", rt, owned),
			r.call(Delete, "ec2:DeleteSubnet", subnet, owned))
	}
	calls = append(calls, r.each(Read, "*", nil, "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets",
		"ec2:DescribeRouteTables", "ec2:DescribeInternetGateways", "ec2:DescribeAddresses", "ec2:DescribeNatGateways")...)
	calls = append(calls, r.call(Delete, "ec2:DetachInternetGateway", igw, owned),
		r.call(Delete, "ec2:DetachInternetGateway", vpc, owned),
		r.call(Delete, "ec2:DeleteInternetGateway", igw, owned), r.call(Delete, "ec2:DeleteVpc", vpc, owned))
	return calls
}

func (r *res) lookupNatStrategy() string {
	return r.in("natGateways.strategy")
}
