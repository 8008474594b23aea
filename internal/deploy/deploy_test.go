package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// The deploy's sequence against a stand-in pulumi CLI (its outputs in a file
// that `up` rewrites from WEBSERVICE_IMAGE_*), a scripted verify and a
// scripted ECR, in a real git clone: main A <- B, release tags v1 on A and
// v2 on B. tests/release_sequence_test.go runs the real program through it.

const repoURL = "111111111111.dkr.ecr.us-east-1.amazonaws.com/webservice-staging"

var (
	digestA = "sha256:" + strings.Repeat("a", 64)
	digestB = "sha256:" + strings.Repeat("b", 64)
)

// fakePulumi logs each call as "cwd-commit|args|tag|digest".
const fakePulumi = `#!/usr/bin/env bash
echo "$(git rev-parse HEAD 2>/dev/null)|$*|$WEBSERVICE_IMAGE_TAG|$WEBSERVICE_IMAGE_DIGEST" >> "$FAKE_LOG"
case "$1" in
  stack) cat "$FAKE_STATE" ;;
  up)
    [ -z "$FAKE_FAIL_DIGEST" ] || [ "$WEBSERVICE_IMAGE_DIGEST" != "$FAKE_FAIL_DIGEST" ] || exit 1
    [ -z "$FAKE_SLOW" ] || { sleep 10 & trap "kill $!; exit 130" INT; wait $!; } # pulumi stops on SIGINT
    if [ -z "$WEBSERVICE_IMAGE_DIGEST" ]; then
      echo '{"deploymentState":"awaiting-image","ecrRepositoryName":"webservice-staging","ecrRepositoryUrl":"'"$FAKE_REPO"'"}' > "$FAKE_STATE"
    elif [ -z "$FAKE_IGNORE_DIGEST" ] || [ "$WEBSERVICE_IMAGE_DIGEST" != "$FAKE_IGNORE_DIGEST" ]; then
      echo '{"deploymentState":"deployed","image":"'"$FAKE_REPO@$WEBSERVICE_IMAGE_DIGEST"'","imageTag":"'"$WEBSERVICE_IMAGE_TAG"'","ecrRepositoryName":"webservice-staging","ecrRepositoryUrl":"'"$FAKE_REPO"'"}' > "$FAKE_STATE"
    fi ;;
esac
`

// world is one test's stack, clone, ECR and verify.
type world struct {
	t           *testing.T
	dir, a, b   string
	state, log  string
	pulumi      string
	verifyCodes []int
	verifyDirs  []string
	out         bytes.Buffer // the log
	results     bytes.Buffer
	ecr         *fakeECR
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, dir: t.TempDir(), ecr: &fakeECR{tags: map[string]string{"v1": digestA, "v2": digestB}, manifest: "{}",
		scans: [][]ecrtypes.ImageDetail{{scanned(digestB, 0)}}}}
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", w.dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q", "-b", "main")
	git("commit", "-q", "--allow-empty", "-m", "A")
	w.a = git("rev-parse", "HEAD")
	git("tag", "v1")
	git("commit", "-q", "--allow-empty", "-m", "B")
	w.b = git("rev-parse", "HEAD")
	git("tag", "v2")
	w.ecr.tags[w.a], w.ecr.tags[w.b] = digestA, digestB
	w.pulumi = filepath.Join(t.TempDir(), "pulumi")
	if err := os.WriteFile(w.pulumi, []byte(fakePulumi), 0o755); err != nil {
		t.Fatal(err)
	}
	w.state, w.log = filepath.Join(t.TempDir(), "state.json"), filepath.Join(t.TempDir(), "pulumi.log")
	t.Setenv("FAKE_STATE", w.state)
	t.Setenv("FAKE_LOG", w.log)
	t.Setenv("FAKE_REPO", repoURL)
	t.Setenv("GITHUB_ACTIONS", "")
	t.Setenv("GITHUB_RUN_ATTEMPT", "") // a re-run of CI's own tests is attempt 2
	return w
}

