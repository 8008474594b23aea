package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
)

// One test per Security Hub control (docs/controls.md) this program covers,
// named after the control, run against both real stack files.

func TestECS2_TasksGetNoPublicIPAndRunInPrivateSubnets(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		nc := get(t, one(t, r, typeService).Inputs, "networkConfiguration").(map[string]any)
		if nc["assignPublicIp"] != false {
			t.Errorf("assignPublicIp = %v", nc["assignPublicIp"])
		}
		subnets, _ := json.Marshal(nc["subnets"])
		private, _ := json.Marshal(r.Outputs[infra.OutputPrivateSubnetIDs])
		if string(subnets) != string(private) {
			t.Errorf("tasks in %s, want the private subnets %s", subnets, private)
		}
	})
}

func TestECS3_ECS4_NoHostPIDAndNeverPrivileged(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		if _, set := one(t, r, typeTaskDef).Inputs["pidMode"]; set {
			t.Error("pidMode is set")
		}
		if containerDef(t, r)["privileged"] != false {
			t.Error("container is privileged")
		}
	})
}

func TestECS5_ReadOnlyRootFilesystemWithWritableTmp(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		c := containerDef(t, r)
		if c["readonlyRootFilesystem"] != true {
			t.Fatal("readonlyRootFilesystem is not true")
		}
		mounts := c["mountPoints"].([]any)
		m := mounts[0].(map[string]any)
		if len(mounts) != 1 || m["containerPath"] != "/tmp" || m["readOnly"] != false {
			t.Fatalf("mountPoints = %v, want a writable /tmp", mounts)
		}
		vols := get(t, one(t, r, typeTaskDef).Inputs, "volumes").([]any)
		if len(vols) != 1 || vols[0].(map[string]any)["name"] != m["sourceVolume"] {
			t.Fatalf("volumes = %v, want the task volume behind /tmp", vols)
		}
	})
}

func TestECS8_NoAWSCredentialsInPlainEnvironment(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		for _, e := range containerDef(t, r)["environment"].([]any) {
			name := e.(map[string]any)["name"].(string)
			if strings.HasPrefix(name, "AWS_") || strings.Contains(strings.ToUpper(name), "SECRET") {
				t.Errorf("environment carries %s", name)
			}
		}
	})
}

func TestECS9_ContainerLogsToTheStacksLogGroup(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		lc := containerDef(t, r)["logConfiguration"].(map[string]any)
		opts := lc["options"].(map[string]any)
		if lc["logDriver"] != "awslogs" || opts["awslogs-group"] != r.Outputs[infra.OutputLogGroupName] ||
			opts["awslogs-region"] != "us-east-1" {
			t.Errorf("logConfiguration = %v", lc)
		}
	})
}

func TestECS10_ServiceRunsTheLatestFargatePlatform(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		svc := one(t, r, typeService).Inputs
		if svc["platformVersion"] != "LATEST" || svc["launchType"] != "FARGATE" {
			t.Errorf("platformVersion/launchType = %v/%v", svc["platformVersion"], svc["launchType"])
		}
	})
}

func TestECS12_ClusterHasContainerInsights(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		s := get(t, one(t, r, typeCluster).Inputs, "settings.0").(map[string]any)
		if s["name"] != "containerInsights" || s["value"] != "enabled" {
			t.Errorf("cluster settings = %v", s)
		}
	})
}

func TestECS17_TasksUseAwsvpcNotHostNetwork(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		if str(t, one(t, r, typeTaskDef).Inputs, "networkMode") != "awsvpc" {
			t.Error("networkMode is not awsvpc")
		}
	})
}

func TestECS20_ECS21_NonRootUserAndLinuxPlatform(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		if u := containerDef(t, r)["user"]; u != infra.DefaultContainerUser {
			t.Errorf("user = %v, want %s", u, infra.DefaultContainerUser)
		}
		rp := get(t, one(t, r, typeTaskDef).Inputs, "runtimePlatform").(map[string]any)
		if rp["operatingSystemFamily"] != "LINUX" || rp["cpuArchitecture"] != "X86_64" {
			t.Errorf("runtimePlatform = %v", rp)
		}
	})
}

func TestECR1_ECR2_ScanOnPushAndImmutableTags(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		repo := one(t, r, typeRepository).Inputs
		if !boolean(t, repo, "imageScanningConfiguration.scanOnPush") {
			t.Error("scanOnPush is off")
		}
		if str(t, repo, "imageTagMutability") != "IMMUTABLE" {
			t.Error("tags are mutable")
		}
	})
}

