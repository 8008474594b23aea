package tests

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/bootstrap/identity"
)

// The release rules of the pipelines (issue 11), one test each. Where a rule
// lives in a step's shell, the step's own script runs here under bash with
// stand-ins for aws, crane, gh and pulumi, so the test fails if the script
// does the wrong thing, not only if it reads differently.

// script runs a step's run: script as GitHub runs a bash step (-e, pipefail),
// in dir, with env and the given stand-in commands first on PATH. It returns
// the exit status, the output, and what the step wrote to $GITHUB_OUTPUT.
func script(t *testing.T, body, dir string, env map[string]string, fakes map[string]string) (int, string, string) {
	t.Helper()
	bin := t.TempDir()
	for name, sh := range fakes {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/usr/bin/env bash\n"+sh), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "github_output")
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", body)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + bin + ":" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "GITHUB_OUTPUT=" + out,
		"RUNNER_TEMP=" + t.TempDir(), "GITHUB_WORKFLOW=deploy", "GITHUB_RUN_ID=1"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	b, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatal(err)
		}
		code = ee.ExitCode()
	}
	o, _ := os.ReadFile(out)
	return code, string(b), string(o)
}

func planStep(t *testing.T, name string) map[string]any {
	t.Helper()
	for _, s := range jobs(t, workflow(t, "deploy.yml"))["plan"]["steps"].([]any) {
		if step := s.(map[string]any); step["name"] == name {
			return step
		}
	}
	t.Fatalf("deploy.yml plan has no step %q", name)
	return nil
}

// gitRepo is a history A <- B on main with release tag v1 on A.
func gitRepo(t *testing.T) (dir, a, b string) {
	t.Helper()
	dir = t.TempDir()
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("commit", "-q", "--allow-empty", "-m", "A")
	a = git("rev-parse", "HEAD")
	git("tag", "-a", "v1", "-m", "v1")
	git("commit", "-q", "--allow-empty", "-m", "B")
	return dir, a, git("rev-parse", "HEAD")
}

func TestEachDeployRunsFromTheRefItDeploysAndRefusesAnyOther(t *testing.T) {
	dir, a, b := gitRepo(t)
	check := run(planStep(t, "Check the ref this run deploys"))
	gh := func(draft, pre string) map[string]string {
		return map[string]string{"gh": "echo '" + draft + " " + pre + "'"}
	}
	cases := []struct {
		name, mode, stack, ref, eventRef, sha string
		fakes                                 map[string]string
		prerelease                            string
		commit, refusal                       string
	}{
		{"production rollback from its release tag", "rollback", "production", "v1", "refs/tags/v1", b, gh("false", "false"), "", a, ""},
		{"production rollback dispatched from main", "rollback", "production", "main", "refs/heads/main", b, gh("false", "false"), "",
			"", "a production rollback runs from the release tag it returns to"},
		{"production rollback to a pre-release", "rollback", "production", "v1", "refs/tags/v1", b, gh("false", "true"), "", "", "is a pre-release"},
		{"... unless pre-releases are opted in", "rollback", "production", "v1", "refs/tags/v1", b, gh("false", "true"), "true", a, ""},
		{"production rollback to a draft", "rollback", "production", "v1", "refs/tags/v1", b, gh("true", "false"), "", "", "is a draft"},
		{"staging rollback from main with a commit", "rollback", "staging", a, "refs/heads/main", b, nil, "", a, ""},
		{"staging rollback dispatched from a tag", "rollback", "staging", a, "refs/tags/v1", b, nil, "", "", "a staging rollback runs from main"},
		{"staging rollback to a short SHA", "rollback", "staging", a[:7], "refs/heads/main", b, nil, "", "", "full 40-character SHA"},
		{"staging rollback to a commit not on main", "rollback", "staging", strings.Repeat("c", 40), "refs/heads/main", b, nil, "", "",
			"is not in main's history"},
		{"release promotes its tag's commit", "promote", "production", "v1", "refs/tags/v1", a, nil, "", a, ""},
		{"release whose tag moved", "promote", "production", "v1", "refs/tags/v1", b, nil, "", "", "tag v1 now names " + a},
		{"release event for another ref", "promote", "production", "v1", "refs/heads/main", a, nil, "", "", "a release deploys from its tag"},
		{"staging push", "build", "staging", b, "refs/heads/main", b, nil, "", b, ""},
		{"staging build from a branch", "build", "staging", b, "refs/heads/topic", b, nil, "", "", "staging deploys pushes to main"},
		{"a release never promotes to staging", "promote", "staging", "v1", "refs/tags/v1", a, nil, "", "", "is not a deploy this pipeline makes"},
		{"rollback to a tag that does not exist", "rollback", "production", "v9", "refs/tags/v9", b, gh("false", "false"), "", "", "no tag v9 in this repository"},
		{"release tag with build metadata", "promote", "production", "v1+build.5", "refs/tags/v1+build.5", a, nil, "", "",
			`release tag "v1+build.5" cannot be an image tag`},
		{"rollback to a tag with build metadata", "rollback", "production", "v1+b", "refs/tags/v1+b", a, gh("false", "false"), "", "",
			"semver build metadata"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, ghOut := script(t, check, dir, map[string]string{"MODE": c.mode, "STACK": c.stack, "REF": c.ref,
				"EVENT_REF": c.eventRef, "GITHUB_SHA": c.sha, "DEPLOY_PRERELEASES": c.prerelease}, c.fakes)
			if c.refusal != "" {
				if code == 0 || !strings.Contains(out, "::error::") || !strings.Contains(out, c.refusal) {
					t.Fatalf("exit %d, want a refusal saying %q:\n%s", code, c.refusal, out)
				}
				return
			}
			if code != 0 || !strings.Contains(ghOut, "commit="+c.commit+"\n") {
				t.Fatalf("exit %d, output %q, want commit=%s:\n%s", code, ghOut, c.commit, out)
			}
		})
	}
}

