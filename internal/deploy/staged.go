package deploy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"slices"
	"sort"
	"time"
)

// staged finds the image staging verified for a release's commit in the
// GitHub deployments its deploy job's `environment:` records. The newest
// record of the commit decides, so an older success never outweighs a newer
// failure, and no workflow run needs to exist still. One still going is
// waited for (-wait). A success naming no image (its environment URL)
// deployed nothing (an older commit, skipped) and is passed over. The image
// named is checked again where it is copied (its revision label, and with
// attestations its provenance).
func (o *options) staged(ctx context.Context) error {
	for deadline := time.Now().Add(o.wait); ; {
		image, going, err := o.stagedOnce(ctx)
		switch {
		case err != nil:
			return err
		case !going:
			fmt.Fprintf(o.log, "deploy: %s verified %s for %s\n", o.environment, image, o.commit)
			o.result("image", image)
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("after %s the newest %s deploy of %s is still going: run this release again once it has ended", o.wait, o.environment, o.commit)
		}
		fmt.Fprintf(o.log, "deploy: the newest %s deploy of %s is still going: waiting\n", o.environment, o.commit)
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

func (o *options) stagedOnce(ctx context.Context) (image string, going bool, err error) {
	repo := os.Getenv("GITHUB_REPOSITORY")
	var ds []struct{ ID int64 }
	if err := o.api(ctx, &ds, fmt.Sprintf("repos/%s/deployments?environment=%s&sha=%s&per_page=100", repo, url.QueryEscape(o.environment), o.commit)); err != nil {
		return "", false, err
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].ID > ds[j].ID })
	for _, d := range ds {
		var ss []status // newest first; a success turns inactive once a newer deploy succeeds
		if err := o.api(ctx, &ss, fmt.Sprintf("repos/%s/deployments/%d/statuses?per_page=100", repo, d.ID)); err != nil {
			return "", false, err
		}
		i := slices.IndexFunc(ss, func(s status) bool { return s.State != "inactive" })
		switch {
		case i < 0 || ss[i].State == "success" && ss[i].URL == "":
			continue
		case ss[i].State == "success":
			if image, ok := imageOf(ss[i].URL); ok {
				return image, false, nil
			}
			return "", false, fmt.Errorf("%s deployment %d of %s names %q, no image in ECR", o.environment, d.ID, o.commit, ss[i].URL)
		case ss[i].State == "failure" || ss[i].State == "error":
			return "", false, fmt.Errorf("the newest %s deploy of %s (deployment %d) ended in %s, and a release promotes only what %[1]s "+
				"verified last: re-run that %[1]s run if no newer commit has reached %[1]s since, else release the newest commit %[1]s verified",
				o.environment, o.commit, d.ID, ss[i].State)
		}
		return "", true, nil
	}
	return "", false, fmt.Errorf("%s never verified %s: no deploy of it is recorded (a newer commit reached %[1]s first?); "+
		"release the newest commit %[1]s verified", o.environment, o.commit)
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
