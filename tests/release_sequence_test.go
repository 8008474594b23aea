package tests

import (
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
)

// The failed-deploy sequence under the recording engine with the real
// program: a good release, a bad one that ECS rolls back (pulumi up exits 0,
// verify fails), bin/deploy's restore (an `up` of the release the outputs
// named before, by WEBSERVICE_IMAGE_TAG and WEBSERVICE_IMAGE_DIGEST), then an
// infrastructure-only update. Only an `up` rewrites stack outputs (a refresh
// does not: issue 14), so the restore must be an `up` of the release that was
// live, or the outputs other teams read and the next infra-only update would
// name the broken release. internal/deploy tests the command's sequence.

type rel struct{ tag, digest string }

func (r rel) image(repo string) string { return repo + "@" + r.digest }

// upWith runs `pulumi up` of staging as the deploy action does: the release in
// WEBSERVICE_IMAGE_TAG/WEBSERVICE_IMAGE_DIGEST (and, for a program that still
// reads only config, the same values as config), over the stack's last outputs.
// A zero rel is an update that names no image.
func upWith(t *testing.T, r rel, previous map[string]any) *offline.Result {
	t.Helper()
	t.Setenv("WEBSERVICE_IMAGE_TAG", r.tag)
	t.Setenv("WEBSERVICE_IMAGE_DIGEST", r.digest)
	ov := map[string]string{}
	if r.tag != "" {
		ov["imageTag"], ov["imageDigest"] = r.tag, r.digest
	}
	res, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging", Overrides: withSite("staging", ov), Previous: previous})
	if err != nil {
		t.Fatalf("pulumi up %+v: %v", r, err)
	}
	return res
}

// taskDefinitionImage is the image of the task definition an output names.
func taskDefinitionImage(t *testing.T, r *offline.Result) string {
	t.Helper()
	arn := r.Outputs[infra.OutputTaskDefinitionArn]
	for _, td := range r.OfType("aws:ecs/taskDefinition:TaskDefinition") {
		if td.Outputs["arn"] == arn || td.ID == arn {
			return containerDef(t, r)["image"].(string)
		}
	}
	t.Fatalf("taskDefinitionArn %v names no task definition of the run", arn)
	return ""
}

func TestFailedDeployLeavesTheStackDescribingTheLiveRelease(t *testing.T) {
	good := rel{strings.Repeat("a1", 20), "sha256:" + strings.Repeat("11", 32)}
	bad := rel{strings.Repeat("b2", 20), "sha256:" + strings.Repeat("22", 32)}

	// 1. A good release, verified.
	first := upWith(t, good, nil)
	repo := first.Outputs[infra.OutputECRRepositoryURL].(string)
	beforeBad := first.Outputs // bin/deploy reads them before the next deploy

	// 2. A bad release: ECS rolls it back, pulumi up exits 0, verify fails.
	second := upWith(t, bad, first.Outputs)
	if second.Outputs[infra.OutputImage] != bad.image(repo) {
		t.Fatalf("setup: the bad deploy's outputs name %v", second.Outputs[infra.OutputImage])
	}

	// 3. The restore: an up of the release the outputs named before.
	_, digest, _ := strings.Cut(beforeBad[infra.OutputImage].(string), "@")
	live := rel{beforeBad[infra.OutputImageTag].(string), digest}
	third := upWith(t, live, second.Outputs)
	for name, want := range map[string]string{
		infra.OutputImage:    good.image(repo),
		infra.OutputImageTag: good.tag,
	} {
		if got := third.Outputs[name]; got != want {
			t.Errorf("after the restore output %s = %v, want the live release %s", name, got, want)
		}
	}
	if got := taskDefinitionImage(t, third); got != good.image(repo) {
		t.Errorf("after the restore taskDefinitionArn names a revision running %s, want the live release %s", got, good.image(repo))
	}

	// 4. An infrastructure-only update keeps the live release.
	fourth := upWith(t, rel{}, third.Outputs)
	if got := containerDef(t, fourth)["image"]; got != good.image(repo) {
		t.Errorf("the infra-only update after the failed deploy runs %v, want the live release %s, never the broken one", got, good.image(repo))
	}
	if got := fourth.Outputs[infra.OutputImageTag]; got != good.tag {
		t.Errorf("the infra-only update exports imageTag %v, want %s", got, good.tag)
	}

	// Control: the check above can fail. From the outputs the failed deploy
	// left (all a refresh leaves), the infra-only update rolls the broken
	// release out again.
	unreconciled := upWith(t, rel{}, second.Outputs)
	if got := containerDef(t, unreconciled)["image"]; got != bad.image(repo) {
		t.Fatalf("control: without the reconcile the infra-only update runs %v; this test could not tell", got)
	}
}
