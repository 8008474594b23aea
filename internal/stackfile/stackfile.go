// Package stackfile reads a stack's config as data, the way the Pulumi CLI
// resolves it (Pulumi.yaml's defaults and values, then Pulumi.<stack>.yaml),
// without compiling the program: the deploy command reads its region and
// architecture here, and verify the deploy-time model's settings.
package stackfile

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is one stack's resolved config: fully qualified keys, values as the
// CLI hands them to a program (strings; lists and maps as JSON).
type Config struct {
	Project string
	Values  map[string]string
}

// Load reads dir/Pulumi.yaml and dir/Pulumi.<stack>.yaml.
func Load(dir, stack string) (Config, error) {
	var project struct {
		Name   string         `yaml:"name"`
		Config map[string]any `yaml:"config"`
	}
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	if err := read(filepath.Join(dir, "Pulumi.yaml"), &project); err != nil {
		return Config{}, err
	}
	if project.Name == "" {
		return Config{}, fmt.Errorf("%s: no project name", filepath.Join(dir, "Pulumi.yaml"))
	}
	if err := read(filepath.Join(dir, "Pulumi."+stack+".yaml"), &file); err != nil {
		return Config{}, fmt.Errorf("stack %q: %w", stack, err)
	}
	c := Config{Project: project.Name, Values: map[string]string{}}
	for k, v := range project.Config {
		if m, ok := v.(map[string]any); ok { // a declared key: its value or default, if any
			if v, ok = m["value"]; !ok {
				if v, ok = m["default"]; !ok {
					continue
				}
			}
		}
		c.Values[c.qualify(k)] = text(v)
	}
	for k, v := range file.Config {
		c.Values[c.qualify(k)] = text(v)
	}
	return c, nil
}

// Get answers a key, fully qualified ("aws:region") or in the project's
// namespace ("cpuArchitecture").
func (c Config) Get(key string) (string, bool) {
	v, ok := c.Values[c.qualify(key)]
	return v, ok
}

func (c Config) qualify(k string) string {
	if strings.Contains(k, ":") {
		return k
	}
	return c.Project + ":" + k
}

func read(path string, into any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// text renders a value as the CLI hands it to a program.
func text(v any) string {
	switch v.(type) {
	case nil:
		return ""
	case string, bool, int, float64:
		return fmt.Sprint(v)
	}
	b, _ := json.Marshal(v) // lists and maps (a secure value's {secure: ...} too)
	return string(b)
}