// runs the stack runs tag (with digest) before the deploy.
func (w *world) runs(tag, digest string) {
	o := map[string]string{"deploymentState": "deployed", "image": repoURL + "@" + digest, "imageTag": tag,
		"ecrRepositoryName": "webservice-staging", "ecrRepositoryUrl": repoURL}
	if tag == "" {
		o = map[string]string{"deploymentState": "awaiting-image", "ecrRepositoryName": "webservice-staging", "ecrRepositoryUrl": repoURL}
	}
	b, _ := json.Marshal(o)
	if err := os.WriteFile(w.state, b, 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// deploy runs the command; it returns the exit status.
func (w *world) deploy(ctx context.Context, args ...string) int {
	o := &options{log: &w.out, out: &w.results, pulumi: w.pulumi, ecr: w.ecr, poll: time.Millisecond,
		verify: func(_ context.Context, _ []byte, args []string) int {
			w.verifyDirs = append(w.verifyDirs, args[5])
			code := 0
			if len(w.verifyCodes) > 0 {
				code, w.verifyCodes = w.verifyCodes[0], w.verifyCodes[1:]
			}
			return code
		},
		gh: func(context.Context, ...string) ([]byte, error) {
			w.t.Fatal("the deploy asked GitHub")
			return nil, nil
		},
	}
	return run(ctx, o, append(args, "-dir", w.dir, "-git", w.dir))
}

// ups are the `pulumi up` calls: "commit|tag|digest" each.
func (w *world) ups() []string {
	b, _ := os.ReadFile(w.log)
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if f := strings.Split(l, "|"); len(f) == 4 && strings.HasPrefix(f[1], "up ") {
			out = append(out, f[0]+"|"+f[2]+"|"+f[3])
		}
	}
	return out
}

func (w *world) outputs() map[string]any {
	b, _ := os.ReadFile(w.state)
	var o map[string]any
	_ = json.Unmarshal(b, &o)
	return o
}

func TestAVerifiedDeployKeepsTheNewRelease(t *testing.T) {
	w := newWorld(t)
	w.runs("v1", digestA)
	if code := w.deploy(context.Background(), "-stack", "staging", "-tag", "v2"); code != 0 {
		t.Fatalf("exit %d:\n%s", code, w.out.String())
	}
	if ups := w.ups(); len(ups) != 1 || ups[0] != w.b+"|v2|"+digestB {
		t.Errorf("ups %v: want one, of v2 by digest", ups)
	}
	if w.outputs()["image"] != repoURL+"@"+digestB || !strings.Contains(w.out.String(), "runs v2") {
		t.Errorf("outputs %v\n%s", w.outputs(), w.out.String())
	}
}

// TestARolledBackDeployRestoresTheLiveReleaseWithItsOwnProgram: pulumi up
// exits 0 after ECS rolled back; verify says so; the release that was live
// goes back with its own program and config (a checkout of its tag), is
// verified, the outputs name it again, and the deploy fails.
func TestARolledBackDeployRestoresTheLiveReleaseWithItsOwnProgram(t *testing.T) {
	for _, c := range []struct{ name, failDigest, ignoreDigest string }{
		{"verify: rolled back", "", ""},
		{"pulumi up failed", digestB, ""},
		{"the program did not take the digest", "", digestB},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.runs("v1", digestA)
			t.Setenv("FAKE_FAIL_DIGEST", c.failDigest)
			t.Setenv("FAKE_IGNORE_DIGEST", c.ignoreDigest)
			if c.failDigest == "" && c.ignoreDigest == "" {
				w.verifyCodes = []int{1, 0}
			}
			if code := w.deploy(context.Background(), "-stack", "staging", "-tag", "v2"); code != 1 {
				t.Fatalf("exit %d, want 1:\n%s", code, w.out.String())
			}
			ups := w.ups()
			if len(ups) != 2 || ups[1] != w.a+"|v1|"+digestA {
				t.Fatalf("ups %v: want v2, then v1 by digest from v1's own checkout (%s)", ups, w.a)
			}
			if last := w.verifyDirs[len(w.verifyDirs)-1]; last == w.dir {
				t.Errorf("the restored release was verified against this deploy's program %s", last)
			}
			if w.outputs()["image"] != repoURL+"@"+digestA || w.outputs()["imageTag"] != "v1" {
				t.Errorf("after the restore the outputs name %v", w.outputs())
			}
			if out := w.out.String(); !strings.Contains(out, "v2 did not go live") || !strings.Contains(out, "v1 serves again") {
				t.Errorf("the failure does not say what happened:\n%s", out)
			}
		})
	}
}