func TestPrereleasesDoNotDeployToProductionUnlessOptedIn(t *testing.T) {
	pre := []releaseEvent{{"published", true}, {"prereleased", true}}
	if n := deploysOf(t, pre, ""); n != 0 {
		t.Errorf("a pre-release deploys %d time(s) without DEPLOY_PRERELEASES", n)
	}
	if n := deploysOf(t, pre, "true"); n != 1 {
		t.Errorf("a pre-release deploys %d time(s) with DEPLOY_PRERELEASES=true, want 1", n)
	}
}

func TestStagingBuildsOncePushesByDigestAndProductionOnlyPromotes(t *testing.T) {
	steps, _ := actionSteps(t)
	push := steps["Build and push the image"]
	if !strings.HasPrefix(cond(push), "inputs.mode == 'build'") {
		t.Errorf("the image is built when %q: only a staging push builds", cond(push))
	}
	w := push["with"].(map[string]any)
	checks := map[string]any{"push": true, "target": "runtime", "provenance": "mode=max", "sbom": true,
		"platforms": "${{ steps.names.outputs.platforms }}", "context": "${{ inputs.program-dir }}/app",
		"tags": "${{ steps.ecr.outputs.registry }}/${{ steps.names.outputs.repository }}:${{ inputs.image-tag }}"}
	for k, want := range checks {
		if w[k] != want {
			t.Errorf("build-push %s = %v, want %v", k, w[k], want)
		}
	}
	if labels, _ := w["labels"].(string); !strings.Contains(labels, "org.opencontainers.image.revision=${{ inputs.commit }}") {
		t.Errorf("the image is not labelled with its commit: %q", labels)
	}
	if !strings.Contains(cond(steps["Look for the image of this commit"]), "inputs.mode == 'build'") {
		t.Error("only builds look for an image to reuse")
	}
	found := steps["Find the verified staging deploy of this commit"]
	if cond(found) != "inputs.mode != 'build'" || !strings.Contains(run(found), `bin/release find-verified -env "$SOURCE_ENV" -commit "$COMMIT"`) {
		t.Errorf("promotion does not require the commit's verified staging deploy: if %q run %q", cond(found), run(found))
	}
	cp := steps["Copy the verified image into this stack's repository"]
	if envOf(cp)["SOURCE"] != "${{ steps.verified.outputs.image }}" || !strings.Contains(run(cp), `crane copy "$SOURCE"`) {
		t.Errorf("promotion does not copy the verified digest:\n%s", run(cp))
	}
	if js := jobs(t, workflow(t, "deploy.yml")); at(js["deploy-production"], "steps") != nil {
		for _, s := range js["deploy-production"]["steps"].([]any) {
			if u, _ := s.(map[string]any)["uses"].(string); strings.HasPrefix(u, "docker/") {
				t.Errorf("the production job builds (%s)", u)
			}
		}
	}
	if got := at(workflow(t, "staging.yml"), "jobs.deploy.with.mode"); got != "build" {
		t.Errorf("staging mode %v", got)
	}
	if got := at(workflow(t, "production.yml"), "jobs.deploy.with.mode"); got != "promote" {
		t.Errorf("production mode %v", got)
	}
	label := steps["Check the image was built from this commit"]
	if !strings.Contains(run(label), `bin/release label -config`) || envOf(label)["COMMIT"] != "${{ inputs.commit }}" {
		t.Errorf("the found image's commit label is not checked:\n%s", run(label))
	}
	rec := steps["Record the deploy on the commit"]
	if !strings.Contains(run(rec), "-state in_progress") || !strings.Contains(run(steps["Record the outcome on the commit"]), "-state success") {
		t.Error("staging does not record its deploy and its verification")
	}
}

const aws404 = `echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation: The image with imageId {imageTag:x} does not exist" >&2; exit 254`

func TestImageLookupsNeverReadAnErrorAsNotFound(t *testing.T) {
	steps, _ := actionSteps(t)
	lookup := run(steps["Look for the image of this commit"])
	env := map[string]string{"REPOSITORY": "webservice-staging", "IMAGE_TAG": strings.Repeat("a", 40)}
	for name, fake := range map[string]string{
		"AccessDenied": `echo "An error occurred (AccessDeniedException) when calling the DescribeImages operation: not authorized" >&2; exit 254`,
		"throttling":   `echo "An error occurred (ThrottlingException) when calling the DescribeImages operation: Rate exceeded" >&2; exit 254`,
		"no network":   `echo "Could not connect to the endpoint URL" >&2; exit 255`,
	} {
		code, out, ghOut := script(t, lookup, t.TempDir(), env, map[string]string{"aws": fake})
		if code == 0 || strings.Contains(ghOut, "digest=") || !strings.Contains(out, "not the same as \"not found\"") {
			t.Errorf("%s: exit %d, output %q: an error was read as \"no image, build one\":\n%s", name, code, ghOut, out)
		}
	}
	if code, out, ghOut := script(t, lookup, t.TempDir(), env, map[string]string{"aws": aws404}); code != 0 || ghOut != "digest=\n" {
		t.Errorf("ImageNotFoundException: exit %d, output %q:\n%s", code, ghOut, out)
	}
	digest := "sha256:" + strings.Repeat("ab", 32)
	if code, _, ghOut := script(t, lookup, t.TempDir(), env, map[string]string{"aws": "echo " + digest}); code != 0 || ghOut != "digest="+digest+"\n" {
		t.Errorf("existing image: exit %d, output %q", code, ghOut)
	}
}

