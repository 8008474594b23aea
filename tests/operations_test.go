package tests

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
)

// Running it in production: deployment alarms, autoscaling, app secrets,
// access logs, the dashboard. Each control named after its entry in docs/controls.md.

const (
	typeAlarm       = "aws:cloudwatch/metricAlarm:MetricAlarm"
	typeScaleTarget = "aws:appautoscaling/target:Target"
	typeScalePolicy = "aws:appautoscaling/policy:Policy"
	typeBucket      = "aws:s3/bucketV2:BucketV2"
	typeDashboard   = "aws:cloudwatch/dashboard:Dashboard"
)

func TestAlarms_AFiringDeploymentAlarmRollsBack(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		svc := one(t, r, typeService).Inputs
		alarms := r.OfType(typeAlarm)
		if len(alarms) != 2 {
			t.Fatalf("%d alarms, want target 5xx and unhealthy hosts", len(alarms))
		}
		var names []string
		for _, a := range alarms {
			names = append(names, a.Inputs["name"].(string))
		}
		slices.Sort(names)
		got := get(t, svc, "alarms").(map[string]any)
		var attached []string
		for _, n := range got["alarmNames"].([]any) {
			attached = append(attached, n.(string))
		}
		slices.Sort(attached)
		if !slices.Equal(attached, names) || got["enable"] != true || got["rollback"] != true {
			t.Fatalf("service alarms = %v, want %v with enable and rollback", got, names)
		}
		alb, tg := one(t, r, typeALB), one(t, r, typeTargetGroup)
		for _, a := range alarms {
			in := a.Inputs
			if in["namespace"] != "AWS/ApplicationELB" || get(t, in, "dimensions.LoadBalancer") != alb.Outputs["arnSuffix"] ||
				get(t, in, "dimensions.TargetGroup") != tg.Outputs["arnSuffix"] || in["treatMissingData"] != "notBreaching" {
				t.Errorf("alarm %s = %v", a.Name, in)
			}
		}
		fivexx := r.Named(typeAlarm, "alarm-target-5xx").Inputs
		if fivexx["metricName"] != "HTTPCode_Target_5XX_Count" || fivexx["threshold"] != 10.0 ||
			fivexx["evaluationPeriods"] != 3.0 || fivexx["period"] != 60.0 || fivexx["statistic"] != "Sum" {
			t.Errorf("5xx alarm = %v", fivexx)
		}
	})
}

// TestAlarmsCanBeTurnedOff: an absent alarms block leaves ECS watching the
// alarms it had (UpdateService keeps the block unless told otherwise), and a
// block without names is refused by the API; so the alarms stay, and the
// service is told explicitly not to watch them.
func TestAlarmsCanBeTurnedOff(t *testing.T) {
	r := deploy(t, "staging", "deploymentAlarms=false")
	alarms, ok := one(t, r, typeService).Inputs["alarms"].(map[string]any)
	if !ok || alarms["enable"] != false || alarms["rollback"] != false {
		t.Fatalf("service alarms = %v, want an explicit block with enable and rollback false", alarms)
	}
	if names, _ := alarms["alarmNames"].([]any); len(names) != 2 || len(r.OfType(typeAlarm)) != 2 {
		t.Fatalf("disabled alarms block names %v of %d alarms, want both", names, len(r.OfType(typeAlarm)))
	}
}

func TestProductionAutoscalesWithoutFightingTheScaler(t *testing.T) {
	r := deploy(t, "production")
	target := one(t, r, typeScaleTarget).Inputs
	if target["minCapacity"] != 3.0 || target["maxCapacity"] != 12.0 ||
		target["resourceId"] != "service/webservice-production/webservice" ||
		target["scalableDimension"] != "ecs:service:DesiredCount" {
		t.Fatalf("scaling target = %v", target)
	}
	metrics := map[string]float64{}
	for _, p := range r.OfType(typeScalePolicy) {
		cfg := get(t, p.Inputs, "targetTrackingScalingPolicyConfiguration").(map[string]any)
		metric := get(t, cfg, "predefinedMetricSpecification.predefinedMetricType").(string)
		metrics[metric] = cfg["targetValue"].(float64)
		if metric == "ALBRequestCountPerTarget" {
			label := get(t, cfg, "predefinedMetricSpecification.resourceLabel")
			want := one(t, r, typeALB).Outputs["arnSuffix"].(string) + "/" + one(t, r, typeTargetGroup).Outputs["arnSuffix"].(string)
			if label != want {
				t.Errorf("resource label %v, want %s", label, want)
			}
		}
	}
	if metrics["ECSServiceAverageCPUUtilization"] != 60 || metrics["ALBRequestCountPerTarget"] != 1000 {
		t.Fatalf("policies = %v", metrics)
	}
	if !slices.Contains(one(t, r, typeService).IgnoreChanges, "desiredCount") {
		t.Fatal("an update would reset the count the scaler chose: desiredCount is not ignored")
	}
	staging := deploy(t, "staging")
	if len(staging.OfType(typeScaleTarget)) != 0 || len(one(t, staging, typeService).IgnoreChanges) != 0 {
		t.Fatal("staging autoscales or ignores desiredCount without autoscaling")
	}
}

