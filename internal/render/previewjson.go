package render

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"sort"
	"time"

	"github.com/example/webservice/internal/offline"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// Document has the shape of `pulumi preview --json`: the CLI's PreviewDigest and
// PreviewStep (package display of pulumi/pulumi, v3.274.1), field for field, with
// each state the SDK's apitype.ResourceV3, which the CLI serializes. What only
// render knows lives under "x-render", a name Pulumi never uses.
type Document struct {
	Config        map[string]string `json:"config,omitempty"`
	Steps         []DocStep         `json:"steps,omitempty"`
	Diagnostics   []Diagnostic      `json:"diagnostics,omitempty"`
	Duration      time.Duration     `json:"duration,omitempty"`
	ChangeSummary map[string]int    `json:"changeSummary,omitempty"`
	Render        *Extras           `json:"x-render,omitempty"`
}

// DocStep is the CLI's PreviewStep.
type DocStep struct {
	Op             string                `json:"op"`
	URN            string                `json:"urn"`
	Provider       string                `json:"provider,omitempty"`
	OldState       *apitype.ResourceV3   `json:"oldState,omitempty"`
	NewState       *apitype.ResourceV3   `json:"newState,omitempty"`
	DiffReasons    []string              `json:"diffReasons,omitempty"`
	ReplaceReasons []string              `json:"replaceReasons,omitempty"`
	DetailedDiff   map[string]PropDiffV1 `json:"detailedDiff"` // null, not omitted, when there is none
}

// PropDiffV1 is the CLI's PropertyDiff: a diff kind ("add", "update-replace", ...)
// and whether it compares old and new inputs (render always does).
type PropDiffV1 struct {
	Kind      string `json:"kind"`
	InputDiff bool   `json:"inputDiff"`
}

// Diagnostic is the CLI's PreviewDiagnostic: a message the program logged,
// prefixed with its severity as the engine prints it.
type Diagnostic struct {
	URN      string `json:"urn,omitempty"`
	Prefix   string `json:"prefix,omitempty"`
	Message  string `json:"message,omitempty"`
	Severity string `json:"severity,omitempty"`
}

// Extras are what render knows beyond a preview.
type Extras struct {
	// Kind is KindNewStack for `render -json` (a preview of the stack as if it did
	// not exist yet) or KindUpdate for `render -diff OLD.json -json` (a preview of
	// the update from OLD).
	Kind    string `json:"kind"`
	Project string `json:"project"`
	Stack   string `json:"stack"`
	// Outputs are the stack outputs, with made-up values where AWS computes them.
	Outputs  map[string]any `json:"outputs"`
	Estimate *Estimate      `json:"deployEstimate,omitempty"`
	Notes    []string       `json:"notes,omitempty"`
	// Resolved holds, per URN, the made-up values a preview cannot know: the id,
	// the provider-computed outputs, and each top-level input that holds the
	// unknown sentinel in newState. -diff reads them back.
	Resolved map[string]Resolved `json:"resolved,omitempty"`
	// Diff is render's own comparison with the -diff file, risks included.
	Diff *Diff `json:"diff,omitempty"`
}

// Document kinds.
const (
	KindNewStack = "new-stack"
	KindUpdate   = "update"
)

// Resolved are the made-up values of one resource.
type Resolved struct {
	ID       string         `json:"id,omitempty"`
	Provider string         `json:"provider,omitempty"`
	Inputs   map[string]any `json:"inputs,omitempty"`
	Outputs  map[string]any `json:"outputs,omitempty"`
}

// JSON encodes the preview as `pulumi preview --json` prints a stack that does
// not exist yet: every resource a create (the StackReference a read), inputs
// that wait for another resource as the unknown sentinel, no ids or outputs.
func (p *Preview) JSON() ([]byte, error) {
	if err := p.runPreviewPass(nil); err != nil {
		return nil, err
	}
	doc, err := p.newStackDocument()
	if err != nil {
		return nil, err
	}
	return encode(doc)
}

