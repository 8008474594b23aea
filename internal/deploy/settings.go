package deploy

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/example/webservice/internal/stackfile"
)

// settings writes what the pipeline reads from the stack files before it has
// AWS credentials, so no variable can disagree with them: the stack's region
// (aws:region), and the image platforms of every stack's cpuArchitecture
// (staging builds the image production is promoted from: multi-arch when
// they differ).
func (o *options) settings(context.Context) error {
	cfg, err := stackfile.Load(o.dir, o.stack)
	if err != nil {
		return err
	}
	region, _ := cfg.Get("aws:region")
	if region == "" {
		return fmt.Errorf("stack %s sets no aws:region (Pulumi.%[1]s.yaml)", o.stack)
	}
	files, _ := filepath.Glob(filepath.Join(o.dir, "Pulumi.*.yaml"))
	var platforms []string
	for _, f := range files {
		stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml")
		c, err := stackfile.Load(o.dir, stack)
		if err != nil {
			return err
		}
		arch, _ := c.Get("cpuArchitecture")
		p, ok := map[string]string{"X86_64": "linux/amd64", "ARM64": "linux/arm64"}[arch]
		if !ok {
			return fmt.Errorf("stack %s: cpuArchitecture %q: want X86_64 or ARM64", stack, arch)
		}
		if !slices.Contains(platforms, p) {
			platforms = append(platforms, p)
		}
	}
	slices.Sort(platforms)
	o.result("region", region, "platforms", strings.Join(platforms, ","))
	return nil
}
