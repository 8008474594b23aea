package release

import (
	"fmt"
	"slices"
	"strings"

	"github.com/example/webservice/internal/offline"
)

// Setting reads one config value of a stack the way the Pulumi CLI resolves it
// (Pulumi.yaml defaults, then Pulumi.<stack>.yaml), from the files of the
// release being deployed. The pipeline reads the region it pushes to and the
// architecture it builds for here, so no second variable can disagree with the
// stack. key is fully qualified ("aws:region") or in the project's namespace
// ("cpuArchitecture").
func Setting(dir, stack, key string) (string, error) {
	project, err := offline.LoadProject(dir)
	if err != nil {
		return "", err
	}
	if !strings.Contains(key, ":") {
		key = project.Name + ":" + key
	}
	cfg, err := project.StackConfig(dir, stack, nil)
	if err != nil {
		return "", err
	}
	v := cfg[key]
	if v == "" {
		return "", fmt.Errorf("stack %q sets no %s (Pulumi.%s.yaml) and Pulumi.yaml gives no default", stack, key, stack)
	}
	return v, nil
}

// platforms maps webservice:cpuArchitecture to the image platform.
var platforms = map[string]string{"X86_64": "linux/amd64", "ARM64": "linux/arm64"}

// Platform is the image platform of a stack's cpuArchitecture.
func Platform(dir, stack string) (string, error) {
	arch, err := Setting(dir, stack, "cpuArchitecture")
	if err != nil {
		return "", err
	}
	p, ok := platforms[arch]
	if !ok {
		return "", fmt.Errorf("stack %q: cpuArchitecture %q: want X86_64 or ARM64", stack, arch)
	}
	return p, nil
}

// Platforms is every platform the given stacks run, sorted: staging builds the
// one image production is promoted from, so it builds for both (multi-arch
// when they differ).
func Platforms(dir string, stacks []string) (string, error) {
	var out []string
	for _, s := range stacks {
		p, err := Platform(dir, s)
		if err != nil {
			return "", err
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return strings.Join(out, ","), nil
}