// UpdateJSON encodes the update from old to p as `pulumi preview --json` prints it
// for a stack that runs old: only the steps that change something, each with
// the old state, its diff, and unknowns only where a value waits for a resource
// this update creates or replaces.
func (p *Preview) UpdateJSON(old *Preview, d *Diff) ([]byte, error) {
	pending := map[string]bool{}
	for _, c := range d.Changes {
		if c.Op == "create" || c.Op == "replace" {
			pending[c.URN] = true
		}
	}
	if err := p.runPreviewPass(pending); err != nil {
		return nil, err
	}
	return encode(p.updateDocument(old, d))
}

func encode(doc *Document) ([]byte, error) {
	// The CLI indents with four spaces.
	b, err := json.MarshalIndent(doc, "", "    ")
	if err != nil {
		return nil, fmt.Errorf("encode preview: %w", err)
	}
	return append(b, '\n'), nil
}

func (p *Preview) newStackDocument() (*Document, error) {
	doc := &Document{Config: p.Config, Diagnostics: p.Diagnostics, Duration: p.Duration,
		ChangeSummary: p.ChangeSummary, Render: p.extras(KindNewStack)}
	doc.Render.Resolved = map[string]Resolved{}
	for _, s := range p.Steps {
		st := s.NewState
		if st.Type == StackType {
			doc.Steps = append(doc.Steps, DocStep{Op: s.Op, URN: s.URN, NewState: rootState(st.URN, nil)})
			continue
		}
		if s.Preview == nil {
			return nil, fmt.Errorf("render: no preview of %s: run the preview pass before encoding JSON", s.URN)
		}
		provider := s.Preview.Provider
		if s.Op == "read" {
			provider = p.defaultProvider("pulumi")
		}
		doc.Steps = append(doc.Steps, DocStep{Op: s.Op, URN: s.URN, Provider: provider,
			NewState: newStateV3(st, s.Preview.Inputs, provider)})
		if r := resolvedOf(s); !r.empty() {
			doc.Render.Resolved[s.URN] = r
		}
	}
	return doc, nil
}

func (p *Preview) extras(kind string) *Extras {
	return &Extras{Kind: kind, Project: p.Project, Stack: p.Stack, Outputs: p.Outputs, Estimate: p.Estimate,
		Notes: p.Notes}
}

// defaultProvider is the reference to the provider the engine creates for a
// package when the program names none (the StackReference's builtin "pulumi").
// Render never knows its id.
func (p *Preview) defaultProvider(pkg string) string {
	return fmt.Sprintf("urn:pulumi:%s::%s::pulumi:providers:%s::default::%s", p.Stack, p.Project, pkg, UnknownValue)
}

// rootState is the stack's own state: no inputs; outputs only in an old state.
func rootState(urn string, outputs map[string]any) *apitype.ResourceV3 {
	return &apitype.ResourceV3{URN: resource.URN(urn), Type: tokens.Type(StackType), Outputs: nilIfEmpty(outputs)}
}

// newStateV3 is a step's new state as a preview reports it: no id (a read
// keeps the id it reads) and no outputs, since nothing has been created.
func newStateV3(st State, inputs map[string]any, provider string) *apitype.ResourceV3 {
	r := stateV3(st, inputs, provider)
	if !st.External {
		r.ID = ""
	}
	return r
}

// oldStateV3 is a resource as the stack's last update recorded it.
func oldStateV3(st State) *apitype.ResourceV3 {
	r := stateV3(st, st.Inputs, st.Provider)
	out := maps.Clone(st.Inputs)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, st.Outputs)
	if st.Custom {
		// A provider's outputs echo the inputs it was given; components have none.
		r.Outputs = nilIfEmpty(out)
	}
	return r
}

