package deploy

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// AWSCalls are the deploy's IAM actions on the stack's repository besides pulumi up and verify,
// PromotionReads those on the repository it promotes from (tests/deploy_aws_calls_test.go).
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

// digest is what -tag names in the stack's repository (tags are immutable),
// "" when nothing: only ECR's ImageNotFoundException means that.
func (o *options) digest(ctx context.Context, repo string) (string, error) {
	out, err := o.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo),
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

// scanGate waits for ECR's scan of every platform image (no scan yet,
// PENDING, IN_PROGRESS, or enhanced scanning's ACTIVE before its first scan)
// and gates on it as docs/pipelines.md says.
func (o *options) scanGate(ctx context.Context, repo, digest string) error {
	got, err := o.ecr.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String(repo),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest)}}})
	if err != nil || len(got.Images) == 0 {
		return fmt.Errorf("reading the manifest of %s@%s: %v", repo, digest, err)
	}
	var index v1.IndexManifest
	_ = json.Unmarshal([]byte(aws.ToString(got.Images[0].ImageManifest)), &index)
	var ids []ecrtypes.ImageIdentifier
	for _, m := range index.Manifests {
		if m.Platform == nil || m.Platform.OS != "unknown" {
			ids = append(ids, ecrtypes.ImageIdentifier{ImageDigest: aws.String(m.Digest.String())})
		}
	}
	if len(index.Manifests) == 0 { // an image, not an index
		ids = []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest)}}
	}
	for deadline := time.Now().Add(o.wait); ; {
		out, err := o.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo), ImageIds: ids})
		if err != nil {
			return fmt.Errorf("reading the scans of %s@%s (not the same as \"no scan\"): %w", repo, digest, err)
		}
		waiting, unscanned, critical := "", "", int32(0)
		for _, d := range out.ImageDetails {
			status, sum, what := "", d.ImageScanFindingsSummary, repo+"@"+aws.ToString(d.ImageDigest)
			if d.ImageScanStatus != nil {
				status = string(d.ImageScanStatus.Status)
			}
			switch {
			case sum != nil && (status == "COMPLETE" || status == "ACTIVE" && sum.ImageScanCompletedAt != nil):
				fmt.Fprintf(o.log, "deploy: %s: %d CRITICAL finding(s)\n", what, sum.FindingSeverityCounts["CRITICAL"])
				critical += sum.FindingSeverityCounts["CRITICAL"]
			case status == "" || status == "PENDING" || status == "IN_PROGRESS" || status == "ACTIVE":
				waiting = fmt.Sprintf("%s: %q", what, status)
			default:
				unscanned = fmt.Sprintf("%s (%s)", what, status)
			}
		}
		switch {
		case waiting != "" && time.Now().After(deadline):
			return fmt.Errorf("the ECR scan of %s did not finish in %s: deploy again later, or look at the repository's scanning", waiting, o.wait)
		case waiting != "":
			if err := sleep(ctx, o.poll); err != nil {
				return err
			}
			continue
		case unscanned != "" && o.requireScan:
			return fmt.Errorf("ECR cannot scan %s, and REQUIRE_IMAGE_SCAN (-require-scan) is set", unscanned)
		case unscanned != "":
			o.say("warning", "ECR cannot scan %s: deploying it unscanned (REQUIRE_IMAGE_SCAN=true refuses that)", unscanned)
		}
		if critical > 0 && !o.allowCritical {
			return fmt.Errorf("%d CRITICAL finding(s) in %s@%s: fix them, or set ALLOW_CRITICAL_FINDINGS=true for this deploy", critical, repo, digest)
		} else if critical > 0 {
			o.say("warning", "%d CRITICAL finding(s) in %s@%s, deployed anyway (ALLOW_CRITICAL_FINDINGS)", critical, repo, digest)
		}
		return nil
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// RevisionLabel is the label the build sets to the commit it built.
const RevisionLabel = "org.opencontainers.image.revision"

// promote copies the verified image to dst by digest, with its attestations.
// Every platform image must have been built from the commit deployed.
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
	images, err := platformImages(desc)
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
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
	fmt.Fprintf(o.log, "deploy: copying %s to %s\n", src, to)
	return remote.Push(to, desc, opts...) // nothing when dst is it; ECR's immutable tags refuse another digest
}

// platformImages are an image, or an index's but its attestations (unknown/unknown).
func platformImages(desc *remote.Descriptor) ([]v1.Image, error) {
	if !desc.MediaType.IsIndex() {
		img, err := desc.Image()
		return []v1.Image{img}, err
	}
	idx, err := desc.ImageIndex()
	if err != nil {
		return nil, err
	}
	return partial.FindImages(idx, func(d v1.Descriptor) bool { return d.Platform == nil || d.Platform.OS != "unknown" })
}

