package offline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// projectFile is the part of Pulumi.yaml the recorder needs.
type projectFile struct {
	Name   string               `yaml:"name"`
	Config map[string]yaml.Node `yaml:"config"`
}

// ProjectConfigKey is one key declared in Pulumi.yaml's config block.
type ProjectConfigKey struct {
	Type        string `yaml:"type"`
	Description string `yaml:"description"`
	Default     any    `yaml:"default"`
	Value       any    `yaml:"value"`
	HasDefault  bool   `yaml:"-"`
}

// Project is a parsed Pulumi.yaml.
type Project struct {
	Name string
	// Keys holds every config key, fully qualified (project keys get the project
	// name as namespace, as the CLI does).
	Keys map[string]ProjectConfigKey
}

// LoadProject reads dir/Pulumi.yaml.
func LoadProject(dir string) (*Project, error) {
	path := filepath.Join(dir, "Pulumi.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read project file: %w", err)
	}
	var pf projectFile
	if err := yaml.Unmarshal(b, &pf); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if pf.Name == "" {
		return nil, fmt.Errorf("parse %s: no project name", path)
	}
	p := &Project{Name: pf.Name, Keys: map[string]ProjectConfigKey{}}
	for k, node := range pf.Config {
		var key ProjectConfigKey
		if node.Kind == yaml.MappingNode {
			if err := node.Decode(&key); err != nil {
				return nil, fmt.Errorf("parse %s: config %q: %w", path, k, err)
			}
			for i := 0; i+1 < len(node.Content); i += 2 {
				if node.Content[i].Value == "default" {
					key.HasDefault = true
				}
			}
		} else {
			// A bare value sets the key directly (typically a provider key).
			if err := node.Decode(&key.Value); err != nil {
				return nil, fmt.Errorf("parse %s: config %q: %w", path, k, err)
			}
		}
		p.Keys[p.qualify(k)] = key
	}
	return p, nil
}

func (p *Project) qualify(k string) string {
	if strings.Contains(k, ":") {
		return k
	}
	return p.Name + ":" + k
}

// stackFile is Pulumi.<stack>.yaml.
type stackFile struct {
	Config map[string]any `yaml:"config"`
}

// StackConfig returns the config a `pulumi up -s stack` would hand the program:
// Pulumi.yaml defaults and values, then Pulumi.<stack>.yaml, then overrides (as
// `-c key=value`; keys without a namespace belong to the project). Values are
// strings as Pulumi passes them; lists and maps are JSON.
func (p *Project) StackConfig(dir, stack string, overrides map[string]string) (map[string]string, error) {
	cfg := map[string]string{}
	for k, key := range p.Keys {
		switch {
		case key.HasDefault:
			v, err := configString(key.Default)
			if err != nil {
				return nil, fmt.Errorf("Pulumi.yaml: default of %s: %w", k, err)
			}
			cfg[k] = v
		case key.Value != nil:
			v, err := configString(key.Value)
			if err != nil {
				return nil, fmt.Errorf("Pulumi.yaml: value of %s: %w", k, err)
			}
			cfg[k] = v
		}
	}

	path := filepath.Join(dir, "Pulumi."+stack+".yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read stack file for stack %q: %w", stack, err)
	}
	var sf stackFile
	if err := yaml.Unmarshal(b, &sf); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	for k, v := range sf.Config {
		if m, ok := v.(map[string]any); ok {
			if _, secure := m["secure"]; secure {
				return nil, fmt.Errorf("%s: %s is a secret: the offline recorder cannot decrypt it; "+
					"override it with -c %s=<placeholder>", path, k, k)
			}
		}
		s, err := configString(v)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, k, err)
		}
		cfg[p.qualify(k)] = s
	}
	for k, v := range overrides {
		cfg[p.qualify(k)] = v
	}
	return cfg, nil
}

// configString renders a YAML value the way the Pulumi CLI hands it to a program.
func configString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool, int, int64, float64:
		return fmt.Sprint(x), nil
	case nil:
		return "", nil
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "", fmt.Errorf("encode %v as JSON: %w", v, err)
		}
		return string(b), nil
	}
}

// SortedKeys returns a config map's keys in order, for stable printing.
func SortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