func stateV3(st State, inputs map[string]any, provider string) *apitype.ResourceV3 {
	r := &apitype.ResourceV3{
		URN: resource.URN(st.URN), Custom: st.Custom, Type: tokens.Type(st.Type), Inputs: nilIfEmpty(inputs),
		Parent: resource.URN(st.Parent), Protect: st.Protect, External: st.External, Provider: provider,
		IgnoreChanges: st.IgnoreChanges, CustomTimeouts: timeoutsV3(st.CustomTimeouts),
	}
	if st.Custom {
		r.ID = resource.ID(st.ID)
	}
	for _, d := range st.Dependencies {
		r.Dependencies = append(r.Dependencies, resource.URN(d))
	}
	return r
}

// timeoutsV3 converts the program's timeouts ("19m0s") to the seconds the engine
// stores.
func timeoutsV3(t *offline.Timeouts) *resource.CustomTimeouts {
	if t == nil {
		return nil
	}
	secs := func(s string) float64 {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0
		}
		return d.Seconds()
	}
	c := &resource.CustomTimeouts{Create: secs(t.Create), Update: secs(t.Update), Delete: secs(t.Delete)}
	if !c.IsNotEmpty() {
		return nil
	}
	return c
}

func timeoutsFromV3(c *resource.CustomTimeouts) *offline.Timeouts {
	if c == nil || !c.IsNotEmpty() {
		return nil
	}
	str := func(s float64) string {
		if s == 0 {
			return ""
		}
		return (time.Duration(s) * time.Second).String()
	}
	return &offline.Timeouts{Create: str(c.Create), Update: str(c.Update), Delete: str(c.Delete)}
}

// resolvedOf keeps what newState does not show: the made-up id, outputs and
// provider reference, and every top-level input the preview does not know.
func resolvedOf(s Step) Resolved {
	st := s.NewState
	r := Resolved{Outputs: st.Outputs}
	if st.Custom && !st.External {
		r.ID = st.ID
	}
	if st.Provider != s.Preview.Provider && s.Op != "read" {
		r.Provider = st.Provider
	}
	for k, v := range st.Inputs {
		if pv, ok := s.Preview.Inputs[k]; !ok || !reflect.DeepEqual(pv, v) {
			if r.Inputs == nil {
				r.Inputs = map[string]any{}
			}
			r.Inputs[k] = v
		}
	}
	return r
}

func (r Resolved) empty() bool {
	return r.ID == "" && r.Provider == "" && len(r.Inputs) == 0 && len(r.Outputs) == 0
}

func nilIfEmpty(m map[string]any) map[string]any {
	if len(m) == 0 {
		return nil
	}
	return m
}