// attested checks the image's provenance attestation (GitHub artifact
// attestations): signed by the signer workflow, built from main.
func (o *options) attested(ctx context.Context, image string) error {
	repo := strings.Join(strings.SplitN(o.signer, "/", 3)[:2], "/")
	if out, err := o.gh(ctx, "attestation", "verify", "oci://"+image, "--repo", repo, "--signer-workflow", o.signer,
		"--source-ref", "refs/heads/main"); err != nil {
		return fmt.Errorf("%s has no provenance attestation by %s from refs/heads/main (a run stopped between its push and "+
			"its attestation leaves one: delete the image, aws ecr batch-delete-image, and re-run to rebuild it): %v: %s", image, o.signer, err, out)
	}
	fmt.Fprintf(o.log, "deploy: %s was built by %s from refs/heads/main (attestation verified)\n", image, o.signer)
	return nil
}

// runGH runs the GitHub CLI (GH_TOKEN in the environment): stdout, or stderr and the error.
func runGH(ctx context.Context, args ...string) ([]byte, error) {
	out, err := exec.CommandContext(ctx, "gh", args...).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return bytes.TrimSpace(ee.Stderr), err
	}
	return out, err
}

var ecrHost = regexp.MustCompile(`^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com$`)

// ecrKeychain logs in to an ECR registry in its own Region (a promotion may
// read another account's or Region's); other registries are anonymous.
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

// staged finds the image staging verified for a release's commit in the
// GitHub deployments its deploy job records (they outlive the run): the newest
// record of the commit decides, one still going is waited for, and a success
// naming no image (a skipped older commit) is passed over.
func (o *options) staged(ctx context.Context) error {
	repo := os.Getenv("GITHUB_REPOSITORY")
	for deadline := time.Now().Add(o.wait); ; {
		var ds []struct{ ID int64 }
		going := false
		if err := o.api(ctx, &ds, fmt.Sprintf("repos/%s/deployments?environment=staging&sha=%s&per_page=100", repo, o.commit)); err != nil {
			return err
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i].ID > ds[j].ID })
		for _, d := range ds {
			var ss []status // newest first; a success turns inactive once a newer deploy succeeds
			if err := o.api(ctx, &ss, fmt.Sprintf("repos/%s/deployments/%d/statuses?per_page=100", repo, d.ID)); err != nil {
				return err
			}
			for len(ss) > 1 && ss[0].State == "inactive" {
				ss = ss[1:]
			}
			switch s := append(ss, status{State: "queued"})[0]; { // no status yet: its job has not started
			case s.State == "inactive" || s.State == "success" && s.URL == "":
				continue
			case s.State == "failure" || s.State == "error":
				return fmt.Errorf("the newest staging deploy of %s (deployment %d) ended in %s, and a release promotes only what "+
					"staging verified last: re-run that staging run if no newer commit has reached staging since, else release the "+
					"newest commit staging verified", o.commit, d.ID, s.State)
			case strings.HasSuffix(s.URL, "#rollback"):
				return fmt.Errorf("the newest staging deploy recorded on %s (deployment %d) is a rollback run from main, which "+
					"returned staging to another release: release a commit staging verified since", o.commit, d.ID)
			case s.State == "success":
				image, ok := imageOf(s.URL)
				if !ok {
					return fmt.Errorf("staging deployment %d of %s names %q, no image in ECR", d.ID, o.commit, s.URL)
				}
				fmt.Fprintf(o.log, "deploy: staging verified %s for %s\n", image, o.commit)
				o.result("image", image)
				return nil
			}
			going = true
			break
		}
		switch {
		case !going:
			return fmt.Errorf("staging never verified %s: no deploy of it is recorded (a newer commit reached staging first?); "+
				"release the newest commit staging verified", o.commit)
		case time.Now().After(deadline):
			return fmt.Errorf("after %s the newest staging deploy of %s is still going: run this release again once it has ended", o.wait, o.commit)
		}
		fmt.Fprintf(o.log, "deploy: the newest staging deploy of %s is still going: waiting\n", o.commit)
		if err := sleep(ctx, o.poll); err != nil {
			return err
		}
	}
}

// status is a deployment status: what the job ended in, and its environment URL.
type status struct {
	State string
	URL   string `json:"environment_url"`
}

// api reads a GitHub REST path with the GitHub CLI.
func (o *options) api(ctx context.Context, into any, path string) error {
	b, err := o.gh(ctx, "api", path)
	if err == nil {
		err = json.Unmarshal(b, into)
	}
	if err != nil {
		return fmt.Errorf("GitHub API %s: %v: %s", path, err, b)
	}
	return nil
}
