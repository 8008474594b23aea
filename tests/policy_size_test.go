package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/awsrules"
)

// longestServiceName is the longest webservice:serviceName validation allows:
// every name and policy grows with it.
var longestServiceName = strings.Repeat("s", infra.MaxServiceNameLen)

// TestPoliciesFitIAMsLimitsForTheLongestNameInEveryRegion runs the size rows of
// internal/awsrules (IAM's 6,144 characters per managed policy, 10,240 of
// inline policy per role, 2,048 per trust policy, ECR's 10,240 per repository
// policy) over bootstrap/, with and without the WAF statements, and over both
// service stacks, with the longest serviceName in every Region validation
// accepts. The default name in us-east-1 alone hid a network policy of 6,146
// characters.
func TestPoliciesFitIAMsLimitsForTheLongestNameInEveryRegion(t *testing.T) {
	for _, region := range infra.AWSRegions() {
		t.Run(region, func(t *testing.T) {
			cfg := bootstrapTestConfig()
			cfg["aws:region"] = region
			cfg["serviceName"] = longestServiceName
			var plans []plan
			for _, waf := range []string{"false", "true"} {
				cfg["waf"] = waf
				plans = append(plans, plan{"bootstrap waf=" + waf, mustBootstrap(t, cfg)})
			}
			boundaries := plans[0].result.Outputs
			for _, stack := range Stacks {
				boundary, _ := boundaries[stack+"PermissionsBoundaryArn"].(string)
				ov := []string{"accountId=" + testAccount, "permissionsBoundaryArn=" + boundary,
					"aws:region=" + region, "serviceName=" + longestServiceName,
					fmt.Sprintf(`availabilityZones=["%sa","%sb"]`, region, region)}
				if stack == "production" {
					ov = append(ov, "certificateArn="+strings.Replace(testCertificateArn, "us-east-1", region, 1))
				}
				plans = append(plans, plan{stack, deploy(t, stack, ov...)})
			}
			for _, p := range plans {
				violations, _ := awsrules.Check(p.result)
				for _, v := range violations {
					t.Errorf("%s: %v", p.name, v)
				}
			}
		})
	}
}