func TestECS8_SecretsAreInjectedByReferenceAndReadableOnlyByTheExecutionRole(t *testing.T) {
	// Named under the stack's prefix: the site's boundary lets the roles read no other.
	secret := "arn:aws:secretsmanager:us-east-1:210987654321:secret:webservice/staging/db-AbCdEf"
	jsonKey := "arn:aws:secretsmanager:us-east-1:210987654321:secret:webservice/staging/api:token::"
	param := "arn:aws:ssm:us-east-1:210987654321:parameter/webservice/staging/feature-flags"
	key := "arn:aws:kms:us-east-1:210987654321:key/0a1b2c3d-0000-4000-8000-123456789abc"
	r := deploy(t, "staging",
		`environment=["LOG_LEVEL=info","FEATURE_X=on"]`,
		`secrets=["DB_PASSWORD=`+secret+`","API_TOKEN=`+jsonKey+`","FLAGS=`+param+`"]`,
		`secretsKmsKeyArns=["`+key+`"]`)
	c := containerDef(t, r)
	env := map[string]string{}
	for _, e := range c["environment"].([]any) {
		kv := e.(map[string]any)
		env[kv["name"].(string)] = kv["value"].(string)
	}
	if env["LOG_LEVEL"] != "info" || env["FEATURE_X"] != "on" || env["PORT"] != "8443" {
		t.Errorf("environment = %v", env)
	}
	for _, name := range []string{"DB_PASSWORD", "API_TOKEN", "FLAGS"} {
		if _, leaked := env[name]; leaked {
			t.Errorf("secret %s is in the plain environment", name)
		}
	}
	secrets := map[string]string{}
	for _, s := range c["secrets"].([]any) {
		kv := s.(map[string]any)
		secrets[kv["name"].(string)] = kv["valueFrom"].(string)
	}
	if secrets["DB_PASSWORD"] != secret || secrets["API_TOKEN"] != jsonKey || secrets["FLAGS"] != param {
		t.Fatalf("secrets = %v", secrets)
	}
	bySid := map[string][]any{}
	for _, st := range policyStatements(t, str(t, one(t, r, typeRolePolicy).Inputs, "policy")) {
		bySid[st["Sid"].(string)] = st["Resource"].([]any)
	}
	wantSecrets := []any{secret, "arn:aws:secretsmanager:us-east-1:210987654321:secret:webservice/staging/api-??????"}
	if !slices.Equal(bySid["ReadThisAppsSecrets"], wantSecrets) {
		t.Errorf("secret read scope = %v, want %v", bySid["ReadThisAppsSecrets"], wantSecrets)
	}
	if !slices.Equal(bySid["ReadThisAppsParameters"], []any{param}) || !slices.Equal(bySid["DecryptThisAppsSecrets"], []any{key}) {
		t.Errorf("parameter/kms scope = %v / %v", bySid["ReadThisAppsParameters"], bySid["DecryptThisAppsSecrets"])
	}
	// Without secrets the execution role reads none.
	for _, st := range policyStatements(t, str(t, one(t, deploy(t, "staging"), typeRolePolicy).Inputs, "policy")) {
		if strings.Contains(st["Sid"].(string), "Secret") || strings.Contains(st["Sid"].(string), "Parameter") {
			t.Errorf("execution role has %v without configured secrets", st["Sid"])
		}
	}
}