func TestTheFirstReleaseHasNothingToRestore(t *testing.T) {
	w := newWorld(t)
	w.runs("", "")
	w.verifyCodes = []int{4}
	if code := w.deploy(context.Background(), "-stack", "staging", "-tag", "v2"); code != 1 ||
		!strings.Contains(w.out.String(), "nothing to restore") || len(w.ups()) != 1 {
		t.Fatalf("exit %d, ups %v:\n%s", code, w.ups(), w.out.String())
	}
}

// TestFirstDeploymentCreatesTheRegistryOnly: a stack that never completed an
// update gets a plain up (no image), then says the image must be pushed.
func TestFirstDeploymentCreatesTheRegistryOnly(t *testing.T) {
	w := newWorld(t)
	if err := os.WriteFile(w.state, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	delete(w.ecr.tags, w.b)
	if code := w.deploy(context.Background(), "first", "-stack", "staging", "-tag", w.b); code != 0 {
		t.Fatalf("exit %d:\n%s", code, w.out.String())
	}
	if ups := w.ups(); len(ups) != 1 || ups[0] != w.b+"||" {
		t.Errorf("ups %v: want one without an image", ups)
	}
	if r := w.results.String(); r != "repository="+repoURL+"\npush=true\ndeploy=true\n" {
		t.Errorf("results %q", r)
	}
	// Again, the image pushed: nothing to create, nothing to push.
	w.ecr.tags[w.b] = digestB
	w.results.Reset()
	if code := w.deploy(context.Background(), "first", "-stack", "staging", "-tag", w.b); code != 0 || len(w.ups()) != 1 {
		t.Fatalf("exit %d, ups %v", code, w.ups())
	}
	if r := w.results.String(); r != "repository="+repoURL+"\npush=false\ndeploy=true\n" {
		t.Errorf("results %q", r)
	}
}

// TestTheOrderRule: an older release never replaces a newer one: staging
// skips it (the re-run of an old run), production fails naming the rollback;
// a rollback goes ahead; a live release this clone does not know is not
// ordered against.
func TestTheOrderRule(t *testing.T) {
	for _, c := range []struct {
		name, live, tag string
		flags           []string
		code, ups       int
		says            string
	}{
		{"staging: an older commit is skipped", "v2", "v1", []string{"-skip-older"}, 0, 0, "not deploying: staging runs v2"},
		{"production: an older release fails", "v2", "v1", nil, 1, 0, "an older release never replaces a newer one; to return to it on purpose, run the rollback"},
		{"a rollback goes back on purpose", "v2", "v1", []string{"-rollback"}, 0, 1, "runs v1"},
		{"a newer release goes ahead", "v1", "v2", nil, 0, 1, "runs v2"},
		{"a live release the clone does not know", "hand-pushed", "v1", nil, 0, 1, "which " + "DIR" + " does not know"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.runs(c.live, digestB)
			code := w.deploy(context.Background(), append([]string{"-stack", "staging", "-tag", c.tag}, c.flags...)...)
			if code != c.code || len(w.ups()) != c.ups || !strings.Contains(w.out.String(), strings.ReplaceAll(c.says, "DIR", w.dir)) {
				t.Fatalf("exit %d, %d up(s), want %d, %d saying %q:\n%s", code, len(w.ups()), c.code, c.ups, c.says, w.out.String())
			}
		})
	}
}

func TestFlagsThatCanNeverWorkAreRefusedFirst(t *testing.T) {
	for args, says := range map[string]string{
		"-tag v1":                                  "-stack: want the stack's name",
		"-stack staging -tag v1.2.3+5":             "no semver build metadata",
		"-stack staging":                           `-tag "": want an image tag`,
		"staged -commit abc":                       "full 40-character SHA",
		"-stack production -tag v1 -from r:latest": "want the verified image by digest",
		"-stack production -tag v1 -rollback -from r@sha256:" + strings.Repeat("a", 64): "no -rollback",
		"promote -stack staging": `unknown command "promote"`,
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), &options{log: &stderr}, strings.Fields(args)); code != 2 || !strings.Contains(stderr.String(), says) {
			t.Errorf("deploy %s: exit %d, want 2 saying %q: %s", args, code, says, stderr.String())
		}
	}
}

