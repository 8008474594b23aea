package tests

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
)

const (
	typeTargetGroup = "aws:lb/targetGroup:TargetGroup"
	typeService     = "aws:ecs/service:Service"
	typeTaskDef     = "aws:ecs/taskDefinition:TaskDefinition"
	typeALB         = "aws:lb/loadBalancer:LoadBalancer"
	typeListener    = "aws:lb/listener:Listener"
	typeRepository  = "aws:ecr/repository:Repository"
	typeCluster     = "aws:ecs/cluster:Cluster"
	typeLogGroup    = "aws:cloudwatch/logGroup:LogGroup"
	typeVpc         = "awsx:ec2:Vpc"
	typeSGRule      = "aws:ec2/securityGroupRule:SecurityGroupRule"
	typeRole        = "aws:iam/role:Role"
	typeRolePolicy  = "aws:iam/rolePolicy:RolePolicy"
	typeProvider    = "pulumi:providers:aws"
	typeStackRef    = "pulumi:pulumi:StackReference"
	typeLifecycle   = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
)

func TestHealthCheckMatchesSeed(t *testing.T) {
	// The seed: /health over HTTPS, healthy after 3, unhealthy after 2, timeout 5 s,
	// interval 30 s, codes 200-299.
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		hc := get(t, one(t, r, typeTargetGroup).Inputs, "healthCheck").(map[string]any)
		want := map[string]any{
			"enabled": true, "path": "/health", "protocol": "HTTPS", "port": "traffic-port",
			"healthyThreshold": 3.0, "unhealthyThreshold": 2.0, "timeout": 5.0, "interval": 30.0,
			"matcher": "200-299",
		}
		for k, v := range want {
			if hc[k] != v {
				t.Errorf("healthCheck.%s = %v, want %v", k, hc[k], v)
			}
		}
	})
}

func TestTargetGroupRegistersTaskIPsOnTheContainerPortWithShortDrain(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		tg := one(t, r, typeTargetGroup).Inputs
		if str(t, tg, "targetType") != "ip" {
			t.Errorf("targetType = %v, want ip (awsvpc tasks)", tg["targetType"])
		}
		if num(t, tg, "port") != infra.DefaultContainerPort {
			t.Errorf("port = %v, want %d", tg["port"], infra.DefaultContainerPort)
		}
		if num(t, tg, "deregistrationDelay") != 30 {
			t.Errorf("deregistrationDelay = %v, want 30 (AWS's 300 adds ~4.5 min per deploy)", tg["deregistrationDelay"])
		}
		if str(t, tg, "vpcId") != r.Outputs[infra.OutputVpcID] {
			t.Errorf("target group vpcId %v is not the stack's VPC %v", tg["vpcId"], r.Outputs[infra.OutputVpcID])
		}
	})
}

func TestServiceRollsBackThroughTheCircuitBreaker(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		svc := one(t, r, typeService).Inputs
		if !boolean(t, svc, "deploymentCircuitBreaker.enable") || !boolean(t, svc, "deploymentCircuitBreaker.rollback") {
			t.Fatalf("deploymentCircuitBreaker = %v, want enable and rollback", svc["deploymentCircuitBreaker"])
		}
		if str(t, svc, "deploymentController.type") != "ECS" {
			t.Errorf("deploymentController = %v, want the ECS rolling update", svc["deploymentController"])
		}
	})
}

func TestRollingUpdateNeverDropsCapacity(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		svc := one(t, r, typeService).Inputs
		if num(t, svc, "deploymentMinimumHealthyPercent") != 100 || num(t, svc, "deploymentMaximumPercent") != 200 {
			t.Errorf("min/max = %v/%v, want 100/200", svc["deploymentMinimumHealthyPercent"], svc["deploymentMaximumPercent"])
		}
		if num(t, svc, "healthCheckGracePeriodSeconds") < infra.DefaultTaskStartupSeconds {
			t.Errorf("grace %v shorter than the expected start-up", svc["healthCheckGracePeriodSeconds"])
		}
	})
}

