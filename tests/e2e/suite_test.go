//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/render"
)

// record rewrites internal/drift's fixtures from what the real CLI prints here.
var record = flag.Bool("record", false, "rewrite internal/drift/testdata from the real CLI's output")

// TestEndToEnd runs the set-up as the README writes it, then the deploy
// action's steps as action.yml writes them, the drift workflow's commands
// and destroy, with the real Pulumi CLI and the AWS provider's own code
// against moto. Each stage needs the ones before it.
func TestEndToEnd(t *testing.T) {
	w := newWorld(t)
	sched := startScheduler(t, w.moto.URL)
	app := startReferenceApp(t, w.repo)
	t.Cleanup(func() {
		for _, p := range sched.problems() {
			t.Errorf("ECS stand-in: %s", p)
		}
	})
	certificate := w.importCertificate()
	setupVars := vars("AWS_REGION", region, "AWS_ACCOUNT_ID", account, "GITHUB_ORG", "example-org",
		"GITHUB_REPO", "webservice", "CERTIFICATE_ARN", certificate)

	stage(t, "README set-up step 2: CI identity", func(t *testing.T) {
		w.must(".", setupVars+w.readme("bootstrap"))
		var out map[string]string
		mustJSON(t, w.must("bootstrap", "pulumi stack output -s shared --json").Stdout, &out)
		want := "arn:aws:iam::" + account + ":policy/webservice/webservice-staging-boundary"
		if out["stagingPermissionsBoundaryArn"] != want {
			t.Errorf("stagingPermissionsBoundaryArn = %q, want %q", out["stagingPermissionsBoundaryArn"], want)
		}
	})

	stage(t, "README set-up step 3: the service stacks change only what they set", func(t *testing.T) {
		w.must(".", setupVars+w.readme("stacks"))
		diff := w.must(".", "git diff --unified=0 -- Pulumi.staging.yaml Pulumi.production.yaml bootstrap/Pulumi.shared.yaml").Stdout
		for _, line := range strings.Split(diff, "\n") {
			if strings.HasPrefix(line, "-") && !strings.HasPrefix(line, "---") {
				t.Errorf("the set-up rewrote a committed line (stack files must hold values as the CLI writes them): %s", line)
			}
		}
		for _, want := range []string{"+  webservice:permissionsBoundaryArn: arn:aws:iam::" + account + ":policy/webservice/webservice-staging-boundary",
			"+  webservice:certificateArn: " + certificate, "+encryptionsalt: "} {
			if !strings.Contains(diff, want) {
				t.Errorf("git diff lacks %q:\n%s", want, diff)
			}
		}
	})

	stage(t, "README set-up step 4: what it commits keeps go test ./tests green", func(t *testing.T) {
		w.must(".", w.readme("commit"))
		if r := w.sh(".", "go test -count=1 ./tests"); r.Code != 0 {
			t.Fatalf("go test ./tests after the set-up's commit: exit %d\n%s%s", r.Code, tail(r.Stdout, 60), tail(r.Stderr, 20))
		}
	})

	// Not in the README: the awsx VPC needs awsx's own plugin, which is not
	// on this machine, so staging runs in an existing VPC, as a stack may.
	stage(t, "staging in an existing VPC (the suite's own config)", func(t *testing.T) {
		w.existingVPC("staging", "10.20")
	})

	w.releaseCheckout()
	deploy := func(t *testing.T, commit string, failing bool) (*action, result) {
		t.Helper()
		w.must(".", "git -C release checkout -q --detach "+commit)
		a := w.action(map[string]string{"stack": "staging", "pulumi-stack": "staging", "tag": commit, "build": "true",
			"role-arn": "(the world's AWS_* credentials)", "health-url": app.URL,
			"pulumi-config-passphrase": w.passphrase(), "pulumi-backend-url": w.backend()})
		mustRun(t, a, "settings")
		mustRun(t, a, "first")
		if a.outputs["first"]["push"] == "true" {
			digest := w.pushImage(a.outputs["first"]["repository"], commit)
			if failing {
				sched.failImage(digest) // its tasks never pass a health check: ECS rolls it back
			}
		}
		r, ran := a.run("deploy", "SSL_CERT_FILE="+app.caFile)
		if !ran {
			t.Fatalf("the deploy step did not run: first wrote %v", a.outputs["first"])
		}
		return a, r
	}

	var first, second map[string]any
	var failed string // the release ECS rolled back
	stage(t, "first deploy: the registry, then the image", func(t *testing.T) {
		commit := w.commit("first release")
		a, r := deploy(t, commit, false)
		if r.Code != 0 {
			t.Fatalf("deploy: exit %d\n%s%s", r.Code, tail(r.Stdout, 80), tail(r.Stderr, 30))
		}
		if a.outputs["first"]["push"] != "true" {
			t.Errorf("first wrote push=%q on a stack with an empty registry", a.outputs["first"]["push"])
		}
		first = w.outputs("staging")
		if first["deploymentState"] != "deployed" || first["imageTag"] != commit {
			t.Errorf("outputs after the first deploy: deploymentState %v, imageTag %v", first["deploymentState"], first["imageTag"])
		}
	})

	stage(t, "second deploy, and render -json -diff plans it as the real preview does", func(t *testing.T) {
		commit := w.commit("second release")
		digest := w.pushImage(first["ecrRepositoryUrl"].(string), commit)
		w.renderMatchesThePreview(t, first, commit, digest)
		_, r := deploy(t, commit, false)
		if r.Code != 0 {
			t.Fatalf("deploy: exit %d\n%s%s", r.Code, tail(r.Stdout, 80), tail(r.Stderr, 30))
		}
		second = w.outputs("staging")
		if second["imageTag"] != commit || second["image"] == first["image"] {
			t.Errorf("outputs after the second deploy: imageTag %v (want %s), image %v (first %v)", second["imageTag"], commit, second["image"], first["image"])
		}
	})

	stage(t, "an infrastructure-only up keeps the image and replaces nothing", func(t *testing.T) {
		r := w.must(".", "pulumi preview -s staging --json")
		var doc struct {
			ChangeSummary map[string]int `json:"changeSummary"`
		}
		mustJSON(t, r.Stdout, &doc)
		if n := doc.ChangeSummary["replace"] + doc.ChangeSummary["update"] + doc.ChangeSummary["create"] + doc.ChangeSummary["delete"]; n != 0 {
			t.Errorf("a plain preview after a deploy plans %v: an infrastructure-only up must change nothing", doc.ChangeSummary)
		}
		w.must(".", "pulumi up -s staging --yes --non-interactive")
		if got := w.outputs("staging"); got["image"] != second["image"] || got["imageTag"] != second["imageTag"] {
			t.Errorf("after an up without an image: image %v tag %v, want %v %v", got["image"], got["imageTag"], second["image"], second["imageTag"])
		}
	})

	// The failure is ECS's: the new tasks never pass a health check, the
	// circuit breaker rolls the service back (the stand-in plays it), pulumi
	// up succeeds anyway, and verify must see that and the deploy restore the
	// live release with its own program.
	stage(t, "a deploy ECS rolls back fails, and the stack names the live release again", func(t *testing.T) {
		failed = w.commit("a release that never gets healthy")
		_, r := deploy(t, failed, true)
		out := r.Stdout + r.Stderr
		if r.Code != 1 {
			t.Fatalf("deploy of a release ECS rolled back: exit %d, want 1\n%s", r.Code, tail(out, 60))
		}
		for _, want := range []string{"is not live (verify exited 1", "redeploying the release that was",
			second["imageTag"].(string) + " serves again, verified, and the stack's outputs say so"} {
			if !strings.Contains(out, want) {
				t.Errorf("the deploy's log lacks %q:\n%s", want, tail(out, 60))
			}
		}
		if got := w.outputs("staging"); got["image"] != second["image"] || got["imageTag"] != second["imageTag"] {
			t.Errorf("after the restore the outputs name %v (%v), want the live release %v (%v)", got["imageTag"], got["image"], second["imageTag"], second["image"])
		}
	})

	stage(t, "drift: drift.yml's check reports a change made outside Pulumi", func(t *testing.T) {
		check := func(wantExit int) result {
			t.Helper()
			step := w.workflowStep("drift.yml", "check", "check")
			if err := sameKeys(step.Env, "STACK", "PULUMI_STACK", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_BACKEND_URL"); err != nil {
				t.Fatalf("drift.yml's check step: %v (the suite gives each its value here)", err)
			}
			r := w.sh(".", "go build -o bin/drift ./cmd/drift && "+step.Run, "STACK=staging", "PULUMI_STACK=staging",
				"RUNNER_TEMP="+t.TempDir(), "GITHUB_OUTPUT="+filepath.Join(t.TempDir(), "out"))
			if r.Code != wantExit {
				t.Fatalf("drift check: exit %d, want %d\n%s%s", r.Code, wantExit, tail(r.Stdout, 40), tail(r.Stderr, 20))
			}
			return r
		}
		if *record {
			w.recordFixture("staging-no-drift.preview-refresh.json")
		}
		check(0)
		w.must(".", `td=$(aws ecs describe-services --cluster webservice-staging --services webservice --query 'services[0].taskDefinition' --output text)
aws ecs describe-task-definition --task-definition "$td" --query 'taskDefinition.{family:family,containerDefinitions:containerDefinitions,networkMode:networkMode,requiresCompatibilities:requiresCompatibilities,cpu:cpu,memory:memory,executionRoleArn:executionRoleArn,taskRoleArn:taskRoleArn}' > "$RUNNER_TEMP/td.json"
new=$(aws ecs register-task-definition --cli-input-json "file://$RUNNER_TEMP/td.json" --query taskDefinition.taskDefinitionArn --output text)
aws ecs update-service --cluster webservice-staging --service webservice --task-definition "$new" > /dev/null
sg=$(pulumi stack output -s staging serviceSecurityGroupId)
rule=$(aws ec2 describe-security-group-rules --filters "Name=group-id,Values=$sg" --query 'SecurityGroupRules[?!IsEgress].SecurityGroupRuleId' --output text)
aws ec2 revoke-security-group-ingress --group-id "$sg" --security-group-rule-ids $rule > /dev/null`, "RUNNER_TEMP="+t.TempDir())
		if *record {
			w.recordFixture("staging-drift.preview-refresh.json")
		}
		r := check(3)
		for _, want := range []string{`Drift in stack "staging": 2 of`, "~ update urn:pulumi:staging::webservice::webservice:infra:Service$aws:ecs/service:Service::service",
			"taskDefinition:", "+ create urn:pulumi:staging::webservice::webservice:infra:LoadBalancer$aws:ec2/securityGroupRule:SecurityGroupRule::service-in-alb",
			"!! deleted in AWS: traffic the rule admits is dropped"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("the drift report lacks %q:\n%s", want, r.Stdout)
			}
		}
		// The runbook's fix: an up that refreshes first puts the program's values back.
		w.must(".", "pulumi up --refresh --stack staging --yes --non-interactive")
		check(0)
	})

	stage(t, "a mistyped -c key is refused, saved, and the message says how to remove it", func(t *testing.T) {
		r := w.sh(".", "pulumi preview -s staging --non-interactive -c webservice:helthCheckPath=/x")
		out := r.Stdout + r.Stderr
		remove := "pulumi config rm -s staging webservice:helthCheckPath"
		if r.Code == 0 || !strings.Contains(out, "did you mean webservice:healthCheckPath?") || !strings.Contains(out, remove) {
			t.Fatalf("exit %d:\n%s", r.Code, tail(out, 30))
		}
		if !strings.Contains(w.must(".", "cat Pulumi.staging.yaml").Stdout, "helthCheckPath") {
			t.Error("the CLI did not save the -c key in the stack file: the message's advice is then wrong")
		}
		w.must(".", remove)
		w.must(".", "pulumi preview -s staging --non-interactive")
	})

	stage(t, "the outputs are the documented contract", func(t *testing.T) {
		got := w.outputs("staging")
		var names []string
		for _, spec := range infra.OutputContract {
			names = append(names, spec.Name)
			if _, ok := got[spec.Name]; !ok {
				t.Errorf("output %s is missing", spec.Name)
			}
		}
		if len(got) != len(infra.OutputContract) {
			t.Errorf("outputs %v, want exactly %v", keysOf(got), names)
		}
		if got["contractVersion"] != infra.ContractVersion || got["deploymentState"] != infra.StateDeployed ||
			!strings.HasPrefix(got["url"].(string), "http://") || got["previousImageTag"] != failed {
			// After a restore the release the stack named before is the one that failed.
			t.Errorf("contractVersion %v, deploymentState %v, url %v, previousImageTag %v (want %v)",
				got["contractVersion"], got["deploymentState"], got["url"], got["previousImageTag"], failed)
		}
	})

	stage(t, "destroy", func(t *testing.T) {
		w.must(".", "pulumi destroy -s staging --yes --non-interactive")
		r := w.must(".", "aws ecs describe-clusters --clusters webservice-staging --query 'clusters[?status==`ACTIVE`].clusterName' --output text")
		if strings.TrimSpace(r.Stdout) != "" {
			t.Errorf("cluster still active after destroy: %q", r.Stdout)
		}
	})

	// Production as its stack file has it (three tasks, autoscaling, HTTPS
	// with the set-up's certificate, access logs, protection), in an existing
	// VPC. A release promotes staging's image by digest with
	// go-containerregistry, which needs a registry moto does not serve: the
	// suite puts the image into production's repository itself, and deploys
	// without -from.
	production := func(t *testing.T, tag, rollback string) result {
		t.Helper()
		w.must(".", "git -C release checkout -q --detach "+tag)
		a := w.action(map[string]string{"stack": "production", "pulumi-stack": "production", "tag": tag, "rollback": rollback,
			"role-arn": "(the world's AWS_* credentials)", "health-url": app.URL,
			"pulumi-config-passphrase": w.passphrase(), "pulumi-backend-url": w.backend()})
		mustRun(t, a, "settings")
		if r, _ := a.run("first"); r.Code != 0 {
			return r
		}
		if a.outputs["first"]["push"] == "true" {
			w.pushImage(a.outputs["first"]["repository"], tag)
		}
		r, _ := a.run("deploy", "SSL_CERT_FILE="+app.caFile)
		return r
	}
	stage(t, "production: a release in an existing VPC, HTTPS, autoscaling and access logs", func(t *testing.T) {
		w.existingVPC("production", "10.21")
		w.must(".", "git tag v1.0.0")
		if r := production(t, "v1.0.0", "false"); r.Code != 0 {
			t.Fatalf("production deploy: exit %d\n%s%s", r.Code, tail(r.Stdout, 80), tail(r.Stderr, 30))
		}
		got := w.outputs("production")
		if !strings.HasPrefix(got["url"].(string), "https://") || !strings.HasPrefix(got["tls"].(string), "HTTPS (") ||
			got["accessLogsBucket"] == "" || got["imageTag"] != "v1.0.0" || got["httpsListenerArn"] == "" {
			t.Errorf("production outputs: url %v, tls %v, accessLogsBucket %v, imageTag %v, httpsListenerArn %v",
				got["url"], got["tls"], got["accessLogsBucket"], got["imageTag"], got["httpsListenerArn"])
		}
		r := w.must(".", "aws application-autoscaling describe-scalable-targets --service-namespace ecs --query 'ScalableTargets[].[ResourceId,MinCapacity,MaxCapacity]' --output text")
		if !strings.Contains(r.Stdout, "service/webservice-production/webservice\t3\t12") {
			t.Errorf("scalable target: %q, want production's 3 to 12 tasks", r.Stdout)
		}
	})

	stage(t, "production: a newer release, then an older one refused unless a rollback", func(t *testing.T) {
		w.commit("production's next release")
		w.must(".", "git tag v1.0.1")
		if r := production(t, "v1.0.1", "false"); r.Code != 0 {
			t.Fatalf("v1.0.1: exit %d\n%s%s", r.Code, tail(r.Stdout, 80), tail(r.Stderr, 30))
		}
		r := production(t, "v1.0.0", "false")
		if out := r.Stdout + r.Stderr; r.Code != 1 || !strings.Contains(out, "an older release never replaces a newer one") {
			t.Fatalf("re-deploying v1.0.0 over v1.0.1: exit %d, want 1 naming the order rule:\n%s", r.Code, tail(out, 20))
		}
		if got := w.outputs("production"); got["imageTag"] != "v1.0.1" {
			t.Errorf("production runs %v after the refused release, want v1.0.1", got["imageTag"])
		}
		if r := production(t, "v1.0.0", "true"); r.Code != 0 {
			t.Fatalf("the rollback to v1.0.0: exit %d\n%s%s", r.Code, tail(r.Stdout, 60), tail(r.Stderr, 30))
		}
		if got := w.outputs("production"); got["imageTag"] != "v1.0.0" || got["previousImageTag"] != "v1.0.1" {
			t.Errorf("after the rollback production runs %v (previous %v), want v1.0.0 (v1.0.1)", got["imageTag"], got["previousImageTag"])
		}
	})
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// sameKeys: env declares exactly these variables.
func sameKeys(env map[string]string, want ...string) error {
	have := map[string]bool{}
	for k := range env {
		have[k] = true
	}
	for _, k := range want {
		if !have[k] {
			return fmt.Errorf("no %s in env", k)
		}
		delete(have, k)
	}
	if len(have) > 0 {
		return fmt.Errorf("env has %v besides %v", keysOfBool(have), want)
	}
	return nil
}

