package infra

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Image answers "what does the task run?". A deploy is a stack update with a new
// webservice:imageTag (and, from CI, webservice:imageDigest). An update without one
// keeps the image the stack already runs, read from its own last outputs, so an
// infrastructure-only `pulumi up` never rolls the app back.
type Image struct {
	// URI is what the task definition runs: repo:tag or repo@sha256:digest.
	URI pulumi.StringOutput
	// Tag is the human label of the release ("" only when unknown).
	Tag string
	// Kept is true when no image was configured and the previous one was kept.
	Kept bool
}

// previousImage is what the stack's last deploy recorded in its outputs.
type previousImage struct {
	URI         string
	Tag         string
	PreviousTag string // the release before it (previousImageTag)
}

// readPreviousImage reads this stack's own outputs from its last checkpoint. It
// must run before any resource is created, so a refused update creates nothing.
// A stack whose last successful update left it awaiting its first image has no
// previous image but is not new: ErrAwaitingImage says so.
func readPreviousImage(ctx *pulumi.Context) (*previousImage, error) {
	self := fmt.Sprintf("%s/%s/%s", ctx.Organization(), ctx.Project(), ctx.Stack())
	ref, err := pulumi.NewStackReference(ctx, "previous-deployment", &pulumi.StackReferenceArgs{
		Name: pulumi.String(self),
	})
	if err != nil {
		return nil, fmt.Errorf("read the outputs of stack %s: %w", self, err)
	}
	read := func(name string) (string, error) {
		res, err := internals.UnsafeAwaitOutput(ctx.Context(), ref.GetOutput(pulumi.String(name)))
		if err != nil {
			return "", fmt.Errorf("read output %q of stack %s: %w", name, self, err)
		}
		s, _ := res.Value.(string)
		return s, nil
	}
	uri, err := read(OutputImage)
	if err != nil {
		return nil, err
	}
	tag, err := read(OutputImageTag)
	if err != nil {
		return nil, err
	}
	state, err := read(OutputDeploymentState)
	if err != nil {
		return nil, err
	}
	before, err := read(OutputPreviousImageTag) // "" from a stack of contract 1.1
	if err != nil {
		return nil, err
	}
	if uri == "" && state == StateAwaitingImage {
		return nil, errAwaitingImage
	}
	if uri == "" {
		return nil, nil
	}
	return &previousImage{URI: uri, Tag: tag, PreviousTag: before}, nil
}

// resolveImage reads what the stack runs now, before any resource exists: the
// image an update without one keeps, and the release the ECR lifecycle policy
// must never expire (the circuit breaker's rollback target). nil on a stack that
// has never run an image.
func resolveImage(ctx *pulumi.Context, cfg *Config) (*previousImage, error) {
	prev, err := readPreviousImage(ctx)
	switch {
	case errors.Is(err, errAwaitingImage) && (cfg.ImageTag != "" || cfg.ImageDigest != ""):
		return nil, nil // the first deploy of an image
	case errors.Is(err, errAwaitingImage):
		// Its last successful update created only the registry. An update without
		// an image would keep it that way, and if a first deploy failed since,
		// that update would delete everything the failed deploy created.
		return nil, fmt.Errorf("%w: stack %q has its ECR repository but has never run an image, and none is given: "+
			"push one and deploy it (%s=<tag> pulumi up -s %s); an update without an image would delete whatever "+
			"a failed first deploy created", ErrNoImage, cfg.Stack, EnvImageTag, cfg.Stack)
	case err != nil:
		return nil, err
	}
	if w := savedImageWarning(cfg, prev); w != "" {
		_ = ctx.Log.Warn(w, nil)
	}
	return prev, nil
}

// awaitingImage: no image given and none ever run. The stack then creates only
// what the first push needs (the registry) and says so in deploymentState.
func awaitingImage(cfg *Config, prev *previousImage) bool {
	return cfg.ImageTag == "" && cfg.ImageDigest == "" && prev == nil
}

// savedImageWarning: `pulumi up --config webservice:imageTag=x` saves x in
// Pulumi.<stack>.yaml, so every later update deploys x again, even one meant to
// change only infrastructure. A config image that differs from the running one,
// with no WEBSERVICE_IMAGE_* variable asking for a deploy, is probably that.
func savedImageWarning(cfg *Config, prev *previousImage) string {
	if cfg.ImageFromEnvironment || prev == nil || cfg.ImageTag == "" || cfg.ImageTag == prev.Tag {
		return ""
	}
	return fmt.Sprintf("%s is %q in the stack's config while the stack runs %q, so this update deploys %q. "+
		"If an earlier `pulumi up --config` saved it in Pulumi.%s.yaml, remove it (pulumi config rm -s %s %s) "+
		"and pass images in %s instead, which is never saved", key("imageTag"), cfg.ImageTag, prev.Tag,
		cfg.ImageTag, cfg.Stack, cfg.Stack, key("imageTag"), EnvImageTag)
}

// newImage builds the Image from config, or keeps the previous image.
func newImage(cfg *Config, repositoryURL pulumi.StringOutput, prev *previousImage) *Image {
	if cfg.ImageTag == "" && cfg.ImageDigest == "" {
		return &Image{URI: pulumi.String(prev.URI).ToStringOutput(), Tag: prev.Tag, Kept: true}
	}
	tag := cfg.ImageTag
	uri := repositoryURL.ApplyT(func(repo string) string {
		if cfg.ImageDigest != "" {
			return repo + "@" + cfg.ImageDigest
		}
		return repo + ":" + tag
	}).(pulumi.StringOutput)
	if tag == "" {
		tag = cfg.ImageDigest
	}
	return &Image{URI: uri, Tag: tag}
}

// protectedTags are the image tags the lifecycle policy must never expire: the
// release this update runs, and the one before it (the circuit breaker's
// rollback target while a deploy is under way, and the release a rollback
// returns to). An update that deploys a new release names it and the running
// one; an update that keeps the image keeps the pair the last deploy named, so
// only a deploy rewrites the policy (which replaces it: the provider cannot
// update a lifecycle policy in place). A release known only by its digest has
// no tag to protect.
func protectedTags(cfg *Config, prev *previousImage) []string {
	current := cfg.ImageTag
	if current == "" && prev != nil && cfg.ImageDigest == "" {
		current = prev.Tag
	}
	var tags []string
	for _, t := range []string{previousTag(cfg, prev), current} {
		if t != "" && imageTagRe.MatchString(t) && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

// previousTag is the release before the one this update runs: the running
// one when this update deploys another, else the one the last deploy named.
func previousTag(cfg *Config, prev *previousImage) string {
	switch {
	case prev == nil:
		return ""
	case cfg.ImageTag != "" && cfg.ImageTag != prev.Tag, cfg.ImageTag == "" && cfg.ImageDigest != "":
		return prev.Tag
	}
	return prev.PreviousTag
}
