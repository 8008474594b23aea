//go:build e2e

package motopeer

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/example/webservice/internal/offline"
)

// What a deploy of the rendered stack leaves behind, in moto: the network,
// the ALB with its target group and listeners, the cluster, the task
// definition and the service, created with the rendered inputs. moto's ECS
// runs no tasks of its own, so scheduleTasks plays ECS's scheduler: it starts
// the service's tasks as ECS does (startedBy the PRIMARY deployment, group
// service:NAME, in the service's subnets) and the test decides whether their
// addresses get registered in the target group.

var seq atomic.Int64

// uniq makes names unique within one moto, also under go test -count=N.
func uniq(name string) string { return fmt.Sprintf("%s%d", name, seq.Add(1)) }

// deployment is one deploy of a stack under its own names.
type deployment struct {
	p                 *peer
	r                 *offline.Result
	m                 ids
	lb                loadBalancer
	Cluster, Service  string
	ClusterArn        string
	TaskDefinitionArn string
	ContainerPort     int32
}

// deployOptions change what the deploy leaves, for the cases under test.
type deployOptions struct {
	extraDesired int32  // ask for more tasks than moto reports running: the rollout stays IN_PROGRESS
	controller   string // another deployment controller (EXTERNAL): no ECS deployments
}

func deployStack(t testing.TB, p *peer, stack, suffix string, o deployOptions) *deployment {
	t.Helper()
	ctx := context.Background()
	r := render(t, stack)
	d := &deployment{p: p, r: r, m: ids{}}
	createNetwork(t, p, r, d.m)
	d.lb = createLoadBalancer(t, p, r, d.m, suffix)

	cluster := only(t, r, "aws:ecs/cluster:Cluster")
	var settings []ecstypes.ClusterSetting
	for _, s := range list(t, cluster.Inputs, "settings") {
		kv := s.(map[string]any)
		settings = append(settings, ecstypes.ClusterSetting{Name: ecstypes.ClusterSettingName(str(t, kv, "name")),
			Value: aws.String(str(t, kv, "value"))})
	}
	cl, err := p.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{
		ClusterName: aws.String(str(t, cluster.Inputs, "name") + "-" + suffix), Settings: settings})
	check(t, "CreateCluster", err)
	d.Cluster, d.ClusterArn = aws.ToString(cl.Cluster.ClusterName), aws.ToString(cl.Cluster.ClusterArn)

	d.TaskDefinitionArn = registerTaskDefinition(t, p, one(t, r, "aws:ecs/taskDefinition:TaskDefinition", "task"))
	svc := one(t, r, "aws:ecs/service:Service", "service").Inputs
	d.Service = str(t, svc, "name")
	in := &ecs.CreateServiceInput{
		Cluster: aws.String(d.Cluster), ServiceName: aws.String(d.Service),
		DesiredCount: aws.Int32(num(t, svc, "desiredCount") + o.extraDesired),
	}
	if o.controller != "" {
		// ECS takes no task definition or load balancer for other controllers:
		// their task sets carry them.
		in.DeploymentController = &ecstypes.DeploymentController{Type: ecstypes.DeploymentControllerType(o.controller)}
		_, err = p.ECS.CreateService(ctx, in)
		check(t, "CreateService", err)
		return d
	}
	in.TaskDefinition = aws.String(d.TaskDefinitionArn)
	in.LaunchType = ecstypes.LaunchType(str(t, svc, "launchType"))
	in.PlatformVersion = aws.String(str(t, svc, "platformVersion"))
	in.DeploymentController = &ecstypes.DeploymentController{
		Type: ecstypes.DeploymentControllerType(str(t, obj(t, svc, "deploymentController"), "type"))}
	for _, l := range list(t, svc, "loadBalancers") {
		lb := l.(map[string]any)
		d.ContainerPort = num(t, lb, "containerPort")
		in.LoadBalancers = append(in.LoadBalancers, ecstypes.LoadBalancer{
			TargetGroupArn: aws.String(d.m.of(t, str(t, lb, "targetGroupArn"))),
			ContainerName:  aws.String(str(t, lb, "containerName")), ContainerPort: aws.Int32(d.ContainerPort)})
	}
	in.NetworkConfiguration = d.network(t)
	breaker := obj(t, svc, "deploymentCircuitBreaker")
	in.DeploymentConfiguration = &ecstypes.DeploymentConfiguration{
		MaximumPercent:        aws.Int32(num(t, svc, "deploymentMaximumPercent")),
		MinimumHealthyPercent: aws.Int32(num(t, svc, "deploymentMinimumHealthyPercent")),
		DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{
			Enable: breaker["enable"] == true, Rollback: breaker["rollback"] == true},
	}
	if alarms, ok := svc["alarms"].(map[string]any); ok {
		in.DeploymentConfiguration.Alarms = &ecstypes.DeploymentAlarms{AlarmNames: strs(t, alarms, "alarmNames"),
			Enable: alarms["enable"] == true, Rollback: alarms["rollback"] == true}
	}
	in.HealthCheckGracePeriodSeconds = aws.Int32(num(t, svc, "healthCheckGracePeriodSeconds"))
	in.PropagateTags = ecstypes.PropagateTags(str(t, svc, "propagateTags"))
	in.EnableECSManagedTags = svc["enableEcsManagedTags"] == true
	_, err = p.ECS.CreateService(ctx, in)
	check(t, "CreateService", err)
	return d
}

