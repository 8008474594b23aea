package deploy

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// What a release promotes is what staging's deploy job recorded, in GitHub's
// deployments of the commit: the newest record decides (an older success
// never outweighs a newer failure), and no workflow run is read, so a
// deleted run changes nothing (issue 18, item 8).

const commitC = "cccccccccccccccccccccccccccccccccccccccc"

var (
	urlA = consoleURL(repoURL + "@" + digestA)
	urlB = consoleURL(repoURL + "@" + digestB)
)

// records answers `gh api` for the deployments of commitC (ids to statuses,
// newest status first) and nothing else; calls counts the statuses reads.
func records(t *testing.T, deployments map[int][][]status) (func(context.Context, ...string) ([]byte, error), *int) {
	calls := 0
	return func(_ context.Context, args ...string) ([]byte, error) {
		if len(args) != 2 || args[0] != "api" {
			t.Fatalf("gh %v: only the REST API is asked", args)
		}
		switch path := args[1]; {
		case path == "repos/acme/web/deployments?environment=staging&sha="+commitC+"&per_page=100":
			var ids []string
			for id := range deployments {
				ids = append(ids, fmt.Sprintf(`{"id":%d}`, id))
			}
			return []byte("[" + strings.Join(ids, ",") + "]"), nil
		case strings.HasPrefix(path, "repos/acme/web/deployments/") && strings.HasSuffix(path, "/statuses?per_page=100"):
			var id int
			fmt.Sscanf(strings.TrimPrefix(path, "repos/acme/web/deployments/"), "%d", &id)
			answers := deployments[id]
			calls++
			ss := answers[0]
			if len(answers) > 1 {
				deployments[id] = answers[1:]
			}
			var js []string
			for _, s := range ss {
				js = append(js, fmt.Sprintf(`{"state":%q,"environment_url":%q}`, s.State, s.URL))
			}
			return []byte("[" + strings.Join(js, ",") + "]"), nil
		}
		t.Fatalf("gh api %s: the check reads only the commit's deployments and their statuses", args[1])
		return nil, nil
	}, &calls
}

func TestTheNewestStagingRecordDecides(t *testing.T) {
	t.Setenv("GITHUB_REPOSITORY", "acme/web")
	ok := func(url string) []status { return []status{{"success", url}, {"in_progress", ""}} }
	for _, c := range []struct {
		name  string
		ds    map[int][][]status
		image string
		says  string
	}{
		{"verified", map[int][][]status{7: {ok(urlB)}}, repoURL + "@" + digestB, ""},
		{"a newer failure outweighs an older success", map[int][][]status{7: {ok(urlB)}, 9: {{{"failure", urlB}}}}, "",
			"the newest staging deploy of " + commitC + " (deployment 9) ended in failure"},
		{"a success turned inactive by a newer deploy still counts", map[int][][]status{7: {{{"inactive", ""}, {"success", urlA}}}},
			repoURL + "@" + digestA, ""},
		{"a skipped run deployed nothing and is passed over", map[int][][]status{7: {ok(urlA)}, 9: {ok("")}}, repoURL + "@" + digestA, ""},
		{"a deploy still going is waited for", map[int][][]status{9: {{{"in_progress", ""}}, {{"queued", ""}}, ok(urlB)}},
			repoURL + "@" + digestB, "still going: waiting"},
		{"a record with no status yet is a deploy still going", map[int][][]status{7: {ok(urlA)}, 9: {{}, ok(urlB)}},
			repoURL + "@" + digestB, "still going: waiting"},
		{"a rollback recorded on the commit is no verification of it", map[int][][]status{7: {ok(urlA)}, 9: {ok(urlB + "#rollback")}},
			"", "is a rollback run from main"},
		{"a failed rollback recorded on it is a failure", map[int][][]status{7: {ok(urlA)}, 9: {{{"failure", urlB + "#rollback"}}}},
			"", "(deployment 9) ended in failure"},
		{"nothing recorded", map[int][][]status{}, "", "staging never verified " + commitC},
		{"a record naming no image", map[int][][]status{9: {ok("https://example.com/")}}, "", "no image in ECR"},
	} {
		t.Run(c.name, func(t *testing.T) {
			gh, _ := records(t, c.ds)
			var out, log bytes.Buffer
			o := &options{out: &out, log: &log, gh: gh, wait: time.Hour, poll: time.Millisecond}
			code := run(context.Background(), o, []string{"staged", "-commit", commitC})
			if c.image != "" && (code != 0 || out.String() != "image="+c.image+"\n") ||
				c.image == "" && (code != 1 || out.Len() != 0) || !strings.Contains(log.String(), c.says) {
				t.Fatalf("exit %d, want image %q saying %q:\n%s%s", code, c.image, c.says, out.String(), log.String())
			}
		})
	}
}

func TestTheWaitForStagingIsBounded(t *testing.T) {
	t.Setenv("GITHUB_REPOSITORY", "acme/web")
	gh, calls := records(t, map[int][][]status{9: {{{"in_progress", ""}}}})
	var out bytes.Buffer
	start := time.Now()
	o := &options{log: &out, gh: gh, wait: 50 * time.Millisecond, poll: 10 * time.Millisecond}
	code := run(context.Background(), o, []string{"staged", "-commit", commitC})
	if code != 1 || *calls < 2 || time.Since(start) > 5*time.Second || !strings.Contains(out.String(), "run this release again once it has ended") {
		t.Fatalf("exit %d after %d reads:\n%s", code, *calls, out.String())
	}
}
