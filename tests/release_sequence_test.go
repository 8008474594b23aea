package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/release"
)

// The failed-deploy sequence, under the recording engine with the real program
// and the deploy action's own reconcile rule (internal/release, which the
// action runs as bin/release reconcile): a good release, a bad one that ECS
// rolls back (pulumi up exits 0, verify fails), the reconcile, then an
// infrastructure-only update. Only an `up` rewrites stack outputs (a refresh
// does not: issue 14), so the reconcile must be an `up` of the release that was
// live before, or the outputs other teams read and the next infra-only update
// would name the broken release.

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
	res, err := offline.Run(offline.Options{Dir: projectDir, Stack: "staging", Overrides: ov, Previous: previous})
	if err != nil {
		t.Fatalf("pulumi up %+v: %v", r, err)
	}
	return res
}

// applyReconcile does what the action does with the decision: an `up` with the
// release to restore, or nothing (the outputs stay as the failed deploy left
// them, which is also all a refresh would leave).
func applyReconcile(t *testing.T, d release.Decision, after *offline.Result) *offline.Result {
	t.Helper()
	if d.Action != release.Restore {
		return after
	}
	return upWith(t, rel{d.Restore.Tag, d.Restore.Digest}, after.Outputs)
}

// outputsJSON is what `pulumi stack output --json` prints for a result.
func outputsJSON(t *testing.T, r *offline.Result) release.Outputs {
	t.Helper()
	b, err := json.Marshal(r.Outputs)
	if err != nil {
		t.Fatal(err)
	}
	o, err := release.ParseOutputs(b)
	if err != nil {
		t.Fatal(err)
	}
	return o
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
	beforeBad := outputsJSON(t, first) // the action captures this before the next deploy

	// 2. A bad release: ECS rolls it back, pulumi up exits 0, verify fails.
	second := upWith(t, bad, first.Outputs)
	if second.Outputs[infra.OutputImage] != bad.image(repo) {
		t.Fatalf("setup: the bad deploy's outputs name %v", second.Outputs[infra.OutputImage])
	}
	d, err := release.Decide(beforeBad, release.Success, release.Failure)
	if err != nil {
		t.Fatal(err)
	}

	// 3. The reconcile.
	third := applyReconcile(t, d, second)
	for name, want := range map[string]string{
		infra.OutputImage:    good.image(repo),
		infra.OutputImageTag: good.tag,
	} {
		if got := third.Outputs[name]; got != want {
			t.Errorf("after the reconcile (%s: %s) output %s = %v, want the live release %s", d.Action, d.Reason, name, got, want)
		}
	}
	if got := taskDefinitionImage(t, third); got != good.image(repo) {
		t.Errorf("after the reconcile taskDefinitionArn names a revision running %s, want the live release %s", got, good.image(repo))
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

func TestReconcileDecision(t *testing.T) {
	live := release.Outputs{"image": "r@sha256:" + strings.Repeat("11", 32), "imageTag": "v1", "deploymentState": "deployed"}
	cases := []struct {
		name       string
		before     release.Outputs
		up, verify string
		action     string
		tag        string
	}{
		{"verified rollout keeps the new release", live, "success", "success", release.Keep, ""},
		{"rolled back by ECS: pulumi up 0, verify fails", live, "success", "failure", release.Restore, "v1"},
		{"pulumi up failed (timeout, error)", live, "failure", "failure", release.Restore, "v1"},
		{"verify cancelled mid-way", live, "success", "cancelled", release.Restore, "v1"},
		{"first release failed: nothing ran before", release.Outputs{}, "success", "failure", release.NothingToRestore, ""},
		{"stack awaiting its first image", release.Outputs{"image": "", "deploymentState": "awaiting-image"}, "failure", "skipped", release.NothingToRestore, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := release.Decide(c.before, c.up, c.verify)
			if err != nil {
				t.Fatal(err)
			}
			if d.Action != c.action || d.Restore.Tag != c.tag {
				t.Fatalf("Decide = %+v, want %s %s", d, c.action, c.tag)
			}
			if d.Action == release.Restore && d.Restore.Digest != "sha256:"+strings.Repeat("11", 32) {
				t.Fatalf("restore digest = %q: the live release must come back by content", d.Restore.Digest)
			}
		})
	}
	if _, err := release.Decide(live, "succeeded", "success"); err == nil || !strings.Contains(err.Error(), "-up") {
		t.Fatalf("an unknown outcome must be refused naming the flag, got %v", err)
	}
}

// TestTheReconcileRunsTheRestoredReleasesOwnProgram: the reconcile `up` of the
// release that was live uses that release's program and stack config, checked
// out from its ref (a commit SHA on staging, a release tag on production),
// not the failed deploy's, whose infrastructure or config may be what failed.
func TestTheReconcileRunsTheRestoredReleasesOwnProgram(t *testing.T) {
	dir, a, b := gitRepo(t) // main A <- B, release tag v1 on A
	digest := "sha256:" + strings.Repeat("11", 32)
	for _, c := range []struct {
		name, tag, ref, note string
	}{
		{"staging: the commit it ran", a, a, ""},
		{"production: the release tag it ran", "v1", a, ""},
		{"a commit a rewrite removed", strings.Repeat("c", 40), "", "this clone does not have"},
		{"a label that is no ref", "hand-pushed", "", "no such tag"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := release.Outputs{"image": "r@" + digest, "imageTag": c.tag, "deploymentState": "deployed"}
			d, err := release.Decide(before, release.Success, release.Failure)
			if err != nil || d.Action != release.Restore {
				t.Fatalf("Decide = %+v, %v", d, err)
			}
			ref, note := release.RestoreRef(dir, d.Restore.Tag)
			if ref != c.ref || !strings.Contains(note, c.note) {
				t.Fatalf("RestoreRef(%q) = %q, %q; want %q saying %q", d.Restore.Tag, ref, note, c.ref, c.note)
			}
		})
	}

	steps, names := actionSteps(t)
	if r := run(steps["Decide how to reconcile"]); !strings.Contains(r, "bin/release reconcile") || !strings.Contains(r, "-git .") {
		t.Errorf("the decision does not resolve the release's ref: %s", r)
	}
	checkout := steps["Check out the release to restore"]
	reconcile := steps["Reconcile the stack with what runs"]
	if slices.Index(names, "Check out the release to restore") > slices.Index(names, "Reconcile the stack with what runs") ||
		cond(checkout) != cond(reconcile) || envOf(reconcile)["PROGRAM_DIR"] != "${{ steps.restore.outputs.dir }}" ||
		envOf(checkout)["REF"] != "${{ steps.decide.outputs.ref }}" {
		t.Fatalf("the reconcile does not run from the checked-out release: checkout %v, reconcile env %v", checkout, envOf(reconcile))
	}
	// The step itself, in the workspace clone: B's deploy failed, A comes back
	// with A's files.
	if err := os.WriteFile(filepath.Join(dir, "marker"), []byte("B"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, ghOut := script(t, run(checkout), dir, map[string]string{"REF": a, "TAG": "v1", "PROGRAM_DIR": "release"}, nil)
	restored := strings.TrimSpace(strings.TrimPrefix(ghOut, "dir="))
	if code != 0 || restored == "release" || restored == "" {
		t.Fatalf("exit %d, output %q:\n%s", code, ghOut, out)
	}
	head, err := exec.Command("git", "-C", restored, "rev-parse", "HEAD").Output()
	if err != nil || strings.TrimSpace(string(head)) != a {
		t.Fatalf("the restore directory is at %s (%v), want %s", head, err, a)
	}
	// No ref: this deploy's program, with a warning.
	code, out, ghOut = script(t, run(checkout), dir, map[string]string{"REF": "", "NOTE": "the release that was live is labelled \"x\", and this repository has no such tag",
		"TAG": "x", "PROGRAM_DIR": "release"}, nil)
	if code != 0 || ghOut != "dir=release\n" || !strings.Contains(out, "::warning::the release that was live is labelled") {
		t.Fatalf("fallback: exit %d, output %q:\n%s", code, ghOut, out)
	}
	_ = b
}