// ReadPreview decodes what -diff compares with: a render's -json document, the
// document render wrote before it had the shape of `pulumi preview --json`
// (a base branch may predate the change), or a real `pulumi preview --json` of a
// stack that does not exist yet.
func ReadPreview(b []byte) (*Preview, error) {
	var probe struct {
		Steps      []json.RawMessage `json:"steps"`
		Render     json.RawMessage   `json:"x-render"`
		Webservice json.RawMessage   `json:"webservice"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("decode preview JSON: %w", err)
	}
	if len(probe.Steps) == 0 {
		return nil, fmt.Errorf("decode preview JSON: no steps")
	}
	if probe.Webservice != nil && probe.Render == nil {
		return readLegacy(b)
	}
	var doc Document
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("decode preview JSON: %w", err)
	}
	return fromDocument(&doc)
}

func fromDocument(doc *Document) (*Preview, error) {
	x := doc.Render
	if x == nil {
		// A real preview: only a new stack's lists every resource.
		x = &Extras{Kind: KindNewStack}
		for _, s := range doc.Steps {
			if s.Op != "create" && s.Op != "read" {
				return nil, fmt.Errorf("decode preview JSON: it previews an update (a step is %q) and lists only "+
					"what changes; -diff needs every resource: a render -json, or a preview of a new stack", s.Op)
			}
		}
	}
	if x.Kind != KindNewStack {
		return nil, fmt.Errorf("decode preview JSON: it is a render of kind %q (render -diff -json); -diff "+
			"compares with a plain render -json", x.Kind)
	}
	p := &Preview{Project: x.Project, Stack: x.Stack, Config: doc.Config, ChangeSummary: doc.ChangeSummary,
		Outputs: x.Outputs, Estimate: x.Estimate, Notes: x.Notes, Diagnostics: doc.Diagnostics,
		Duration: doc.Duration}
	for _, s := range doc.Steps {
		ns := s.NewState
		if ns == nil {
			return nil, fmt.Errorf("decode preview JSON: step %s has no newState", s.URN)
		}
		st := State{URN: string(ns.URN), ID: string(ns.ID), Type: string(ns.Type), Custom: ns.Custom,
			Parent: string(ns.Parent), Protect: ns.Protect, External: ns.External, Provider: ns.Provider,
			Inputs: maps.Clone(ns.Inputs), CustomTimeouts: timeoutsFromV3(ns.CustomTimeouts),
			IgnoreChanges: ns.IgnoreChanges}
		for _, d := range ns.Dependencies {
			st.Dependencies = append(st.Dependencies, string(d))
		}
		if r, ok := x.Resolved[s.URN]; ok {
			if st.Inputs == nil && len(r.Inputs) > 0 {
				st.Inputs = map[string]any{}
			}
			maps.Copy(st.Inputs, r.Inputs)
			if r.ID != "" {
				st.ID = r.ID
			}
			if r.Provider != "" {
				st.Provider = r.Provider
			}
			st.Outputs = r.Outputs
		}
		if st.Type == StackType && p.Project == "" {
			urn := resource.URN(st.URN)
			p.Project, p.Stack = string(urn.Project()), string(urn.Stack())
		}
		p.Steps = append(p.Steps, Step{Op: s.Op, URN: s.URN, Provider: st.Provider, NewState: st})
	}
	return p, nil
}

// readLegacy decodes the JSON render wrote before x-render: steps with made-up
// ids and outputs in newState, the stack outputs on the stack's step, extras
// under "webservice". Keep it while a base branch may predate the change.
func readLegacy(b []byte) (*Preview, error) {
	var doc struct {
		Config map[string]string `json:"config"`
		Steps  []struct {
			Op       string `json:"op"`
			URN      string `json:"urn"`
			Provider string `json:"provider"`
			NewState struct {
				URN            string            `json:"urn"`
				ID             string            `json:"id"`
				Type           string            `json:"type"`
				Custom         bool              `json:"custom"`
				Parent         string            `json:"parent"`
				Protect        bool              `json:"protect"`
				Provider       string            `json:"provider"`
				Inputs         map[string]any    `json:"inputs"`
				Outputs        map[string]any    `json:"outputs"`
				Dependencies   []string          `json:"dependencies"`
				CustomTimeouts *offline.Timeouts `json:"customTimeouts"`
			} `json:"newState"`
		} `json:"steps"`
		ChangeSummary map[string]int `json:"changeSummary"`
		Webservice    struct {
			Stack    string   `json:"stack"`
			Estimate Estimate `json:"deployEstimate"`
			Notes    []string `json:"notes"`
		} `json:"webservice"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("decode preview JSON: %w", err)
	}
	p := &Preview{Stack: doc.Webservice.Stack, Config: doc.Config, ChangeSummary: doc.ChangeSummary,
		Estimate: &doc.Webservice.Estimate, Notes: doc.Webservice.Notes}
	for _, s := range doc.Steps {
		ns := s.NewState
		st := State{URN: ns.URN, ID: ns.ID, Type: ns.Type, Custom: ns.Custom, Parent: ns.Parent, Protect: ns.Protect,
			Provider: ns.Provider, Inputs: ns.Inputs, Outputs: ns.Outputs, Dependencies: ns.Dependencies,
			CustomTimeouts: ns.CustomTimeouts, External: s.Op == "read"}
		if st.Type == StackType {
			p.Outputs, st.Outputs = ns.Outputs, nil
			urn := resource.URN(st.URN)
			p.Project = string(urn.Project())
		}
		p.Steps = append(p.Steps, Step{Op: s.Op, URN: s.URN, Provider: s.Provider, NewState: st})
	}
	return p, nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