func TestPulumiUpWaitsForTheRolloutWithinTheModelledTime(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		svc := one(t, r, typeService)
		if !boolean(t, svc.Inputs, "waitForSteadyState") {
			t.Fatal("waitForSteadyState must be true so pulumi up waits for the rollout")
		}
		if svc.Timeouts == nil || svc.Timeouts.Update == "" || svc.Timeouts.Update != svc.Timeouts.Create {
			t.Fatalf("custom timeouts = %+v, want equal create and update", svc.Timeouts)
		}
		// Seed check, S=60, D=30, K=30, deployment alarms baking 3 x 60 s: a
		// rollout takes 210 + 180 = 390 s. Staging, N=2: 3 failures need two rounds
		// of 2 tasks, detect 360 s + roll back 390 s = 750 s, x1.5 = 19 min.
		// Production, N=3: all 3 failures in one round, 150 + 390 = 540 s, x1.5 =
		// 13.5, so 14 min.
		want := map[string]string{"staging": "19m0s", "production": "14m0s"}[r.Stack]
		wantSeconds := map[string]float64{"staging": 1140, "production": 840}[r.Stack]
		if svc.Timeouts.Update != want || r.Outputs[infra.OutputDeployTimeoutSeconds] != wantSeconds {
			t.Errorf("update timeout = %s (output %v s), want %s", svc.Timeouts.Update,
				r.Outputs[infra.OutputDeployTimeoutSeconds], want)
		}
	})
}

func TestServiceRunsBehindTheTargetGroupAfterTheListeners(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		svc := one(t, r, typeService)
		lbs := get(t, svc.Inputs, "loadBalancers").([]any)
		if len(lbs) != 1 {
			t.Fatalf("loadBalancers = %v", lbs)
		}
		lb := lbs[0].(map[string]any)
		if lb["targetGroupArn"] != r.Outputs[infra.OutputTargetGroupArn] || lb["containerName"] != infra.ContainerName ||
			lb["containerPort"] != float64(infra.DefaultContainerPort) {
			t.Errorf("load balancer mapping = %v", lb)
		}
		for _, l := range r.OfType(typeListener) {
			if !slices.Contains(svc.DependsOn, l.URN) {
				t.Errorf("service does not depend on listener %s: ECS rejects a target group without a listener", l.Name)
			}
		}
	})
}

func TestImageTagDeploysThatTagFromTheStacksRepository(t *testing.T) {
	r := deploy(t, "staging")
	img := containerDef(t, r)["image"]
	want := r.Outputs[infra.OutputECRRepositoryURL].(string) + ":" + deployTag
	if img != want || r.Outputs[infra.OutputImage] != want || r.Outputs[infra.OutputImageTag] != deployTag {
		t.Fatalf("image = %v (output %v), want %s", img, r.Outputs[infra.OutputImage], want)
	}
}

func TestImageDigestPinsWhatRunsAndKeepsTheTagAsLabel(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	r := deploy(t, "staging", "imageDigest="+digest)
	want := r.Outputs[infra.OutputECRRepositoryURL].(string) + "@" + digest
	if got := containerDef(t, r)["image"]; got != want {
		t.Fatalf("image = %v, want %s", got, want)
	}
	if r.Outputs[infra.OutputImageTag] != deployTag {
		t.Fatalf("imageTag output = %v, want the tag %s as label", r.Outputs[infra.OutputImageTag], deployTag)
	}
}

