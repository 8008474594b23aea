package render

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// describe returns the settings of a resource a reviewer cares about, in a few
// words, or "" when the type and name say enough.
func describe(s State) string {
	in := props(s.Inputs)
	var parts []string
	add := func(format string, args ...any) { parts = append(parts, fmt.Sprintf(format, args...)) }
	switch s.Type {
	case "pulumi:providers:aws":
		add("region %s", in.str("region"))
		if ids := in.list("allowedAccountIds"); len(ids) > 0 {
			add("only account %s", strings.Join(ids, ","))
		}
	case "awsx:ec2:Vpc":
		zones := in.list("availabilityZoneNames")
		if len(zones) == 0 {
			add("%s in %v AZs looked up at deploy time", in.str("cidrBlock"), in.get("numberOfAvailabilityZones"))
		} else {
			add("%s in %s", in.str("cidrBlock"), strings.Join(zones, ", "))
		}
		add("NAT %s", in.str("natGateways.strategy"))
	case "aws:ecr/repository:Repository":
		add("%s, tags %s, scan on push %v, force delete %v", in.str("name"), in.str("imageTagMutability"),
			in.get("imageScanningConfiguration.scanOnPush"), in.get("forceDelete"))
	case "aws:ecr/lifecyclePolicy:LifecyclePolicy":
		var doc struct {
			Rules []struct {
				Description string `json:"description"`
			} `json:"rules"`
		}
		if json.Unmarshal([]byte(in.str("policy")), &doc) == nil {
			for _, r := range doc.Rules {
				add("%s", r.Description)
			}
		}
	case "aws:ecs/cluster:Cluster":
		add("%s, container insights %s", in.str("name"), in.str("settings.0.value"))
	case "aws:cloudwatch/logGroup:LogGroup":
		add("%s, retention %v days", in.str("name"), in.get("retentionInDays"))
	case "aws:lb/loadBalancer:LoadBalancer":
		scheme := "internet-facing"
		if in.get("internal") == true {
			scheme = "internal"
		}
		add("%s, deletion protection %v, drop invalid headers %v, desync %s, idle %vs", scheme,
			in.get("enableDeletionProtection"), in.get("dropInvalidHeaderFields"), in.str("desyncMitigationMode"),
			in.get("idleTimeout"))
	case "aws:lb/targetGroup:TargetGroup":
		add("%s:%v to %s targets, drain %vs", in.str("protocol"), in.get("port"), in.str("targetType"),
			in.get("deregistrationDelay"))
		add("health %s %s every %vs, timeout %vs, healthy %v, unhealthy %v, codes %s",
			in.str("healthCheck.protocol"), in.str("healthCheck.path"), in.get("healthCheck.interval"),
			in.get("healthCheck.timeout"), in.get("healthCheck.healthyThreshold"),
			in.get("healthCheck.unhealthyThreshold"), in.str("healthCheck.matcher"))
	case "aws:lb/listener:Listener":
		action := in.str("defaultActions.0.type")
		if action == "redirect" {
			action = fmt.Sprintf("redirect to %s:%s (%s)", in.str("defaultActions.0.redirect.protocol"),
				in.str("defaultActions.0.redirect.port"), in.str("defaultActions.0.redirect.statusCode"))
		}
		add("%s:%v, %s", in.str("protocol"), in.get("port"), action)
		if p := in.str("sslPolicy"); p != "" {
			add("TLS policy %s", p)
		}
	case "aws:ec2/securityGroupRule:SecurityGroupRule":
		from := in.str("cidrBlocks.0")
		if from == "" {
			from = "security group " + in.str("sourceSecurityGroupId")
		}
		ports := fmt.Sprintf("%v-%v", in.get("fromPort"), in.get("toPort"))
		if in.get("fromPort") == in.get("toPort") {
			ports = fmt.Sprint(in.get("fromPort"))
		}
		if in.str("protocol") == "-1" {
			ports = "all ports"
		}
		dir := "from"
		if in.str("type") == "egress" {
			dir = "to"
		}
		add("%s %s %s %s", in.str("type"), ports, dir, from)
	case "aws:ecs/taskDefinition:TaskDefinition":
		add("%s, cpu %s, memory %s, %s/%s", in.str("family"), in.str("cpu"), in.str("memory"),
			in.str("runtimePlatform.operatingSystemFamily"), in.str("runtimePlatform.cpuArchitecture"))
		var defs []map[string]any
		if json.Unmarshal([]byte(in.str("containerDefinitions")), &defs) == nil && len(defs) > 0 {
			c := props(defs[0])
			add("image %s, user %s, read-only root %v", c.str("image"), c.str("user"), c.get("readonlyRootFilesystem"))
			if cmd := c.list("healthCheck.command"); len(cmd) > 0 {
				add("container health check %s", strings.Join(cmd, " "))
			}
		}
	case "aws:ecs/service:Service":
		add("%v tasks, rolling %v%%-%v%%, circuit breaker rollback %v, grace %vs, wait for steady state %v",
			in.get("desiredCount"), in.get("deploymentMinimumHealthyPercent"), in.get("deploymentMaximumPercent"),
			in.get("deploymentCircuitBreaker.rollback"), in.get("healthCheckGracePeriodSeconds"),
			in.get("waitForSteadyState"))
		if s.CustomTimeouts != nil {
			add("update timeout %s", s.CustomTimeouts.Update)
		}
		if names, ok := in.get("alarms.alarmNames").([]any); ok {
			add("rolls back on %d alarms", len(names))
		}
		add("public IP %v", in.get("networkConfiguration.assignPublicIp"))
	case "aws:ec2/securityGroup:SecurityGroup":
		add("%s", in.str("description"))
	case "aws:iam/role:Role":
		var doc struct {
			Statement []struct {
				Principal map[string]any            `json:"Principal"`
				Condition map[string]map[string]any `json:"Condition"`
			} `json:"Statement"`
		}
		if json.Unmarshal([]byte(in.str("assumeRolePolicy")), &doc) == nil && len(doc.Statement) > 0 {
			st := doc.Statement[0]
			if svc, ok := st.Principal["Service"]; ok {
				add("assumed by %v", svc)
			} else if _, ok := st.Principal["Federated"]; ok {
				// bootstrap/'s GitHub roles: who may assume them is the token's subject.
				add("assumed with an OIDC token")
				for k, v := range st.Condition["StringEquals"] {
					if strings.HasSuffix(k, ":sub") {
						add("subject %v", v)
					}
				}
			}
		}
		if name := in.str("name"); name != "" {
			add("%s", name)
		}
	case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
		add("%s, audience %s", in.str("url"), strings.Join(in.list("clientIdLists"), ", "))
	case "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy":
		var doc struct {
			Statement []struct {
				Sid string `json:"Sid"`
			} `json:"Statement"`
		}
		if json.Unmarshal([]byte(in.str("policy")), &doc) == nil {
			for _, st := range doc.Statement {
				add("%s", st.Sid)
			}
		}
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		add("%s %s of %s >= %v for %v x %vs", in.str("name"), in.str("statistic"), in.str("metricName"),
			in.get("threshold"), in.get("evaluationPeriods"), in.get("period"))
	case "aws:appautoscaling/target:Target":
		add("%s between %v and %v tasks", in.str("resourceId"), in.get("minCapacity"), in.get("maxCapacity"))
	case "aws:appautoscaling/policy:Policy":
		add("target %s at %v", in.str("targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType"),
			in.get("targetTrackingScalingPolicyConfiguration.targetValue"))
	case "aws:cloudwatch/dashboard:Dashboard":
		add("%s", in.str("dashboardName"))
	case "aws:s3/bucketV2:BucketV2":
		add("force destroy %v", in.get("forceDestroy"))
	case "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2":
		add("expire after %v days", in.get("rules.0.expiration.days"))
	case "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2":
		add("%s", in.str("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm"))
	case "pulumi:pulumi:StackReference":
		add("reads the outputs of %s", in.str("name"))
	}
	if s.Protect {
		parts = append(parts, "PROTECTED")
	}
	return strings.Join(parts, "; ")
}

