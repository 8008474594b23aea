package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fakeAWS is a local ECS (JSON 1.1 protocol) and ELBv2 (query protocol) endpoint
// on 127.0.0.1 that plays a scripted sequence of DescribeServices answers. The
// real SDK clients talk to it, signing and retrying as they would against AWS.
type fakeAWS struct {
	t *testing.T

	mu       sync.Mutex
	script   []fakeAnswer // one per DescribeServices call; the last repeats
	calls    int
	targets  []fakeTarget
	elbCalls int
	// tasks are what ListTasks/DescribeTasks answer: the service's tasks, as
	// ECS's scheduler started them.
	tasks     []fakeTask
	taskCalls int
	started   map[string]time.Time // by task id: when ECS started it; unset, no startedAt
	html      bool                 // error answers are an HTML page, as from a wrong endpoint
}

// fakeTask is one task of the service: its revision and its ENI's address.
type fakeTask struct{ id, taskDef, ip, lastStatus string }

// fakeAnswer is one DescribeServices reply: a service, or an HTTP error.
type fakeAnswer struct {
	status    int    // 0 means 200
	errorType string // e.g. ThrottlingException
	service   map[string]any
	missing   bool
}

type fakeTarget struct{ ip, state, reason, description string }

func (f *fakeAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256") {
		f.t.Errorf("unsigned request: %v", r.Header)
	}
	body, _ := io.ReadAll(r.Body)
	switch target := r.Header.Get("X-Amz-Target"); {
	case target == "AmazonEC2ContainerServiceV20141113.DescribeServices":
		f.describeServices(w, body)
	case target == "AmazonEC2ContainerServiceV20141113.ListTasks":
		f.listTasks(w, body)
	case target == "AmazonEC2ContainerServiceV20141113.DescribeTasks":
		f.describeTasks(w, body)
	case strings.Contains(string(body), "Action=DescribeTargetHealth"):
		f.describeTargetHealth(w)
	default:
		f.t.Errorf("unexpected call: target %q body %s", target, body)
		w.WriteHeader(http.StatusBadRequest)
	}
}