func keysOfBool(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// stage runs one stage; a failed stage stops the suite, since each needs the last.
func stage(t *testing.T, name string, f func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, f) {
		t.FailNow()
	}
}

func mustRun(t *testing.T, a *action, id string) {
	t.Helper()
	r, ran := a.run(id)
	if !ran {
		t.Fatalf("step %s did not run", id)
	}
	if r.Code != 0 {
		t.Fatalf("step %s: exit %d\n%s%s", id, r.Code, tail(r.Stdout, 60), tail(r.Stderr, 30))
	}
}

func mustJSON(t testing.TB, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("not JSON (%v): %s", err, tail(s, 20))
	}
}

func (w *world) passphrase() string { return envOf(w.env, "PULUMI_CONFIG_PASSPHRASE") }
func (w *world) backend() string    { return envOf(w.env, "PULUMI_BACKEND_URL") }

func envOf(env []string, key string) string {
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// outputs are a stack's outputs, as `pulumi stack output --json` prints them.
func (w *world) outputs(stack string) map[string]any {
	w.t.Helper()
	var out map[string]any
	mustJSON(w.t, w.must(".", "pulumi stack output --json -s "+stack).Stdout, &out)
	return out
}

// commit makes an empty commit in the workspace and returns its SHA: a release.
func (w *world) commit(msg string) string {
	w.t.Helper()
	w.must(".", "git -c user.name=e2e -c user.email=e2e@example.invalid commit -q --allow-empty -m "+fmt.Sprintf("%q", msg))
	return strings.TrimSpace(w.must(".", "git rev-parse HEAD").Stdout)
}

// releaseCheckout is release/, the checkout of the commit deployed, as the
// deploy workflow makes it beside the workspace's own.
func (w *world) releaseCheckout() string {
	w.t.Helper()
	w.must(".", "git worktree add -q --detach release HEAD && echo release >> .git/info/exclude")
	return filepath.Join(w.repo, "release")
}

// pushImage stands in for the action's Docker build and push: an image
// manifest put into the repository under the tag (its layer names the tag,
// so every tag has its own digest), then scanned (moto_gaps.py).
func (w *world) pushImage(repositoryURL, tag string) string {
	w.t.Helper()
	name := repositoryURL[strings.Index(repositoryURL, "/")+1:]
	layer := fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(tag)))
	manifest := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",`+
		`"config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"%s"},`+
		`"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":2,"digest":"%s"}]}`, layer, layer)
	r := w.must(".", fmt.Sprintf("aws ecr put-image --repository-name %s --image-tag %s --image-manifest '%s' --query image.imageId.imageDigest --output text",
		name, tag, manifest))
	return strings.TrimSpace(r.Stdout)
}

