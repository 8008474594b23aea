package tests

import (
	"testing"

	"github.com/example/webservice/internal/offline"
)

// A plan is one configuration of a stack as the offline engine records it. The
// rules and authorization checks run over every plan here, so each resource
// type and each optional branch of the program (existing VPC, alarms off,
// access logs, secrets, autoscaling, a boundary, bootstrap/, the WAF) is checked.
type plan struct {
	name   string
	result *offline.Result
}

// testAccount is the AWS account the checks deploy into: a well-formed id that is
// not one of AWS's documentation examples, which validation refuses.
const testAccount = "210987654321"

// planConfigs are the service-stack configurations every check covers (files
// built with tags add theirs: waf_test.go).
var planConfigs = []struct {
	name, stack string
	overrides   []string
}{
	{"staging", "staging", nil},
	{"production", "production", nil},
	{"staging with everything optional on", "staging", []string{
		"accessLogs=true", "autoscalingMinCount=2", "autoscalingMaxCount=4",
		`environment=["LOG_LEVEL=info"]`,
		`secrets=["DB_PASSWORD=arn:aws:secretsmanager:us-east-1:` + testAccount + `:secret:webservice/staging/db-AbCdEf",` +
			`"FLAGS=arn:aws:ssm:us-east-1:` + testAccount + `:parameter/webservice/staging/flags"]`,
		`secretsKmsKeyArns=["arn:aws:kms:us-east-1:` + testAccount + `:key/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73"]`,
	}},
	{"staging in an existing VPC without deployment alarms", "staging", []string{
		"vpcId=vpc-0a1b2c3d4e5f60718",
		`publicSubnetIds=["subnet-0a1b2c3d4e5f60711","subnet-0a1b2c3d4e5f60712"]`,
		`privateSubnetIds=["subnet-0a1b2c3d4e5f60721","subnet-0a1b2c3d4e5f60722"]`,
		"deploymentAlarms=false", "dashboard=false", "availabilityZones=[]",
	}},
}

// allPlans runs every configuration as CI deploys it: in the account
// testAccount, with the permissions boundary bootstrap/ made for the stack (the
// README § Set-up, step by step), plus bootstrap/ itself.
func allPlans(t *testing.T) []plan {
	t.Helper()
	b := mustBootstrap(t, bootstrapTestConfig())
	var out []plan
	for _, c := range planConfigs {
		boundary, _ := b.Outputs[c.stack+"PermissionsBoundaryArn"].(string)
		ov := append([]string{"accountId=" + testAccount, "permissionsBoundaryArn=" + boundary}, c.overrides...)
		out = append(out, plan{c.name, deploy(t, c.stack, ov...)})
	}
	wafCfg := bootstrapTestConfig()
	wafCfg["waf"] = "true"
	out = append(out, plan{"bootstrap", b}, plan{"bootstrap with WAF", mustBootstrap(t, wafCfg)})
	return out
}

// bootstrapTestConfig is what an administrator sets on the bootstrap stack.
func bootstrapTestConfig() map[string]string {
	return map[string]string{"accountId": testAccount, "githubOrg": "acme", "githubRepo": "webservice"}
}
