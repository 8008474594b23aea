//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
)

// awsType is one type our stacks declare, as pulumi-aws v6.83.4 serves it.
// Token and Terraform type pair up as in pulumi-aws's provider/resources.go;
// the overrides are those pulumi-aws declares for the type there (docs/e2e.md §
// pulumi-aws's overrides carried over lists them with their source).
type awsType struct {
	Terraform string
	Token     string
	State     interface{ ElementType() reflect.Type } // the SDK's State type: every property, with its shape

	DeleteBeforeReplace bool
	AutoName            string            // the Terraform property pulumi-aws auto-names, "" none
	AutoNameMax         int               // its maximum length
	Renames             map[string]string // Terraform path -> Pulumi name, where no rule below finds it
}

// awsTypes: every type the stacks and bootstrap declare. A test keeps it
// equal to what the program registers (TestEveryTypeTheStacksUseIsServed).
var awsTypes = []awsType{
	{Terraform: "aws_appautoscaling_policy", Token: "aws:appautoscaling/policy:Policy", State: appautoscaling.PolicyState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_appautoscaling_target", Token: "aws:appautoscaling/target:Target", State: appautoscaling.TargetState{}},
	{Terraform: "aws_cloudwatch_dashboard", Token: "aws:cloudwatch/dashboard:Dashboard", State: cloudwatch.DashboardState{}},
	{Terraform: "aws_cloudwatch_log_group", Token: "aws:cloudwatch/logGroup:LogGroup", State: cloudwatch.LogGroupState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_cloudwatch_metric_alarm", Token: "aws:cloudwatch/metricAlarm:MetricAlarm", State: cloudwatch.MetricAlarmState{}, AutoName: "alarm_name", AutoNameMax: 255,
		Renames: map[string]string{"alarm_name": "name"}},
	{Terraform: "aws_security_group", Token: "aws:ec2/securityGroup:SecurityGroup", State: ec2.SecurityGroupState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_security_group_rule", Token: "aws:ec2/securityGroupRule:SecurityGroupRule", State: ec2.SecurityGroupRuleState{}, DeleteBeforeReplace: true},
	{Terraform: "aws_ecr_lifecycle_policy", Token: "aws:ecr/lifecyclePolicy:LifecyclePolicy", State: ecr.LifecyclePolicyState{}, DeleteBeforeReplace: true},
	{Terraform: "aws_ecr_repository", Token: "aws:ecr/repository:Repository", State: ecr.RepositoryState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_ecr_repository_policy", Token: "aws:ecr/repositoryPolicy:RepositoryPolicy", State: ecr.RepositoryPolicyState{}},
	{Terraform: "aws_ecs_cluster", Token: "aws:ecs/cluster:Cluster", State: ecs.ClusterState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_ecs_service", Token: "aws:ecs/service:Service", State: ecs.ServiceState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_ecs_task_definition", Token: "aws:ecs/taskDefinition:TaskDefinition", State: ecs.TaskDefinitionState{}},
	{Terraform: "aws_iam_openid_connect_provider", Token: "aws:iam/openIdConnectProvider:OpenIdConnectProvider", State: iam.OpenIdConnectProviderState{}},
	{Terraform: "aws_iam_policy", Token: "aws:iam/policy:Policy", State: iam.PolicyState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_iam_role", Token: "aws:iam/role:Role", State: iam.RoleState{}, AutoName: "name", AutoNameMax: 64},
	{Terraform: "aws_iam_role_policy", Token: "aws:iam/rolePolicy:RolePolicy", State: iam.RolePolicyState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_iam_role_policy_attachment", Token: "aws:iam/rolePolicyAttachment:RolePolicyAttachment", State: iam.RolePolicyAttachmentState{}, DeleteBeforeReplace: true},
	{Terraform: "aws_lb", Token: "aws:lb/loadBalancer:LoadBalancer", State: lb.LoadBalancerState{}, AutoName: "name", AutoNameMax: 255},
	{Terraform: "aws_lb_listener", Token: "aws:lb/listener:Listener", State: lb.ListenerState{}},
	{Terraform: "aws_lb_target_group", Token: "aws:lb/targetGroup:TargetGroup", State: lb.TargetGroupState{}, AutoName: "name", AutoNameMax: 32},
	{Terraform: "aws_s3_bucket", Token: "aws:s3/bucketV2:BucketV2", State: s3.BucketV2State{}, AutoName: "bucket", AutoNameMax: 63},
	{Terraform: "aws_s3_bucket_lifecycle_configuration", Token: "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", State: s3.BucketLifecycleConfigurationV2State{}},
	{Terraform: "aws_s3_bucket_ownership_controls", Token: "aws:s3/bucketOwnershipControls:BucketOwnershipControls", State: s3.BucketOwnershipControlsState{}},
	{Terraform: "aws_s3_bucket_policy", Token: "aws:s3/bucketPolicy:BucketPolicy", State: s3.BucketPolicyState{}},
	{Terraform: "aws_s3_bucket_public_access_block", Token: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", State: s3.BucketPublicAccessBlockState{}},
	{Terraform: "aws_s3_bucket_server_side_encryption_configuration", Token: "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", State: s3.BucketServerSideEncryptionConfigurationV2State{}},
}

// providerConfig is the provider's own settings, pulumi:providers:aws.
var providerConfig = aws.ProviderArgs{}

// tfBlock is a block of `terraform providers schema -json`.
type tfBlock struct {
	Attributes map[string]struct {
		Type     json.RawMessage `json:"type"`
		Optional bool            `json:"optional"`
		Required bool            `json:"required"`
		Computed bool            `json:"computed"`
	} `json:"attributes"`
	BlockTypes map[string]struct {
		NestingMode string  `json:"nesting_mode"`
		MaxItems    int     `json:"max_items"`
		Block       tfBlock `json:"block"`
	} `json:"block_types"`
}

// tfSchema is the part of `terraform providers schema -json` the mapping reads.
type tfSchema struct {
	ProviderSchemas map[string]struct {
		Provider struct {
			Block tfBlock `json:"block"`
		} `json:"provider"`
		ResourceSchemas map[string]struct {
			Block tfBlock `json:"block"`
		} `json:"resource_schemas"`
	} `json:"provider_schemas"`
}

// mappingField and mappingResource are tests/e2e/tools/provider's mapping.json.
type mappingField struct {
	Name        string                  `json:"name"`
	MaxItemsOne *bool                   `json:"maxItemsOne,omitempty"`
	Fields      map[string]mappingField `json:"fields,omitempty"`
}

type mappingResource struct {
	Token               string                  `json:"token"`
	DeleteBeforeReplace bool                    `json:"deleteBeforeReplace,omitempty"`
	AutoName            *mappingAutoName        `json:"autoName,omitempty"`
	Fields              map[string]mappingField `json:"fields"`
}

type mappingAutoName struct {
	Field     string   `json:"field"`
	MaxLength int      `json:"maxLength"`
	Separator string   `json:"separator"`
	UnlessSet []string `json:"unlessSet,omitempty"`
}

type configDefault struct {
	Value   any      `json:"value,omitempty"`
	EnvVars []string `json:"envVars,omitempty"`
}

type mapping struct {
	Name              string                     `json:"name"`
	Version           string                     `json:"version"`
	TerraformProvider string                     `json:"terraformProvider"`
	Resources         map[string]mappingResource `json:"resources"`
	Config            map[string]mappingField    `json:"config"`
	ConfigDefaults    map[string]configDefault   `json:"configDefaults,omitempty"`
}

// unmatched is a property one side has and the other does not.
type unmatched struct {
	Type, Path, Side string
}

func (u unmatched) String() string {
	return fmt.Sprintf("%s %s: only in %s", u.Type, u.Path, u.Side)
}

// buildMapping pairs every Terraform property of our types with the SDK's
// name for it. What pairs with nothing is returned, not guessed.
func buildMapping(schemaJSON []byte, tfBinary, version string) (*mapping, []unmatched, error) {
	var s tfSchema
	if err := json.Unmarshal(schemaJSON, &s); err != nil {
		return nil, nil, fmt.Errorf("terraform providers schema -json: %w", err)
	}
	ps, ok := s.ProviderSchemas["registry.terraform.io/hashicorp/aws"]
	if !ok {
		return nil, nil, fmt.Errorf("terraform providers schema -json: no registry.terraform.io/hashicorp/aws")
	}
	m := &mapping{
		Name: "aws", Version: version, TerraformProvider: tfBinary,
		Resources: map[string]mappingResource{},
		// pulumi-aws reads the Region from the environment when the stack
		// sets none, and skips the Region check (provider/resources.go).
		ConfigDefaults: map[string]configDefault{
			"region":                 {EnvVars: []string{"AWS_REGION", "AWS_DEFAULT_REGION"}},
			"skip_region_validation": {Value: true},
		},
	}
	var gaps []unmatched
	cfg, g := matchBlock("pulumi:providers:aws", "", ps.Provider.Block, providerConfig.ElementType(), nil)
	m.Config, gaps = cfg, append(gaps, g...)
	for _, t := range awsTypes {
		rs, ok := ps.ResourceSchemas[t.Terraform]
		if !ok {
			return nil, nil, fmt.Errorf("terraform-provider-aws has no %s (the type of %s)", t.Terraform, t.Token)
		}
		fields, g := matchBlock(t.Token, "", rs.Block, t.State.ElementType(), t.Renames)
		gaps = append(gaps, g...)
		r := mappingResource{Token: t.Token, DeleteBeforeReplace: t.DeleteBeforeReplace, Fields: fields}
		if t.AutoName != "" {
			r.AutoName = &mappingAutoName{Field: t.AutoName, MaxLength: t.AutoNameMax, Separator: "-"}
			// Terraform's name_prefix (bucket_prefix) conflicts with the name.
			if prefix, ok := fields[t.AutoName+"_prefix"]; ok {
				r.AutoName.UnlessSet = []string{prefix.Name}
			}
		}
		m.Resources[t.Terraform] = r
	}
	sort.Slice(gaps, func(i, j int) bool { return gaps[i].String() < gaps[j].String() })
	return m, gaps, nil
}

// matchBlock pairs a Terraform block's properties with the fields of the
// SDK struct st (tag `pulumi:"name"`).
func matchBlock(typ, prefix string, b tfBlock, st reflect.Type, renames map[string]string) (map[string]mappingField, []unmatched) {
	sdk := map[string]reflect.Type{}
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if name := f.Tag.Get("pulumi"); name != "" {
			sdk[strings.Split(name, ",")[0]] = f.Type
		}
	}
	used := map[string]bool{}
	out := map[string]mappingField{}
	var gaps []unmatched
	pick := func(tfName string) (string, reflect.Type, bool) {
		if n, ok := renames[prefix+tfName]; ok {
			if ft, ok := sdk[n]; ok && !used[n] {
				return n, ft, true
			}
		}
		for _, c := range candidates(tfName) {
			if ft, ok := sdk[c]; ok && !used[c] {
				return c, ft, true
			}
		}
		return "", nil, false
	}
	var attrs []string
	for k := range b.Attributes {
		attrs = append(attrs, k)
	}
	sort.Strings(attrs)
	for _, k := range attrs {
		if k == "id" && prefix == "" {
			continue // the resource's id, never a property
		}
		name, ft, ok := pick(k)
		if !ok {
			gaps = append(gaps, unmatched{typ, prefix + k, "Terraform"})
			continue
		}
		used[name] = true
		f := mappingField{Name: name}
		if typeIsList(b.Attributes[k].Type) && !isSlice(ft) {
			f.MaxItemsOne = boolPtr(true)
		}
		out[k] = f
	}
	var blocks []string
	for k := range b.BlockTypes {
		blocks = append(blocks, k)
	}
	sort.Strings(blocks)
	for _, k := range blocks {
		if _, inSDK := sdk["timeouts"]; k == "timeouts" && prefix == "" && !inSDK {
			continue // Terraform's operation timeouts: Pulumi's customTimeouts resource option instead
		}
		bt := b.BlockTypes[k]
		name, ft, ok := pick(k)
		if !ok {
			gaps = append(gaps, unmatched{typ, prefix + k, "Terraform"})
			continue
		}
		used[name] = true
		f := mappingField{Name: name}
		if bt.NestingMode == "list" || bt.NestingMode == "set" {
			f.MaxItemsOne = boolPtr(!isSlice(ft))
		}
		elem := structOf(ft)
		if elem == nil {
			gaps = append(gaps, unmatched{typ, prefix + k, "Terraform (a block the SDK types as " + ft.String() + ")"})
			continue
		}
		nested, g := matchBlock(typ, prefix+k+".", bt.Block, elem, renames)
		f.Fields = nested
		gaps = append(gaps, g...)
		out[k] = f
	}
	for n := range sdk {
		if !used[n] {
			gaps = append(gaps, unmatched{typ, prefix + n, "the SDK"})
		}
	}
	return out, gaps
}

// candidates are the Pulumi names the bridge and pulumi-aws give a Terraform
// name: camelCase, and for lists the plural (policy -> policies).
func candidates(tf string) []string {
	c := camel(tf)
	out := []string{c, c + "s", c + "es"}
	if strings.HasSuffix(c, "y") {
		out = append(out, strings.TrimSuffix(c, "y")+"ies")
	}
	if strings.HasSuffix(c, "s") {
		out = append(out, strings.TrimSuffix(c, "s"))
	}
	return out
}

func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func typeIsList(raw json.RawMessage) bool {
	var t []any
	if json.Unmarshal(raw, &t) != nil || len(t) == 0 {
		return false
	}
	kind, _ := t[0].(string)
	return kind == "list" || kind == "set"
}

func isSlice(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Slice
}

// structOf is the struct a block's values have in the SDK: T, *T or []T.
func structOf(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	return t
}

func boolPtr(b bool) *bool { return &b }