func TestPromotionCopiesExactlyTheVerifiedDigest(t *testing.T) {
	steps, _ := actionSteps(t)
	copyStep := run(steps["Copy the verified image into this stack's repository"])
	digest := "sha256:" + strings.Repeat("ab", 32)
	other := "sha256:" + strings.Repeat("cd", 32)
	env := map[string]string{"SOURCE": "210987654321.dkr.ecr.us-east-1.amazonaws.com/webservice-staging@" + digest,
		"DIGEST": digest, "REGISTRY": "109876543210.dkr.ecr.us-east-1.amazonaws.com", "REPOSITORY": "webservice-production",
		"IMAGE_TAG": "v1.2.3", "COMMIT": strings.Repeat("a", 40)}
	log := filepath.Join(t.TempDir(), "crane.log")
	crane := func(digestAfter string) string {
		return `echo "crane $*" >> ` + log + `; if [ "$1" = digest ]; then echo ` + digestAfter + `; fi; [ "$1" != auth ] || cat >/dev/null`
	}
	awsNotThere := `if [ "$2" = get-login-password ]; then echo pw; else ` + aws404 + `; fi`

	code, out, _ := script(t, copyStep, t.TempDir(), env, map[string]string{"aws": awsNotThere, "crane": crane(digest)})
	calls, _ := os.ReadFile(log)
	if code != 0 || !strings.Contains(string(calls), "crane copy "+env["SOURCE"]+" "+env["REGISTRY"]+"/webservice-production:v1.2.3") ||
		!strings.Contains(string(calls), "crane auth login 210987654321.dkr.ecr.us-east-1.amazonaws.com") {
		t.Fatalf("copy: exit %d, crane calls:\n%s\n%s", code, calls, out)
	}
	if code, out, _ := script(t, copyStep, t.TempDir(), env, map[string]string{"aws": awsNotThere, "crane": crane(other)}); code == 0 ||
		!strings.Contains(out, "refusing to deploy anything but the verified digest") {
		t.Errorf("a copy with another digest passed: exit %d\n%s", code, out)
	}
	// A re-published tag that names another digest here never deploys.
	_ = os.Remove(log)
	if code, out, _ := script(t, copyStep, t.TempDir(), env, map[string]string{"aws": "echo " + other, "crane": crane(digest)}); code == 0 ||
		!strings.Contains(out, "already names "+other+", not "+digest) {
		t.Errorf("tag on another digest: exit %d\n%s", code, out)
	}
	// The tag already names the digest (a re-run): nothing is copied.
	if code, _, _ := script(t, copyStep, t.TempDir(), env, map[string]string{"aws": "echo " + digest, "crane": crane(digest)}); code != 0 {
		t.Errorf("re-run of a promoted release failed: exit %d", code)
	}
	if calls, _ := os.ReadFile(log); len(calls) > 0 {
		t.Errorf("crane ran although the digest was there: %s", calls)
	}
	if code, out, _ := script(t, copyStep, t.TempDir(), env, map[string]string{
		"aws": `echo "An error occurred (AccessDeniedException)" >&2; exit 254`, "crane": crane(digest)}); code == 0 ||
		!strings.Contains(out, "not the same as \"not found\"") {
		t.Errorf("AccessDenied on the production repository: exit %d\n%s", code, out)
	}
}