// TestAnInterruptedUpCancelsItsUpdate: a cancelled job (or its timeout)
// signals the deploy, which cancels the update before the runner's kill, so
// its lock does not outlive the run; nothing is restored over it.
func TestAnInterruptedUpCancelsItsUpdate(t *testing.T) {
	w := newWorld(t)
	w.runs("v1", digestA)
	t.Setenv("FAKE_SLOW", "1")
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	code := w.deploy(ctx, "-stack", "staging", "-tag", "v2")
	log, _ := os.ReadFile(w.log)
	if code != 1 || !strings.Contains(string(log), "|cancel --yes --non-interactive --stack staging|") || time.Since(start) > 20*time.Second ||
		!strings.Contains(w.out.String(), "interrupted") || len(w.ups()) != 1 {
		t.Fatalf("exit %d after %s, calls:\n%s\n%s", code, time.Since(start), log, w.out.String())
	}
}

func TestSettingsAreTheStackFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"Pulumi.yaml": "name: web\n", "Pulumi.staging.yaml": "config:\n  aws:region: eu-west-1\n",
		"Pulumi.production.yaml": "config:\n  web:cpu: 256\n"}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, log bytes.Buffer
	if code := run(context.Background(), &options{out: &out, log: &log}, []string{"settings", "-stack", "staging", "-dir", dir}); code != 0 ||
		out.String() != "region=eu-west-1\n" {
		t.Errorf("exit %d:\n%s%s", code, out.String(), log.String())
	}
	out.Reset()
	if code := run(context.Background(), &options{out: &out, log: &log}, []string{"settings", "-stack", "production", "-dir", dir}); code != 1 ||
		out.Len() != 0 || !strings.Contains(log.String(), "stack production sets no aws:region (Pulumi.production.yaml)") {
		t.Errorf("no region: exit %d:\n%s", code, log.String())
	}
}

func TestTheEnvironmentURLNamesTheImage(t *testing.T) {
	image := repoURL + "@" + digestA
	url := consoleURL(image)
	if got, ok := imageOf(url); !ok || got != image || !strings.HasPrefix(url, "https://us-east-1.console.aws.amazon.com/ecr/") {
		t.Errorf("consoleURL %q names %q", url, got)
	}
	if _, ok := imageOf("https://example.com/"); ok {
		t.Error("any URL names an image")
	}
}

// scanned is an image ECR scanned, with its CRITICAL findings.
func scanned(digest string, critical int32) ecrtypes.ImageDetail {
	return ecrtypes.ImageDetail{ImageDigest: aws.String(digest), ImageScanStatus: &ecrtypes.ImageScanStatus{Status: "COMPLETE"},
		ImageScanFindingsSummary: &ecrtypes.ImageScanFindingsSummary{ImageScanCompletedAt: aws.Time(time.Now()),
			FindingSeverityCounts: map[string]int32{"CRITICAL": critical}}}
}

// TestEveryDeployButARollbackPassesTheScanGate: CRITICAL findings stop a
// deploy before its up; a rollback returns to an image that already ran.
func TestEveryDeployButARollbackPassesTheScanGate(t *testing.T) {
	for _, c := range []struct {
		flags     []string
		code, ups int
	}{{nil, 1, 0}, {[]string{"-allow-critical"}, 0, 1}, {[]string{"-rollback"}, 0, 1}} {
		w := newWorld(t)
		w.runs("v1", digestA)
		w.ecr.scans = [][]ecrtypes.ImageDetail{{scanned(digestB, 3)}}
		if code := w.deploy(context.Background(), append([]string{"-stack", "staging", "-tag", "v2"}, c.flags...)...); code != c.code || len(w.ups()) != c.ups {
			t.Errorf("%v: exit %d, %d up(s), want %d, %d:\n%s", c.flags, code, len(w.ups()), c.code, c.ups, w.out.String())
		}
		if c.code == 1 && !strings.Contains(w.out.String(), "3 CRITICAL finding(s)") {
			t.Errorf("the gate does not say why:\n%s", w.out.String())
		}
	}
}

// fakeECR answers DescribeImages by tag, or by digest with the next of its
// scan snapshots (the last repeats), and BatchGetImage with its manifest.
type fakeECR struct {
	tags     map[string]string
	manifest string
	scans    [][]ecrtypes.ImageDetail
	err      error
	scanned  []string // the digests whose scans were asked for
}

