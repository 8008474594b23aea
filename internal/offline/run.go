package offline

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// Options selects what to run.
type Options struct {
	// Dir holds Pulumi.yaml and the stack files.
	Dir   string
	Stack string
	// Overrides are applied like `pulumi up -c key=value`.
	Overrides map[string]string
	// Previous is the stack's last outputs, as a StackReference to itself reads
	// them; nil means the stack has never deployed.
	Previous map[string]any
	// Organization is the Pulumi organization; default "organization" (the
	// self-managed backends' name).
	Organization string
}

// Result is everything one run declared.
type Result struct {
	Project, Stack string
	// Config is what the program was given.
	Config map[string]string
	// Resources in registration order.
	Resources []Resource
	// Outputs are the stack outputs, resolved.
	Outputs map[string]any
}

// ProgramFunc is the shape of a program the recorder runs: it returns its stack
// outputs so the recorder can await them (mocks never see stack outputs).
type ProgramFunc func(ctx *pulumi.Context) (map[string]pulumi.Output, error)

// mockAccount is the account id the recorder answers with when the stack does not
// pin one.
const mockAccount = "123456789012"

// RunProgram runs any program shaped like infra.Program under the recorder. When
// the program fails, the error comes with the partial result (nil only when the
// project or stack files could not be read).
func RunProgram(opts Options, program ProgramFunc) (*Result, error) {
	st, err := OpenStack(opts)
	if err != nil {
		return nil, err
	}
	rec := &recorder{
		project:  st.Project.Name,
		stack:    opts.Stack,
		region:   st.Config["aws:region"],
		account:  mockAccount,
		azCount:  azCount(st.Config[st.Project.Name+":availabilityZones"]),
		previous: opts.Previous,
	}
	if a := st.Config[st.Project.Name+":accountId"]; a != "" {
		rec.account = a
	}
	if rec.previous == nil {
		rec.previous = map[string]any{}
	}

	outputs := map[string]any{}
	err = st.Run(rec, false, func(ctx *pulumi.Context) error {
		outs, err := program(ctx)
		if err != nil {
			return err
		}
		for name, out := range outs {
			res, err := internals.UnsafeAwaitOutput(ctx.Context(), out)
			if err != nil {
				return fmt.Errorf("resolve output %q: %w", name, err)
			}
			if !res.Known {
				// The real engine would store its unknown sentinel in the stack's
				// outputs, which every consumer would then read.
				return fmt.Errorf("output %q is unknown after the update", name)
			}
			outputs[name] = res.Value
		}
		// Normalise to JSON values (numbers as float64), as `pulumi stack output
		// --json` and the recorded inputs show them.
		b, err := json.Marshal(outputs)
		if err != nil {
			return fmt.Errorf("encode outputs: %w", err)
		}
		return json.Unmarshal(b, &outputs)
	})
	// On failure the partial result shows what was registered before it: for a
	// config error, nothing.
	return &Result{
		Project:   st.Project.Name,
		Stack:     opts.Stack,
		Config:    st.Config,
		Resources: rec.resources,
		Outputs:   outputs,
	}, err
}

// Stack is one stack as a mocked run sees it: the project, and the config the
// CLI would hand the program (Pulumi.yaml defaults, the stack file, overrides).
type Stack struct {
	Project *Project
	Name    string
	Config  map[string]string
	Org     string
}

// OpenStack reads the project and the stack's config.
func OpenStack(opts Options) (*Stack, error) {
	project, err := LoadProject(opts.Dir)
	if err != nil {
		return nil, err
	}
	cfg, err := project.StackConfig(opts.Dir, opts.Stack, opts.Overrides)
	if err != nil {
		return nil, err
	}
	org := opts.Organization
	if org == "" {
		org = "organization" // the self-managed backends' name
	}
	return &Stack{Project: project, Name: opts.Stack, Config: cfg, Org: org}, nil
}

// Run runs fn under a mock monitor with the stack's config, handed over as the
// real language host hands it: in RunInfo and in PULUMI_CONFIG (the program
// lists the configured keys from it). dryRun runs it as `pulumi preview` does.
// Runs are serialised, since PULUMI_CONFIG is process-wide.
func (s *Stack) Run(monitor pulumi.MockResourceMonitor, dryRun bool, fn pulumi.RunFunc) error {
	restore, err := setEnvConfig(s.Config)
	if err != nil {
		return err
	}
	defer restore()
	return pulumi.RunErr(fn,
		pulumi.WithMocksWithOrganization(s.Org, s.Project.Name, s.Name, monitor),
		func(info *pulumi.RunInfo) { info.Config = s.Config; info.DryRun = dryRun },
	)
}

// envMu serialises runs: PULUMI_CONFIG is process-wide.
var envMu sync.Mutex

func setEnvConfig(cfg map[string]string) (restore func(), err error) {
	b, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	envMu.Lock()
	old, had := os.LookupEnv(pulumi.EnvConfig)
	os.Setenv(pulumi.EnvConfig, string(b))
	return func() {
		if had {
			os.Setenv(pulumi.EnvConfig, old)
		} else {
			os.Unsetenv(pulumi.EnvConfig)
		}
		envMu.Unlock()
	}, nil
}

// azCount is how many subnets of each kind the made-up awsx VPC answers with:
// one per configured AZ, else awsx's count when none are named (infra uses 2).
func azCount(raw string) int {
	var azs []string
	if json.Unmarshal([]byte(raw), &azs) == nil && len(azs) > 0 {
		return len(azs)
	}
	return 2
}

// ByURN returns the resources sorted by URN, for stable output.
func (r *Result) ByURN() []Resource {
	out := append([]Resource(nil), r.Resources...)
	sort.Slice(out, func(i, j int) bool { return out[i].URN < out[j].URN })
	return out
}

// OfType returns the resources of one type token, in registration order.
func (r *Result) OfType(typ string) []Resource {
	var out []Resource
	for _, res := range r.Resources {
		if res.Type == typ {
			out = append(out, res)
		}
	}
	return out
}

// Named returns the one resource of a type with a logical name, or nil.
func (r *Result) Named(typ, name string) *Resource {
	for i, res := range r.Resources {
		if res.Type == typ && res.Name == name {
			return &r.Resources[i]
		}
	}
	return nil
}