// scanFake is a stand-in aws for the scan gate: each describe-image-scan-findings
// of a digest answers with the next snippet given for it (the last one
// repeats), start-image-scan succeeds, and every call is logged.
func scanFake(t *testing.T, answers map[string][]string) (fake, log string) {
	t.Helper()
	dir := t.TempDir()
	log = filepath.Join(dir, "aws.log")
	for d, snippets := range answers {
		for i, sn := range snippets {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s.%d", strings.TrimPrefix(d, "sha256:"), i+1)), []byte(sn+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, strings.TrimPrefix(d, "sha256:")+".last"), []byte(snippets[len(snippets)-1]+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fake = `echo "$*" >> ` + log + `
case "$*" in
  *start-image-scan*) echo '{}'; exit 0 ;;
  *"wait image-scan-complete"*) echo "Waiter ImageScanComplete failed: An error occurred (ScanNotFoundException): Image scan does not exist" >&2; exit 255 ;;
esac
d=$(sed -n 's/.*imageDigest=sha256:\([0-9a-f]*\).*/\1/p' <<<"$*")
n=$(grep -c "describe-image-scan-findings.*$d" ` + log + `)
f=` + dir + `/$d.$n
[ -f "$f" ] || f=` + dir + `/$d.last
. "$f"`
	return fake, log
}

func complete(critical int) string {
	return fmt.Sprintf(`echo '{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findingSeverityCounts":{"CRITICAL":%d,"HIGH":3}}}'`, critical)
}

const scanNotFound = `echo "An error occurred (ScanNotFoundException) when calling the DescribeImageScanFindings operation: Image scan does not exist for the image" >&2; exit 254`

func scanStep(t *testing.T) (map[string]any, string, string, string, map[string]string) {
	t.Helper()
	steps, _ := actionSteps(t)
	scan := steps["Check the ECR scan for critical findings"]
	amd, arm, att := "sha256:"+strings.Repeat("a1", 32), "sha256:"+strings.Repeat("b2", 32), "sha256:"+strings.Repeat("c3", 32)
	index := fmt.Sprintf(`{"manifests":[{"digest":"%s","platform":{"os":"linux","architecture":"amd64"}},`+
		`{"digest":"%s","platform":{"os":"linux","architecture":"arm64"}},`+
		`{"digest":"%s","platform":{"os":"unknown","architecture":"unknown"}}]}`, amd, arm, att)
	env := map[string]string{"IMAGE": "r/webservice-staging@sha256:" + strings.Repeat("00", 32), "DIGEST": "sha256:" + strings.Repeat("00", 32),
		"REPOSITORY": "webservice-staging", "SCAN_POLL_SECONDS": "0", "CRANE_INDEX": index}
	return scan, amd, arm, att, env
}

func runScan(t *testing.T, scan map[string]any, env map[string]string, aws string) (int, string) {
	t.Helper()
	dir := t.TempDir()
	withRelease(t, dir)
	code, out, _ := script(t, run(scan), dir, env, map[string]string{"crane": `echo "$CRANE_INDEX"`, "aws": aws})
	return code, out
}

func TestCriticalFindingsStopTheImageUnlessOverridden(t *testing.T) {
	scan, amd, arm, att, env := scanStep(t)
	if !strings.Contains(cond(scan), "inputs.mode != 'rollback'") {
		t.Errorf("scan gate runs when %q", cond(scan))
	}
	aws, log := scanFake(t, map[string][]string{amd: {complete(0)}, arm: {complete(2)}})
	code, out := runScan(t, scan, env, aws)
	if code == 0 || !strings.Contains(out, "2 CRITICAL finding(s)") || !strings.Contains(out, "ALLOW_CRITICAL_FINDINGS=true") {
		t.Fatalf("critical findings passed: exit %d\n%s", code, out)
	}
	calls, _ := os.ReadFile(log)
	if !strings.Contains(string(calls), "describe-image-scan-findings --repository-name webservice-staging --image-id imageDigest="+amd) ||
		strings.Contains(string(calls), att) {
		t.Errorf("scans: each platform image read, never the attestation:\n%s", calls)
	}
	env["ALLOW"] = "true"
	if code, out := runScan(t, scan, env, aws); code != 0 || !strings.Contains(out, "deployed anyway because ALLOW_CRITICAL_FINDINGS is true") {
		t.Fatalf("the documented override did not pass: exit %d\n%s", code, out)
	}
	denied := `echo "An error occurred (AccessDeniedException) when calling DescribeImageScanFindings" >&2; exit 254`
	aws, _ = scanFake(t, map[string][]string{amd: {denied}, arm: {denied}})
	if code, out := runScan(t, scan, env, aws); code == 0 || !strings.Contains(out, "AccessDeniedException") || !strings.Contains(out, `not the same as "no scan"`) {
		t.Fatalf("an unreadable scan passed the gate: exit %d\n%s", code, out)
	}
}

// TestAnImageWithoutAScanYetIsScannedAndWaitedFor: a repository without scan
// on push (or a scan not registered yet) answers ScanNotFoundException, which
// `aws ecr wait image-scan-complete` fails on at once.
func TestAnImageWithoutAScanYetIsScannedAndWaitedFor(t *testing.T) {
	scan, amd, arm, _, env := scanStep(t)
	inProgress := `echo '{"imageScanStatus":{"status":"IN_PROGRESS"}}'`
	aws, log := scanFake(t, map[string][]string{amd: {scanNotFound, scanNotFound, inProgress, complete(0)}, arm: {complete(0)}})
	code, out := runScan(t, scan, env, aws)
	calls, _ := os.ReadFile(log)
	if code != 0 || strings.Count(string(calls), "start-image-scan --repository-name webservice-staging --image-id imageDigest="+amd) != 1 ||
		!strings.Contains(out, amd+": 0 CRITICAL finding(s)") {
		t.Fatalf("exit %d, want one scan started and its result read:\n%s\ncalls:\n%s", code, out, calls)
	}
}

// TestEnhancedScanningIsReadOnceItHasScanned: under enhanced scanning an image
// is ACTIVE (continuously monitored), never COMPLETE.
func TestEnhancedScanningIsReadOnceItHasScanned(t *testing.T) {
	scan, amd, arm, _, env := scanStep(t)
	active := `echo '{"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{}}'`
	scanned := `echo '{"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{"imageScanCompletedAt":"2026-05-01T12:00:00Z","findingSeverityCounts":{"CRITICAL":1}}}'`
	aws, _ := scanFake(t, map[string][]string{amd: {active, scanned}, arm: {scanned}})
	if code, out := runScan(t, scan, env, aws); code == 0 || !strings.Contains(out, "2 CRITICAL finding(s) in") {
		t.Fatalf("enhanced scanning's findings were not counted: exit %d\n%s", code, out)
	}
}

func TestAnImageECRCannotScanFollowsTheDocumentedPolicy(t *testing.T) {
	scan, amd, arm, _, env := scanStep(t)
	unsupported := `echo '{"imageScanStatus":{"status":"UNSUPPORTED_IMAGE","description":"The operating system is not supported"}}'`
	aws, _ := scanFake(t, map[string][]string{amd: {unsupported}, arm: {complete(0)}})
	if code, out := runScan(t, scan, env, aws); code != 0 || !strings.Contains(out, "::warning::ECR cannot scan") ||
		!strings.Contains(out, "REQUIRE_IMAGE_SCAN=true") {
		t.Fatalf("default policy: an unscannable image deploys with a warning: exit %d\n%s", code, out)
	}
	env["REQUIRE_SCAN"] = "true"
	if code, out := runScan(t, scan, env, aws); code == 0 || !strings.Contains(out, "REQUIRE_IMAGE_SCAN is true") {
		t.Fatalf("REQUIRE_IMAGE_SCAN=true: exit %d\n%s", code, out)
	}
	steps, _ := actionSteps(t)
	if envOf(steps["Check the ECR scan for critical findings"])["REQUIRE_SCAN"] != "${{ inputs.require-image-scan }}" {
		t.Error("the policy is not the action's require-image-scan input")
	}
	for _, job := range []string{"deploy-staging", "deploy-production"} {
		var with any
		for _, s := range jobs(t, workflow(t, "deploy.yml"))[job]["steps"].([]any) {
			if at(s, "uses") == "./.github/actions/deploy" {
				with = at(s, "with.require-image-scan")
			}
		}
		if with != "${{ vars.REQUIRE_IMAGE_SCAN }}" {
			t.Errorf("%s: require-image-scan = %v, want the REQUIRE_IMAGE_SCAN variable", job, with)
		}
	}
}

func TestTheScanWaitIsBounded(t *testing.T) {
	scan, amd, arm, _, env := scanStep(t)
	env["SCAN_TIMEOUT_SECONDS"] = "0"
	pending := `echo '{"imageScanStatus":{"status":"PENDING"}}'`
	aws, _ := scanFake(t, map[string][]string{amd: {pending}, arm: {pending}})
	if code, out := runScan(t, scan, env, aws); code == 0 || !strings.Contains(out, "did not finish in 0 s") {
		t.Fatalf("a scan that never finishes: exit %d\n%s", code, out)
	}
}

// pulumiFake is a stand-in pulumi whose history names the update holding the
// stack (result and message), whose state has the given pending operations,
// and which logs every call.
func pulumiFake(log, historyResult, historyMessage, pending string) string {
	return `echo "pulumi $*" >> ` + log + `
case "$1 $2" in
  "stack history") echo '[{"version":7,"kind":"update","startTime":"2026-05-01T12:00:00Z","message":"` + historyMessage + `","result":"` + historyResult + `"}]' ;;
  "stack export") echo '{"deployment":{"pending_operations":[` + pending + `]}}' ;;
  cancel*) echo "The currently running update for 'staging' has been canceled!" ;;