func TestUpdateWithoutImageTagKeepsTheRunningImage(t *testing.T) {
	running := "123456789012.dkr.ecr.us-east-1.amazonaws.com/webservice-staging:previous1"
	r, err := service.Run(offline.Options{
		Dir: projectDir, Stack: "staging", Overrides: withSite("staging", map[string]string{"imageTag": ""}), // explicitly no image
		Previous: map[string]any{infra.OutputImage: running, infra.OutputImageTag: "previous1"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := containerDef(t, r)["image"]; got != running {
		t.Fatalf("image = %v, want the running %s: an infra-only update must not change the app", got, running)
	}
	if r.Outputs[infra.OutputImageTag] != "previous1" {
		t.Fatalf("imageTag output = %v, want previous1", r.Outputs[infra.OutputImageTag])
	}
	ref := one(t, r, typeStackRef)
	if ref.Inputs["name"] != "organization/webservice/staging" {
		t.Fatalf("stack reference reads %v, want the stack itself", ref.Inputs["name"])
	}
}

// TestFirstUpWithoutAnImageCreatesOnlyTheRegistry: a stack that has never run
// an image cannot deploy one until it is pushed, and the push needs the
// repository. So that first `pulumi up` creates the registry alone, says so in
// deploymentState, and every other output is empty, never an unknown.
func TestFirstUpWithoutAnImageCreatesOnlyTheRegistry(t *testing.T) {
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging",
		Overrides: withSite("staging", map[string]string{"imageTag": "", "imageDigest": ""})}) // explicitly no image
	if err != nil {
		t.Fatal(err)
	}
	var custom []string
	for _, res := range r.Resources {
		if res.Custom {
			custom = append(custom, res.Type)
		}
	}
	slices.Sort(custom)
	want := []string{"aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/repository:Repository", "pulumi:providers:aws"}
	if !slices.Equal(custom, want) {
		t.Fatalf("created %v, want only %v", custom, want)
	}
	if r.Outputs[infra.OutputDeploymentState] != infra.StateAwaitingImage ||
		r.Outputs[infra.OutputECRRepositoryName] != "webservice-staging" || r.Outputs[infra.OutputURL] != "" ||
		r.Outputs[infra.OutputServiceName] != "" || r.Outputs[infra.OutputImage] != "" {
		t.Fatalf("outputs = %v", r.Outputs)
	}
}

// TestNoOutputIsEverUnknownOrTheSentinel runs every state a stack can be in and
// checks each output is a real value (the offline run fails on an unknown output).
func TestNoOutputIsEverUnknownOrTheSentinel(t *testing.T) {
	const sentinel = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
	running := map[string]any{infra.OutputImage: "210987654321.dkr.ecr.us-east-1.amazonaws.com/webservice-staging:v1",
		infra.OutputImageTag: "v1"}
	states := []struct {
		name     string
		ov       map[string]string
		previous map[string]any
		state    string
	}{
		{"first up, no image", map[string]string{"imageTag": ""}, nil, infra.StateAwaitingImage},
		{"deploy", map[string]string{"imageTag": "v2"}, running, infra.StateDeployed},
		{"first deploy with an image", map[string]string{"imageTag": "v1"}, nil, infra.StateDeployed},
		{"infrastructure-only update keeps the image", map[string]string{"imageTag": ""}, running, infra.StateDeployed},
	}
	for _, s := range states {
		t.Run(s.name, func(t *testing.T) {
			r, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging", Overrides: withSite("staging", s.ov), Previous: s.previous})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Outputs) != len(infra.OutputContract) || r.Outputs[infra.OutputDeploymentState] != s.state {
				t.Fatalf("%d outputs, state %v", len(r.Outputs), r.Outputs[infra.OutputDeploymentState])
			}
			for name, v := range r.Outputs {
				if v == nil || strings.Contains(fmt.Sprint(v), sentinel) {
					t.Errorf("output %s = %v", name, v)
				}
			}
		})
	}
}

func TestOutputsMatchTheContractExactly(t *testing.T) {
	want := make([]string, len(infra.OutputContract))
	for i, o := range infra.OutputContract {
		want[i] = o.Name
	}
	slices.Sort(want)
	// The contract; adding is allowed, removing or renaming is breaking.
	required := []string{"url", "albDnsName", "albZoneId", "albArn", "httpsListenerArn", "targetGroupArn",
		"albSecurityGroupId", "serviceSecurityGroupId", "clusterName", "clusterArn", "serviceName", "serviceArn",
		"taskDefinitionArn", "taskFamily", "containerName", "image", "imageTag", "ecrRepositoryUrl",
		"ecrRepositoryName", "ecrRepositoryArn", "logGroupName", "vpcId", "publicSubnetIds", "privateSubnetIds",
		"contractVersion"}
	for _, name := range required {
		if !slices.Contains(want, name) {
			t.Errorf("contract lost output %q: that breaks every StackReference reading it", name)
		}
	}
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		got := keys(r.Outputs)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("outputs = %v\nwant %v", got, want)
		}
		for name, v := range r.Outputs {
			if v == nil {
				t.Errorf("output %s is nil", name)
			}
		}
		if r.Outputs[infra.OutputContractVersion] != infra.ContractVersion {
			t.Errorf("contractVersion = %v", r.Outputs[infra.OutputContractVersion])
		}
	})
}

