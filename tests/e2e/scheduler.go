//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// scheduler stands in for what ECS does after a service is created or
// updated and moto does not: start the PRIMARY deployment's tasks, stop the
// other deployments' tasks, and keep the service's target group registered
// with the running tasks' addresses (moto marks every registered target
// healthy). It also plays the deployment circuit breaker: a deployment of an
// image the test marked failing (failImage) never passes its health checks,
// so it is rolled back to the service's previous task definition, as ECS does
// with rollback on.
type scheduler struct {
	ecs  *ecs.Client
	elb  *elbv2.Client
	stop context.CancelFunc
	done chan struct{}

	mu       sync.Mutex
	previous map[string]string // service ARN -> the last task definition that completed
	failing  map[string]bool   // image digests whose tasks never pass a health check
	errs     []string
}

func startScheduler(t testing.TB, endpoint string) *scheduler {
	cfg := aws.Config{Region: region, Credentials: credentials.NewStaticCredentialsProvider("e2e", "e2e", ""),
		BaseEndpoint: aws.String(endpoint)}
	ctx, cancel := context.WithCancel(context.Background())
	s := &scheduler{ecs: ecs.NewFromConfig(cfg), elb: elbv2.NewFromConfig(cfg), stop: cancel, done: make(chan struct{}),
		previous: map[string]string{}, failing: map[string]bool{}}
	go func() {
		defer close(s.done)
		for ctx.Err() == nil {
			s.pass(ctx)
			select {
			case <-ctx.Done():
			case <-time.After(300 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() {
		s.stop()
		<-s.done
	})
	return s
}

// problems are the scheduler's own failures, for the test to report.
func (s *scheduler) problems() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errs...)
}

func (s *scheduler) fail(err error) {
	if err == nil || strings.Contains(err.Error(), "context canceled") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.errs {
		if e == err.Error() {
			return
		}
	}
	if len(s.errs) < 20 {
		s.errs = append(s.errs, err.Error())
		fmt.Fprintf(os.Stderr, "ECS stand-in: %v\n", err) // at once: a deploy waiting on it would hide it
	}
}

func (s *scheduler) pass(ctx context.Context) {
	clusters, err := s.ecs.ListClusters(ctx, &ecs.ListClustersInput{})
	if err != nil {
		s.fail(err)
		return
	}
	for _, c := range clusters.ClusterArns {
		arns, err := s.ecs.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(c)})
		if err != nil || len(arns.ServiceArns) == 0 {
			s.fail(err)
			continue
		}
		out, err := s.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(c), Services: arns.ServiceArns})
		if err != nil {
			s.fail(err)
			continue
		}
		for _, svc := range out.Services {
			if aws.ToString(svc.Status) == "ACTIVE" {
				s.schedule(ctx, c, svc)
			}
		}
	}
}

func (s *scheduler) schedule(ctx context.Context, cluster string, svc ecstypes.Service) {
	var primary *ecstypes.Deployment
	for i, d := range svc.Deployments {
		if aws.ToString(d.Status) == "PRIMARY" {
			primary = &svc.Deployments[i]
		}
	}
	if primary == nil {
		return
	}
	td := aws.ToString(primary.TaskDefinition)
	key := aws.ToString(svc.ServiceArn)
	if failing, err := s.unhealthy(ctx, td); err != nil {
		s.fail(err)
		return
	} else if failing {
		s.mu.Lock()
		back := s.previous[key]
		s.mu.Unlock()
		if back != "" && back != td {
			_, err := s.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: svc.ServiceName,
				TaskDefinition: aws.String(back)})
			s.fail(err)
		}
		return
	}
	s.mu.Lock()
	s.previous[key] = td
	s.mu.Unlock()

	list, err := s.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: svc.ServiceName,
		DesiredStatus: ecstypes.DesiredStatusRunning})
	if err != nil {
		s.fail(err)
		return
	}
	var running []ecstypes.Task
	if len(list.TaskArns) > 0 {
		tasks, err := s.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
		if err != nil {
			s.fail(err)
			return
		}
		running = tasks.Tasks
	}
	var current []ecstypes.Task
	for _, task := range running {
		if aws.ToString(task.TaskDefinitionArn) == td && aws.ToString(task.LastStatus) != "STOPPED" {
			current = append(current, task)
			continue
		}
		if aws.ToString(task.LastStatus) != "STOPPED" {
			_, err := s.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: aws.String(cluster), Task: task.TaskArn,
				Reason: aws.String("replaced by deployment " + aws.ToString(primary.Id))})
			s.fail(err)
		}
	}
	if missing := int(primary.DesiredCount) - len(current); missing > 0 {
		out, err := s.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(cluster), TaskDefinition: aws.String(td),
			Count: aws.Int32(int32(missing)), LaunchType: ecstypes.LaunchTypeFargate,
			NetworkConfiguration: svc.NetworkConfiguration, StartedBy: primary.Id,
			Group: aws.String("service:" + aws.ToString(svc.ServiceName))})
		if err != nil {
			s.fail(err)
			return
		}
		current = append(current, out.Tasks...)
	}
	for _, lb := range svc.LoadBalancers {
		s.register(ctx, aws.ToString(lb.TargetGroupArn), aws.ToInt32(lb.ContainerPort), current)
	}
}

// failImage makes every task of an image (repository@sha256:..., or its
// digest alone) fail its health checks from now on.
func (s *scheduler) failImage(digest string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[digest[strings.LastIndex(digest, "@")+1:]] = true
}

// unhealthy: the task definition runs an image that fails its health checks.
func (s *scheduler) unhealthy(ctx context.Context, td string) (bool, error) {
	out, err := s.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(td)})
	if err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range out.TaskDefinition.ContainerDefinitions {
		image := aws.ToString(c.Image)
		if s.failing[image[strings.LastIndex(image, "@")+1:]] {
			return true, nil
		}
	}
	return false, nil
}

// register makes the target group's targets exactly the tasks' addresses.
func (s *scheduler) register(ctx context.Context, tg string, port int32, tasks []ecstypes.Task) {
	want := map[string]bool{}
	for _, task := range tasks {
		for _, a := range task.Attachments {
			for _, kv := range a.Details {
				if aws.ToString(kv.Name) == "privateIPv4Address" {
					want[aws.ToString(kv.Value)] = true
				}
			}
		}
	}
	health, err := s.elb.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil {
		s.fail(err)
		return
	}
	have := map[string]bool{}
	var gone []elbtypes.TargetDescription
	for _, d := range health.TargetHealthDescriptions {
		id := aws.ToString(d.Target.Id)
		have[id] = true
		if !want[id] {
			gone = append(gone, elbtypes.TargetDescription{Id: d.Target.Id, Port: d.Target.Port})
		}
	}
	var add []elbtypes.TargetDescription
	for ip := range want {
		if !have[ip] {
			add = append(add, elbtypes.TargetDescription{Id: aws.String(ip), Port: aws.Int32(port)})
		}
	}
	if len(add) > 0 {
		_, err := s.elb.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: aws.String(tg), Targets: add})
		s.fail(err)
	}
	if len(gone) > 0 {
		_, err := s.elb.DeregisterTargets(ctx, &elbv2.DeregisterTargetsInput{TargetGroupArn: aws.String(tg), Targets: gone})
		s.fail(err)
	}
}