esac`
}

func TestAnInterruptedRunLeavesAStackTheNextRunCanUse(t *testing.T) {
	steps, names := actionSteps(t)
	recover := steps["Make the stack usable after an interrupted run"]
	if slices.Index(names, "Make the stack usable after an interrupted run") > slices.Index(names, "Roll out (pulumi up)") {
		t.Fatal("recovery runs after the rollout")
	}
	if envOf(recover)["GH_TOKEN"] != "${{ inputs.github-token }}" {
		t.Error("the recovery cannot ask GitHub whose the lock is (GH_TOKEN)")
	}
	api := fakeGitHubAPI(t, map[string]string{
		"GET /actions/runs/41": `{"id":41,"status":"completed","conclusion":"cancelled","html_url":"https://github.com/acme/web/actions/runs/41"}`,
		"GET /actions/runs/42": `{"id":42,"status":"in_progress","html_url":"https://github.com/acme/web/actions/runs/42"}`,
	})
	env := map[string]string{"STACK": "staging", "PROGRAM_DIR": "."}
	for k, v := range api {
		env[k] = v
	}
	pending := `{"type":"updating","resource":{"urn":"urn:pulumi:staging::webservice::aws:ecs/service:Service::service"}}`
	try := func(result, message, pending string) (int, string, string) {
		dir := t.TempDir()
		withRelease(t, dir)
		log := filepath.Join(t.TempDir(), "pulumi.log")
		code, out, _ := script(t, run(recover), dir, env, map[string]string{"pulumi": pulumiFake(log, result, message, pending)})
		calls, _ := os.ReadFile(log)
		return code, out, string(calls)
	}

	// Left by a run of this repository that is over: cancelled and cleared.
	code, out, calls := try("in-progress", "deploy x (staging run 41)", pending)
	if code != 0 || !strings.Contains(out, "released its lock with pulumi cancel") ||
		!strings.Contains(out, "updating urn:pulumi:staging::webservice::aws:ecs/service:Service::service") ||
		!strings.Contains(calls, "pulumi cancel --yes --non-interactive --stack staging") ||
		!strings.Contains(calls, "pulumi refresh --yes --non-interactive --stack staging --clear-pending-creates") {
		t.Fatalf("finished run's lock: exit %d\ncalls:\n%s\nlog:\n%s", code, calls, out)
	}
	// An earlier attempt of this very run (GITHUB_RUN_ID=1): cancelled.
	if code, out, calls := try("in-progress", "deploy x (staging run 1)", ""); code != 0 || !strings.Contains(calls, "pulumi cancel") {
		t.Fatalf("this run's earlier attempt: exit %d\ncalls:\n%s\n%s", code, calls, out)
	}
	// A live update is never cancelled, nor refreshed under it: the step fails
	// with the runbook's command.
	for name, message := range map[string]string{"a run still going": "deploy x (rollback run 42)", "a person's pulumi up": "hotfix"} {
		code, out, calls := try("in-progress", message, pending)
		if code == 0 || strings.Contains(calls, "cancel") || strings.Contains(calls, "refresh") ||
			!strings.Contains(out, "::error::") || !strings.Contains(out, "pulumi cancel --stack staging --yes") {
			t.Errorf("%s: exit %d, want a refusal naming the runbook's command and no cancel:\ncalls:\n%s\nlog:\n%s", name, code, calls, out)
		}
	}
	// Nothing was left behind: nothing is cancelled or refreshed, and the log says so.
	code, out, calls = try("succeeded", "deploy x (staging run 41)", "")
	if code != 0 || strings.Contains(calls, "cancel") || strings.Contains(calls, "refresh") || !strings.Contains(out, "no pending operations") {
		t.Fatalf("clean stack: exit %d\ncalls:\n%s\nlog:\n%s", code, calls, out)
	}
}

func TestDeploysOfAStackAreSerializedAndNoRollbackIsDropped(t *testing.T) {
	// staging.yml and production.yml: their caller job in one group each
	// (TestASkippedRunNeverJoinsTheDeployGroup). A rollback in a shared group
	// could be cancelled as an older pending run: neither rollback.yml nor
	// deploy.yml puts anything in a group.
	for _, file := range []string{"rollback.yml", "deploy.yml"} {
		wf := workflow(t, file)
		if wf["concurrency"] != nil {
			t.Errorf("%s sets a workflow concurrency group", file)
		}
		for name, j := range jobs(t, wf) {
			if j["concurrency"] != nil {
				t.Errorf("%s/%s sets a concurrency group", file, name)
			}
		}
	}
	// Instead every run waits its turn, before testing anything...
	queue := run(planStep(t, "Wait for earlier deploys of this stack"))
	if queue != `bin/release queue -stack "$STACK" -workflows "$STACK.yml" -shared rollback.yml -run-id "$GITHUB_RUN_ID" -timeout 290m` {
		t.Errorf("queue step runs %q", queue)
	}
	for name, j := range jobs(t, workflow(t, "deploy.yml")) {
		if name != "plan" && !slices.Contains(toStrings(needsList(j)), "plan") {
			t.Errorf("deploy.yml/%s does not wait for plan (the queue)", name)
		}
	}
	// ... and each deploy job waits again before anything else it does: "Re-run
	// failed jobs" re-runs a deploy job without the plan job, and the re-run
	// attempt goes to the back of the line.
	for _, name := range []string{"deploy-staging", "deploy-production"} {
		stack := strings.TrimPrefix(name, "deploy-")
		var names []string
		var q map[string]any
		for _, s := range jobs(t, workflow(t, "deploy.yml"))[name]["steps"].([]any) {
			step := s.(map[string]any)
			n, _ := step["name"].(string)
			if n == "" {
				n, _ = step["uses"].(string)
			}
			names = append(names, n)
			if n == "Wait for earlier deploys of this stack" {
				q = step
			}
		}
		qi, action := slices.Index(names, "Wait for earlier deploys of this stack"), slices.Index(names, "./.github/actions/deploy")
		if q == nil || qi > action || qi > 3 {
			t.Errorf("%s steps %v: want the queue first (after checkout and the tool's build), before the deploy action", name, names)
			continue
		}
		if run(q) != `bin/release queue -stack "$STACK" -workflows "$STACK.yml" -shared rollback.yml -run-id "$GITHUB_RUN_ID" -timeout 165m` ||
			envOf(q)["STACK"] != stack || envOf(q)["GH_TOKEN"] != "${{ github.token }}" {
			t.Errorf("%s queue runs %q with %v", name, run(q), envOf(q))
		}
		if m, _ := q["timeout-minutes"].(int); m == 0 || m*60 < 165*60 {
			t.Errorf("%s: the queue step times out after %v minutes, before the queue's own 165m", name, q["timeout-minutes"])
		}
	}
	// The queue finds a rollback's stack by its run name.
	if rn, _ := workflow(t, "rollback.yml")["run-name"].(string); !strings.HasPrefix(rn, "rollback ${{ inputs.stack }} ") {
		t.Errorf("rollback run-name %q: the queue needs \"rollback <stack> ...\"", rn)
	}
	// The ancestry guard decides before anything is built or deployed.
	steps, names := actionSteps(t)
	if !strings.Contains(run(steps["Check no newer commit is on the stack"]), "bin/release guard") ||
		slices.Index(names, "Check no newer commit is on the stack") > slices.Index(names, "Build and push the image") {
		t.Error("the ancestry guard does not run before the build")
	}
	for _, s := range []string{"Look for the image of this commit", "Build and push the image"} {
		if !strings.Contains(cond(steps[s]), "steps.guard.outputs.deploy == 'true'") {
			t.Errorf("%q ignores the guard: if %q", s, cond(steps[s]))
		}
	}
}

func needsList(j map[string]any) any {
	switch n := j["needs"].(type) {
	case string:
		return []any{n}
	case nil:
		return []any{}
	default:
		return n
	}
}

var secretRef = regexp.MustCompile(`secrets\.([A-Z_]+)`)

func TestPulumiCredentialsArePerEnvironmentAndStepLevel(t *testing.T) {
	// Workflows: no job-level env holds a secret; each stack's Pulumi secrets
	// reach only its own deploy job, production's only the job in the
	// production environment; pull requests see only the preview's.
	for _, f := range workflowFiles {
		for name, j := range jobs(t, workflow(t, f)) {
			if strings.Contains(fmt.Sprint(j["env"]), "secrets.") {
				t.Errorf("%s/%s sets secrets in the job's env", f, name)
			}
			for _, m := range secretRef.FindAllStringSubmatch(fmt.Sprint(j), -1) {
				s := m[1]
				switch {
				case strings.HasPrefix(s, "PRODUCTION_") && !(f == "deploy.yml" && name == "deploy-production" && j["environment"] == "production"):
					t.Errorf("%s/%s reads %s outside the production environment's job", f, name, s)
				case strings.HasPrefix(s, "STAGING_") && !(f == "deploy.yml" && name == "deploy-staging"):
					t.Errorf("%s/%s reads %s", f, name, s)
				case f == "preview.yml" && !strings.HasPrefix(s, "PREVIEW_"):
					t.Errorf("pull requests read %s", s)
				}
			}
		}
	}
	// The action: the credentials are on exactly the steps that run pulumi.
	steps, _ := actionSteps(t)
	runsPulumi := regexp.MustCompile(`(^|[\s(|])pulumi (up|cancel|stack|refresh|preview)`)
	for name, step := range steps {
		env := envOf(step)
		has := env["PULUMI_ACCESS_TOKEN"] == "${{ inputs.pulumi-access-token }}" &&
			env["PULUMI_CONFIG_PASSPHRASE"] == "${{ inputs.pulumi-config-passphrase }}"
		if needs := runsPulumi.MatchString(run(step)); needs != has {
			t.Errorf("step %q runs pulumi: %v, has the stack's Pulumi credentials: %v", name, needs, has)
		}
	}
	b, _ := os.ReadFile(deployAction)
	if n := strings.Count(string(b), "${{ inputs.pulumi-access-token }}"); n != strings.Count(string(b), "PULUMI_ACCESS_TOKEN: ${{ inputs.pulumi-access-token }}") {
		t.Error("the Pulumi token is used outside a step's env")
	}
}

// allScripts are the run: scripts of every workflow job and of the action.
func allScripts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range workflowFiles {
		for name, j := range jobs(t, workflow(t, f)) {
			steps, _ := j["steps"].([]any)
			for i, s := range steps {
				if r := run(s.(map[string]any)); r != "" {
					out[fmt.Sprintf("%s/%s step %d", f, name, i)] = r
				}
			}
		}
	}
	steps, _ := actionSteps(t)
	for name, s := range steps {
		if r := run(s); r != "" {
			out["action/"+name] = r
		}
	}
	return out
}

func TestNoGoRunWhereAnExitStatusMatters(t *testing.T) {
	scripts := allScripts(t)
	if len(scripts) < 20 {
		t.Fatalf("found only %d scripts", len(scripts))
	}
	for where, r := range scripts {
		if regexp.MustCompile(`(^|[\s;&|(])go run `).MatchString(r) {
			t.Errorf("%s uses `go run`, which turns every failure into exit 1: build the binary", where)
		}
	}
}

func TestScriptsTakeInputsFromEnvNeverFromExpressions(t *testing.T) {
	for where, script := range allScripts(t) {
		if strings.Contains(script, "${{") {
			t.Errorf("%s expands an expression inside its script (script injection): pass it through env", where)
		}
	}
}

func TestAWSCredentialsLastAsLongAsTheJob(t *testing.T) {
	steps, _ := actionSteps(t)
	w := steps["Configure AWS credentials (OIDC)"]["with"].(map[string]any)
	if w["role-duration-seconds"] != identity.MaxSessionSeconds {
		t.Errorf("role-duration-seconds %v, want the deploy role's maximum %d", w["role-duration-seconds"], identity.MaxSessionSeconds)
	}
	// The credentials exist only inside the deploy action: its step must end
	// before they expire. The job's own timeout covers the waits before it,
	// within GitHub's 6 hours for a job.
	for _, name := range []string{"deploy-staging", "deploy-production"} {
		j := jobs(t, workflow(t, "deploy.yml"))[name]
		sum := 0
		action := 0
		for _, s := range j["steps"].([]any) {
			m, _ := at(s, "timeout-minutes").(int)
			sum += m
			if at(s, "uses") == "./.github/actions/deploy" {
				action = m
			}
		}
		if action == 0 || action*60 >= identity.MaxSessionSeconds {
			t.Errorf("%s: the deploy action's step times out after %d minutes: it must end before its %d s credentials", name, action, identity.MaxSessionSeconds)
		}
		if m, _ := j["timeout-minutes"].(int); m < sum || m > 360 {
			t.Errorf("%s times out after %v minutes: want at least its steps' %d and at most GitHub's 360", name, j["timeout-minutes"], sum)
		}
	}
	b := mustBootstrap(t, nil)
	for _, r := range []string{"deploy-staging", "deploy-production"} {
		if got := num(t, roleNamed(t, b, r).Inputs, "maxSessionDuration"); got != identity.MaxSessionSeconds {
			t.Errorf("%s maxSessionDuration %d", r, got)
		}
	}
}

func TestTheRegionIsTheStacksOwn(t *testing.T) {
	for _, f := range pipelineFiles() {
		b, _ := os.ReadFile(f)
		if strings.Contains(string(b), "AWS_REGION") {
			t.Errorf("%s reads a region variable that could disagree with the stack's aws:region", filepath.Base(f))
		}
	}
	steps, _ := actionSteps(t)
	if r := run(steps["Validate config and read the stack's settings"]); !strings.Contains(r, `bin/release setting -dir "$PROGRAM_DIR" -stack "$STACK" -key aws:region`) {
		t.Errorf("the region is not read from the stack:\n%s", r)
	}
	if got := at(steps["Configure AWS credentials (OIDC)"], "with.aws-region"); got != "${{ steps.names.outputs.region }}" {
		t.Errorf("credentials for region %v", got)
	}
	for _, s := range jobs(t, workflow(t, "preview.yml"))["preview"]["steps"].([]any) {
		if r := at(s, "with.aws-region"); r != nil && r != "${{ steps.stack.outputs.region }}" {
			t.Errorf("preview uses region %v", r)
		}
	}
}

func TestDependabotPullRequestsGetTheOfflinePlanNotACloudPreview(t *testing.T) {
	js := jobs(t, workflow(t, "preview.yml"))
	cond, _ := js["preview"]["if"].(string)
	if !strings.Contains(cond, "github.event.pull_request.user.login != 'dependabot[bot]'") || !strings.Contains(cond, "github.actor != 'dependabot[bot]'") {
		t.Errorf("cloud preview runs for Dependabot: if = %q", cond)
	}
	if _, gated := js["render"]["if"]; gated {
		t.Error("the offline plan and diff are gated")
	}
	if m := at(js["render"], "strategy.matrix.stack"); fmt.Sprint(m) != "[staging production]" {
		t.Errorf("offline plan covers %v", m)
	}
}

func TestTheImageIsBuiltForTheStacksArchitectureFromPinnedBaseImages(t *testing.T) {
	steps, _ := actionSteps(t)
	r := run(steps["Validate config and read the stack's settings"])
	if !strings.Contains(r, `bin/release platforms -dir "$PROGRAM_DIR" -stacks "$build_stacks"`) {
		t.Errorf("the platforms are not read from the stacks' cpuArchitecture:\n%s", r)
	}
	b, err := os.ReadFile(filepath.Join(projectDir, "app", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	from := regexp.MustCompile(`(?m)^FROM\s+(?:--platform=\S+\s+)?(\S+)`)
	pinned := regexp.MustCompile(`^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$`)
	stages := map[string]bool{}
	for _, m := range from.FindAllStringSubmatch(string(b), -1) {
		if stages[m[1]] {
			continue // FROM an earlier stage
		}
		if !pinned.MatchString(m[1]) {
			t.Errorf("app/Dockerfile: FROM %s is not pinned by digest", m[1])
		}
		if as := regexp.MustCompile(`(?m)^FROM\s.*\sAS\s+(\w+)`).FindAllStringSubmatch(string(b), -1); as != nil {
			for _, a := range as {
				stages[a[1]] = true
			}
		}
	}
	dep, _ := os.ReadFile(filepath.Join(githubDir, "dependabot.yml"))
	if !regexp.MustCompile(`package-ecosystem: docker\s+directory: /app`).Match(dep) {
		t.Error("Dependabot does not keep app/Dockerfile's base image digests current")
	}
}

// TestCallersGrantWhatEveryCalledJobAsks: GitHub refuses to start a run whose
// reusable workflow has a job asking more than the caller grants, even a job
// its `if` would skip.
func TestCallersGrantWhatEveryCalledJobAsks(t *testing.T) {
	rank := map[any]int{nil: 0, "none": 0, "read": 1, "write": 2}
	called := jobs(t, workflow(t, "deploy.yml"))
	for _, f := range []string{"staging.yml", "production.yml", "rollback.yml"} {
		for _, caller := range jobs(t, workflow(t, f)) {
			granted, _ := caller["permissions"].(map[string]any)
			for name, j := range called {
				asked, _ := j["permissions"].(map[string]any)
				for scope, level := range asked {
					if rank[level] > rank[granted[scope]] {
						t.Errorf("%s grants %s: %v, but deploy.yml/%s asks %v", f, scope, granted[scope], name, level)
					}
				}
			}
		}
	}
}
