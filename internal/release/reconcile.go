package release

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Outputs is a stack's outputs as `pulumi stack output --json` prints them.
type Outputs map[string]any

// ParseOutputs reads `pulumi stack output --json`; empty input (a stack that
// has never completed an update) is no outputs.
func ParseOutputs(b []byte) (Outputs, error) {
	if strings.TrimSpace(string(b)) == "" {
		return Outputs{}, nil
	}
	var o Outputs
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, fmt.Errorf("stack outputs are not the JSON of `pulumi stack output --json`: %w", err)
	}
	if o == nil {
		o = Outputs{}
	}
	return o, nil
}

func (o Outputs) str(name string) string {
	s, _ := o[name].(string)
	return s
}

// Deployment states the program exports as deploymentState.
const (
	StateAwaitingImage = "awaiting-image"
	StateDeployed      = "deployed"
)

// DeploymentState is the stack's deploymentState output; "" when the stack has
// never completed an update or predates the output.
func (o Outputs) DeploymentState() string { return o.str("deploymentState") }

// NeedsFirstDeploy reports whether the stack has never completed an update, so
// its repository must be created (a plain `pulumi up` without an image) before
// the first image can be pushed. A stack awaiting its first image already has
// its repository: it goes straight to the push and the deploy (the program
// refuses an imageless update there, since after a failed first deploy it would
// delete what that deploy created).
func (o Outputs) NeedsFirstDeploy() bool {
	return o.DeploymentState() == "" && o.str("image") == ""
}

// Release is an image a stack runs, as the program takes it: the tag is the
// release label, the digest (when known) pins the content.
type Release struct {
	Image  string // repo:tag or repo@sha256:...
	Tag    string
	Digest string
}

// Running is the release the outputs say the stack runs; ok is false when the
// stack runs none (never deployed, or awaiting its first image).
func (o Outputs) Running() (Release, bool) {
	img := o.str("image")
	if img == "" || o.DeploymentState() == StateAwaitingImage {
		return Release{}, false
	}
	r := Release{Image: img, Tag: o.str("imageTag")}
	if _, d, ok := strings.Cut(img, "@"); ok {
		r.Digest = d
	}
	if r.Tag == r.Digest {
		// A release known only by its digest exports the digest as its label.
		r.Tag = ""
	}
	return r, true
}

// Env is how the deploy action hands a release to the program: environment
// variables, never `--config`, which `pulumi up` would save into the stack file.
func (r Release) Env() []string {
	return []string{"WEBSERVICE_IMAGE_TAG=" + r.Tag, "WEBSERVICE_IMAGE_DIGEST=" + r.Digest}
}

// Pins reports whether the outputs name exactly this image digest.
func (o Outputs) Pins(digest string) bool {
	return digest != "" && strings.HasSuffix(o.str("image"), "@"+digest)
}

// Step outcomes as GitHub Actions reports them (steps.<id>.outcome).
const (
	Success   = "success"
	Failure   = "failure"
	Cancelled = "cancelled"
	Skipped   = "skipped"
)

// Reconcile actions.
const (
	// Keep: the new release is live and verified; the stack already says so.
	Keep = "keep"
	// Restore: run `pulumi up` with the release that was live before the
	// deploy, so the stack's state and its outputs (image, imageTag,
	// taskDefinitionArn) name what runs again, and an infrastructure-only update
	// keeps that release. A refresh cannot do this: it never rewrites outputs.
	Restore = "restore"
	// NothingToRestore: the failed deploy was the stack's first release.
	NothingToRestore = "nothing-to-restore"
)

// Decision is what the deploy action does after the rollout and its check.
type Decision struct {
	Action string
	// Restore is the release to deploy again (Action == Restore).
	Restore Release
	// Reason says why, for the log.
	Reason string
}

// Decide is the reconcile rule. before is the stack's outputs captured before
// the deploy; up and verify are the outcomes of the `pulumi up` and verify
// steps. Anything but a verified rollout goes back to the release that ran
// before: ECS has already rolled back (circuit breaker or alarms) or the new
// release is unproven, and only an `up` makes the stack describe the release
// that serves.
func Decide(before Outputs, up, verify string) (Decision, error) {
	for _, o := range []struct{ name, v string }{{"-up", up}, {"-verify", verify}} {
		switch o.v {
		case Success, Failure, Cancelled, Skipped:
		default:
			return Decision{}, fmt.Errorf("%s: got %q, want a step outcome: success, failure, cancelled or skipped", o.name, o.v)
		}
	}
	if up == Success && verify == Success {
		return Decision{Action: Keep, Reason: "the new release is live and verified"}, nil
	}
	why := "pulumi up " + up
	if up == Success {
		why = "verify " + verify + " (the new release is not the one serving, or is unhealthy)"
	}
	prev, ok := before.Running()
	if !ok {
		return Decision{Action: NothingToRestore, Reason: why + "; the stack ran no release before this deploy, " +
			"so there is nothing to go back to: the next verified deploy sets it right"}, nil
	}
	return Decision{Action: Restore, Restore: prev, Reason: why + "; redeploying the release that was live before: " + prev.Image}, nil
}
