package deploy

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// AWSCalls are the IAM actions the deploy makes on the stack's repository
// besides pulumi up and verify (ecrAPI, the registry login, and a promotion's
// push), PromotionReads those on the repository it promotes from:
// tests/deploy_aws_calls_test.go evaluates the deploy roles against them.
var (
	AWSCalls = []string{"ecr:GetAuthorizationToken", "ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
		"ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"}
	PromotionReads = []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
)

// ecrAPI is the part of ECR's API the deploy calls.
type ecrAPI interface {
	DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
	BatchGetImage(context.Context, *ecr.BatchGetImageInput, ...func(*ecr.Options)) (*ecr.BatchGetImageOutput, error)
}

func (o *options) client(ctx context.Context) (ecrAPI, error) {
	if o.ecr == nil {
		cfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, err
		}
		o.ecr = ecr.NewFromConfig(cfg)
	}
	return o.ecr, nil
}

// digest is what -tag names in the stack's repository, "" when nothing. Tags
// are immutable: the image a push of the commit built, or a promotion copied.
// Only ECR's ImageNotFoundException means "not there": AccessDenied or
// throttling are errors.
func (o *options) digest(ctx context.Context, repo string) (string, error) {
	c, err := o.client(ctx)
	if err != nil {
		return "", err
	}
	out, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String(o.tag)}}})
	var nf *ecrtypes.ImageNotFoundException
	switch {
	case errors.As(err, &nf) || err == nil && len(out.ImageDetails) == 0:
		return "", nil
	case err != nil:
		return "", fmt.Errorf("looking up %s:%s (not the same as \"not found\"): %w", repo, o.tag, err)
	}
	return aws.ToString(out.ImageDetails[0].ImageDigest), nil
}

// RevisionLabel is the label the build sets to the commit it built.
const RevisionLabel = "org.opencontainers.image.revision"

// promote copies the verified image to dst by digest, with every platform,
// its provenance and SBOM, unless dst already is that digest (a re-run); a
// tag naming another digest is never deployed. Whatever a record said, every
// platform image must have been built from the commit deployed.
func (o *options) promote(ctx context.Context, dst string) error {
	src, err := name.NewDigest(o.from)
	if err != nil {
		return fmt.Errorf("-from: %w", err)
	}
	to, err := name.NewTag(dst)
	if err != nil {
		return err
	}
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(ecrKeychain{ctx})}
	desc, err := remote.Get(src, opts...)
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	var images []v1.Image
	idx, err := desc.ImageIndex()
	if err != nil {
		img, err := desc.Image()
		if err != nil {
			return err
		}
		images = append(images, img)
	} else if m, err := idx.IndexManifest(); err != nil {
		return err
	} else {
		for _, d := range m.Manifests {
			if d.Platform == nil || d.Platform.OS != "unknown" { // "unknown": an attestation
				img, err := idx.Image(d.Digest)
				if err != nil {
					return err
				}
				images = append(images, img)
			}
		}
	}
	for _, img := range images {
		cf, err := img.ConfigFile()
		if err != nil {
			return fmt.Errorf("reading the config of %s: %w", src, err)
		}
		if got := cf.Config.Labels[RevisionLabel]; got != o.commit {
			return fmt.Errorf("%s was built from %q (%s), not from %s, the commit deployed: refusing another binary than this commit built",
				src, got, RevisionLabel, o.commit)
		}
	}
	had, err := remote.Head(to, opts...)
	var te *transport.Error
	switch {
	case err == nil && had.Digest == desc.Digest:
		fmt.Fprintf(o.log, "deploy: %s already is %s: nothing to copy\n", to, desc.Digest)
		return nil
	case err == nil:
		return fmt.Errorf("%s already names %s, not %s, the image staging verified: a release tag never deploys another binary", to, had.Digest, desc.Digest)
	case !errors.As(err, &te) || te.StatusCode != 404:
		return fmt.Errorf("looking up %s (not the same as \"not found\"): %w", to, err)
	}
	fmt.Fprintf(o.log, "deploy: copying %s to %s\n", src, to)
	if idx != nil {
		return remote.WriteIndex(to, idx, opts...)
	}
	return remote.Write(to, images[0], opts...)
}

// attested checks the image's provenance attestation (GitHub artifact
// attestations): signed by the signer workflow, built from the source ref.
func (o *options) attested(ctx context.Context, image string) error {
	repo := strings.Join(strings.SplitN(o.signer, "/", 3)[:2], "/")
	if out, err := o.gh(ctx, "attestation", "verify", "oci://"+image, "--repo", repo, "--signer-workflow", o.signer,
		"--source-ref", o.sourceRef); err != nil {
		return fmt.Errorf("%s has no provenance attestation by %s from %s: %v: %s", image, o.signer, o.sourceRef, err, out)
	}
	fmt.Fprintf(o.log, "deploy: %s was built by %s from %s (attestation verified)\n", image, o.signer, o.sourceRef)
	return nil
}

// runGH runs the GitHub CLI (GH_TOKEN in the environment): stdout, or stderr and the error.
func runGH(ctx context.Context, args ...string) ([]byte, error) {
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "gh", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return bytes.TrimSpace(stderr.Bytes()), err
	}
	return out, nil
}

var ecrHost = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$`)

// ecrKeychain logs in to an ECR registry, in its own Region, with the
// environment's AWS credentials (a promotion may read another account's or
// Region's registry); other registries are anonymous.
type ecrKeychain struct{ ctx context.Context }

func (k ecrKeychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	m := ecrHost.FindStringSubmatch(r.RegistryStr())
	if m == nil {
		return authn.Anonymous, nil
	}
	cfg, err := awsconfig.LoadDefaultConfig(k.ctx, awsconfig.WithRegion(m[2]))
	if err != nil {
		return nil, err
	}
	out, err := ecr.NewFromConfig(cfg).GetAuthorizationToken(k.ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil || len(out.AuthorizationData) == 0 {
		return nil, fmt.Errorf("logging in to %s: %v", r.RegistryStr(), err)
	}
	b, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	user, pass, _ := strings.Cut(string(b), ":")
	return authn.FromConfig(authn.AuthConfig{Username: user, Password: pass}), err
}

// consoleURL is the image's page in the AWS console: the deploy job's
// environment URL, so GitHub's deployment record names the image it ran.
func consoleURL(image string) string {
	repo, digest, _ := strings.Cut(image, "@")
	host, path, _ := strings.Cut(repo, "/")
	m := ecrHost.FindStringSubmatch(host)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("https://%s.console.aws.amazon.com/ecr/repositories/private/%s/%s/_/image/%s/details?region=%[1]s", m[2], m[1], path, digest)
}

var consoleRe = regexp.MustCompile(`^https://([a-z0-9-]+)\.console\.aws\.amazon\.com/ecr/repositories/private/(\d{12})/(.+)/_/image/(sha256:[0-9a-f]{64})/details`)

// imageOf is the image a consoleURL names.
func imageOf(url string) (string, bool) {
	m := consoleRe.FindStringSubmatch(url)
	if m == nil {
		return "", false
	}
	return fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s@%s", m[2], m[1], m[3], m[4]), true
}