func TestECR3_LifecyclePolicyExpiresUntaggedAndKeepsTheNewest(t *testing.T) {
	keep := map[string]float64{"staging": 20, "production": 100}
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		lp := one(t, r, "aws:ecr/lifecyclePolicy:LifecyclePolicy").Inputs
		if lp["repository"] != "webservice-"+r.Stack {
			t.Errorf("policy on %v", lp["repository"])
		}
		var doc struct {
			Rules []struct {
				Selection map[string]any    `json:"selection"`
				Action    map[string]string `json:"action"`
			} `json:"rules"`
		}
		// Rule 1 protects the deployed tag (ecr_lifecycle_test.go applies the policy).
		if err := json.Unmarshal([]byte(str(t, lp, "policy")), &doc); err != nil || len(doc.Rules) != 3 {
			t.Fatalf("policy = %v (%v)", lp["policy"], err)
		}
		untagged, newest := doc.Rules[1].Selection, doc.Rules[2].Selection
		if untagged["tagStatus"] != "untagged" || untagged["countNumber"] != 7.0 {
			t.Errorf("rule 2 = %v, want untagged expired after 7 days", untagged)
		}
		if newest["countType"] != "imageCountMoreThan" || newest["countNumber"] != keep[r.Stack] {
			t.Errorf("rule 3 = %v, want keep the newest %v", newest, keep[r.Stack])
		}
	})
}

func TestELB1_HTTPOnlyRedirectsToHTTPSWhenACertificateIsSet(t *testing.T) {
	r := deploy(t, "production")
	http := r.Named(typeListener, "http")
	action := get(t, http.Inputs, "defaultActions.0").(map[string]any)
	redirect := action["redirect"].(map[string]any)
	if action["type"] != "redirect" || redirect["protocol"] != "HTTPS" || redirect["port"] != "443" ||
		redirect["statusCode"] != "HTTP_301" {
		t.Fatalf("port 80 action = %v, want a 301 to HTTPS", action)
	}
	// Staging has no certificate: HTTP forwards, and says so in its outputs.
	s := deploy(t, "staging")
	if got := str(t, s.Named(typeListener, "http").Inputs, "defaultActions.0.type"); got != "forward" {
		t.Fatalf("staging port 80 action = %s, want forward", got)
	}
	if s.Named(typeListener, "https") != nil {
		t.Fatal("staging has an HTTPS listener without a certificate")
	}
}

func TestELB4_ELB12_ALBDropsInvalidHeadersAndMitigatesDesync(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		alb := one(t, r, typeALB).Inputs
		if !boolean(t, alb, "dropInvalidHeaderFields") || str(t, alb, "desyncMitigationMode") != "defensive" {
			t.Errorf("dropInvalidHeaderFields/desync = %v/%v", alb["dropInvalidHeaderFields"], alb["desyncMitigationMode"])
		}
		if alb["internal"] != false || alb["loadBalancerType"] != "application" {
			t.Errorf("want an internet-facing application load balancer: %v", alb)
		}
	})
}

func TestELB13_ALBAndTasksSpanAtLeastTwoAZs(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		if n := len(get(t, one(t, r, typeALB).Inputs, "subnets").([]any)); n < 2 {
			t.Errorf("ALB in %d subnets", n)
		}
		if n := len(get(t, one(t, r, typeService).Inputs, "networkConfiguration.subnets").([]any)); n < 2 {
			t.Errorf("tasks in %d subnets", n)
		}
	})
}

func TestELB17_ELB18_HTTPSListenerUsesTheRecommendedTLSPolicy(t *testing.T) {
	r := deploy(t, "production")
	https := r.Named(typeListener, "https")
	if https == nil {
		t.Fatal("production has no HTTPS listener")
	}
	in := https.Inputs
	if str(t, in, "protocol") != "HTTPS" || num(t, in, "port") != 443 ||
		str(t, in, "sslPolicy") != "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09" {
		t.Fatalf("https listener = %v", in)
	}
	if str(t, in, "certificateArn") != r.Config["webservice:certificateArn"] {
		t.Fatalf("certificate = %v", in["certificateArn"])
	}
	if str(t, in, "defaultActions.0.targetGroupArn") != r.Outputs[infra.OutputTargetGroupArn] {
		t.Fatal("HTTPS does not forward to the target group")
	}
}

func TestELB21_ELB22_TargetGroupAndHealthCheckUseHTTPS(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		tg := one(t, r, typeTargetGroup).Inputs
		if str(t, tg, "protocol") != "HTTPS" || str(t, tg, "healthCheck.protocol") != "HTTPS" {
			t.Errorf("target protocol/health check = %v/%v", tg["protocol"], get(t, tg, "healthCheck.protocol"))
		}
	})
}

func TestCloudWatch16_ProductionKeepsLogsAYear(t *testing.T) {
	want := map[string]int{"staging": 30, "production": 365}
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		if got := num(t, one(t, r, typeLogGroup).Inputs, "retentionInDays"); got != want[r.Stack] {
			t.Errorf("retention = %d, want %d", got, want[r.Stack])
		}
	})
}

