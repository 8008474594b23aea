// The AWS provider of the end-to-end suite: the upstream terraform-provider-aws
// binary that pulumi-aws is built from, served to the Pulumi engine as the
// plugin "aws" under pulumi-aws's own type tokens and property names.
//
// This file is never built on its own. tests/e2e builds the package
// github.com/pulumi/pulumi-terraform-bridge/v3/dynamic of this module with
// `go build -overlay`, in place of that package's main.go and info.go, so it
// can use the bridge's internal packages (the dynamic provider's Terraform
// plugin loader and its fix-ups) without copying them.
//
// Everything specific to pulumi-aws comes from mapping.json next to the
// binary, which tests/e2e writes from pulumi-aws's Go SDK and the Terraform
// provider's schema (tests/e2e/awsmapping.go): the Terraform type of each
// token, every property's Pulumi name and shape, and the overrides pulumi-aws
// declares for our types (delete-before-replace, auto-naming, provider
// config defaults). Types not in it are not served.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/spf13/afero"

	"github.com/pulumi/pulumi-terraform-bridge/v3/dynamic/internal/fixup"
	"github.com/pulumi/pulumi-terraform-bridge/v3/dynamic/internal/shim/run"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/proto"
	pfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
)

// The name the plugin loader requires of a Terraform provider executable.
const terraformExecutable = "terraform-provider-aws"

// Mapping is mapping.json. Keys of Resources and Fields are Terraform names.
type Mapping struct {
	Name              string                   `json:"name"`              // the Pulumi package: aws
	Version           string                   `json:"version"`           // the pulumi-aws version served
	TerraformProvider string                   `json:"terraformProvider"` // the upstream binary
	Resources         map[string]Resource      `json:"resources"`
	Config            map[string]Field         `json:"config"`
	ConfigDefaults    map[string]ConfigDefault `json:"configDefaults,omitempty"`
}

// Resource is one Terraform resource as pulumi-aws serves it.
type Resource struct {
	Token               string           `json:"token"`
	DeleteBeforeReplace bool             `json:"deleteBeforeReplace,omitempty"`
	AutoName            *AutoName        `json:"autoName,omitempty"`
	Fields              map[string]Field `json:"fields"`
}

// AutoName: the property gets `<logical name><separator><random>` when unset,
// and none when a property it conflicts with is set (bucketPrefix for bucket:
// pulumi-aws reads the conflict from the provider's schema, which Terraform's
// plugin protocol does not carry).
type AutoName struct {
	Field     string   `json:"field"` // Terraform name
	MaxLength int      `json:"maxLength"`
	Separator string   `json:"separator"`
	UnlessSet []string `json:"unlessSet,omitempty"` // Pulumi names
}

// Field is one property: its Pulumi name and, for a block, whether it is
// flattened to one object and its own fields.
type Field struct {
	Name        string           `json:"name"`
	MaxItemsOne *bool            `json:"maxItemsOne,omitempty"`
	Fields      map[string]Field `json:"fields,omitempty"`
}

// ConfigDefault is a provider setting's default when the stack sets none.
type ConfigDefault struct {
	Value   any      `json:"value,omitempty"`
	EnvVars []string `json:"envVars,omitempty"`
}

func main() {
	if filepath.Base(os.Args[0]) == terraformExecutable {
		execTerraformProvider()
		return
	}
	m, err := readMapping()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-aws (e2e stand-in): %v\n", err)
		os.Exit(1)
	}
	ctx := context.Background()
	tf, err := run.LocalProvider(ctx, filepath.Join(filepath.Dir(mustExecutable()), "tf", terraformExecutable))
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-aws (e2e stand-in): start %s: %v\n", m.TerraformProvider, err)
		os.Exit(1)
	}
	defer tf.Close()

	info, err := providerInfo(ctx, tf, m)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-resource-aws (e2e stand-in): %v\n", err)
		os.Exit(1)
	}
	pfbridge.Main(ctx, m.Name, info, pfbridge.ProviderMetadata{
		XGetSchema: func(ctx context.Context, _ plugin.GetSchemaRequest) ([]byte, error) {
			return packageSchema(ctx, info)
		},
	})
}

// execTerraformProvider runs the upstream binary in this process's place,
// killed when its parent (this plugin) dies: the engine kills a plugin without
// letting it stop its children, and each orphaned provider holds ~480 MB.
func execTerraformProvider() {
	m, err := readMapping()
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s (e2e stand-in): %v\n", terraformExecutable, err)
		os.Exit(1)
	}
	runtime.LockOSThread() // the death signal and the exec must be one thread's
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0); errno != 0 {
		fmt.Fprintf(os.Stderr, "%s (e2e stand-in): prctl: %v\n", terraformExecutable, errno)
		os.Exit(1)
	}
	if os.Getppid() == 1 {
		os.Exit(1) // the parent died before the signal was armed
	}
	err = syscall.Exec(m.TerraformProvider, append([]string{m.TerraformProvider}, os.Args[1:]...), os.Environ())
	fmt.Fprintf(os.Stderr, "%s (e2e stand-in): exec %s: %v\n", terraformExecutable, m.TerraformProvider, err)
	os.Exit(1)
}

func mustExecutable() string {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	return exe
}