func TestURLSaysPlainlyWhetherTrafficIsEncrypted(t *testing.T) {
	staging, production := deploy(t, "staging"), deploy(t, "production")
	if u := staging.Outputs[infra.OutputURL].(string); !strings.HasPrefix(u, "http://") {
		t.Errorf("staging has no certificate, url = %s, want http://", u)
	}
	if tls := staging.Outputs[infra.OutputTLS].(string); !strings.HasPrefix(tls, "DISABLED") {
		t.Errorf("staging tls = %q, want a plain DISABLED warning", tls)
	}
	if staging.Outputs[infra.OutputHTTPSListenerArn] != "" {
		t.Errorf("staging httpsListenerArn = %v, want empty", staging.Outputs[infra.OutputHTTPSListenerArn])
	}
	if u := production.Outputs[infra.OutputURL].(string); !strings.HasPrefix(u, "https://") {
		t.Errorf("production url = %s, want https://", u)
	}
	if production.Outputs[infra.OutputHTTPSListenerArn] == "" {
		t.Error("production must export its HTTPS listener")
	}
}

func TestEveryAWSResourceUsesTheStacksOneProvider(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		p := one(t, r, typeProvider)
		if p.Inputs["region"] != "us-east-1" {
			t.Errorf("provider region = %v", p.Inputs["region"])
		}
		tags := get(t, p.Inputs, "defaultTags.tags").(map[string]any)
		if tags["service"] != "webservice" || tags["stack"] != r.Stack || tags["managed-by"] != "pulumi" {
			t.Errorf("default tags = %v", tags)
		}
		ref := p.URN + "::" + p.ID
		for _, res := range r.Resources {
			if res.Custom && strings.HasPrefix(res.Type, "aws:") && res.Provider != ref {
				t.Errorf("%s %s uses provider %q, want the stack's %q", res.Type, res.Name, res.Provider, ref)
			}
		}
		if vpcs := r.OfType(typeVpc); len(vpcs) == 1 && vpcs[0].Providers["aws"] != ref {
			t.Errorf("awsx VPC gets providers %v: its subnets and NAT gateways would use the default provider",
				vpcs[0].Providers)
		}
	})
}

func TestProductionProtectsStatefulResources(t *testing.T) {
	r := deploy(t, "production")
	for _, typ := range []string{typeRepository, typeALB, typeCluster, typeLogGroup} {
		if !one(t, r, typ).Protect {
			t.Errorf("%s is not protected in production", typ)
		}
	}
	if !boolean(t, one(t, r, typeALB).Inputs, "enableDeletionProtection") {
		t.Error("production ALB deletion protection is off")
	}
	if boolean(t, one(t, r, typeRepository).Inputs, "forceDelete") {
		t.Error("production ECR repository may be force-deleted with its images")
	}
}

func TestStagingStaysDisposable(t *testing.T) {
	r := deploy(t, "staging")
	for _, typ := range []string{typeRepository, typeALB, typeCluster, typeLogGroup} {
		if one(t, r, typ).Protect {
			t.Errorf("%s is protected in staging: pulumi destroy would stop", typ)
		}
	}
	if !boolean(t, one(t, r, typeRepository).Inputs, "forceDelete") {
		t.Error("staging repository should be force-deletable")
	}
}

func TestNewVPCSpansTheConfiguredZonesWithPerStackNAT(t *testing.T) {
	cases := map[string]struct {
		azs []string
		nat string
	}{
		"staging":    {[]string{"us-east-1a", "us-east-1b"}, "Single"},
		"production": {[]string{"us-east-1a", "us-east-1b", "us-east-1c"}, "OnePerAz"},
	}
	for stack, want := range cases {
		t.Run(stack, func(t *testing.T) {
			r := deploy(t, stack)
			vpc := one(t, r, typeVpc)
			if !vpc.Remote || vpc.Custom {
				t.Errorf("awsx VPC should be a remote component")
			}
			var azs []string
			for _, a := range get(t, vpc.Inputs, "availabilityZoneNames").([]any) {
				azs = append(azs, a.(string))
			}
			if !slices.Equal(azs, want.azs) {
				t.Errorf("AZs = %v, want %v", azs, want.azs)
			}
			if got := str(t, vpc.Inputs, "natGateways.strategy"); got != want.nat {
				t.Errorf("NAT = %s, want %s", got, want.nat)
			}
		})
	}
}