// policyStatements parses an IAM policy JSON input.
func policyStatements(t *testing.T, doc string) []map[string]any {
	t.Helper()
	var p struct {
		Statement []map[string]any `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		t.Fatalf("policy %s: %v", doc, err)
	}
	return p.Statement
}

func TestIAM1_IAM21_NoWildcardActionsAndResourcesOnlyWhereAWSRequires(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		pol := one(t, r, typeRolePolicy)
		for _, st := range policyStatements(t, str(t, pol.Inputs, "policy")) {
			for _, a := range st["Action"].([]any) {
				if a == "*" || strings.HasSuffix(a.(string), ":*") {
					t.Errorf("wildcard action %v", a)
				}
			}
			for _, res := range st["Resource"].([]any) {
				if res == "*" && st["Action"].([]any)[0] != "ecr:GetAuthorizationToken" {
					t.Errorf("statement %v grants on *", st["Sid"])
				}
			}
		}
	})
}

func TestExecutionRolePullsOnlyThisStacksImagesAndWritesOnlyItsLogs(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		sts := policyStatements(t, str(t, one(t, r, typeRolePolicy).Inputs, "policy"))
		bySid := map[string]map[string]any{}
		for _, st := range sts {
			bySid[st["Sid"].(string)] = st
		}
		if res := bySid["PullThisStacksImages"]["Resource"].([]any); len(res) != 1 || res[0] != r.Outputs[infra.OutputECRRepositoryArn] {
			t.Errorf("pull resources = %v", res)
		}
		logArn := "arn:aws:logs:us-east-1:123456789012:log-group:" + r.Outputs[infra.OutputLogGroupName].(string) + ":log-stream:*"
		if res := bySid["WriteThisStacksLogs"]["Resource"].([]any); len(res) != 1 || res[0] != logArn {
			t.Errorf("log resources = %v, want %s", res, logArn)
		}
	})
}

func TestTaskRoleIsSeparateFromTheExecutionRole(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		td := one(t, r, typeTaskDef).Inputs
		if td["taskRoleArn"] == td["executionRoleArn"] || td["taskRoleArn"] != r.Outputs[infra.OutputTaskRoleArn] {
			t.Errorf("taskRoleArn %v, executionRoleArn %v", td["taskRoleArn"], td["executionRoleArn"])
		}
		for _, role := range r.OfType(typeRole) {
			st := policyStatements(t, str(t, role.Inputs, "assumeRolePolicy"))
			if len(st) != 1 || get(t, st[0], "Principal.Service") != "ecs-tasks.amazonaws.com" {
				t.Errorf("role %s trusts %v, want ecs-tasks only", role.Name, st)
			}
		}
	})
}

func TestNoSecurityGroupOpensMoreThanTheListenersToTheWorld(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		for _, rule := range r.OfType(typeSGRule) {
			in := rule.Inputs
			if in["type"] != "ingress" {
				continue
			}
			from, to := num(t, in, "fromPort"), num(t, in, "toPort")
			if from <= 22 && 22 <= to {
				t.Errorf("rule %s opens port 22", rule.Name)
			}
			if cidrs, open := in["cidrBlocks"]; open {
				if from != to || (from != 80 && from != 443) {
					t.Errorf("rule %s opens %d-%d to %v", rule.Name, from, to, cidrs)
				}
			}
		}
	})
}

func TestOnlyTheALBReachesTasksAndOnlyOnTheContainerPort(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		var ingress []map[string]any
		svcSG := r.Outputs[infra.OutputServiceSecurityGroupID]
		for _, rule := range r.OfType(typeSGRule) {
			if rule.Inputs["type"] == "ingress" && rule.Inputs["securityGroupId"] == svcSG {
				ingress = append(ingress, rule.Inputs)
			}
		}
		if len(ingress) != 1 {
			t.Fatalf("service has %d ingress rules, want 1", len(ingress))
		}
		in := ingress[0]
		if in["sourceSecurityGroupId"] != r.Outputs[infra.OutputALBSecurityGroupID] ||
			num(t, in, "fromPort") != infra.DefaultContainerPort || num(t, in, "toPort") != infra.DefaultContainerPort {
			t.Fatalf("service ingress = %v", in)
		}
	})
}

func TestRolesLiveUnderTheStacksPathWithTheBoundaryWhenGiven(t *testing.T) {
	for _, stack := range Stacks {
		r := deploy(t, stack, "permissionsBoundaryArn=")
		for _, role := range r.OfType(typeRole) {
			if got := str(t, role.Inputs, "path"); got != "/webservice/"+r.Stack+"/" {
				t.Errorf("%s path = %s: the CI deploy role's IAM rights are scoped to /webservice/<stack>/", role.Name, got)
			}
			if _, set := role.Inputs["permissionsBoundary"]; set {
				t.Errorf("%s has a boundary although none is configured", role.Name)
			}
		}
	}
	boundary := "arn:aws:iam::" + testAccount + ":policy/webservice/webservice-staging-boundary"
	r := deploy(t, "staging", "permissionsBoundaryArn="+boundary)
	for _, role := range r.OfType(typeRole) {
		if role.Inputs["permissionsBoundary"] != boundary {
			t.Errorf("%s boundary = %v, want %s", role.Name, role.Inputs["permissionsBoundary"], boundary)
		}
	}
}
