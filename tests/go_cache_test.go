package tests

import (
	"fmt"
	"strings"
	"testing"
)

// actions/setup-go saves its cache under one key per go.sum (the key is a hash
// of cache-dependency-path) from the first job to finish, and a job that hits
// the key never saves. The jobs that compile everything (go vet and go test
// ./..., the deploy) share the go.sum key, and only they may save under it: a
// job that builds one or two tools first would leave every later deploy
// compiling the rest cold. Those jobs get keys of their own.
func TestOnlyTheJobsThatBuildEverythingShareTheGoCache(t *testing.T) {
	shared := map[string]bool{"deploy.yml/test": true, "deploy.yml/deploy-staging": true, "deploy.yml/deploy-production": true,
		"preview.yml/test": true}
	for _, f := range append(workflowFiles, "drift.yml") {
		for name, j := range jobs(t, workflow(t, f)) {
			steps, _ := j["steps"].([]any)
			for _, s := range steps {
				if u, _ := at(s, "uses").(string); !strings.HasPrefix(u, "actions/setup-go@") {
					continue
				}
				key := fmt.Sprint(at(s, "with.cache-dependency-path"))
				cacheOff := at(s, "with.cache") == false
				switch {
				case shared[f+"/"+name] && (cacheOff || strings.TrimSpace(key) != "go.sum"):
					t.Errorf("%s/%s: cache-dependency-path %q (cache off: %v), want the shared go.sum key", f, name, key, cacheOff)
				case !shared[f+"/"+name] && !cacheOff && strings.TrimSpace(key) == "go.sum":
					t.Errorf("%s/%s builds only some tools but saves under the shared go.sum key: give it a key of its own or cache: false", f, name)
				}
			}
		}
	}
	// The deploy action runs inside a deploy job that already restored the
	// shared cache: a second restore (and save) there would only cost time.
	for _, s := range at(loadYAML(t, deployAction), "runs.steps").([]any) {
		if u, _ := at(s, "uses").(string); strings.HasPrefix(u, "actions/setup-go@") && at(s, "with.cache") != false {
			t.Errorf("the deploy action's setup-go caches: %v", at(s, "with"))
		}
	}
}
