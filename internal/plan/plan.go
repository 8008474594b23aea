// Package plan is the language every report of a stack's changes speaks:
// render -diff (what a change to the program or its config does) and drift
// (what changed in AWS, and what an up does about it). One table decides
// what forces a replacement and what replacing or deleting a live resource
// breaks, so a `!!` means the same thing in every report. It depends on no
// provider SDK: tools that read the Pulumi CLI's JSON use it without
// compiling the program.
package plan

import (
	"fmt"
	"io"
	"strings"
)

// Change is what happens to one resource between two states of a stack.
type Change struct {
	Op         string           `json:"op"` // create, delete, update or replace
	URN        string           `json:"urn"`
	Type       string           `json:"type"`
	Properties []PropertyChange `json:"properties,omitempty"`
	// Risks say why a reviewer should stop: a live resource is replaced or
	// deleted, or traffic is interrupted.
	Risks []string `json:"risks,omitempty"`
}

// PropertyChange is one input that changed, rendered as JSON text.
type PropertyChange struct {
	Path     string `json:"path"`
	Old      string `json:"old,omitempty"`
	New      string `json:"new,omitempty"`
	Replaces bool   `json:"replaces,omitempty"`
}

// Diff compares two renders of a stack.
type Diff struct {
	Changes []Change         `json:"changes"`
	Outputs []PropertyChange `json:"outputs,omitempty"`
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool { return len(d.Changes) == 0 && len(d.Outputs) == 0 }

// Risky reports whether any change replaces, deletes or interrupts.
func (d *Diff) Risky() bool {
	for _, c := range d.Changes {
		if len(c.Risks) > 0 {
			return true
		}
	}
	return false
}

// replacingProperties are, per type, the inputs whose change makes the provider
// replace the resource (ForceNew in the AWS provider's schema) rather than update it.
var replacingProperties = map[string][]string{
	"aws:ecr/repository:Repository": {"name", "encryptionConfigurations"},
	// The provider cannot update a lifecycle policy in place (the real preview
	// replaces it; tests/e2e).
	"aws:ecr/lifecyclePolicy:LifecyclePolicy":     {"policy", "repository"},
	"aws:lb/targetGroup:TargetGroup":              {"name", "port", "protocol", "protocolVersion", "targetType", "vpcId"},
	"aws:lb/loadBalancer:LoadBalancer":            {"name", "internal", "loadBalancerType"},
	"aws:ecs/cluster:Cluster":                     {"name"},
	"aws:cloudwatch/logGroup:LogGroup":            {"name", "kmsKeyId"},
	"aws:ecs/service:Service":                     {"name", "cluster", "launchType", "schedulingStrategy"},
	"aws:ec2/securityGroup:SecurityGroup":         {"name", "description", "vpcId"},
	"aws:ec2/securityGroupRule:SecurityGroupRule": {"type", "protocol", "fromPort", "toPort", "cidrBlocks", "sourceSecurityGroupId", "securityGroupId", "description"},
	"aws:iam/role:Role":                           {"name", "path"},
	"aws:s3/bucketV2:BucketV2":                    {"bucket", "bucketPrefix"},
	"aws:cloudwatch/dashboard:Dashboard":          {"dashboardName"},
	"awsx:ec2:Vpc":                                {"cidrBlock", "availabilityZoneNames", "numberOfAvailabilityZones", "subnetSpecs", "subnetStrategy"},
	// Any change to a task definition registers a new revision: that is how a
	// deploy works, so it is not flagged as a risk.
	"aws:ecs/taskDefinition:TaskDefinition": {""},
}

// replacementRisk says what replacing (or deleting) a resource of a type costs.
var replacementRisk = map[string]string{
	"aws:ecr/repository:Repository":               "the repository and every image in it are deleted: rollbacks to older images become impossible",
	"aws:lb/targetGroup:TargetGroup":              "the new target group starts empty: requests fail until tasks register and pass health checks",
	"aws:lb/loadBalancer:LoadBalancer":            "the ALB's DNS name changes: clients and DNS records pointing at it break",
	"aws:lb/listener:Listener":                    "the port refuses connections while the listener is recreated",
	"aws:ecs/cluster:Cluster":                     "the service is recreated in a new cluster: every task restarts at once",
	"aws:cloudwatch/logGroup:LogGroup":            "the log group and its logs are deleted",
	"aws:ecs/service:Service":                     "the service is recreated: all tasks are replaced at once, not rolled",
	"aws:ec2/securityGroup:SecurityGroup":         "tasks or the ALB lose their network rules while the group is recreated",
	"aws:ec2/securityGroupRule:SecurityGroupRule": "traffic the rule admits is dropped until it is recreated",
	"awsx:ec2:Vpc":                                "the network is rebuilt: the ALB and every task move to new subnets (outage)",
	"aws:s3/bucketV2:BucketV2":                    "the bucket and the access logs in it are deleted",
}

// Risk says what replacing or deleting a live resource of the type costs (the
// ALB's DNS name changes, traffic is dropped...), or "" when nothing beyond
// the resource itself is lost.
func Risk(typ string) string { return replacementRisk[typ] }

// Replaces reports whether a change to the input at a Pulumi property path
// (healthCheck.path, ingress[0]...) makes the provider replace a resource of
// the type rather than update it in place. Paths are
// render's dotted ones (cidrBlocks.0) or Pulumi's (cidrBlocks[0]).
func Replaces(typ, path string) bool {
	for _, prefix := range replacingProperties[typ] {
		if prefix == "" || path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[") {
			return true
		}
	}
	return false
}

// opSymbol is how each operation is marked, as `pulumi preview` does.
var opSymbol = map[string]string{
	"create": "+", "update": "~", "replace": "+-", "delete": "-", "same": " ", "read": ">",
}

// OpSymbol is the mark `pulumi preview` prints before an operation.
func OpSymbol(op string) string { return opSymbol[op] }

// WriteDiff prints the diff for a reviewer.
func WriteDiff(w io.Writer, d *Diff) error {
	ew := &errWriter{w: w}
	if d.Empty() {
		ew.printf("No changes.\n")
		return ew.err
	}
	counts := map[string]int{}
	for _, c := range d.Changes {
		counts[c.Op]++
		ew.printf("%s %s %s\n", opSymbol[c.Op], c.Op, c.URN)
		for _, p := range c.Properties {
			mark := ""
			if p.Replaces {
				mark = "  [forces replacement]"
			}
			ew.printf("      %s: %s => %s%s\n", p.Path, orNone(p.Old), orNone(p.New), mark)
		}
		for _, r := range c.Risks {
			ew.printf("      !! %s\n", r)
		}
	}
	if len(d.Outputs) > 0 {
		ew.printf("Outputs:\n")
		for _, p := range d.Outputs {
			ew.printf("      %s: %s => %s\n", p.Path, orNone(p.Old), orNone(p.New))
		}
	}
	var parts []string
	for _, op := range []string{"create", "update", "replace", "delete"} {
		if counts[op] > 0 {
			parts = append(parts, fmt.Sprintf("%d to %s", counts[op], op))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "outputs only")
	}
	ew.printf("Changes: %s\n", strings.Join(parts, ", "))
	if d.Risky() {
		ew.printf("!! This change replaces or deletes live resources or interrupts traffic: review the lines marked !!\n")
	}
	return ew.err
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
