package render

import (
	"fmt"
	"sync"

	"github.com/example/webservice/internal/offline"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// UnknownValue is the engine's sentinel for a value a preview cannot know yet
// (plugin.UnknownStringValue): `pulumi preview --json` prints it in place of every
// input that comes from an output a provider computes at deploy time.
const UnknownValue = plugin.UnknownStringValue

// previewed is what `pulumi preview` sends the engine for one resource.
type previewed struct {
	// Inputs hold UnknownValue wherever the value waits for a resource the
	// preview creates or replaces.
	Inputs map[string]any
	// Provider is the provider reference; a provider that is created has an
	// unknown id.
	Provider string
}

// previewPass runs the program a second time the way `pulumi preview` runs it:
// as a dry run in which the mock answers each resource in pending (nil: every
// resource, a stack that does not exist yet) with what a provider's preview of a
// create knows, its inputs and the auto-name it picked while checking them, and
// nothing it computes on create (ids, ARNs, DNS names); every other resource
// answers with its resolved outputs, as the engine answers from the stack's
// state. The Go SDK then marks every value built from a pending resource's
// outputs as unknown, as it does under the real engine, and skips the ApplyT
// callbacks that would need them. resolved is the ordinary run. log receives what
// the program logs.
func previewPass(opts offline.Options, program offline.ProgramFunc, resolved *offline.Result,
	pending map[string]bool, log pulumi.Log,
) (map[string]previewed, error) {
	st, err := offline.OpenStack(opts)
	if err != nil {
		return nil, err
	}
	mon := &previewMonitor{project: st.Project.Name, stack: opts.Stack, resolved: map[string]offline.Resource{},
		pending: pending, seen: map[string]previewed{}}
	for _, r := range resolved.Resources {
		mon.resolved[r.URN] = r
	}
	err = st.Run(mon, true, func(ctx *pulumi.Context) error {
		if log != nil {
			ctx.Log = log
		}
		_, err := program(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("preview stack %q: %w", opts.Stack, err)
	}
	return mon.seen, nil
}

// previewMonitor answers a dry run as providers answer a preview of creates.
type previewMonitor struct {
	project, stack string
	resolved       map[string]offline.Resource
	pending        map[string]bool

	mu   sync.Mutex
	seen map[string]previewed
}

func (m *previewMonitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	parent, props, err := requestInputs(args)
	urn := offline.URN(m.stack, m.project, parent, args.TypeToken, args.Name)
	if err != nil {
		return "", nil, fmt.Errorf("render: read the inputs of %s: %w", urn, err)
	}
	m.mu.Lock()
	m.seen[urn] = previewed{Inputs: previewValues(props), Provider: args.Provider}
	m.mu.Unlock()

	res, ok := m.resolved[urn]
	if !ok {
		return "", nil, fmt.Errorf("render: the preview registered %s, which the ordinary run did not", urn)
	}
	if args.ReadRPC != nil {
		// Reads run during a preview: the stack's last outputs are known.
		return args.ID, resource.NewPropertyMapFromMap(res.Outputs), nil
	}
	if m.pending != nil && !m.pending[urn] {
		// Unchanged or updated in place: the engine knows it from the state.
		return res.ID, resource.NewPropertyMapFromMap(res.Outputs), nil
	}
	out := args.Inputs.Copy()
	if _, set := out["name"]; !set {
		// Providers pick auto-names while checking inputs, before any create.
		if n, ok := res.Outputs["name"]; ok {
			out["name"] = resource.NewPropertyValue(n)
		}
	}
	return "", out, nil
}

// requestInputs reads a registration's or read's inputs from the request itself:
// the mock monitor drops unknown inputs from MockResourceArgs.Inputs, the
// request still carries them as the sentinel.
func requestInputs(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	opts := plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, KeepResources: true}
	switch {
	case args.RegisterRPC != nil:
		props, err := plugin.UnmarshalProperties(args.RegisterRPC.GetObject(), opts)
		return args.RegisterRPC.GetParent(), props, err
	case args.ReadRPC != nil:
		props, err := plugin.UnmarshalProperties(args.ReadRPC.GetProperties(), opts)
		return args.ReadRPC.GetParent(), props, err
	}
	return "", args.Inputs, nil
}

// Call answers provider functions; like the recorder, it knows none.
func (m *previewMonitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return nil, fmt.Errorf("render: no answer for function %s in a preview", args.Token)
}

// previewValues turns a property map into JSON values the way the engine
// serializes a preview: unknowns as UnknownValue, secrets as "[secret]".
func previewValues(props resource.PropertyMap) map[string]any {
	return props.MapRepl(nil, func(v resource.PropertyValue) (any, bool) {
		switch {
		case v.IsComputed(), v.IsOutput() && !v.OutputValue().Known:
			return UnknownValue, true
		case v.IsSecret():
			return "[secret]", true
		}
		return nil, false
	})
}
