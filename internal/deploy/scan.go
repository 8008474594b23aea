package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

// scanGate waits (-wait) for ECR's scan of every platform image (the
// repository scans on push; an attestation is no image) and counts their
// CRITICAL findings: no scan yet, PENDING, IN_PROGRESS, or enhanced
// scanning's ACTIVE before its first scan wait; COMPLETE, or ACTIVE once
// scanned, count. An image ECR cannot scan warns (fails with -require-scan).
func (o *options) scanGate(ctx context.Context, repo, digest string) error {
	c, err := o.client(ctx)
	if err != nil {
		return err
	}
	got, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String(repo),
		ImageIds: []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest)}}})
	if err != nil || len(got.Images) == 0 {
		return fmt.Errorf("reading the manifest of %s@%s: %v", repo, digest, err)
	}
	var index struct {
		Manifests []struct {
			Digest   string
			Platform struct{ OS string }
		}
	}
	_ = json.Unmarshal([]byte(aws.ToString(got.Images[0].ImageManifest)), &index)
	ids := []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest)}}
	for i, m := range index.Manifests {
		if i == 0 {
			ids = nil
		}
		if m.Platform.OS != "unknown" {
			ids = append(ids, ecrtypes.ImageIdentifier{ImageDigest: aws.String(m.Digest)})
		}
	}
	for deadline := time.Now().Add(o.wait); ; {
		out, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo), ImageIds: ids})
		if err != nil {
			return fmt.Errorf("reading the scans of %s@%s (not the same as \"no scan\"): %w", repo, digest, err)
		}
		waiting, unscanned, critical := "", "", int32(0)
		for _, d := range out.ImageDetails {
			status, what := "", repo+"@"+aws.ToString(d.ImageDigest)
			if d.ImageScanStatus != nil {
				status = string(d.ImageScanStatus.Status)
			}
			scanned := d.ImageScanFindingsSummary != nil && d.ImageScanFindingsSummary.ImageScanCompletedAt != nil
			switch {
			case status == "COMPLETE" || status == "ACTIVE" && scanned:
				n := d.ImageScanFindingsSummary.FindingSeverityCounts["CRITICAL"]
				fmt.Fprintf(o.log, "deploy: %s: %d CRITICAL finding(s)\n", what, n)
				critical += n
			case status == "" || status == "PENDING" || status == "IN_PROGRESS" || status == "ACTIVE":
				waiting = fmt.Sprintf("%s: %q", what, status)
			default:
				unscanned = fmt.Sprintf("%s (%s)", what, status)
			}
		}
		switch {
		case waiting == "" && unscanned != "" && o.requireScan:
			return fmt.Errorf("ECR cannot scan %s, and REQUIRE_IMAGE_SCAN (-require-scan) is set", unscanned)
		case waiting == "" && unscanned != "":
			o.say("warning", "ECR cannot scan %s: deploying it unscanned (REQUIRE_IMAGE_SCAN=true refuses that)", unscanned)
		}
		switch {
		case waiting == "" && critical > 0 && !o.allowCritical:
			return fmt.Errorf("%d CRITICAL finding(s) in %s@%s: fix them, or set ALLOW_CRITICAL_FINDINGS=true for this deploy", critical, repo, digest)
		case waiting == "" && critical > 0:
			o.say("warning", "%d CRITICAL finding(s) in %s@%s, deployed anyway (ALLOW_CRITICAL_FINDINGS)", critical, repo, digest)
			return nil
		case waiting == "":
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("the ECR scan of %s did not finish in %s: deploy again later, or look at the repository's scanning", waiting, o.wait)
		}
		if err := sleep(ctx, o.poll); err != nil {
			return err
		}
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