// props reads dotted paths out of a property map.
type props map[string]any

func (p props) get(path string) any {
	var cur any = map[string]any(p)
	for _, part := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[part]
		case []any:
			var i int
			if _, err := fmt.Sscan(part, &i); err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	if f, ok := cur.(float64); ok && f == float64(int64(f)) {
		return int64(f)
	}
	return cur
}

func (p props) str(path string) string {
	if s, ok := p.get(path).(string); ok {
		return s
	}
	return ""
}

func (p props) list(path string) []string {
	raw, _ := p.get(path).([]any)
	out := make([]string, 0, len(raw))
	for _, v := range raw {
		out = append(out, fmt.Sprint(v))
	}
	return out
}

// flatten turns nested inputs into dotted paths with JSON-rendered leaves, so two
// states can be compared property by property. JSON strings that hold documents
// (container definitions, policies) are expanded so a change names the field.
func flatten(prefix string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			flatten(join(prefix, k), x[k], out)
		}
		if len(x) == 0 && prefix != "" {
			out[prefix] = "{}"
		}
	case []any:
		for i, e := range x {
			flatten(join(prefix, fmt.Sprint(i)), e, out)
		}
		if len(x) == 0 && prefix != "" {
			out[prefix] = "[]"
		}
	case string:
		trimmed := strings.TrimSpace(x)
		if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
			var doc any
			if json.Unmarshal([]byte(trimmed), &doc) == nil {
				flatten(prefix, doc, out)
				return
			}
		}
		out[prefix] = fmt.Sprintf("%q", x)
	default:
		b, _ := json.Marshal(x)
		out[prefix] = string(b)
	}
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}
