package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/example/webservice/internal/plan"
)

// WritePlan prints the readable plan: the resource tree with the settings that
// matter, the stack outputs, the deploy-time estimate, notes and a summary.
func WritePlan(w io.Writer, p *Preview) error {
	ew := &errWriter{w: w}
	ew.printf("Offline preview of stack %q (project %s). No cloud calls were made.\n\n", p.Stack, p.Project)

	children := map[string][]Step{}
	var root Step
	for _, s := range p.Steps {
		if s.NewState.Type == StackType {
			root = s
			continue
		}
		parent := s.NewState.Parent
		if parent == "" {
			parent = root.URN
		}
		children[parent] = append(children[parent], s)
	}

	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "     Type\tName\tSettings\n")
	var walk func(s Step, depth int)
	walk = func(s Step, depth int) {
		name := s.URN[strings.LastIndex(s.URN, "::")+2:]
		fmt.Fprintf(tw, " %-2s  %s%s\t%s\t%s\n", plan.OpSymbol(s.Op), strings.Repeat("  ", depth), s.NewState.Type, name,
			describe(s.NewState))
		kids := children[s.URN]
		sort.SliceStable(kids, func(i, j int) bool { return order(kids[i]) < order(kids[j]) })
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	walk(root, 0)
	if err := tw.Flush(); err != nil {
		return err
	}

	ew.printf("\nOutputs:\n")
	outs := p.Outputs
	names := make([]string, 0, len(outs))
	for k := range outs {
		names = append(names, k)
	}
	sort.Strings(names)
	tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, k := range names {
		fmt.Fprintf(tw, "    %s\t%s\n", k, outputText(outs[k]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if e := p.Estimate; e != nil {
		ew.printf("\nDeploy-time estimate (docs/deploy-time-model.md):\n")
		ew.printf("    rollout            %s  (%d tasks, %d at a time, %d wave(s)", duration(e.RolloutSeconds), e.Tasks,
			e.TasksAtOnce, e.Waves)
		if e.AlarmBakeSeconds > 0 {
			ew.printf(", then %s watching the deployment alarms", duration(e.AlarmBakeSeconds))
		}
		ew.printf(")\n")
		ew.printf("    bad release found  %s  (circuit breaker trips after %d failed tasks)\n",
			duration(e.DetectSeconds), e.BreakerThreshold)
		ew.printf("    rolled back by     %s  after the deploy starts\n", duration(e.RollbackSeconds))
		ew.printf("    pulumi up timeout  %s\n", duration(e.UpdateTimeoutSecs))
		for _, warn := range e.Warnings {
			ew.printf("    warning: %s\n", warn)
		}
	}
	for _, n := range p.Notes {
		ew.printf("\nNote: %s\n", n)
	}
	ew.printf("\nResources: %s\n", summary(p))
	return ew.err
}

// order keeps the tree in dependency order: what a reviewer reads first.
func order(s Step) int {
	ranks := []string{"pulumi:providers:", "pulumi:pulumi:StackReference", "webservice:infra:Network",
		"webservice:infra:Registry", "webservice:infra:Cluster", "webservice:infra:LoadBalancer",
		"webservice:infra:Service", "webservice:infra:Operations"}
	for i, prefix := range ranks {
		if strings.HasPrefix(s.NewState.Type, prefix) {
			return i
		}
	}
	return len(ranks)
}

func outputText(v any) string {
	switch x := v.(type) {
	case string:
		if x == "" {
			return `""`
		}
		return x
	case []any:
		s := make([]string, len(x))
		for i, e := range x {
			s[i] = fmt.Sprint(e)
		}
		return "[" + strings.Join(s, ", ") + "]"
	case float64:
		return fmt.Sprint(int64(x))
	default:
		return fmt.Sprint(x)
	}
}

// summary counts steps by op, then creations by type.
func summary(p *Preview) string {
	var ops []string
	for _, op := range []string{"create", "update", "replace", "delete", "same"} {
		if n := p.ChangeSummary[op]; n > 0 {
			ops = append(ops, fmt.Sprintf("%d to %s", n, op))
		}
	}
	byType := map[string]int{}
	for _, s := range p.Steps {
		if s.Op != "read" {
			byType[s.NewState.Type]++
		}
	}
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	sort.Strings(types)
	var b strings.Builder
	b.WriteString(strings.Join(ops, ", "))
	for _, t := range types {
		fmt.Fprintf(&b, "\n    %3d  %s", byType[t], t)
	}
	return b.String()
}

// errWriter keeps the first write error so printing code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
