package tests

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The deploy action's scripts call bin/release; the tests that run those
// scripts put the real one, built once, at bin/release in their directory.
var releaseTool struct {
	once sync.Once
	path string
	err  string
}

// TestMain removes the built tool after the package's tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if releaseTool.path != "" {
		_ = os.RemoveAll(filepath.Dir(releaseTool.path))
	}
	os.Exit(code)
}

// withRelease links the built cmd/release into dir/bin/release.
func withRelease(t *testing.T, dir string) {
	t.Helper()
	releaseTool.once.Do(func() {
		tmp, err := os.MkdirTemp("", "release-tool")
		if err != nil {
			releaseTool.err = err.Error()
			return
		}
		releaseTool.path = filepath.Join(tmp, "release")
		if out, err := exec.Command("go", "build", "-o", releaseTool.path, projectDir+"/cmd/release").CombinedOutput(); err != nil {
			releaseTool.err = err.Error() + ": " + string(out)
		}
	})
	if releaseTool.err != "" {
		t.Fatalf("building cmd/release: %s", releaseTool.err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(releaseTool.path, filepath.Join(dir, "bin", "release")); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
}

// fakeGitHubAPI serves scripted answers by "METHOD path" under
// /repos/acme/web on 127.0.0.1, and returns the environment a step needs to
// reach it.
func fakeGitHubAPI(t *testing.T, answers map[string]string) map[string]string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/repos/acme/web")
		if body, ok := answers[key]; ok {
			_, _ = w.Write([]byte(body))
			return
		}
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}))
	t.Cleanup(srv.Close)
	return map[string]string{"GITHUB_API_URL": srv.URL, "GITHUB_REPOSITORY": "acme/web", "GH_TOKEN": "tok"}
}
