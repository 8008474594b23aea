package infra

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/webservice/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Access logs answer "who asked the ALB for what?" (ELB.5): an S3 bucket the
// stack owns, private, encrypted, expiring, that only ELB log delivery may write.

// accessLogsPrefix is where the ALB writes under the bucket.
const accessLogsPrefix = "alb"

// elbLogAccounts are the Elastic Load Balancing accounts that deliver access
// logs in the Regions opened before August 2022: there the bucket policy must
// name the account, and the service principal alone is refused ("Access Denied
// for bucket"). The table is complete for those Regions. Sources: the ALB guide,
// "Enable access logs for your Application Load Balancer" (bucket permissions),
// and terraform-provider-aws internal/service/elb/service_account_data_source.go,
// which pulumi-aws's aws.elb.getServiceAccount serves.
var elbLogAccounts = map[string]string{
	"af-south-1":     "098369216593",
	"ap-east-1":      "754344448648",
	"ap-northeast-1": "582318560864",
	"ap-northeast-2": "600734575887",
	"ap-northeast-3": "383597477331",
	"ap-south-1":     "718504428378",
	"ap-southeast-1": "114774131450",
	"ap-southeast-2": "783225319266",
	"ap-southeast-3": "589379963580",
	"ca-central-1":   "985666609251",
	"cn-north-1":     "638102146993",
	"cn-northwest-1": "037604701340",
	"eu-central-1":   "054676820928",
	"eu-north-1":     "897822967062",
	"eu-south-1":     "635631232127",
	"eu-west-1":      "156460612806",
	"eu-west-2":      "652711504416",
	"eu-west-3":      "009996457667",
	"me-south-1":     "076674570225",
	"sa-east-1":      "507241528517",
	"us-east-1":      "127311923021",
	"us-east-2":      "033677994240",
	"us-gov-east-1":  "190560391635",
	"us-gov-west-1":  "048591011584",
	"us-west-1":      "027434742980",
	"us-west-2":      "797873946194",
}

// elbLogServicePrincipalRegions opened in or after August 2022: ELB delivers
// logs there as the service principal elbLogDeliveryService, which the policy
// always allows. A Region in neither list is refused by validation (accessLogs),
// since its bucket policy cannot be known: add it here after checking the guide.
var elbLogServicePrincipalRegions = []string{
	"ap-east-2", "ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
	"ca-west-1", "eu-central-2", "eu-south-2", "il-central-1", "me-central-1", "mx-central-1",
}

// AccessLogsSupported reports whether this program knows how ELB delivers access
// logs in a Region.
func AccessLogsSupported(region string) bool {
	_, ok := elbLogAccounts[region]
	return ok || slices.Contains(elbLogServicePrincipalRegions, region)
}

// partition is the ARN partition of a Region.
func partition(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

const elbLogDeliveryService = "logdelivery.elasticloadbalancing.amazonaws.com"

// maxBucketPrefixLen is S3's limit on a bucket name prefix (the provider adds 26
// characters of suffix to reach the 63-character bucket name limit).
const maxBucketPrefixLen = 37

// AccessLogsBucketPrefix is the start of the access log bucket's name.
func (c *Config) AccessLogsBucketPrefix() string {
	p := c.NamePrefix() + "-alb-logs-"
	if len(p) > maxBucketPrefixLen {
		p = p[:maxBucketPrefixLen]
	}
	return p
}

// AccessLogs is the bucket and the resources the ALB must wait for.
type AccessLogs struct {
	Bucket *s3.BucketV2
	Ready  []pulumi.Resource // the policy must exist before the ALB points at the bucket
}

func newAccessLogs(ctx *pulumi.Context, cfg *Config, parent pulumi.Resource) (*AccessLogs, error) {
	if !cfg.AccessLogs {
		return nil, nil
	}
	opts := []pulumi.ResourceOption{pulumi.Parent(parent)}
	bucket, err := s3.NewBucketV2(ctx, "access-logs", &s3.BucketV2Args{
		// A stable prefix (the CI deploy role is scoped to it) and a random suffix,
		// since bucket names are global.
		BucketPrefix: pulumi.String(cfg.AccessLogsBucketPrefix()),
		// With protect on, the logs outlive `pulumi destroy`; otherwise they go with it.
		ForceDestroy: pulumi.Bool(!cfg.Protect),
	}, append(opts, pulumi.Protect(cfg.Protect))...)
	if err != nil {
		return nil, fmt.Errorf("create access log bucket: %w", err)
	}
	wrap := func(what string, err error) error { return fmt.Errorf("create access log bucket %s: %w", what, err) }

	pab, err := s3.NewBucketPublicAccessBlock(ctx, "access-logs-public-access", &s3.BucketPublicAccessBlockArgs{
		Bucket:          bucket.ID(),
		BlockPublicAcls: pulumi.Bool(true), BlockPublicPolicy: pulumi.Bool(true),
		IgnorePublicAcls: pulumi.Bool(true), RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...)
	if err != nil {
		return nil, wrap("public access block", err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, "access-logs-ownership", &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, opts...); err != nil {
		return nil, wrap("ownership controls", err)
	}
	// ALB log delivery supports SSE-S3 only, not KMS keys.
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, "access-logs-encryption",
		&s3.BucketServerSideEncryptionConfigurationV2Args{
			Bucket: bucket.ID(),
			Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{&s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
				ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
					SseAlgorithm: pulumi.String("AES256"),
				},
			}},
		}, opts...); err != nil {
		return nil, wrap("encryption", err)
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, "access-logs-expiry", &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{&s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:         pulumi.String("expire-access-logs"),
			Status:     pulumi.String("Enabled"),
			Filter:     &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String(accessLogsPrefix + "/")},
			Expiration: &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(cfg.AccessLogsRetentionDays)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{
				DaysAfterInitiation: pulumi.Int(1),
			},
		}},
	}, opts...); err != nil {
		return nil, wrap("lifecycle", err)
	}
	policy, err := s3.NewBucketPolicy(ctx, "access-logs-policy", &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: iampolicy.FromOutputs(func(v []string) iampolicy.Document {
			return accessLogsBucketPolicy(cfg, v[0])
		}, bucket.Arn),
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{pab}))...)
	if err != nil {
		return nil, wrap("policy", err)
	}
	return &AccessLogs{Bucket: bucket, Ready: []pulumi.Resource{policy}}, nil
}

// accessLogsBucketPolicy lets ELB log delivery write under the prefix, and
// refuses any request not made over TLS.
func accessLogsBucketPolicy(cfg *Config, bucketArn string) iampolicy.Document {
	logs := bucketArn + "/" + accessLogsPrefix + "/AWSLogs/*"
	principals := []map[string]string{{"Service": elbLogDeliveryService}}
	if acct, ok := elbLogAccounts[cfg.Region]; ok {
		principals = append(principals, map[string]string{"AWS": "arn:" + partition(cfg.Region) + ":iam::" + acct + ":root"})
	}
	var sts []iampolicy.Statement
	for i, p := range principals {
		st := iampolicy.Allow(fmt.Sprintf("ElbLogDelivery%d", i+1), []string{"s3:PutObject"}, logs)
		st.Principal = p
		sts = append(sts, st)
	}
	deny := iampolicy.Statement{
		Sid: "DenyInsecureTransport", Effect: "Deny", Principal: map[string]string{"AWS": "*"},
		Action: []string{"s3:*"}, Resource: []string{bucketArn, bucketArn + "/*"},
	}
	sts = append(sts, deny.When("Bool", "aws:SecureTransport", "false"))
	return iampolicy.New(sts...)
}