// importCertificate puts a certificate into moto's ACM: production's.
func (w *world) importCertificate() string {
	w.t.Helper()
	dir := w.t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := writeLoopbackCertificate(cert, key); err != nil {
		w.t.Fatal(err)
	}
	r := w.must(".", fmt.Sprintf("aws acm import-certificate --certificate fileb://%s --private-key fileb://%s --query CertificateArn --output text", cert, key))
	return strings.TrimSpace(r.Stdout)
}

// existingVPC makes a VPC with two public and two private subnets in moto,
// tagged as bootstrap's deploy role requires, and commits the stack's keys
// for it.
func (w *world) existingVPC(stack, prefix string) {
	w.t.Helper()
	r := w.must(".", fmt.Sprintf(`tags='ResourceType=%%s,Tags=[{Key=service,Value=webservice},{Key=stack,Value=%[1]s}]'
vpc=$(aws ec2 create-vpc --cidr-block %[2]s.0.0/16 --tag-specifications "$(printf "$tags" vpc)" --query Vpc.VpcId --output text)
aws ec2 modify-vpc-attribute --vpc-id "$vpc" --enable-dns-hostnames '{"Value":true}'  # tasks get private DNS names, as in most VPCs
s() { aws ec2 create-subnet --vpc-id "$vpc" --cidr-block "$1" --availability-zone "$2" --tag-specifications "$(printf "$tags" subnet)" --query Subnet.SubnetId --output text; }
echo "$vpc $(s %[2]s.0.0/24 us-east-1a) $(s %[2]s.1.0/24 us-east-1b) $(s %[2]s.2.0/24 us-east-1a) $(s %[2]s.3.0/24 us-east-1b)"`, stack, prefix))
	ids := strings.Fields(r.Stdout)
	if len(ids) != 5 {
		w.t.Fatalf("VPC and subnets: %q", r.Stdout)
	}
	w.must(".", fmt.Sprintf(`pulumi config set -s %[1]s webservice:vpcId %[2]s
pulumi config set -s %[1]s --path 'webservice:publicSubnetIds[0]' %[3]s
pulumi config set -s %[1]s --path 'webservice:publicSubnetIds[1]' %[4]s
pulumi config set -s %[1]s --path 'webservice:privateSubnetIds[0]' %[5]s
pulumi config set -s %[1]s --path 'webservice:privateSubnetIds[1]' %[6]s
git -c user.name=e2e -c user.email=e2e@example.invalid commit -q -am "e2e: %[1]s in an existing VPC"`, stack, ids[0], ids[1], ids[2], ids[3], ids[4]))
}

