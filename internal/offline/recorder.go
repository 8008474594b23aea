package offline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Resource is one resource the program declared, as the engine received it.
type Resource struct {
	URN    string `json:"urn"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	Parent string `json:"parent,omitempty"`
	// Custom is true for provider-managed resources, false for components.
	Custom bool `json:"custom"`
	// Remote is true for multi-language components (awsx), which arrive with no
	// children under mocks.
	Remote bool `json:"remote,omitempty"`
	// Read is true for resources the program reads rather than manages
	// (StackReference).
	Read bool `json:"read,omitempty"`
	// Inputs are the properties the program set, by Pulumi property name.
	Inputs    map[string]any    `json:"inputs"`
	Protect   bool              `json:"protect,omitempty"`
	Provider  string            `json:"provider,omitempty"`
	Providers map[string]string `json:"providers,omitempty"`
	DependsOn []string          `json:"dependsOn,omitempty"`
	// IgnoreChanges are the input paths the engine leaves alone on update.
	IgnoreChanges []string `json:"ignoreChanges,omitempty"`
	// DeleteBeforeReplace: a replacement deletes the old resource first (needed
	// when its physical name is fixed and unique).
	DeleteBeforeReplace bool      `json:"deleteBeforeReplace,omitempty"`
	Timeouts            *Timeouts `json:"customTimeouts,omitempty"`
	// ID and Outputs are what the recorder answered (made up, plausible).
	ID      string         `json:"id,omitempty"`
	Outputs map[string]any `json:"-"`
}

// Copy returns a deep copy of the resource, whose inputs and outputs can be
// changed without touching the recorded plan.
func (r Resource) Copy() *Resource {
	c := r
	c.Inputs, c.Outputs = deepCopy(r.Inputs), deepCopy(r.Outputs)
	return &c
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("offline: copy a recorded value: %v", err))
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		panic(fmt.Sprintf("offline: copy a recorded value: %v", err))
	}
	return out
}

// Timeouts are a resource's custom timeouts.
type Timeouts struct {
	Create string `json:"create,omitempty"`
	Update string `json:"update,omitempty"`
	Delete string `json:"delete,omitempty"`
}

// recorder implements pulumi.MockResourceMonitor.
type recorder struct {
	project, stack string
	region         string
	account        string
	azCount        int
	previous       map[string]any

	mu        sync.Mutex
	resources []Resource
}

func (r *recorder) urn(parent, typ, name string) string {
	return URN(r.stack, r.project, parent, typ, name)
}

// URN is the URN the engine gives a resource of a type and name under a parent
// (the parent's own URN; "" or the stack for a top-level resource).
func URN(stack, project, parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(stack), tokens.PackageName(project), parentType,
		tokens.Type(typ), name))
}

// NewResource records a registered or read resource and answers with outputs.
func (r *recorder) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	res := Resource{
		Type:     args.TypeToken,
		Name:     args.Name,
		Custom:   args.Custom,
		Inputs:   args.Inputs.Mappable(),
		Provider: args.Provider,
	}
	switch {
	case args.RegisterRPC != nil:
		rpc := args.RegisterRPC
		res.Parent = rpc.GetParent()
		res.Remote = rpc.GetRemote()
		res.Protect = rpc.GetProtect()
		res.Providers = rpc.GetProviders()
		res.DependsOn = rpc.GetDependencies()
		res.IgnoreChanges = rpc.GetIgnoreChanges()
		res.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		if t := rpc.GetCustomTimeouts(); t != nil && (t.Create != "" || t.Update != "" || t.Delete != "") {
			res.Timeouts = &Timeouts{Create: t.Create, Update: t.Update, Delete: t.Delete}
		}
	case args.ReadRPC != nil:
		res.Parent = args.ReadRPC.GetParent()
		res.Read = true
	}
	res.URN = r.urn(res.Parent, res.Type, res.Name)

	id, outputs := r.answer(res, args.Inputs)
	res.ID = id
	res.Outputs = outputs.Mappable()

	r.mu.Lock()
	r.resources = append(r.resources, res)
	r.mu.Unlock()
	return id, outputs, nil
}

// Call answers provider functions (invokes). The program uses none today; an
// unexpected one is an error rather than a silent empty answer.
func (r *recorder) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("offline recorder: no answer for function %s; teach internal/offline about it", args.Token)
}

// hash gives a stable hex string for a resource, so ids repeat run to run.
func hash(s string, n int) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:n]
}

// answer makes up the outputs a provider would return for a resource.
func (r *recorder) answer(res Resource, inputs resource.PropertyMap) (string, resource.PropertyMap) {
	out := inputs.Copy()
	set := func(k string, v any) { out[resource.PropertyKey(k)] = resource.NewPropertyValue(v) }
	str := func(k string) string {
		if v, ok := inputs[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	h := hash(res.URN, 17)
	// Physical name: the configured one, else Pulumi-style auto-name.
	name := str("name")
	if prefix := str("bucketPrefix"); prefix != "" {
		name = prefix + h[:12]
	}
	if name == "" {
		name = res.Name + "-" + h[:7]
		set("name", name)
	}
	arn := func(service, resourcePart string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, r.region, r.account, resourcePart)
	}
	id := name

	switch res.Type {
	case "pulumi:providers:aws":
		id = "provider-" + h[:8]
	case "pulumi:pulumi:StackReference":
		out = resource.NewPropertyMapFromMap(map[string]any{
			"name":              str("name"),
			"outputs":           r.previous,
			"secretOutputNames": []any{},
		})
		id = str("name")
	case "awsx:ec2:Vpc":
		pub, priv := make([]any, r.azCount), make([]any, r.azCount)
		for i := range r.azCount {
			pub[i] = "subnet-" + hash(fmt.Sprint(res.URN, "public", i), 17)
			priv[i] = "subnet-" + hash(fmt.Sprint(res.URN, "private", i), 17)
		}
		set("vpcId", "vpc-"+h)
		set("publicSubnetIds", pub)
		set("privateSubnetIds", priv)
	case "aws:ecr/repository:Repository":
		set("arn", arn("ecr", "repository/"+name))
		set("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", r.account, r.region, name))
		set("registryId", r.account)
	case "aws:ecs/cluster:Cluster":
		id = arn("ecs", "cluster/"+name)
		set("arn", id)
	case "aws:cloudwatch/logGroup:LogGroup":
		set("arn", arn("logs", "log-group:"+name))
	case "aws:lb/loadBalancer:LoadBalancer":
		id = arn("elasticloadbalancing", "loadbalancer/app/"+name+"/"+h[:16])
		set("arn", id)
		set("arnSuffix", "app/"+name+"/"+h[:16])
		set("dnsName", fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", name, h[:10], r.region))
		set("zoneId", "Z"+strings.ToUpper(h[:13]))
	case "aws:lb/targetGroup:TargetGroup":
		id = arn("elasticloadbalancing", "targetgroup/"+name+"/"+h[:16])
		set("arn", id)
		set("arnSuffix", "targetgroup/"+name+"/"+h[:16])
	case "aws:s3/bucketV2:BucketV2":
		set("bucket", name)
		set("arn", "arn:aws:s3:::"+name)
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		set("arn", arn("cloudwatch", "alarm:"+name))
	case "aws:cloudwatch/dashboard:Dashboard":
		set("dashboardArn", fmt.Sprintf("arn:aws:cloudwatch::%s:dashboard/%s", r.account, str("dashboardName")))
	case "aws:appautoscaling/target:Target":
		id = str("resourceId")
	case "aws:wafv2/webAcl:WebAcl":
		id = h[:8] + "-" + h[8:12] + "-" + h[12:16]
		set("arn", arn("wafv2", "regional/webacl/"+name+"/"+id))
	case "aws:lb/listener:Listener":
		id = arn("elasticloadbalancing", "listener/app/"+res.Name+"/"+h[:16])
		set("arn", id)
	case "aws:ec2/securityGroup:SecurityGroup":
		id = "sg-" + h
		set("arn", arn("ec2", "security-group/"+id))
	case "aws:ec2/securityGroupRule:SecurityGroupRule":
		id = "sgrule-" + h[:10]
	case "aws:iam/role:Role":
		path := str("path")
		if path == "" {
			path = "/"
		}
		set("arn", fmt.Sprintf("arn:aws:iam::%s:role%s%s", r.account, path, name))
	case "aws:iam/rolePolicy:RolePolicy":
		id = name
	case "aws:iam/policy:Policy":
		path := str("path")
		if path == "" {
			path = "/"
		}
		id = fmt.Sprintf("arn:aws:iam::%s:policy%s%s", r.account, path, name)
		set("arn", id)
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		id = fmt.Sprintf("arn:aws:iam::%s:oidc-provider/%s", r.account, strings.TrimPrefix(str("url"), "https://"))
		set("arn", id)
	case "aws:ecs/taskDefinition:TaskDefinition":
		set("revision", 1)
		id = arn("ecs", fmt.Sprintf("task-definition/%s:1", str("family")))
		set("arn", id)
	case "aws:ecs/service:Service":
		// Service ARNs name their cluster: .../service/<cluster>/<service>.
		clusterArn := str("cluster")
		cluster := clusterArn[strings.LastIndex(clusterArn, "/")+1:]
		id = arn("ecs", "service/"+cluster+"/"+name)
	}
	return id, out
}