func readMapping() (*Mapping, error) {
	path := filepath.Join(filepath.Dir(mustExecutable()), "mapping.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Mapping
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if m.Name == "" || m.Version == "" || m.TerraformProvider == "" || len(m.Resources) == 0 {
		return nil, fmt.Errorf("%s: name, version, terraformProvider and resources are required", path)
	}
	return &m, nil
}

// providerInfo is the bridge's description of the provider: pulumi-aws's
// tokens and names for the mapped types, nothing else.
func providerInfo(ctx context.Context, tf run.Provider, m *Mapping) (tfbridge.ProviderInfo, error) {
	p := proto.New(ctx, tf)
	info := tfbridge.ProviderInfo{
		P:              p,
		Name:           m.Name,
		Version:        m.Version,
		ResourcePrefix: "aws",
		Description:    "terraform-provider-aws " + tf.Version() + " served under pulumi-aws's tokens (tests/e2e)",
		MetadataInfo:   &tfbridge.MetadataInfo{Path: "", Data: tfbridge.ProviderMetadata(nil)},
		Resources:      map[string]*tfbridge.ResourceInfo{},
		Config:         fields(m.Config),
	}
	for tfName, d := range m.ConfigDefaults {
		s := info.Config[tfName]
		if s == nil {
			s = &tfbridge.SchemaInfo{}
			info.Config[tfName] = s
		}
		s.Default = &tfbridge.DefaultInfo{Value: d.Value, EnvVars: d.EnvVars}
	}
	var missing []string
	for tfName, r := range m.Resources {
		res, ok := p.ResourcesMap().GetOk(tfName)
		if !ok {
			missing = append(missing, tfName)
			continue
		}
		ri := &tfbridge.ResourceInfo{
			Tok:                 tokens.Type(r.Token),
			DeleteBeforeReplace: r.DeleteBeforeReplace,
			Fields:              fields(r.Fields),
		}
		// As pulumi-aws serves them: Terraform's operation timeouts are
		// Pulumi's customTimeouts option (unless the SDK has the property,
		// as a few framework resources do), and an id a
		// Terraform resource lets its user set is the resource's id only,
		// never a property (the dynamic bridge would rename it <type>Id).
		if _, ok := res.Schema().GetOk("timeouts"); ok && r.Fields["timeouts"].Name == "" {
			ri.Fields["timeouts"] = &tfbridge.SchemaInfo{Omit: true}
		}
		if id, ok := res.Schema().GetOk("id"); ok && (id.Optional() || id.Required()) {
			ri.Fields["id"] = &tfbridge.SchemaInfo{Name: "id", Omit: true}
		}
		if a := r.AutoName; a != nil {
			f := ri.Fields[a.Field]
			if f == nil {
				f = &tfbridge.SchemaInfo{}
				ri.Fields[a.Field] = f
			}
			auto := tfbridge.AutoName(a.Field, a.MaxLength, a.Separator).Default
			unless := a.UnlessSet
			f.Default = &tfbridge.DefaultInfo{AutoNamed: true, ComputeDefault: func(ctx context.Context, opts tfbridge.ComputeDefaultOptions) (interface{}, error) {
				for _, k := range unless {
					if v, ok := opts.Properties[resource.PropertyKey(k)]; ok && !v.IsNull() {
						return nil, nil
					}
				}
				return auto.ComputeDefault(ctx, opts)
			}}
		}
		info.Resources[tfName] = ri
	}
	if len(missing) > 0 {
		return info, fmt.Errorf("mapping.json names Terraform types %s provider %s does not have", missing, tf.Version())
	}
	// Serve only the mapped types: the schema stays small and a type the
	// program uses but the mapping lacks fails loudly instead of being served
	// under a made-up token.
	p.ResourcesMap().Range(func(key string, _ shim.Resource) bool {
		if _, ok := m.Resources[key]; !ok {
			info.IgnoreMappings = append(info.IgnoreMappings, key)
		}
		return true
	})
	p.DataSourcesMap().Range(func(key string, _ shim.Resource) bool {
		info.IgnoreMappings = append(info.IgnoreMappings, key)
		return true
	})
	if err := fixup.Default(&info); err != nil {
		return info, err
	}
	return info, nil
}

func fields(in map[string]Field) map[string]*tfbridge.SchemaInfo {
	out := map[string]*tfbridge.SchemaInfo{}
	for k, f := range in {
		s := &tfbridge.SchemaInfo{Name: f.Name, MaxItemsOne: f.MaxItemsOne}
		if len(f.Fields) > 0 {
			s.Elem = &tfbridge.SchemaInfo{Fields: fields(f.Fields)}
		}
		out[k] = s
	}
	return out
}

// packageSchema generates the Pulumi schema of what is served, as pulumi-aws's
// build does, without docs.
func packageSchema(ctx context.Context, info tfbridge.ProviderInfo) ([]byte, error) {
	g, err := tfgen.NewGenerator(tfgen.GeneratorOptions{
		Package:       info.Name,
		Version:       info.Version,
		Language:      tfgen.Schema,
		ProviderInfo:  info,
		Root:          afero.NewMemMapFs(),
		Sink:          discardSink{},
		XInMemoryDocs: true,
		SkipExamples:  true,
	})
	if err != nil {
		return nil, fmt.Errorf("schema generator: %w", err)
	}
	spec, err := g.Generate()
	if err != nil {
		return nil, err
	}
	spec.PackageSpec.Version = info.Version
	return json.Marshal(spec.PackageSpec)
}

// discardSink keeps the generator's warnings (missing docs, mostly) out of
// the engine's output; errors still fail Generate.
type discardSink struct{}

func (discardSink) Logf(diag.Severity, *diag.Diag, ...any) {}
func (discardSink) Debugf(*diag.Diag, ...any)              {}
func (discardSink) Infof(*diag.Diag, ...any)               {}
func (discardSink) Infoerrf(*diag.Diag, ...any)            {}
func (discardSink) Errorf(d *diag.Diag, args ...any) {
	fmt.Fprintf(os.Stderr, "schema: "+d.Message+"\n", args...)
}
func (discardSink) Warningf(*diag.Diag, ...any) {}
func (discardSink) Stringify(_ diag.Severity, d *diag.Diag, args ...any) (string, string) {
	return fmt.Sprintf(d.Message, args...), ""
}
