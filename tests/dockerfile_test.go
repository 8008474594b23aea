package tests

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
)

// The image and the task definition must agree on two things only the image
// can provide: a /tmp that the app's user may write under a read-only root
// filesystem, and that user. On Fargate the task's volume at /tmp is a bind
// mount owned by root with mode 0755 unless the image declares the path as a
// VOLUME (AmazonECS/latest/developerguide/bind-mounts.html), so uid 10001 could
// not write it. Checked for app/Dockerfile and every Dockerfile example in the docs.

// finalStage returns the instructions of a Dockerfile's last stage, continuation
// lines joined, keyword upper-cased.
func finalStage(t *testing.T, text string) [][2]string {
	t.Helper()
	var stage [][2]string
	var line string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.HasSuffix(l, `\`) {
			line += strings.TrimSuffix(l, `\`) + " "
			continue
		}
		line += l
		kw, rest, _ := strings.Cut(line, " ")
		line = ""
		kw = strings.ToUpper(kw)
		if kw == "FROM" {
			stage = nil
		}
		stage = append(stage, [2]string{kw, strings.TrimSpace(rest)})
	}
	return stage
}

// taskTmpMount is where the rendered task definition mounts its writable volume.
func taskTmpMount(t *testing.T) string {
	t.Helper()
	mounts := containerDef(t, deploy(t, "staging"))["mountPoints"].([]any)
	if len(mounts) != 1 {
		t.Fatalf("mount points = %v", mounts)
	}
	return mounts[0].(map[string]any)["containerPath"].(string)
}

func checkRuntimeImage(t *testing.T, name, text string) {
	tmp := taskTmpMount(t)
	stage := finalStage(t, text)
	declared, user := false, ""
	for _, ins := range stage {
		switch ins[0] {
		case "VOLUME":
			for _, p := range regexp.MustCompile(`[^\s\[\]",]+`).FindAllString(ins[1], -1) {
				if p == tmp {
					declared = true
				}
			}
		case "USER":
			user = ins[1]
		}
	}
	if !declared {
		t.Errorf("%s: the runtime stage does not declare VOLUME %s: Fargate mounts it root-owned 0755 and the app cannot write it", name, tmp)
	}
	if user != infra.DefaultContainerUser {
		t.Errorf("%s: the runtime stage runs as USER %q, the task definition as %q", name, user, infra.DefaultContainerUser)
	}
}

func TestAppImageDeclaresTheWritableTmpAndTheTasksUser(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(projectDir, "app", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	checkRuntimeImage(t, "app/Dockerfile", string(b))
}

// The examples a reader copies (docs/app.md, "Bring your own app") hold too.
func TestDocsDockerfilesDeclareTheWritableTmpAndTheTasksUser(t *testing.T) {
	docs, err := filepath.Glob(filepath.Join(projectDir, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, doc := range append(docs, filepath.Join(projectDir, "README.md")) {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, blk := range regexp.MustCompile("(?s)```dockerfile\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
			found++
			checkRuntimeImage(t, filepath.Base(doc)+" dockerfile block", blk[1])
		}
	}
	if found == 0 {
		t.Fatal("no dockerfile block in README.md or docs/ (docs/app.md has the bring-your-own-app example)")
	}
}

func TestDockerfileCheckCatchesAMissingVolume(t *testing.T) {
	stage := finalStage(t, "FROM a AS build\nVOLUME /tmp\nFROM b\nUSER 10001:10001\n")
	for _, ins := range stage {
		if ins[0] == "VOLUME" {
			t.Fatalf("a VOLUME of an earlier stage counted for the runtime stage: %v", stage)
		}
	}
}