func (f *fakeECR) DescribeImages(_ context.Context, in *ecr.DescribeImagesInput, _ ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error) {
	if f.err != nil {
		return nil, f.err
	}
	if in.ImageIds[0].ImageTag == nil {
		f.scanned = nil
		for _, id := range in.ImageIds {
			f.scanned = append(f.scanned, aws.ToString(id.ImageDigest))
		}
		snap := f.scans[0]
		if len(f.scans) > 1 {
			f.scans = f.scans[1:]
		}
		return &ecr.DescribeImagesOutput{ImageDetails: snap}, nil
	}
	d, ok := f.tags[aws.ToString(in.ImageIds[0].ImageTag)]
	if !ok {
		return nil, &ecrtypes.ImageNotFoundException{Message: aws.String("not found")}
	}
	return &ecr.DescribeImagesOutput{ImageDetails: []ecrtypes.ImageDetail{{ImageDigest: aws.String(d)}}}, nil
}

func (f *fakeECR) BatchGetImage(_ context.Context, in *ecr.BatchGetImageInput, _ ...func(*ecr.Options)) (*ecr.BatchGetImageOutput, error) {
	return &ecr.BatchGetImageOutput{Images: []ecrtypes.Image{{ImageManifest: aws.String(f.manifest)}}}, nil
}

// A rollback may aim only at a release tag or a commit of main (checked by
// the settings step, before the stack's credentials), and an old rollback
// run re-run would undo what came after it: both refused before any call.
func TestARollbackReturnsOnlyToReviewedCodeAndIsNeverReRun(t *testing.T) {
	for _, c := range []struct {
		name, sub, tag, attempt string
		code                    int
		says                    string
	}{
		{"a release tag", "", "v1", "1", 0, "runs v1"},
		{"a commit of main", "", "A", "", 0, "runs A"},
		{"a commit of another branch", "", "side", "1", 1, "is no commit of origin/main: a rollback returns only to what main ran"},
		{"checked by settings, before the credentials", "settings", "side", "1", 1, "is no commit of origin/main"},
		{"a tag no release made", "", "v0", "1", 1, "-tag v0: a rollback returns to a release tag (v*"},
		{"a tag outside the ruleset's v*", "", "side-tag", "1", 1, "-tag side-tag: a rollback returns to a release tag (v*"},
		{"a clone without origin/main", "", "A", "1", 1, "has no origin/main to find"},
		{"a re-run", "", "v1", "2", 1, "a re-run of a rollback run would return the stack to that release"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.runs("v2", digestB)
			git := func(args ...string) string {
				out, err := exec.Command("git", append([]string{"-C", w.dir, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...).Output()
				if err != nil {
					t.Fatalf("git %v: %v", args, err)
				}
				return strings.TrimSpace(string(out))
			}
			if c.name != "a clone without origin/main" {
				git("update-ref", "refs/remotes/origin/main", "main")
			}
			git("checkout", "-q", "-b", "side", w.a)
			git("commit", "-q", "--allow-empty", "-m", "S")
			git("tag", "side-tag")
			side := git("rev-parse", "HEAD")
			tag := map[string]string{"A": w.a, "side": side}[c.tag]
			if tag == "" {
				tag = c.tag
			}
			w.ecr.tags[tag] = digestA
			t.Setenv("GITHUB_RUN_ATTEMPT", c.attempt)
			args := []string{"-stack", "staging", "-tag", tag, "-rollback"}
			if c.sub != "" {
				args = append([]string{c.sub}, args...)
			}
			code := w.deploy(context.Background(), args...)
			says := strings.ReplaceAll(c.says, "runs A", "runs "+w.a)
			if code != c.code || !strings.Contains(w.out.String(), says) || c.code != 0 && len(w.ups()) != 0 {
				t.Fatalf("exit %d, %d up(s), want %d saying %q:\n%s", code, len(w.ups()), c.code, says, w.out.String())
			}
		})
	}
}

// An annotation's text is one workflow command: GitHub reads %, CR and LF in
// it as escapes, so a message with "100%" or two lines must be encoded.
func TestAnnotationsEscapeWhatGitHubReadsAsCommands(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "true")
	var log bytes.Buffer
	(&options{log: &log}).say("error", "scan at 100%%\r\nsee %s", "the log")
	if got, want := log.String(), "::error::scan at 100%25%0D%0Asee the log\n"; got != want {
		t.Errorf("annotation %q, want %q", got, want)
	}
}