func TestExistingVPCIsUsedWithoutCreatingOne(t *testing.T) {
	pub := `["subnet-0123456789abcdef0","subnet-0123456789abcdef1"]`
	priv := `["subnet-0123456789abcdef2","subnet-0123456789abcdef3"]`
	r := deploy(t, "staging", "vpcId=vpc-0123456789abcdef0", "publicSubnetIds="+pub, "privateSubnetIds="+priv)
	if n := len(r.OfType(typeVpc)); n != 0 {
		t.Fatalf("created %d VPCs, want none", n)
	}
	alb := one(t, r, typeALB).Inputs
	if got := get(t, alb, "subnets").([]any); got[0] != "subnet-0123456789abcdef0" || got[1] != "subnet-0123456789abcdef1" {
		t.Errorf("ALB subnets = %v, want the public ones", got)
	}
	svcSubnets := get(t, one(t, r, typeService).Inputs, "networkConfiguration.subnets").([]any)
	if svcSubnets[0] != "subnet-0123456789abcdef2" || svcSubnets[1] != "subnet-0123456789abcdef3" {
		t.Errorf("task subnets = %v, want the private ones", svcSubnets)
	}
	if str(t, one(t, r, typeTargetGroup).Inputs, "vpcId") != "vpc-0123456789abcdef0" {
		t.Error("target group is not in the existing VPC")
	}
}

func TestPhysicalNamesCarryTheStackSoStacksShareAnAccount(t *testing.T) {
	for _, stack := range Stacks {
		r := deploy(t, stack)
		want := "webservice-" + stack
		if got := str(t, one(t, r, typeRepository).Inputs, "name"); got != want {
			t.Errorf("repository name = %s, want %s", got, want)
		}
		if got := str(t, one(t, r, typeCluster).Inputs, "name"); got != want {
			t.Errorf("cluster name = %s, want %s", got, want)
		}
		if got := str(t, one(t, r, typeLogGroup).Inputs, "name"); got != "/ecs/"+want {
			t.Errorf("log group = %s", got)
		}
		if got := str(t, one(t, r, typeTaskDef).Inputs, "family"); got != want {
			t.Errorf("task family = %s", got)
		}
	}
}

// TestUpWithoutAnImageOnAStackAwaitingItsFirstIsRefused: after the registry-only
// first up, an imageless update is refused with nothing created. If a first
// deploy with an image failed in between (its resources exist, the outputs still
// say awaiting-image), a registry-only update would delete all of them.
func TestUpWithoutAnImageOnAStackAwaitingItsFirstIsRefused(t *testing.T) {
	awaiting := map[string]any{infra.OutputImage: "", infra.OutputDeploymentState: infra.StateAwaitingImage}
	r, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging",
		Overrides: withSite("staging", map[string]string{"imageTag": ""}), Previous: awaiting})
	if !errors.Is(err, infra.ErrNoImage) || !strings.Contains(err.Error(), "WEBSERVICE_IMAGE_TAG=<tag>") {
		t.Fatalf("want ErrNoImage naming how to deploy, got %v", err)
	}
	for _, res := range r.Resources {
		if res.Type != typeStackRef {
			t.Errorf("registered %s before refusing", res.URN)
		}
	}
	// With an image, the first deploy goes ahead.
	r, err = service.Run(offline.Options{Dir: projectDir, Stack: "staging",
		Overrides: withSite("staging", map[string]string{"imageTag": "v1"}), Previous: awaiting})
	if err != nil || r.Outputs[infra.OutputDeploymentState] != infra.StateDeployed {
		t.Fatalf("first deploy: %v %v", err, r.Outputs[infra.OutputDeploymentState])
	}
}