// renderMatchesThePreview compares, for a deploy of commit@digest onto what
// the stack runs (its outputs), the real `pulumi preview --json` with
// `render -json -diff` from a render of the running release: the same steps
// change, with the same ops, and the same new inputs where the program knows
// them (the lifecycle policy names the same releases). What render cannot
// know (ids and ARNs AWS gave) it leaves unknown, and the real preview
// knows; those are not compared.
func (w *world) renderMatchesThePreview(t *testing.T, running map[string]any, commit, digest string) {
	t.Helper()
	tmp := t.TempDir()
	env := []string{"WEBSERVICE_IMAGE_TAG=" + commit, "WEBSERVICE_IMAGE_DIGEST=" + digest}
	w.must(".", "git -C release checkout -q --detach "+commit)
	w.must(".", fmt.Sprintf(`go build -o bin/render ./cmd/render
bin/render -dir release -stack staging -json -c imageTag=%s -c 'imageDigest=%s' > %s/base.json`,
		running["imageTag"], running["image"].(string)[strings.Index(running["image"].(string), "@")+1:], tmp))
	real := w.must("release", "pulumi preview -s staging --json --non-interactive", env...).Stdout
	rendered := w.sh(".", fmt.Sprintf("bin/render -dir release -stack staging -json -diff %s/base.json", tmp), env...)
	if rendered.Code != 3 {
		t.Fatalf("render -diff: exit %d, want 3 (changes)\n%s", rendered.Code, rendered.Stderr)
	}
	changes := func(doc string) map[string]step {
		var d struct{ Steps []step }
		mustJSON(t, doc, &d)
		out := map[string]step{}
		for _, s := range d.Steps {
			if s.Op != "same" && s.Op != "read" {
				out[s.URN] = s
			}
		}
		return out
	}
	got, want := changes(rendered.Stdout), changes(real)
	if len(want) < 3 {
		t.Fatalf("the real preview of a deploy changes %d resources, want the task definition, the service and the lifecycle policy at least", len(want))
	}
	compared := 0
	for urn, s := range want {
		r, ok := got[urn]
		switch {
		case !ok:
			t.Errorf("the real preview %ss %s; render -diff does not", s.Op, urn)
		case r.Op != s.Op:
			t.Errorf("%s: the real preview %ss it, render -diff %ss it", urn, s.Op, r.Op)
		}
		for k, v := range s.NewState.Inputs {
			rv, known := r.NewState.Inputs[k]
			if !known || rv == render.UnknownValue || v == render.UnknownValue || (k != "policy" && k != "containerDefinitions") {
				continue
			}
			compared++
			// Offline, render makes up the account where AWS would give it
			// (docs/render.md): compare the documents without account ids.
			if accountRe.ReplaceAllString(fmt.Sprint(rv), "ACCOUNT") != accountRe.ReplaceAllString(fmt.Sprint(v), "ACCOUNT") {
				t.Errorf("%s %s: the real preview plans %v, render -diff %v", urn, k, v, rv)
			}
		}
	}
	for urn, r := range got {
		if _, ok := want[urn]; !ok {
			t.Errorf("render -diff %ss %s; the real preview does not", r.Op, urn)
		}
	}
	if compared < 2 {
		t.Errorf("compared %d documents (the lifecycle policy, the container definitions): want both", compared)
	}
	t.Logf("render -diff and the real preview agree on %d changed resources and %d planned documents", len(want), compared)
}

var accountRe = regexp.MustCompile(`\b[0-9]{12}\b`)

type step struct {
	Op       string `json:"op"`
	URN      string `json:"urn"`
	NewState struct {
		Inputs map[string]any `json:"inputs"`
	} `json:"newState"`
}

// recordFixture saves `pulumi preview --refresh --json` of staging, as
// printed, gzipped, as a fixture of internal/drift.
func (w *world) recordFixture(name string) {
	w.t.Helper()
	dst := filepath.Join(repoRoot(w.t), "internal", "drift", "testdata", name+".gz")
	w.must(".", fmt.Sprintf("pulumi preview --refresh --json --non-interactive --stack staging | gzip -9n > %q", dst))
	w.t.Logf("recorded %s", dst)
}

var _ = os.Getenv
