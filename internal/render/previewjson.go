package render

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/example/webservice/internal/offline"
)

// Preview mirrors the parts of `pulumi preview --json` that tools read: steps with
// op, urn and newState, and a changeSummary. Extra fields this renderer adds live
// under "webservice" so they never collide with Pulumi's own.
type Preview struct {
	Config        map[string]string `json:"config"`
	Steps         []Step            `json:"steps"`
	ChangeSummary map[string]int    `json:"changeSummary"`
	Webservice    Extras            `json:"webservice"`
}

// Step is one resource operation.
type Step struct {
	Op       string `json:"op"`
	URN      string `json:"urn"`
	Provider string `json:"provider,omitempty"`
	NewState State  `json:"newState"`
}

// State is a resource's registered state as preview reports it.
type State struct {
	URN      string         `json:"urn"`
	ID       string         `json:"id,omitempty"`
	Type     string         `json:"type"`
	Custom   bool           `json:"custom"`
	Parent   string         `json:"parent,omitempty"`
	Protect  bool           `json:"protect"`
	Provider string         `json:"provider,omitempty"`
	Inputs   map[string]any `json:"inputs"`
	// Outputs are the values the provider computes (ARNs, DNS names); for the
	// stack itself, the stack outputs. Offline they are made up but stable.
	Outputs        map[string]any    `json:"outputs,omitempty"`
	Dependencies   []string          `json:"dependencies,omitempty"`
	CustomTimeouts *offline.Timeouts `json:"customTimeouts,omitempty"`
}

// Extras are what this renderer knows beyond a preview.
type Extras struct {
	Stack    string   `json:"stack"`
	Estimate Estimate `json:"deployEstimate"`
	Notes    []string `json:"notes,omitempty"`
}

// StackType is the root resource's type.
const StackType = "pulumi:pulumi:Stack"

// NewPreview builds the preview of a run where every resource is created.
func NewPreview(r *offline.Result, e Estimate, notes []string) *Preview {
	p := &Preview{Config: r.Config, ChangeSummary: map[string]int{}, Webservice: Extras{
		Stack: r.Stack, Estimate: e, Notes: notes,
	}}
	stackURN := fmt.Sprintf("urn:pulumi:%s::%s::%s::%s-%s", r.Stack, r.Project, StackType, r.Project, r.Stack)
	p.Steps = append(p.Steps, Step{Op: "create", URN: stackURN, NewState: State{
		URN: stackURN, Type: StackType, Inputs: map[string]any{}, Outputs: r.Outputs,
	}})
	for _, res := range r.ByURN() {
		if res.Read {
			// Reads (the StackReference to the stack's own outputs) are not changes.
			p.Steps = append(p.Steps, Step{Op: "read", URN: res.URN, NewState: stateOf(res)})
			continue
		}
		p.Steps = append(p.Steps, Step{Op: "create", URN: res.URN, Provider: res.Provider, NewState: stateOf(res)})
	}
	for _, s := range p.Steps {
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
	return State{
		URN: res.URN, ID: res.ID, Type: res.Type, Custom: res.Custom, Parent: res.Parent, Protect: res.Protect,
		Provider: res.Provider, Inputs: res.Inputs, Outputs: computed, Dependencies: deps,
		CustomTimeouts: res.Timeouts,
	}
}

// JSON encodes a preview, indented, with a trailing newline.
func (p *Preview) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode preview: %w", err)
	}
	return append(b, '\n'), nil
}

// ReadPreview decodes a preview written by JSON (or by `pulumi preview --json`,
// whose steps carry the same fields).
func ReadPreview(b []byte) (*Preview, error) {
	var p Preview
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("decode preview JSON: %w", err)
	}
	if len(p.Steps) == 0 {
		return nil, fmt.Errorf("decode preview JSON: no steps")
	}
	return &p, nil
}

// Outputs returns the stack outputs recorded on the stack step.
func (p *Preview) Outputs() map[string]any {
	for _, s := range p.Steps {
		if s.NewState.Type == StackType {
			return s.NewState.Outputs
		}
	}
	return nil
}
