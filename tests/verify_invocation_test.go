package tests

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cmd/verify's exit codes (1 rolled back ... 5 AWS API error) only reach CI from
// a built binary: `go run` reports every non-zero exit status of the program
// as 1. These tests keep every pipeline, and the README's commands, on a built
// binary.

// goRunVerify matches `go run` of cmd/verify however the package is spelled
// (./cmd/verify, the module path, with flags before it).
var goRunVerify = regexp.MustCompile(`go\s+run\s+(-\S+\s+)*\S*cmd/verify\b`)

func TestNoPipelineRunsVerifyThroughGoRun(t *testing.T) {
	for _, f := range pipelineFiles() {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if goRunVerify.MatchString(line) {
				t.Errorf("%s:%d runs verify through go run, which turns every failure into exit 1: %s\n"+
					"build it (go build -o bin/verify ./cmd/verify) and run bin/verify",
					filepath.Base(f), i+1, strings.TrimSpace(line))
			}
		}
	}
}

func TestTheDeployActionBuildsVerifyBeforeRunningIt(t *testing.T) {
	built, ran := -1, -1
	for i, s := range at(loadYAML(t, deployAction), "runs.steps").([]any) {
		run, _ := s.(map[string]any)["run"].(string)
		if strings.Contains(run, "go build -o bin/verify ./cmd/verify") && built < 0 {
			built = i
		}
		if regexp.MustCompile(`(^|[\s|;&])bin/verify\s`).MatchString(run) && !strings.Contains(run, "go build") && ran < 0 {
			ran = i
		}
	}
	if built < 0 || ran < 0 || built > ran {
		t.Fatalf("want a step building bin/verify before the step running it; build step %d, run step %d", built, ran)
	}
}

func TestTheREADMEsCommandsRunVerifyBuilt(t *testing.T) {
	b, err := os.ReadFile(projectDir + "/README.md")
	if err != nil {
		t.Fatal(err)
	}
	// Only the fenced blocks are commands; prose may name what not to do.
	blocks := regexp.MustCompile("(?s)```[a-z]*\n(.*?)```").FindAllStringSubmatch(string(b), -1)
	mentions := 0
	for _, blk := range blocks {
		if goRunVerify.MatchString(blk[1]) {
			t.Errorf("a README command runs verify through go run:\n%s", blk[1])
		}
		if strings.Contains(blk[1], "bin/verify") {
			mentions++
		}
	}
	if mentions == 0 {
		t.Error("no README command runs bin/verify")
	}
}
