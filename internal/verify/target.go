package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Target is what to verify: one deploy of one stack.
type Target struct {
	Cluster           string
	Service           string
	TaskDefinitionArn string        // the revision this deploy created
	URL               string        // base URL of the service; /health is probed under it
	TargetGroupArn    string        // for the unhealthy-target report (optional)
	Region            string        // from the ARNs unless given
	Budget            time.Duration // how long the rollout may still take
}

// stackOutputs are the names verify reads from `pulumi stack output --json`; they
// are part of the output contract (infra/outputs.go).
type stackOutputs struct {
	ClusterName          string  `json:"clusterName"`
	ClusterArn           string  `json:"clusterArn"`
	ServiceName          string  `json:"serviceName"`
	TaskDefinitionArn    string  `json:"taskDefinitionArn"`
	URL                  string  `json:"url"`
	TargetGroupArn       string  `json:"targetGroupArn"`
	DeployTimeoutSeconds float64 `json:"deployTimeoutSeconds"`
}

// targetFromOutputs reads a Target from stack outputs JSON.
func targetFromOutputs(r io.Reader) (Target, error) {
	var o stackOutputs
	if err := json.NewDecoder(r).Decode(&o); err != nil {
		return Target{}, fmt.Errorf("read stack outputs (pulumi stack output --json): %w", err)
	}
	return Target{
		Cluster: o.ClusterName, Service: o.ServiceName, TaskDefinitionArn: o.TaskDefinitionArn,
		URL: o.URL, TargetGroupArn: o.TargetGroupArn, Region: regionOf(o.ClusterArn),
		Budget: time.Duration(o.DeployTimeoutSeconds) * time.Second,
	}, nil
}

// regionOf reads the region out of an ARN (arn:aws:ecs:REGION:...).
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 5)
	if len(parts) < 5 {
		return ""
	}
	return parts[3]
}

// validate names every missing or malformed field, as the flag that sets it.
func (t Target) validate() error {
	var problems []string
	need := func(v, flag, what string) {
		if v == "" {
			problems = append(problems, fmt.Sprintf("-%s: missing %s", flag, what))
		}
	}
	need(t.Cluster, "cluster", "the ECS cluster name (output clusterName)")
	need(t.Service, "service", "the ECS service name (output serviceName)")
	need(t.TaskDefinitionArn, "task-definition", "the deployed task definition ARN (output taskDefinitionArn)")
	need(t.Region, "region", "the AWS region (or clusterArn in the outputs, or AWS_REGION)")
	if t.TaskDefinitionArn != "" && !strings.HasPrefix(t.TaskDefinitionArn, "arn:") {
		problems = append(problems, fmt.Sprintf("-task-definition: got %q, want an ARN (arn:aws:ecs:...:task-definition/family:revision)", t.TaskDefinitionArn))
	}
	if t.URL != "" && !strings.HasPrefix(t.URL, "http://") && !strings.HasPrefix(t.URL, "https://") {
		problems = append(problems, fmt.Sprintf("-url: got %q, want http:// or https://", t.URL))
	}
	if t.Budget <= 0 {
		problems = append(problems, fmt.Sprintf("-timeout: got %v, want a positive duration", t.Budget))
	}
	if len(problems) > 0 {
		return fmt.Errorf("bad input:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}
