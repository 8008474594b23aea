package render

import (
	"fmt"
	"sort"
	"time"

	"github.com/example/webservice/internal/offline"
)

// Preview is one offline run of a stack with every value resolved: the inputs
// the program set and the values a provider would compute, made up but stable.
// The plan, -output and -diff read it; the JSON document (previewjson.go) is
// built from it and from the preview pass (unknowns.go).
type Preview struct {
	Project, Stack string
	Config         map[string]string
	// Steps: the stack first, then every resource by URN.
	Steps         []Step
	ChangeSummary map[string]int
	// Outputs are the stack outputs, made up where a provider computes them.
	Outputs map[string]any
	// Estimate is the deploy-time model's answer; nil for a project without one
	// (bootstrap/).
	Estimate *Estimate
	Notes    []string
	// Diagnostics are what the program logged, as the engine prints them, and
	// Duration how long the runs took: both only for the JSON document.
	Diagnostics []Diagnostic
	Duration    time.Duration

	// run is how the program ran, for the preview pass; nil when read from a file.
	run *rerun
}

// rerun is what the preview pass needs to run the program again.
type rerun struct {
	opts    offline.Options
	program offline.ProgramFunc
	result  *offline.Result
}

// runPreviewPass attaches to each step what `pulumi preview` sends for it when
// the resources in pending (nil: all of them) are still to be created, and
// collects what the program logs.
func (p *Preview) runPreviewPass(pending map[string]bool) error {
	if p.run == nil {
		return fmt.Errorf("render: the preview of stack %q was read from a file and cannot run again", p.Stack)
	}
	start := time.Now()
	logs := &logRecorder{}
	seen, err := previewPass(p.run.opts, p.run.program, p.run.result, pending, logs)
	if err != nil {
		return err
	}
	for i, s := range p.Steps {
		p.Steps[i].Preview = nil
		if pv, ok := seen[s.URN]; ok {
			p.Steps[i].Preview = &pv
		}
	}
	p.Diagnostics = logs.diagnostics()
	p.Duration += time.Since(start)
	return nil
}

// Step is one resource operation.
type Step struct {
	Op       string
	URN      string
	Provider string
	NewState State
	// Preview is what `pulumi preview` of a new stack sends for the resource; nil
	// for the stack itself, for a plain render and for a render read from a file.
	Preview *previewed
}

// State is a resource as the program declared it, with made-up provider values.
type State struct {
	URN      string
	ID       string
	Type     string
	Custom   bool
	Parent   string
	Protect  bool
	External bool // reads: the resource is not managed by this stack
	Provider string
	Inputs   map[string]any
	// Outputs are the values the provider computes (ARNs, DNS names), without
	// the inputs it echoes. Offline they are made up but stable.
	Outputs        map[string]any
	Dependencies   []string
	CustomTimeouts *offline.Timeouts
	IgnoreChanges  []string
}

// StackType is the root resource's type.
const StackType = "pulumi:pulumi:Stack"

// stackURN is the URN of a stack's root resource.
func stackURN(project, stack string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::%s::%s-%s", stack, project, StackType, project, stack)
}

// NewPreview builds the preview of a run where every resource is created.
func NewPreview(r *offline.Result, e *Estimate, notes []string) *Preview {
	p := &Preview{Project: r.Project, Stack: r.Stack, Config: r.Config, ChangeSummary: map[string]int{},
		Outputs: r.Outputs, Estimate: e, Notes: notes}
	urn := stackURN(r.Project, r.Stack)
	p.Steps = append(p.Steps, Step{Op: "create", URN: urn, NewState: State{URN: urn, Type: StackType}})
	for _, res := range r.ByURN() {
		op := "create"
		if res.Read {
			op = "read"
		}
		p.Steps = append(p.Steps, Step{Op: op, URN: res.URN, Provider: res.Provider, NewState: stateOf(res)})
	}
	for _, s := range p.Steps {
		// A read is not a change: the engine counts one only when what it read
		// differs from what the last update read.
		if s.Op != "read" {
			p.ChangeSummary[s.Op]++
		}
	}
	return p
}

func stateOf(res offline.Resource) State {
	deps := append([]string(nil), res.DependsOn...)
	sort.Strings(deps)
	computed := map[string]any{}
	for k, v := range res.Outputs {
		if _, isInput := res.Inputs[k]; !isInput {
			computed[k] = v
		}
	}
	if len(computed) == 0 {
		computed = nil
	}
	s := State{
		URN: res.URN, ID: res.ID, Type: res.Type, Custom: res.Custom, Parent: res.Parent, Protect: res.Protect,
		Provider: res.Provider, Inputs: res.Inputs, Outputs: computed, Dependencies: deps,
		CustomTimeouts: res.Timeouts, IgnoreChanges: res.IgnoreChanges,
	}
	if res.Read {
		// The engine records a read as a custom resource it does not manage.
		s.Custom, s.External = true, true
	}
	return s
}

// stackStep returns the step of the stack itself.
func (p *Preview) stackStep() Step {
	for _, s := range p.Steps {
		if s.NewState.Type == StackType {
			return s
		}
	}
	return Step{}
}