func TestELB5_ProductionWritesAccessLogsToAPrivateEncryptedBucket(t *testing.T) {
	r := deploy(t, "production")
	bucket := one(t, r, typeBucket)
	if !bucket.Protect || bucket.Inputs["forceDestroy"] != false {
		t.Errorf("production log bucket: protect %v, forceDestroy %v", bucket.Protect, bucket.Inputs["forceDestroy"])
	}
	name := bucket.Outputs["bucket"]
	alb := one(t, r, typeALB)
	logs := get(t, alb.Inputs, "accessLogs").(map[string]any)
	if logs["enabled"] != true || logs["bucket"] != name || logs["prefix"] != "alb" {
		t.Fatalf("ALB access logs = %v", logs)
	}
	if r.Outputs[infra.OutputAccessLogsBucket] != name {
		t.Errorf("accessLogsBucket output = %v", r.Outputs[infra.OutputAccessLogsBucket])
	}
	pab := one(t, r, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").Inputs
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		if pab[k] != true {
			t.Errorf("public access block %s = %v", k, pab[k])
		}
	}
	sse := one(t, r, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2").Inputs
	if get(t, sse, "rules.0.applyServerSideEncryptionByDefault.sseAlgorithm") != "AES256" {
		t.Errorf("encryption = %v", sse)
	}
	lc := one(t, r, "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2").Inputs
	if get(t, lc, "rules.0.expiration.days") != 90.0 {
		t.Errorf("lifecycle = %v", lc)
	}
	policy := one(t, r, "aws:s3/bucketPolicy:BucketPolicy")
	var principals []string
	for _, st := range policyStatements(t, str(t, policy.Inputs, "policy")) {
		if st["Effect"] == "Deny" {
			if get(t, st, "Condition.Bool").(map[string]any)["aws:SecureTransport"] != "false" {
				t.Errorf("deny statement = %v", st)
			}
			continue
		}
		if acts := actions(st); !slices.Equal(acts, []string{"s3:PutObject"}) {
			t.Errorf("log delivery may %v", acts)
		}
		if res := st["Resource"].([]any); res[0] != "arn:aws:s3:::"+name.(string)+"/alb/AWSLogs/*" {
			t.Errorf("log delivery writes %v", res)
		}
		for _, p := range st["Principal"].(map[string]any) {
			principals = append(principals, p.(string))
		}
	}
	slices.Sort(principals)
	if !slices.Equal(principals, []string{"arn:aws:iam::127311923021:root", "logdelivery.elasticloadbalancing.amazonaws.com"}) {
		t.Errorf("log writers = %v", principals)
	}
	if !slices.Contains(alb.DependsOn, policy.URN) {
		t.Error("the ALB does not wait for the bucket policy: AWS rejects the access log setting")
	}
	if len(deploy(t, "staging").OfType(typeBucket)) != 0 || deploy(t, "staging").Outputs[infra.OutputAccessLogsBucket] != "" {
		t.Error("staging has access logs although they are off there")
	}
}

func TestDashboardShowsTheServiceAndItsAlarms(t *testing.T) {
	r := deploy(t, "staging")
	d := one(t, r, typeDashboard).Inputs
	if d["dashboardName"] != "webservice-staging" {
		t.Errorf("name = %v", d["dashboardName"])
	}
	var body struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	if err := json.Unmarshal([]byte(d["dashboardBody"].(string)), &body); err != nil {
		t.Fatal(err)
	}
	text, _ := json.Marshal(body)
	for _, want := range []string{"RequestCount", "HTTPCode_Target_5XX_Count", "TargetResponseTime", "UnHealthyHostCount",
		"CPUUtilization", "MemoryUtilization", "RunningTaskCount", "DeploymentCount",
		one(t, r, typeALB).Outputs["arnSuffix"].(string), "webservice-staging"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	last := body.Widgets[len(body.Widgets)-1]
	if last.Type != "alarm" || len(last.Properties["alarms"].([]any)) != 2 {
		t.Errorf("alarm widget = %+v", last)
	}
	want := "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/webservice-staging"
	if r.Outputs[infra.OutputDashboardURL] != want {
		t.Errorf("dashboardUrl = %v", r.Outputs[infra.OutputDashboardURL])
	}
}

func TestOperationsConfigIsValidatedBeforeAnythingExists(t *testing.T) {
	cases := []struct {
		name     string
		override []string
		key      string
		want     string
	}{
		{"refuses AWS keys in plain environment (ECS.8)", []string{`environment=["AWS_SECRET_ACCESS_KEY=abc"]`},
			"webservice:environment", "no AWS credentials in plain environment"},
		{"refuses an access key id as a value (ECS.8)", []string{`environment=["KEY=AKIAABCDEFGHIJKLMNOP"]`},
			"webservice:environment", "no AWS credentials"},
		{"refuses overriding a platform variable", []string{`environment=["PORT=80"]`},
			"webservice:environment", "the platform sets them"},
		{"refuses a malformed secret ARN", []string{`secrets=["DB=arn:aws:s3:::bucket/key"]`},
			"webservice:secrets", "Secrets Manager secret"},
		{"refuses the same name as plain and secret", []string{`environment=["DB=x"]`,
			`secrets=["DB=arn:aws:ssm:us-east-1:210987654321:parameter/db"]`}, "webservice:secrets", "not already set"},
		{"refuses a min above the max", []string{"autoscalingMinCount=5", "autoscalingMaxCount=4"},
			"webservice:autoscalingMinCount", "at most webservice:autoscalingMaxCount (4)"},
		{"refuses a desired count outside the bounds", []string{"autoscalingMinCount=3", "autoscalingMaxCount=6"},
			"webservice:desiredCount", "between webservice:autoscalingMinCount (3)"},
		{"refuses a min without a max", []string{"autoscalingMinCount=2"},
			"webservice:autoscalingMaxCount", "set both to 0"},
		{"refuses a CPU target of 95", []string{"autoscalingMinCount=2", "autoscalingMaxCount=4", "autoscalingCpuTarget=95"},
			"webservice:autoscalingCpuTarget", "10-90"},
		{"refuses a 90 s alarm period", []string{"alarmPeriodSeconds=90"}, "webservice:alarmPeriodSeconds", "multiple of 60"},
		{"refuses WAF in a build without it", []string{"waf=true"}, "webservice:waf", "-tags waf"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.key == "webservice:waf" && infra.WAFAvailable() {
				t.Skip("built with -tags waf")
			}
			ov := map[string]string{}
			for _, kv := range tc.override {
				k, v, _ := strings.Cut(kv, "=")
				ov[k] = v
			}
			err := mustReject(t, "staging", ov, tc.key, tc.want)
			if tc.key == "webservice:environment" && strings.Contains(err.Error(), "=abc") {
				t.Error("the message repeats the secret value")
			}
		})
	}
}