// network is the service's awsvpc configuration, with moto's ids.
func (d *deployment) network(t testing.TB) *ecstypes.NetworkConfiguration {
	t.Helper()
	nc := obj(t, one(t, d.r, "aws:ecs/service:Service", "service").Inputs, "networkConfiguration")
	public := ecstypes.AssignPublicIpDisabled
	if nc["assignPublicIp"] == true {
		public = ecstypes.AssignPublicIpEnabled
	}
	return &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
		Subnets: d.m.all(t, strs(t, nc, "subnets")), SecurityGroups: d.m.all(t, strs(t, nc, "securityGroups")),
		AssignPublicIp: public}}
}

// registerTaskDefinition registers the rendered revision; its container
// definitions are the ECS API's own JSON.
func registerTaskDefinition(t testing.TB, p *peer, td offline.Resource) string {
	t.Helper()
	var containers []ecstypes.ContainerDefinition
	if err := json.Unmarshal([]byte(str(t, td.Inputs, "containerDefinitions")), &containers); err != nil {
		t.Fatalf("container definitions: %v", err)
	}
	// moto's RunTask (5.2.1) sums container-level memory, which Fargate does not
	// need and the stack does not set: give moto the task's, for moto only.
	for i := range containers {
		if containers[i].Memory == nil && containers[i].MemoryReservation == nil {
			mem, err := strconv.Atoi(str(t, td.Inputs, "memory"))
			if err != nil {
				t.Fatalf("task memory: %v", err)
			}
			containers[i].MemoryReservation = aws.Int32(int32(mem))
		}
	}
	in := &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(str(t, td.Inputs, "family")), ContainerDefinitions: containers,
		Cpu: aws.String(str(t, td.Inputs, "cpu")), Memory: aws.String(str(t, td.Inputs, "memory")),
		NetworkMode:      ecstypes.NetworkMode(str(t, td.Inputs, "networkMode")),
		ExecutionRoleArn: aws.String(str(t, td.Inputs, "executionRoleArn")),
		TaskRoleArn:      aws.String(str(t, td.Inputs, "taskRoleArn")),
	}
	for _, c := range strs(t, td.Inputs, "requiresCompatibilities") {
		in.RequiresCompatibilities = append(in.RequiresCompatibilities, ecstypes.Compatibility(c))
	}
	if rp, ok := td.Inputs["runtimePlatform"].(map[string]any); ok {
		in.RuntimePlatform = &ecstypes.RuntimePlatform{
			CpuArchitecture:       ecstypes.CPUArchitecture(str(t, rp, "cpuArchitecture")),
			OperatingSystemFamily: ecstypes.OSFamily(str(t, rp, "operatingSystemFamily"))}
	}
	for _, v := range list(t, td.Inputs, "volumes") {
		in.Volumes = append(in.Volumes, ecstypes.Volume{Name: aws.String(str(t, v.(map[string]any), "name"))})
	}
	out, err := p.ECS.RegisterTaskDefinition(context.Background(), in)
	check(t, "RegisterTaskDefinition", err)
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// scheduleTasks starts the PRIMARY deployment's tasks as ECS's scheduler would
// and returns their ENI addresses.
func (d *deployment) scheduleTasks(t testing.TB) []string {
	t.Helper()
	ctx := context.Background()
	svcs, err := d.p.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(d.Cluster), Services: []string{d.Service}})
	check(t, "DescribeServices", err)
	var primary *ecstypes.Deployment
	for i, dep := range svcs.Services[0].Deployments {
		if aws.ToString(dep.Status) == "PRIMARY" {
			primary = &svcs.Services[0].Deployments[i]
		}
	}
	if primary == nil {
		t.Fatalf("moto shows no PRIMARY deployment: %+v", svcs.Services[0].Deployments)
	}
	out, err := d.p.ECS.RunTask(ctx, &ecs.RunTaskInput{
		Cluster: aws.String(d.Cluster), TaskDefinition: primary.TaskDefinition, Count: aws.Int32(primary.DesiredCount),
		LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: d.network(t),
		StartedBy: primary.Id, Group: aws.String("service:" + d.Service),
	})
	check(t, "RunTask", err)
	var ips []string
	for _, task := range out.Tasks {
		for _, a := range task.Attachments {
			for _, kv := range a.Details {
				if aws.ToString(kv.Name) == "privateIPv4Address" {
					ips = append(ips, aws.ToString(kv.Value))
				}
			}
		}
	}
	if len(ips) != int(primary.DesiredCount) {
		t.Fatalf("started %d tasks with %d addresses, want %d", len(out.Tasks), len(ips), primary.DesiredCount)
	}
	return ips
}

// registerTargets puts the tasks' addresses in the target group, as ECS does
// for a service with a load balancer.
func (d *deployment) registerTargets(t testing.TB, ips []string) {
	t.Helper()
	var targets []elbtypes.TargetDescription
	for _, ip := range ips {
		targets = append(targets, elbtypes.TargetDescription{Id: aws.String(ip), Port: aws.Int32(d.ContainerPort)})
	}
	_, err := d.p.ELB.RegisterTargets(context.Background(), &elbv2.RegisterTargetsInput{
		TargetGroupArn: aws.String(d.lb.TargetGroupArn), Targets: targets})
	check(t, "RegisterTargets", err)
}

// outputs is `pulumi stack output --json` after this deploy: the rendered
// outputs, with moto's names and ARNs, and url pointing at a local /health.
func (d *deployment) outputs(t testing.TB, url string) []byte {
	t.Helper()
	out := maps.Clone(d.r.Outputs)
	out["clusterName"], out["clusterArn"] = d.Cluster, d.ClusterArn
	out["serviceName"] = d.Service
	out["taskDefinitionArn"] = d.TaskDefinitionArn
	out["targetGroupArn"] = d.lb.TargetGroupArn
	out["url"] = url
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
