package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Change is what happens to one resource between two renders.
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
	"aws:ecr/repository:Repository":               {"name", "encryptionConfigurations"},
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

// Compare diffs two renders, matching resources by URN.
func Compare(old, cur *Preview) *Diff {
	oldBy, curBy := byURN(old), byURN(cur)
	d := &Diff{}
	for urn, o := range oldBy {
		if _, ok := curBy[urn]; !ok {
			c := Change{Op: "delete", URN: urn, Type: o.Type}
			if risk, ok := replacementRisk[o.Type]; ok {
				c.Risks = append(c.Risks, "deleted: "+risk+
					" (if this is a rename, add pulumi.Aliases so the live resource is kept)")
			}
			d.Changes = append(d.Changes, c)
		}
	}
	for urn, n := range curBy {
		o, ok := oldBy[urn]
		if !ok {
			d.Changes = append(d.Changes, Change{Op: "create", URN: urn, Type: n.Type})
			continue
		}
		props := diffProps(o.Inputs, n.Inputs, n.Type)
		if o.Protect != n.Protect {
			props = append(props, PropertyChange{Path: "(protect)", Old: fmt.Sprint(o.Protect), New: fmt.Sprint(n.Protect)})
		}
		if len(props) == 0 {
			continue
		}
		c := Change{Op: "update", URN: urn, Type: n.Type, Properties: props}
		for _, p := range props {
			if p.Replaces {
				c.Op = "replace"
			}
		}
		if c.Op == "replace" {
			if risk, ok := replacementRisk[n.Type]; ok {
				c.Risks = append(c.Risks, "replaced: "+risk)
			}
			if o.Protect {
				c.Risks = append(c.Risks, "the resource is protected: pulumi up will refuse to replace it")
			}
		}
		d.Changes = append(d.Changes, c)
	}
	propagateReplacements(d, oldBy)
	sort.Slice(d.Changes, func(i, j int) bool { return d.Changes[i].URN < d.Changes[j].URN })
	d.Outputs = diffProps(old.Outputs, cur.Outputs, "")
	return d
}

// propagateReplacements marks what changes because another resource is replaced:
// a replaced resource gets a new id and ARN, so every input that held the old one
// changes too (offline, the made-up new values can equal the old ones). A
// dependent whose changed input forces replacement is replaced in turn.
func propagateReplacements(d *Diff, oldBy map[string]State) {
	index := map[string]int{}
	for i, c := range d.Changes {
		index[c.URN] = i
	}
	done := map[string]bool{}
	for changed := true; changed; {
		changed = false
		for _, c := range append([]Change(nil), d.Changes...) {
			if c.Op != "replace" || done[c.URN] {
				continue
			}
			done[c.URN] = true
			changed = true
			old := oldBy[c.URN]
			values := computedValues(old)
			name := c.URN[strings.LastIndex(c.URN, "::")+2:]
			for urn, dep := range oldBy {
				if urn == c.URN {
					continue
				}
				flat := map[string]string{}
				flatten("", dep.Inputs, flat)
				var props []PropertyChange
				for path, v := range flat {
					for _, val := range values {
						if holds(v, val) {
							props = append(props, PropertyChange{Path: path, Old: v,
								New: fmt.Sprintf("(known after %s is replaced)", name), Replaces: replaces(dep.Type, path)})
							break
						}
					}
				}
				if len(props) == 0 {
					continue
				}
				i, ok := index[urn]
				if !ok {
					d.Changes = append(d.Changes, Change{Op: "update", URN: urn, Type: dep.Type})
					i = len(d.Changes) - 1
					index[urn] = i
				}
				dc := &d.Changes[i]
				if dc.Op == "delete" || dc.Op == "create" {
					continue
				}
				for _, p := range props {
					if !hasPath(dc.Properties, p.Path) {
						dc.Properties = append(dc.Properties, p)
					}
					if p.Replaces && dc.Op != "replace" {
						dc.Op = "replace"
						if risk, ok := replacementRisk[dc.Type]; ok {
							dc.Risks = append(dc.Risks, "replaced: "+risk)
						}
					}
				}
				sort.Slice(dc.Properties, func(a, b int) bool { return dc.Properties[a].Path < dc.Properties[b].Path })
			}
		}
	}
}

// computedValues are the identifiers other resources may hold of a resource.
func computedValues(s State) []string {
	var vals []string
	if s.ID != "" {
		vals = append(vals, s.ID)
	}
	// arnSuffix: alarms and the dashboard name the ALB and target group by it.
	for _, k := range []string{"arn", "arnSuffix", "dnsName", "repositoryUrl"} {
		if v, ok := s.Outputs[k].(string); ok && v != "" {
			vals = append(vals, v)
		}
	}
	return vals
}

// holds reports whether a flattened input (JSON text) carries an identifier:
// the identifier itself, or, for ARNs and AWS URLs, a string that embeds it (a
// policy's log-stream ARN, an image reference). Short ids such as names are
// matched exactly only: a service name is a substring of half the stack.
func holds(flat, id string) bool {
	if flat == fmt.Sprintf("%q", id) {
		return true
	}
	distinctive := strings.HasPrefix(id, "arn:") || strings.Contains(id, ".amazonaws.com")
	return distinctive && strings.Contains(flat, id)
}

func hasPath(ps []PropertyChange, path string) bool {
	for _, p := range ps {
		if p.Path == path {
			return true
		}
	}
	return false
}

func byURN(p *Preview) map[string]State {
	m := map[string]State{}
	for _, s := range p.Steps {
		if s.NewState.Type == StackType || s.Op == "read" {
			continue
		}
		m[s.URN] = s.NewState
	}
	return m
}

func diffProps(old, cur map[string]any, typ string) []PropertyChange {
	of, nf := map[string]string{}, map[string]string{}
	flatten("", old, of)
	flatten("", cur, nf)
	paths := map[string]bool{}
	for k := range of {
		paths[k] = true
	}
	for k := range nf {
		paths[k] = true
	}
	var out []PropertyChange
	for path := range paths {
		if of[path] == nf[path] {
			continue
		}
		out = append(out, PropertyChange{Path: path, Old: of[path], New: nf[path], Replaces: replaces(typ, path)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// replaces reports whether a change at path forces a replacement. Paths are
// render's dotted ones (cidrBlocks.0) or Pulumi's (cidrBlocks[0]).
func replaces(typ, path string) bool {
	for _, prefix := range replacingProperties[typ] {
		if prefix == "" || path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[") {
			return true
		}
	}
	return false
}

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