func (f *fakeAWS) describeServices(w http.ResponseWriter, body []byte) {
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Cluster != "webservice-staging" || len(in.Services) != 1 {
		f.t.Errorf("DescribeServices input: %s", body)
	}
	f.mu.Lock()
	i := min(f.calls, len(f.script)-1)
	f.calls++
	a := f.script[i]
	f.mu.Unlock()

	if a.status != 0 && f.html {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(a.status)
		fmt.Fprint(w, "<html><body>Forbidden</body></html>")
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if a.status != 0 {
		w.Header().Set("X-Amzn-Errortype", a.errorType)
		w.WriteHeader(a.status)
		fmt.Fprintf(w, `{"__type":%q,"message":"scripted %s"}`, a.errorType, a.errorType)
		return
	}
	out := map[string]any{"services": []any{a.service}, "failures": []any{}}
	if a.missing {
		out = map[string]any{"services": []any{}, "failures": []any{map[string]any{
			"arn": "arn:aws:ecs:us-east-1:123456789012:service/webservice-staging/" + in.Services[0], "reason": "MISSING"}}}
	}
	_ = json.NewEncoder(w).Encode(out)
}

func taskArn(id string) string {
	return "arn:aws:ecs:us-east-1:123456789012:task/webservice-staging/" + id
}

// listTasks answers ListTasks as ECS does for a service's running tasks.
func (f *fakeAWS) listTasks(w http.ResponseWriter, body []byte) {
	var in struct {
		Cluster, ServiceName, DesiredStatus string
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Cluster != "webservice-staging" ||
		in.ServiceName != "webservice" || in.DesiredStatus != "RUNNING" {
		f.t.Errorf("ListTasks input: %s", body)
	}
	f.mu.Lock()
	f.taskCalls++
	arns := []string{}
	for _, t := range f.tasks {
		arns = append(arns, taskArn(t.id))
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"taskArns": arns})
}

func (f *fakeAWS) describeTasks(w http.ResponseWriter, body []byte) {
	var in struct {
		Cluster string
		Tasks   []string
	}
	if err := json.Unmarshal(body, &in); err != nil || in.Cluster != "webservice-staging" || len(in.Tasks) == 0 {
		f.t.Errorf("DescribeTasks input: %s", body)
	}
	f.mu.Lock()
	f.taskCalls++
	out := []any{}
	for _, t := range f.tasks {
		if !slices.Contains(in.Tasks, taskArn(t.id)) {
			continue
		}
		task := map[string]any{
			"taskArn": taskArn(t.id), "taskDefinitionArn": t.taskDef, "group": "service:webservice",
			"lastStatus": t.lastStatus, "desiredStatus": "RUNNING", "launchType": "FARGATE",
			"attachments": []any{map[string]any{"type": "ElasticNetworkInterface", "status": "ATTACHED",
				"details": []any{
					map[string]any{"name": "subnetId", "value": "subnet-0abc"},
					map[string]any{"name": "privateIPv4Address", "value": t.ip},
				}}},
		}
		if at, ok := f.started[t.id]; ok {
			task["startedAt"] = float64(at.Unix())
		}
		out = append(out, task)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(map[string]any{"tasks": out, "failures": []any{}})
}

// servingNew makes the fake's ECS and target group show n healthy tasks of the
// new revision, the state a completed rollout leaves.
func (f *fakeAWS) servingNew(n int) *fakeAWS {
	for i := range n {
		ip := fmt.Sprintf("10.0.130.%d", 10+i)
		f.tasks = append(f.tasks, fakeTask{fmt.Sprintf("new%d", i), newTaskDef, ip, "RUNNING"})
		f.targets = append(f.targets, fakeTarget{ip, "healthy", "", ""})
	}
	return f
}

func (f *fakeAWS) describeTargetHealth(w http.ResponseWriter) {
	f.mu.Lock()
	f.elbCalls++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	var members strings.Builder
	for _, t := range f.targets {
		fmt.Fprintf(&members, `<member><Target><Id>%s</Id><Port>8443</Port></Target><HealthCheckPort>8443</HealthCheckPort>`+
			`<TargetHealth><State>%s</State><Reason>%s</Reason><Description>%s</Description></TargetHealth></member>`,
			t.ip, t.state, t.reason, t.description)
	}
	fmt.Fprintf(w, `<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">`+
		`<DescribeTargetHealthResult><TargetHealthDescriptions>%s</TargetHealthDescriptions></DescribeTargetHealthResult>`+
		`<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeTargetHealthResponse>`, members.String())
}

// start serves the fake on loopback and returns clients pointed at it.
func (f *fakeAWS) start() func(context.Context, string) (Clients, error) {
	return f.startAt(f.server().URL)
}

// server serves the fake on loopback.
func (f *fakeAWS) server() *httptest.Server {
	srv := httptest.NewServer(f)
	f.t.Cleanup(srv.Close)
	return srv
}

// startAt returns clients pointed at url, retrying fast.
func (f *fakeAWS) startAt(url string) func(context.Context, string) (Clients, error) {
	creds := credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
	retryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = apiMaxAttempts
			o.Backoff = retry.NewExponentialJitterBackoff(20 * time.Millisecond)
		})
	}
	return func(_ context.Context, region string) (Clients, error) {
		return clientsFromConfig(aws.Config{Region: region, Credentials: creds, BaseEndpoint: aws.String(url),
			Retryer: retryer}, ""), nil
	}
}

const (
	fakeTargetGroup = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef"
	oldTaskDef      = "arn:aws:ecs:us-east-1:123456789012:task-definition/webservice-staging:41"
	newTaskDef      = "arn:aws:ecs:us-east-1:123456789012:task-definition/webservice-staging:42"
)

func deployment(status, taskDef, rollout string, running, desired int, reason string) map[string]any {
	return map[string]any{
		"id": "ecs-svc/" + taskDef[len(taskDef)-2:], "status": status, "taskDefinition": taskDef,
		"rolloutState": rollout, "rolloutStateReason": reason,
		"runningCount": running, "desiredCount": desired, "failedTasks": 0,
	}
}

func service(events []string, deployments ...map[string]any) map[string]any {
	evs := []any{}
	base := time.Date(2026, 11, 25, 19, 0, 0, 0, time.UTC)
	for i, m := range events {
		evs = append(evs, map[string]any{"id": fmt.Sprint(i), "message": m,
			"createdAt": float64(base.Add(time.Duration(i) * time.Minute).Unix())})
	}
	return map[string]any{
		"serviceName": "webservice", "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/webservice-staging",
		"status": "ACTIVE", "deploymentController": map[string]any{"type": "ECS"},
		"loadBalancers": []any{map[string]any{"targetGroupArn": fakeTargetGroup, "containerName": "app", "containerPort": 8443}},
		"desiredCount":  2, "runningCount": 2, "deployments": deployments, "events": evs,
	}
}
