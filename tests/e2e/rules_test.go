//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/example/webservice/bootstrap/identity"
	"github.com/example/webservice/internal/awsrules"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// TestTheProviderRefusesAtPreviewWhatTheRowsItReplacedRefused asks the AWS
// provider itself about every row of internal/awsrules whose source is one of
// its ValidateFuncs ("tf:"). For each row it injects values the row refuses,
// one property of one resource at a time, into a resource our program really
// declares (the production plan and bootstrap, recorded offline) and runs
// `pulumi preview` of tests/e2e/probe with the real CLI and the stand-in
// provider (terraform-provider-aws v5.100.0) against moto. A value is refused
// when the preview fails with a diagnostic at that property; it is accepted
// when a preview holding it succeeds.
//
// A row the provider refuses every value of at preview has gone from the table
// and is on awsrules.CheckedAtPreview, which the coverage test in
// tests/provider_rules_test.go counts as checked by the provider; a row with a
// value the provider accepts stays. This test keeps the three in step: it fails
// when a row is gone that the provider does not cover, or kept when it does,
// and when the provider's answer or message changes (docs/provider-rules.md).
func TestTheProviderRefusesAtPreviewWhatTheRowsItReplacedRefused(t *testing.T) {
	checkCasesAgainstTheTable(t)
	if t.Failed() {
		return
	}
	base := probeBases(t)
	w := newWorld(t)
	p := newProber(t, w)
	start := time.Now()

	var groups []*probeGroup
	byKey := map[string]*probeGroup{}
	for i, c := range ruleCases {
		if c.skip != "" {
			continue
		}
		res := base.pick(t, c.typ, c.base)
		key := res.Type + " " + res.Name
		g := byKey[key]
		if g == nil {
			g = &probeGroup{res: res}
			byKey[key] = g
			groups = append(groups, g)
		}
		for j, b := range c.bad {
			g.pending = append(g.pending, &injection{caseIdx: i, badIdx: j, path: concrete(c.path), bad: b})
		}
	}

	// The control: the inputs our program sets, unchanged, pass preview, so
	// a refusal below is the injected value's.
	var control []probeSpec
	for _, g := range groups {
		control = append(control, probeSpec{g.res.Type, g.res.Name, g.res.Inputs})
	}
	if out := p.preview("probe-0", control); out.Code != 0 {
		t.Fatalf("control: preview of the recorded resources, unchanged, fails (exit %d, %s):\n%s",
			out.Code, out.Log, strings.Join(out.diagnostics(""), "\n"))
	}

	// Two previews at a time, one recorded resource each.
	work := make(chan *probeGroup)
	var wg sync.WaitGroup
	for _, stack := range []string{"probe-0", "probe-1"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				p.settle(stack, g)
			}
		}()
	}
	for _, g := range groups {
		work <- g
	}
	close(work)
	wg.Wait()
	t.Logf("%d values of %d rows: %d previews in %s", countInjections(groups), len(ruleCases), p.previews.Load(), time.Since(start).Round(time.Second))

	// Nothing was created: every refusal came before the first resource.
	if created := p.created(); created != "" {
		t.Errorf("moto holds resources after the previews:\n%s", created)
	}

	outcomes := map[[2]int]outcome{}
	for _, g := range groups {
		for _, in := range g.done {
			outcomes[[2]int{in.caseIdx, in.badIdx}] = in.outcome
		}
	}
	for i, c := range ruleCases {
		t.Run(c.name(), func(t *testing.T) {
			if c.skip != "" {
				t.Skip(c.skip)
			}
			for j, b := range c.bad {
				got := outcomes[[2]int{i, j}]
				switch {
				case got.err != "":
					t.Errorf("%s: %s", b, got.err)
				case b.refusal == "" && got.refused:
					t.Errorf("%s: the provider refuses it at preview (%q), the table says it accepts it (%s)", b, got.message, got.log)
				case b.refusal != "" && !got.refused:
					t.Errorf("%s: the provider accepts it at preview, the table says it refuses it with %q (%s)", b, b.refusal, got.log)
				case b.refusal != "" && !strings.Contains(got.message, b.refusal):
					t.Errorf("%s: refused with %q, want %q (%s)", b, got.message, b.refusal, got.log)
				}
				t.Logf("%s: %s", b, got)
			}
		})
	}
}

// bad is one value a row refuses.
type bad struct {
	value any // injected at the case's path
	// autoname: instead, the property is left unset and the resource is named
	// this, so the provider names it (logical name, "-", 7 random characters).
	autoname string
	// beside: the value is added to the list the path's element is in,
	// beside the program's own values, instead of replacing the first.
	beside bool
	// refusal is what the provider says at preview; "" when it accepts the value.
	refusal string
}

func val(v any, refusal string) bad    { return bad{value: v, refusal: refusal} }
func auto(logical, refusal string) bad { return bad{autoname: logical, refusal: refusal} }
func beside(v any, refusal string) bad { return bad{value: v, beside: true, refusal: refusal} }

func (b bad) String() string {
	if b.autoname != "" {
		return fmt.Sprintf("auto-named from %q", abbreviate(b.autoname))
	}
	if b.beside {
		return fmt.Sprintf("%q beside the program's", b.value)
	}
	if s, ok := b.value.(string); ok {
		return strconv.Quote(abbreviate(s))
	}
	j, _ := json.Marshal(b.value)
	return abbreviate(string(j))
}

// asRowSees is the value the row checks: for an auto-name, the name the
// table assumes Pulumi generates (awsrules.Check does the same).
func (b bad) asRowSees() any {
	if b.autoname != "" {
		return b.autoname + "-abc1234"
	}
	return b.value
}

func abbreviate(s string) string {
	if len(s) > 40 {
		return fmt.Sprintf("%s... (%d characters)", s[:24], len(s))
	}
	return s
}

// ruleCase is one row of internal/awsrules with a provider source ("tf:").
type ruleCase struct {
	typ, path string
	kind      awsrules.Kind
	base      string // the recorded resource to inject into (logical name); "" the first of the type
	bad       []bad
	skip      string // why no value can be injected here
	why       string // for a kept row: why the provider does not cover it
}

// removed: the provider refuses every value at preview, so the row has gone.
func (c ruleCase) removed() bool {
	if c.skip != "" || len(c.bad) == 0 {
		return false
	}
	for _, b := range c.bad {
		if b.refusal == "" {
			return false
		}
	}
	return true
}

var kindNames = map[awsrules.Kind]string{awsrules.Pattern: "pattern", awsrules.Length: "length", awsrules.Enum: "enum",
	awsrules.Range: "range", awsrules.JSON: "json", awsrules.Free: "free", awsrules.Forbidden: "forbidden",
	awsrules.CompactLength: "compact-length", awsrules.MultipleOf: "multiple-of", awsrules.Items: "items"}

func (c ruleCase) name() string {
	return strings.TrimPrefix(c.typ, "aws:") + " " + c.path + " " + kindNames[c.kind]
}

// row finds the case's row in the table.
func (c ruleCase) row() (awsrules.Rule, bool) {
	for _, r := range awsrules.Rules {
		if r.Type == c.typ && r.Path == c.path && r.Kind == c.kind && strings.Contains(r.Source, "tf:") {
			return r, true
		}
	}
	return awsrules.Rule{}, false
}

// checkCasesAgainstTheTable: one case per "tf:" row, each value one the row
// refuses; a row is in the table exactly when some value of it is accepted.
func checkCasesAgainstTheTable(t *testing.T) {
	t.Helper()
	for _, c := range ruleCases {
		row, inTable := c.row()
		switch {
		case c.removed() && inTable:
			t.Errorf("%s: the provider refuses every value at preview, so the row goes from internal/awsrules/rules.go", c.name())
		case !c.removed() && !inTable:
			t.Errorf("%s: not in internal/awsrules/rules.go, but the provider does not refuse every value at preview: the row stays", c.name())
		case !c.removed() && c.why == "":
			t.Errorf("%s: a kept row says why the provider does not cover it", c.name())
		}
		if !inTable {
			continue
		}
		for _, b := range c.bad {
			if _, refused := row.Refuses(b.asRowSees()); !refused {
				t.Errorf("%s: the row accepts %s, so it is no test of the row", c.name(), b)
			}
		}
	}
	// A row that went is on awsrules.CheckedAtPreview (the coverage test's
	// list), and only such a row.
	for _, c := range ruleCases {
		autoname := false
		for _, b := range c.bad {
			autoname = autoname || b.autoname != ""
		}
		listed := 0
		for _, pc := range awsrules.CheckedAtPreview {
			if pc.Type == c.typ && pc.Path == c.path && pc.Kind == c.kind {
				listed++
				if pc.Autoname != autoname {
					t.Errorf("%s: awsrules.CheckedAtPreview says Autoname %v, the case %v", c.name(), pc.Autoname, autoname)
				}
			}
		}
		if c.removed() != (listed == 1) {
			t.Errorf("%s: the row went: %v; on awsrules.CheckedAtPreview: %d times", c.name(), c.removed(), listed)
		}
	}
	for _, pc := range awsrules.CheckedAtPreview {
		found := false
		for _, c := range ruleCases {
			found = found || (c.typ == pc.Type && c.path == pc.Path && c.kind == pc.Kind)
		}
		if !found {
			t.Errorf("awsrules.CheckedAtPreview %s %s: no case here shows the provider refusing it", pc.Type, pc.Path)
		}
	}
	for _, r := range awsrules.Rules {
		if !strings.Contains(r.Source, "tf:") {
			continue
		}
		found := false
		for _, c := range ruleCases {
			found = found || (c.typ == r.Type && c.path == r.Path && c.kind == r.Kind)
		}
		if !found {
			t.Errorf("%s %s (%s): a row citing the provider has no case here", r.Type, r.Path, r.Source)
		}
	}
}

// probeBase is the recorded resources values are injected into.
type probeBase []offline.Resource

// probeBases records the production plan (existing VPC, access logs, a
// promotion reader: every type and property the stacks set) and bootstrap.
func probeBases(t *testing.T) probeBase {
	t.Helper()
	root := repoRoot(t)
	r, err := service.Run(offline.Options{Dir: root, Stack: "production", Overrides: map[string]string{
		"imageTag": "e2e", "accountId": account, "accessLogs": "true", "allowHttpOnly": "false",
		"autoscalingMinCount": "2", "autoscalingMaxCount": "4",
		"certificateArn":   "arn:aws:acm:us-east-1:" + account + ":certificate/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73",
		"vpcId":            "vpc-0a1b2c3d4e5f60718",
		"publicSubnetIds":  `["subnet-0a1b2c3d4e5f60711","subnet-0a1b2c3d4e5f60712"]`,
		"privateSubnetIds": `["subnet-0a1b2c3d4e5f60713","subnet-0a1b2c3d4e5f60714"]`,
		// The staging repository policy's reader, here on production's repository: the same resource.
		"promotionReaderArns": `["arn:aws:iam::109876543210:role/webservice-production-deploy"]`}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := offline.RunProgram(offline.Options{Dir: filepath.Join(root, "bootstrap"), Stack: "shared",
		Overrides: map[string]string{"accountId": account, "githubOrg": "acme", "githubRepo": "webservice"}},
		func(ctx *pulumi.Context) (map[string]pulumi.Output, error) { return identity.Program(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	var out probeBase
	for _, res := range append(r.Resources, b.Resources...) {
		if res.Custom && !res.Read {
			out = append(out, res)
		}
	}
	return out
}

func (pb probeBase) pick(t *testing.T, typ, name string) offline.Resource {
	t.Helper()
	for _, r := range pb {
		if r.Type == typ && (name == "" || r.Name == name) {
			return *r.Copy()
		}
	}
	t.Fatalf("the recorded plans declare no %s %q", typ, name)
	return offline.Resource{}
}

// injection is one bad value of one case, as the prober works through it.
type injection struct {
	caseIdx, badIdx int
	path            string // concrete: "*" is the first element
	bad             bad
	alone           bool // preview it without other injections
	outcome         outcome
}

type outcome struct {
	refused bool
	message string // the provider's, as the preview printed it
	err     string // the preview failed without saying why
	log     string
}

func (o outcome) String() string {
	switch {
	case o.err != "":
		return "error: " + o.err
	case o.refused:
		return "refused at preview: " + o.message
	default:
		return "accepted at preview"
	}
}

// probeGroup is the injections into one recorded resource.
type probeGroup struct {
	res     offline.Resource
	pending []*injection
	done    []*injection
}

func countInjections(groups []*probeGroup) int {
	n := 0
	for _, g := range groups {
		n += len(g.done)
	}
	return n
}

// concrete turns a rule path into the path injected: the first element for "*".
func concrete(path string) string { return strings.ReplaceAll(path, "*", "0") }

// conflicts: two paths touch the same value (one holds the other).
func conflicts(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}

// prober runs the probe project (tests/e2e/probe) in the world's workspace.
type prober struct {
	t        *testing.T
	w        *world
	dir      string // the probe project, in the workspace
	version  string // pulumi-aws's, as go.mod requires it
	previews atomic.Int64
}

func newProber(t *testing.T, w *world) *prober {
	t.Helper()
	p := &prober{t: t, w: w, dir: filepath.Join(w.repo, "tests", "e2e", "probe"), version: awsVersion(t)}
	// The project file is written here, not committed: a Pulumi.yaml under
	// tests/ would be one more project for the repository's own checks. The
	// fixed buildTarget lets `go build` find the binary up to date after the
	// first preview (a fresh link costs ~4 s of CPU per preview).
	project := "name: probe\nruntime:\n  name: go\n  options:\n    buildTarget: bin/probe\n"
	if err := os.WriteFile(filepath.Join(p.dir, "Pulumi.yaml"), []byte(project), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, stack := range []string{"probe-0", "probe-1"} {
		w.must(filepath.Join("tests", "e2e", "probe"), "pulumi stack init --non-interactive "+stack)
	}
	return p
}

// created lists what moto holds of every type the probe declares ("" none).
func (p *prober) created() string {
	p.t.Helper()
	r := p.w.must(".", `aws ecr describe-repositories --query 'repositories[].repositoryName' --output text
aws ecs list-clusters --query 'clusterArns[]' --output text
aws ecs list-task-definitions --query 'taskDefinitionArns[]' --output text
aws logs describe-log-groups --query 'logGroups[].logGroupName' --output text
aws ec2 describe-security-groups --query 'SecurityGroups[?GroupName!=`+"`default`"+`].GroupId' --output text
aws elbv2 describe-load-balancers --query 'LoadBalancers[].LoadBalancerArn' --output text
aws elbv2 describe-target-groups --query 'TargetGroups[].TargetGroupArn' --output text
aws iam list-roles --query 'Roles[].Arn' --output text
aws iam list-policies --scope Local --query 'Policies[].Arn' --output text
aws iam list-open-id-connect-providers --query 'OpenIDConnectProviderList[].Arn' --output text
aws cloudwatch describe-alarms --query 'MetricAlarms[].AlarmName' --output text
aws cloudwatch list-dashboards --query 'DashboardEntries[].DashboardName' --output text
aws application-autoscaling describe-scalable-targets --service-namespace ecs --query 'ScalableTargets[].ResourceId' --output text
aws application-autoscaling describe-scaling-policies --service-namespace ecs --query 'ScalingPolicies[].PolicyName' --output text
aws s3api list-buckets --query 'Buckets[].Name' --output text`)
	return strings.TrimSpace(r.Stdout)
}

// previewResult is `pulumi preview --json` of the probe.
type previewResult struct {
	Code        int
	Log         string
	Diagnostics []struct {
		URN      string `json:"urn"`
		Message  string `json:"message"`
		Severity string `json:"severity"`
	} `json:"diagnostics"`
}

// diagnostics are the errors about the resource named name ("" any resource),
// as the provider worded them.
func (r previewResult) diagnostics(name string) []string {
	var out []string
	for _, d := range r.Diagnostics {
		if d.Severity != "error" || d.URN == "" || (name != "" && !strings.HasSuffix(d.URN, "::"+name)) {
			continue
		}
		out = append(out, d.Message)
	}
	return out
}

// preview runs `pulumi preview` of the probe declaring specs, on one of the
// probe's stacks. Safe for concurrent use on different stacks.
func (p *prober) preview(stack string, specs []probeSpec) previewResult {
	n := p.previews.Add(1)
	j, err := json.Marshal(specs)
	if err != nil {
		return previewResult{Code: -1, Log: err.Error()}
	}
	// GOFLAGS: the probe's main.go carries the e2e build tag; the stand-in
	// language host's plain `go build .` needs it to see the file.
	cmd := exec.Command("bash", "-eo", "pipefail", "-c",
		`pulumi preview --stack "$STACK" --json --non-interactive -c "probe:awsVersion=$VERSION" -c "probe:resources=$PROBE"`)
	cmd.Dir = p.dir
	cmd.Env = append(append([]string(nil), p.w.env...), "STACK="+stack, "VERSION="+p.version, "PROBE="+string(j), "GOFLAGS=-tags=e2e")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	r := previewResult{Log: filepath.Join(p.w.logs, fmt.Sprintf("rules-%03d.log", n))}
	if ee, ok := err.(*exec.ExitError); ok {
		r.Code = ee.ExitCode()
	} else if err != nil {
		r.Code = -1
		stderr.WriteString(err.Error())
	}
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil && r.Code == 0 {
		r.Code = -1
	}
	_ = os.WriteFile(r.Log, []byte(fmt.Sprintf("$ pulumi preview (probe:resources=%s)\n# exit %d after %s\n--- stdout\n%s--- stderr\n%s",
		j, r.Code, time.Since(start).Round(time.Millisecond), stdout.String(), stderr.String())), 0o644)
	return r
}

var (
	examine = regexp.MustCompile(`\s*Examine values at '([^']*)'\.?\s*$`)
	// The stand-in's log line when it cannot auto-name a property.
	defaultFor = regexp.MustCompile(`Failed computing a default value for property '([^']*)'`)
	index      = regexp.MustCompile(`\[(\d+)\]`)
)

// problem splits a diagnostic into the property path it names ("" none) and
// the provider's message.
func problem(name, msg string) (path, message string) {
	msg = strings.TrimSpace(msg)
	if m := examine.FindStringSubmatch(msg); m != nil {
		path = index.ReplaceAllString(strings.TrimPrefix(m[1], name+"."), ".$1")
		msg = strings.TrimSpace(msg[:len(msg)-len(m[0])])
	} else if m := defaultFor.FindStringSubmatch(msg); m != nil {
		path = m[1]
	}
	if i := strings.Index(msg, "' has a problem: "); i >= 0 {
		msg = msg[i+len("' has a problem: "):]
	}
	return path, strings.TrimSpace(strings.TrimPrefix(msg, "error: "))
}

// settle previews a group's injections until each is refused or accepted.
// A round is one resource holding several injections at distinct properties:
// the provider's Check reports every property it refuses, each with its path,
// and the engine stops at the first resource refused, so rounds never share a
// preview. An injection not refused in a failed round is not yet accepted
// (a later check may refuse it) and goes into a later round; only a preview
// that succeeds accepts. A diagnostic that names none of the round's
// properties sends the injections it might be about to rounds of their own.
func (p *prober) settle(stack string, g *probeGroup) {
	for len(g.pending) > 0 {
		var round, rest []*injection
		for _, in := range g.pending {
			ok := len(round) == 0 || (!in.alone && !round[0].alone)
			for _, r := range round {
				ok = ok && !conflicts(r.path, in.path)
			}
			if ok {
				round = append(round, in)
			} else {
				rest = append(rest, in)
			}
		}
		res := *g.res.Copy()
		for _, in := range round {
			var err error
			switch {
			case in.bad.autoname != "":
				res.Name = in.bad.autoname
				deletePath(res.Inputs, in.path)
			case in.bad.beside:
				list := in.path[:strings.LastIndex(in.path, ".")]
				err = appendPath(res.Inputs, list, in.bad.value)
			default:
				err = setPath(res.Inputs, in.path, in.bad.value)
			}
			if err != nil {
				p.t.Errorf("%s %s: %v", res.Type, in.path, err)
			}
		}
		out := p.preview(stack, []probeSpec{{res.Type, res.Name, res.Inputs}})
		if out.Code == 0 {
			for _, in := range round {
				in.outcome = outcome{log: out.Log}
				g.done = append(g.done, in)
			}
			g.pending = rest
			continue
		}
		refused := map[*injection][]string{}
		var unattributed []string
		for _, d := range out.diagnostics(res.Name) {
			path, msg := problem(res.Name, d)
			var match *injection
			for _, in := range round {
				if path != "" && conflicts(path, in.path) {
					match = in
				}
			}
			if match == nil && len(round) == 1 {
				match = round[0] // the control passed: the one change is the cause
			}
			if match == nil {
				unattributed = append(unattributed, msg)
				continue
			}
			refused[match] = append(refused[match], msg)
		}
		if len(refused) == 0 && len(unattributed) == 0 {
			for _, in := range round {
				in.outcome = outcome{err: fmt.Sprintf("preview exit %d with no diagnostic about the resource (see %s)", out.Code, out.Log)}
				g.done = append(g.done, in)
			}
			g.pending = rest
			continue
		}
		for _, in := range round {
			if msgs, ok := refused[in]; ok {
				in.outcome = outcome{refused: true, message: strings.Join(msgs, "; "), log: out.Log}
				g.done = append(g.done, in)
				continue
			}
			// Not refused here: try again, alone if something unattributed was said.
			in.alone = in.alone || len(unattributed) > 0
			rest = append(rest, in)
		}
		g.pending = rest
	}
}

// setPath sets the value at a dotted path, making maps on the way.
func setPath(m map[string]any, path string, v any) error {
	parts := strings.Split(path, ".")
	var cur any = m
	for i, k := range parts {
		last := i == len(parts)-1
		switch x := cur.(type) {
		case map[string]any:
			if last {
				x[k] = v
				return nil
			}
			if _, ok := x[k]; !ok {
				x[k] = map[string]any{}
			}
			cur = x[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(x) {
				return fmt.Errorf("no element %s at %s", k, strings.Join(parts[:i], "."))
			}
			if last {
				x[n] = v
				return nil
			}
			cur = x[n]
		default:
			return fmt.Errorf("%s is not an object or a list", strings.Join(parts[:i], "."))
		}
	}
	return nil
}

// appendPath adds v to the list at path.
func appendPath(m map[string]any, path string, v any) error {
	list, ok := getPath(m, path).([]any)
	if !ok {
		return fmt.Errorf("%s is not a list", path)
	}
	return setPath(m, path, append(append([]any(nil), list...), v))
}

func getPath(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		switch x := cur.(type) {
		case map[string]any:
			cur = x[k]
		case []any:
			n, err := strconv.Atoi(k)
			if err != nil || n >= len(x) {
				return nil
			}
			cur = x[n]
		default:
			return nil
		}
	}
	return cur
}

func deletePath(m map[string]any, path string) {
	parts := strings.Split(path, ".")
	for _, k := range parts[:len(parts)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, parts[len(parts)-1])
}

// probeSpec is one resource of probe:resources (tests/e2e/probe).
type probeSpec struct {
	Type   string         `json:"type"`
	Name   string         `json:"name"`
	Inputs map[string]any `json:"inputs"`
}

// The types of the cases.
const (
	tProvider   = "pulumi:providers:aws"
	tRepo       = "aws:ecr/repository:Repository"
	tLifecycle  = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
	tRepoPolicy = "aws:ecr/repositoryPolicy:RepositoryPolicy"
	tCluster    = "aws:ecs/cluster:Cluster"
	tLogGroup   = "aws:cloudwatch/logGroup:LogGroup"
	tSG         = "aws:ec2/securityGroup:SecurityGroup"
	tSGRule     = "aws:ec2/securityGroupRule:SecurityGroupRule"
	tLB         = "aws:lb/loadBalancer:LoadBalancer"
	tTG         = "aws:lb/targetGroup:TargetGroup"
	tListener   = "aws:lb/listener:Listener"
	tRole       = "aws:iam/role:Role"
	tRolePolicy = "aws:iam/rolePolicy:RolePolicy"
	tPolicy     = "aws:iam/policy:Policy"
	tAttachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
	tOIDC       = "aws:iam/openIdConnectProvider:OpenIdConnectProvider"
	tTaskDef    = "aws:ecs/taskDefinition:TaskDefinition"
	tService    = "aws:ecs/service:Service"
	tAlarm      = "aws:cloudwatch/metricAlarm:MetricAlarm"
	tDashboard  = "aws:cloudwatch/dashboard:Dashboard"
	tScaling    = "aws:appautoscaling/target:Target"
	tScalingPol = "aws:appautoscaling/policy:Policy"
	tBucket     = "aws:s3/bucketV2:BucketV2"
	tOwnership  = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
	tSSE        = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	tExpiry     = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	tBucketPol  = "aws:s3/bucketPolicy:BucketPolicy"
	tWebACL     = "aws:wafv2/webAcl:WebAcl"
)

const notJSON = `{"Version": "2012-10-17",`

func chars(n int) string { return strings.Repeat("a", n) }

// wafSkip: the stand-in serves the types our stacks declare without -tags waf
// (awsTypes); wafv2 is not among them.
const wafSkip = "the stand-in provider does not serve wafv2 (tests/e2e/awsmapping.go awsTypes): not probed, the row stays"

// ruleCases: one per row of internal/awsrules citing the provider ("tf:").
// Enumerations get a value outside the set and the program's own value in
// another case (AWS's enumerations are case-sensitive); ranges one value past
// each end; lengths one character too many (an empty string is the SDK's
// "unset" for an optional property, so it is tried only where it is
// required); patterns each kind of mistake the row names; auto-named
// properties also a logical name that makes a bad name.
var ruleCases = []ruleCase{
	{typ: tProvider, path: "region", kind: awsrules.Pattern, bad: []bad{val("us-east-1a", "")},
		why: "skipRegionValidation (our program and pulumi-aws default it to true) turns the provider's Region check off"},
	{typ: tProvider, path: "allowedAccountIds.*", kind: awsrules.Pattern, bad: []bad{beside("21098765432", "")},
		why: "the provider only checks that the account it runs in is listed"},

	{typ: tRepo, path: "name", kind: awsrules.Pattern, bad: []bad{val("Webservice-Production", ""), val("webservice-", ""), val("web service", "")},
		why: "the provider does not check a repository name; CreateRepository does"},
	{typ: tRepo, path: "imageTagMutability", kind: awsrules.Enum, bad: []bad{
		val("FROZEN", `expected image_tag_mutability to be one of ["MUTABLE" "IMMUTABLE"], got FROZEN`),
		val("immutable", `expected image_tag_mutability to be one of ["MUTABLE" "IMMUTABLE"], got immutable`)}},
	{typ: tRepo, path: "encryptionConfigurations.*.encryptionType", kind: awsrules.Enum, bad: []bad{
		val("DES", `expected encryption_type to be one of ["AES256" "KMS" "KMS_DSSE"], got DES`),
		val("aes256", `expected encryption_type to be one of ["AES256" "KMS" "KMS_DSSE"], got aes256`)}},
	{typ: tLifecycle, path: "policy", kind: awsrules.JSON, bad: []bad{val(notJSON, `"policy" contains an invalid JSON`)}},
	{typ: tRepoPolicy, path: "policy", kind: awsrules.JSON, bad: []bad{val(notJSON, `"policy" contains an invalid JSON`)}},

	{typ: tCluster, path: "settings.*.name", kind: awsrules.Enum, bad: []bad{
		val("insights", `expected name to be one of ["containerInsights"], got insights`),
		val("containerinsights", `expected name to be one of ["containerInsights"], got containerinsights`)}},
	{typ: tLogGroup, path: "name", kind: awsrules.Pattern, bad: []bad{
		val("/ecs/webservice production", `"name" isn't a valid log group name (alphanumeric characters, underscores, hyphens, slashes, hash signs and dots are allowed)`),
		val("/ecs/webservice:production", `"name" isn't a valid log group name`)}},
	{typ: tLogGroup, path: "name", kind: awsrules.Length, bad: []bad{val("/"+chars(512), `"name" cannot be longer than 512 characters`)}},
	{typ: tLogGroup, path: "retentionInDays", kind: awsrules.Enum, bad: []bad{
		val(366.0, `expected retention_in_days to be one of [0 1 3 5 7 14 30 60 90 120 150 180 365 400 545 731 1096 1827 2192 2557 2922 3288 3653], got 366`),
		val(-1.0, `expected retention_in_days to be one of [0 1 3 5`)}},

	{typ: tSG, path: "description", kind: awsrules.Pattern, bad: []bad{val("the app's tasks", ""), val("tâches", "")},
		why: "the provider checks the characters of a rule's description, not of the group's; CreateSecurityGroup does"},
	{typ: tSG, path: "description", kind: awsrules.Length, bad: []bad{val(chars(256), "expected length of description to be in the range (0 - 255)")}},
	{typ: tSG, path: "name", kind: awsrules.Length, bad: []bad{val(chars(256), "expected length of name to be in the range (0 - 255)"), auto(chars(250), "")},
		why: "an auto-name too long is not refused by the stand-in (it logs the error and leaves the name to Terraform; pulumi-aws fails)"},
	{typ: tSGRule, path: "description", kind: awsrules.Pattern, bad: []bad{
		val("all outbound: the app's dependencies", `"description" doesn't comply with restrictions ("^[0-9A-Za-z_ .:/()#,@\\[\\]+=&;{}!$*-]*$")`),
		val("port 80 « internet »", `"description" doesn't comply with restrictions`)}},
	{typ: tSGRule, path: "description", kind: awsrules.Length, bad: []bad{val(chars(256), `"description" cannot be longer than 255 characters`)}},
	{typ: tSGRule, path: "type", kind: awsrules.Enum, bad: []bad{
		val("inbound", `expected type to be one of ["egress" "ingress"], got inbound`),
		val("INGRESS", `expected type to be one of ["egress" "ingress"], got INGRESS`)}},
	{typ: tSGRule, path: "protocol", kind: awsrules.Enum, bad: []bad{val("http", ""), val("TCP", "")},
		why: "the provider takes any protocol name; AuthorizeSecurityGroupIngress refuses one it does not know"},
	{typ: tSGRule, path: "fromPort", kind: awsrules.Range, bad: []bad{val(-2.0, ""), val(65536.0, "")},
		why: "the provider does not check the port range; AWS does"},
	{typ: tSGRule, path: "toPort", kind: awsrules.Range, bad: []bad{val(-2.0, ""), val(65536.0, "")},
		why: "the provider does not check the port range; AWS does"},
	{typ: tSGRule, path: "cidrBlocks.*", kind: awsrules.Pattern, bad: []bad{
		val("0.0.0.0", `"0.0.0.0" is not a valid CIDR block`), val("anywhere", `"anywhere" is not a valid CIDR block`)}},

	{typ: tLB, path: "name", kind: awsrules.Pattern, bad: []bad{
		val("web_alb", `only alphanumeric characters and hyphens allowed in "name"`),
		val("-alb", `"name" cannot begin with a hyphen`), val("alb-", `"name" cannot end with a hyphen`),
		auto("web_alb", `only alphanumeric characters and hyphens allowed in "name"`)}},
	{typ: tLB, path: "name", kind: awsrules.Length, bad: []bad{
		val(chars(33), `"name" cannot be longer than 32 characters`), auto(chars(26), `"name" cannot be longer than 32 characters`)}},
	{typ: tLB, path: "loadBalancerType", kind: awsrules.Enum, bad: []bad{
		val("classic", `expected load_balancer_type to be one of ["application" "network" "gateway"], got classic`),
		val("Application", `expected load_balancer_type to be one of ["application" "network" "gateway"], got Application`)}},
	{typ: tLB, path: "desyncMitigationMode", kind: awsrules.Enum, bad: []bad{
		val("strict", `expected desync_mitigation_mode to be one of ["monitor" "defensive" "strictest"], got strict`),
		val("Defensive", `expected desync_mitigation_mode to be one of ["monitor" "defensive" "strictest"], got Defensive`)}},
	{typ: tLB, path: "idleTimeout", kind: awsrules.Range, bad: []bad{val(0.0, ""), val(4001.0, "")},
		why: "the provider does not check idle_timeout; ModifyLoadBalancerAttributes does"},

	{typ: tTG, path: "name", kind: awsrules.Pattern, bad: []bad{
		val("web_tg", `only alphanumeric characters and hyphens allowed in "name"`),
		val("-tg", `"name" cannot begin with a hyphen`), val("tg-", `"name" cannot end with a hyphen`),
		auto("web_tg", `only alphanumeric characters and hyphens allowed in "name"`)}},
	{typ: tTG, path: "name", kind: awsrules.Length, bad: []bad{val(chars(33), `"name" cannot be longer than 32 characters`), auto(chars(26), "")},
		why: "an auto-name too long is not refused by the stand-in (it logs the error and leaves the name to Terraform; pulumi-aws fails)"},
	{typ: tTG, path: "port", kind: awsrules.Range, bad: []bad{
		val(0.0, "expected port to be in the range (1 - 65535), got 0"), val(65536.0, "expected port to be in the range (1 - 65535), got 65536")}},
	{typ: tTG, path: "protocol", kind: awsrules.Enum, bad: []bad{
		val("FTP", `expected protocol to be one of ["HTTP" "HTTPS" "TCP" "TLS" "UDP" "TCP_UDP" "GENEVE"], got FTP`),
		val("https", `expected protocol to be one of ["HTTP" "HTTPS" "TCP" "TLS" "UDP" "TCP_UDP" "GENEVE"], got https`)}},
	{typ: tTG, path: "targetType", kind: awsrules.Enum, bad: []bad{
		val("container", `expected target_type to be one of ["instance" "ip" "lambda" "alb"], got container`),
		val("IP", `expected target_type to be one of ["instance" "ip" "lambda" "alb"], got IP`)}},
	{typ: tTG, path: "deregistrationDelay", kind: awsrules.Range, bad: []bad{
		val(-1.0, "expected deregistration_delay to be at between (0) and (3600), got -1"),
		val(3601.0, "expected deregistration_delay to be at between (0) and (3600), got 3601")}},
	{typ: tTG, path: "healthCheck.interval", kind: awsrules.Range, bad: []bad{
		val(4.0, "expected health_check.0.interval to be in the range (5 - 300), got 4"),
		val(301.0, "expected health_check.0.interval to be in the range (5 - 300), got 301")}},
	{typ: tTG, path: "healthCheck.timeout", kind: awsrules.Range, bad: []bad{
		val(1.0, "expected health_check.0.timeout to be in the range (2 - 120), got 1"),
		val(121.0, "expected health_check.0.timeout to be in the range (2 - 120), got 121")}},
	{typ: tTG, path: "healthCheck.healthyThreshold", kind: awsrules.Range, bad: []bad{
		val(1.0, "expected health_check.0.healthy_threshold to be in the range (2 - 10), got 1"),
		val(11.0, "expected health_check.0.healthy_threshold to be in the range (2 - 10), got 11")}},
	{typ: tTG, path: "healthCheck.unhealthyThreshold", kind: awsrules.Range, bad: []bad{
		val(1.0, "expected health_check.0.unhealthy_threshold to be in the range (2 - 10), got 1"),
		val(11.0, "expected health_check.0.unhealthy_threshold to be in the range (2 - 10), got 11")}},
	{typ: tTG, path: "healthCheck.path", kind: awsrules.Pattern, bad: []bad{val("health", "expected health_check.0.path to have prefix /, got health")}},
	{typ: tTG, path: "healthCheck.path", kind: awsrules.Length, bad: []bad{val("/"+chars(1024), "expected length of health_check.0.path to be in the range (1 - 1024)")}},
	{typ: tTG, path: "healthCheck.port", kind: awsrules.Pattern, bad: []bad{
		val("0", `"health_check.0.port" must be a valid port number (1-65536) or "traffic-port"`),
		val("https", `"health_check.0.port" must be a valid port number (1-65536) or "traffic-port"`)}},
	{typ: tTG, path: "healthCheck.protocol", kind: awsrules.Enum, bad: []bad{
		val("FTP", `expected health_check.0.protocol to be one of ["HTTP" "HTTPS" "TCP"], got FTP`), val("https", "")},
		why: "the provider takes the protocol in any case"},

	{typ: tListener, path: "port", kind: awsrules.Range, bad: []bad{
		val(0.0, `expected "port" to be a valid port number, got: 0`), val(65536.0, `expected "port" to be a valid port number, got: 65536`)}},
	{typ: tListener, path: "protocol", kind: awsrules.Enum, bad: []bad{
		val("FTP", `expected protocol to be one of ["HTTP" "HTTPS" "TCP" "TLS" "UDP" "TCP_UDP" "GENEVE"], got FTP`), val("https", "")},
		why: "the provider takes the protocol in any case"},
	{typ: tListener, path: "defaultActions.*.type", kind: awsrules.Enum, bad: []bad{
		val("proxy", `expected type to be one of ["forward" "authenticate-oidc" "authenticate-cognito" "redirect" "fixed-response"], got proxy`),
		val("Forward", "")},
		why: "the provider takes the action type in any case"},
	{typ: tListener, path: "defaultActions.*.redirect.protocol", kind: awsrules.Enum, base: "http", bad: []bad{
		val("FTP", `expected default_action.0.redirect.0.protocol to be one of ["#{protocol}" "HTTP" "HTTPS"], got FTP`),
		val("https", `expected default_action.0.redirect.0.protocol to be one of ["#{protocol}" "HTTP" "HTTPS"], got https`)}},
	{typ: tListener, path: "defaultActions.*.redirect.statusCode", kind: awsrules.Enum, base: "http", bad: []bad{
		val("HTTP_307", `expected status_code to be one of ["HTTP_301" "HTTP_302"], got HTTP_307`),
		val("http_301", `expected status_code to be one of ["HTTP_301" "HTTP_302"], got http_301`)}},

	{typ: tRole, path: "name", kind: awsrules.Pattern, bad: []bad{
		val("web#role", `invalid value for name (must match [\w+=,.@-])`), val("web/role", `invalid value for name (must match [\w+=,.@-])`),
		auto("web#role", `invalid value for name (must match [\w+=,.@-])`)}},
	{typ: tRole, path: "name", kind: awsrules.Length, bad: []bad{val(chars(65), "expected length of name to be in the range (1 - 64)"), auto(chars(60), "")},
		why: "an auto-name too long is not refused by the stand-in (it logs the error and leaves the name to Terraform; pulumi-aws fails)"},
	{typ: tRole, path: "path", kind: awsrules.Length, bad: []bad{val("/"+chars(511)+"/", "expected length of path to be in the range (0 - 512)")}},
	{typ: tRole, path: "description", kind: awsrules.Length, bad: []bad{val(chars(1001), "expected length of description to be in the range (0 - 1000)")}},
	{typ: tRole, path: "description", kind: awsrules.Forbidden, bad: []bad{
		val("the app’s role", ""), val("the “app” role", "invalid value for description (cannot contain specially formatted single or double quotes: [“‘])")},
		why: "the provider refuses “ and ‘ but not ’ and ”"},
	{typ: tRole, path: "maxSessionDuration", kind: awsrules.Range, bad: []bad{
		val(3599.0, "expected max_session_duration to be in the range (3600 - 43200), got 3599"),
		val(43201.0, "expected max_session_duration to be in the range (3600 - 43200), got 43201")}},
	{typ: tRole, path: "assumeRolePolicy", kind: awsrules.JSON, bad: []bad{val(notJSON, `"assume_role_policy" contains an invalid JSON policy`)}},
	{typ: tRolePolicy, path: "role", kind: awsrules.Pattern, bad: []bad{val("web#role", "")},
		why: "the provider does not check the role's name here; PutRolePolicy does"},
	{typ: tRolePolicy, path: "name", kind: awsrules.Pattern, bad: []bad{
		val("web#policy", `invalid value for name (must match [\w+=,.@-])`), auto("web#policy", `invalid value for name (must match [\w+=,.@-])`)}},
	{typ: tRolePolicy, path: "name", kind: awsrules.Length, bad: []bad{
		val(chars(129), "expected length of name to be in the range (1 - 128)"), auto(chars(125), "expected length of name to be in the range (1 - 128)")}},
	{typ: tRolePolicy, path: "policy", kind: awsrules.JSON, bad: []bad{val(notJSON, `"policy" contains an invalid JSON policy`)}},
	{typ: tPolicy, path: "name", kind: awsrules.Pattern, bad: []bad{val("web#policy", `invalid value for name (must match [\w+=,.@-])`)}},
	{typ: tPolicy, path: "name", kind: awsrules.Length, bad: []bad{val(chars(129), "expected length of name to be in the range (1 - 128)")}},
	{typ: tPolicy, path: "description", kind: awsrules.Length, bad: []bad{val(chars(1001), "")},
		why: "the provider does not check a managed policy's description; CreatePolicy does"},
	{typ: tPolicy, path: "policy", kind: awsrules.JSON, bad: []bad{val(notJSON, `"policy" contains an invalid JSON policy`)}},
	{typ: tAttachment, path: "role", kind: awsrules.Pattern, bad: []bad{val("web#role", "")},
		why: "the provider does not check the role's name here; AttachRolePolicy does"},
	{typ: tOIDC, path: "url", kind: awsrules.Pattern, bad: []bad{
		val("http://token.actions.githubusercontent.com", `expected "url" to have a url with schema of: "https"`),
		val("token.actions.githubusercontent.com", `expected "url" to have a host`)}},
	{typ: tOIDC, path: "clientIdLists.*", kind: awsrules.Length, bad: []bad{
		val(chars(256), "expected length of client_id_list.0 to be in the range (1 - 255)"),
		val("", "expected length of client_id_list.0 to be in the range (1 - 255), got .")}},

	{typ: tTaskDef, path: "family", kind: awsrules.Pattern, bad: []bad{
		val("webservice production", "invalid value for family (see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskDefinition.html)"),
		val(chars(256), "expected length of family to be in the range (1 - 255)")}},
	{typ: tTaskDef, path: "networkMode", kind: awsrules.Enum, bad: []bad{
		val("nat", `expected network_mode to be one of ["bridge" "host" "awsvpc" "none"], got nat`),
		val("AWSVPC", `expected network_mode to be one of ["bridge" "host" "awsvpc" "none"], got AWSVPC`)}},
	{typ: tTaskDef, path: "requiresCompatibilities.*", kind: awsrules.Enum, bad: []bad{
		val("LAMBDA", `expected requires_compatibilities.0 to be one of ["EC2" "FARGATE" "EXTERNAL"], got LAMBDA`),
		val("fargate", `expected requires_compatibilities.0 to be one of ["EC2" "FARGATE" "EXTERNAL"], got fargate`)}},
	{typ: tTaskDef, path: "runtimePlatform.cpuArchitecture", kind: awsrules.Enum, bad: []bad{
		val("ARM", `expected cpu_architecture to be one of ["X86_64" "ARM64"], got ARM`),
		val("x86_64", `expected cpu_architecture to be one of ["X86_64" "ARM64"], got x86_64`)}},
	{typ: tTaskDef, path: "runtimePlatform.operatingSystemFamily", kind: awsrules.Enum, bad: []bad{
		val("BSD", `expected operating_system_family to be one of ["WINDOWS_SERVER_2019_FULL"`),
		val("linux", `expected operating_system_family to be one of ["WINDOWS_SERVER_2019_FULL"`),
		val("WINDOWS_SERVER_2022_CORE", "")},
		why: "the provider takes the Windows families too; the row allows LINUX only"},
	{typ: tTaskDef, path: "containerDefinitions", kind: awsrules.JSON, bad: []bad{val(`[{"name": "app",`, "ECS Task Definition container_definitions is invalid")}},

	{typ: tService, path: "launchType", kind: awsrules.Enum, bad: []bad{
		val("LAMBDA", `expected launch_type to be one of ["EC2" "FARGATE" "EXTERNAL"], got LAMBDA`),
		val("fargate", `expected launch_type to be one of ["EC2" "FARGATE" "EXTERNAL"], got fargate`)}},
	{typ: tService, path: "propagateTags", kind: awsrules.Enum, bad: []bad{
		val("ALL", `expected propagate_tags to be one of ["TASK_DEFINITION" "SERVICE" "NONE"], got ALL`),
		val("service", `expected propagate_tags to be one of ["TASK_DEFINITION" "SERVICE" "NONE"], got service`)}},
	{typ: tService, path: "deploymentController.type", kind: awsrules.Enum, bad: []bad{
		val("BLUE_GREEN", `expected type to be one of ["ECS" "CODE_DEPLOY" "EXTERNAL"], got BLUE_GREEN`),
		val("ecs", `expected type to be one of ["ECS" "CODE_DEPLOY" "EXTERNAL"], got ecs`)}},
	{typ: tService, path: "deploymentMinimumHealthyPercent", kind: awsrules.Range, bad: []bad{val(-1.0, ""), val(101.0, "")},
		why: "the provider does not check the percentage; CreateService does"},
	{typ: tService, path: "deploymentMaximumPercent", kind: awsrules.Range, bad: []bad{val(-1.0, ""), val(2001.0, "")},
		why: "the provider does not check the percentage; CreateService does"},
	{typ: tService, path: "healthCheckGracePeriodSeconds", kind: awsrules.Range, bad: []bad{
		val(-1.0, "expected health_check_grace_period_seconds to be in the range (0 - 2147483647), got -1"),
		val(2147483648.0, "expected health_check_grace_period_seconds to be in the range (0 - 2147483647), got 2147483648")}},
	{typ: tService, path: "alarms.alarmNames", kind: awsrules.Items, bad: []bad{val([]any{}, ""),
		val([]any{"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11"}, "")},
		why: "the provider takes an empty list (and drops the alarms AWS then requires) and any number of names"},

	{typ: tAlarm, path: "name", kind: awsrules.Length, bad: []bad{
		val(chars(256), "expected length of alarm_name to be in the range (1 - 255)"),
		val("", "expected length of alarm_name to be in the range (1 - 255), got .")}},
	{typ: tAlarm, path: "alarmDescription", kind: awsrules.Length, bad: []bad{val(chars(1025), "expected length of alarm_description to be in the range (0 - 1024)")}},
	{typ: tAlarm, path: "comparisonOperator", kind: awsrules.Enum, bad: []bad{
		val("GreaterThan", `expected comparison_operator to be one of ["GreaterThanOrEqualToThreshold"`),
		val("greaterThanOrEqualToThreshold", `expected comparison_operator to be one of ["GreaterThanOrEqualToThreshold"`)}},
	{typ: tAlarm, path: "statistic", kind: awsrules.Enum, bad: []bad{
		val("Median", `expected statistic to be one of ["SampleCount" "Average" "Sum" "Minimum" "Maximum"], got Median`),
		val("sum", `expected statistic to be one of ["SampleCount" "Average" "Sum" "Minimum" "Maximum"], got sum`)}},
	{typ: tAlarm, path: "treatMissingData", kind: awsrules.Enum, bad: []bad{
		val("zero", `expected treat_missing_data to be one of ["breaching" "ignore" "missing" "notBreaching"], got zero`), val("NotBreaching", "")},
		why: "the provider takes treat_missing_data in any case"},
	{typ: tAlarm, path: "namespace", kind: awsrules.Pattern, bad: []bad{
		val(":AWS/ApplicationELB", ""), val(chars(256), "expected length of namespace to be in the range (1 - 255)")},
		why: "the provider takes a namespace that starts with a colon"},
	{typ: tAlarm, path: "metricName", kind: awsrules.Length, bad: []bad{val(chars(256), "expected length of metric_name to be in the range (1 - 255)")}},
	{typ: tAlarm, path: "evaluationPeriods", kind: awsrules.Range, bad: []bad{
		val(0.0, "expected evaluation_periods to be at least (1), got 0"), val(2147483648.0, "")},
		why: "the provider takes more periods than AWS's 32-bit integer holds"},
	{typ: tDashboard, path: "dashboardName", kind: awsrules.Pattern, bad: []bad{
		val("webservice production", `"dashboard_name" doesn't comply with restrictions ("^[0-9A-Za-z_-]+$")`),
		val("webservice/production", `"dashboard_name" doesn't comply with restrictions ("^[0-9A-Za-z_-]+$")`)}},
	{typ: tDashboard, path: "dashboardBody", kind: awsrules.JSON, bad: []bad{val(`{"widgets": [`, `"dashboard_body" contains an invalid JSON`)}},

	{typ: tScaling, path: "serviceNamespace", kind: awsrules.Enum, bad: []bad{val("containers", ""), val("ECS", ""), val("dynamodb", "")},
		why: "the provider does not check service_namespace; RegisterScalableTarget does (and the row allows ecs only)"},
	{typ: tScalingPol, path: "name", kind: awsrules.Length, bad: []bad{
		val(chars(256), "expected length of name to be in the range (0 - 255)"),
		auto(chars(250), "plus 7 random chars is longer than maximum length 255")}},
	{typ: tScalingPol, path: "policyType", kind: awsrules.Enum, bad: []bad{val("SimpleScaling", ""), val("targetTrackingScaling", "")},
		why: "the provider does not check policy_type; PutScalingPolicy does"},
	{typ: tScalingPol, path: "serviceNamespace", kind: awsrules.Enum, bad: []bad{val("containers", ""), val("ECS", ""), val("dynamodb", "")},
		why: "the provider does not check service_namespace; PutScalingPolicy does (and the row allows ecs only)"},

	{typ: tBucket, path: "bucketPrefix", kind: awsrules.Length, bad: []bad{val(chars(38), "expected length of bucket_prefix to be in the range (0 - 37)")}},
	{typ: tOwnership, path: "rule.objectOwnership", kind: awsrules.Enum, bad: []bad{
		val("BucketOwner", `expected object_ownership to be one of ["BucketOwnerPreferred" "ObjectWriter" "BucketOwnerEnforced"], got BucketOwner`),
		val("bucketOwnerEnforced", `expected object_ownership to be one of ["BucketOwnerPreferred" "ObjectWriter" "BucketOwnerEnforced"], got bucketOwnerEnforced`)}},
	{typ: tSSE, path: "rules.*.applyServerSideEncryptionByDefault.sseAlgorithm", kind: awsrules.Enum, bad: []bad{
		val("DES", `expected sse_algorithm to be one of ["AES256" "aws:kms" "aws:kms:dsse"], got DES`),
		val("aes256", `expected sse_algorithm to be one of ["AES256" "aws:kms" "aws:kms:dsse"], got aes256`),
		val("aws:kms", "")},
		why: "the provider takes aws:kms; ALB log delivery does not (the row allows AES256 only)"},
	{typ: tExpiry, path: "rules.*.id", kind: awsrules.Length, bad: []bad{
		val(chars(256), "Attribute rule[0].id string length must be between 1 and 255, got: 256"),
		val("", "Attribute rule[0].id string length must be between 1 and 255, got: 0")}},
	{typ: tExpiry, path: "rules.*.status", kind: awsrules.Enum, bad: []bad{
		val("On", `Attribute rule[0].status value must be one of: ["Disabled" "Enabled"], got: "On"`),
		val("enabled", `Attribute rule[0].status value must be one of: ["Disabled" "Enabled"], got: "enabled"`)}},
	{typ: tBucketPol, path: "policy", kind: awsrules.JSON, bad: []bad{val(notJSON, `"policy" contains an invalid JSON`)}},

	{typ: tWebACL, path: "name", kind: awsrules.Pattern, skip: wafSkip, why: wafSkip},
	{typ: tWebACL, path: "scope", kind: awsrules.Enum, skip: wafSkip, why: wafSkip},
	{typ: tWebACL, path: "visibilityConfig.metricName", kind: awsrules.Pattern, skip: wafSkip, why: wafSkip},
	{typ: tWebACL, path: "rules.*.visibilityConfig.metricName", kind: awsrules.Pattern, skip: wafSkip, why: wafSkip},
	{typ: tWebACL, path: "rules.*.name", kind: awsrules.Pattern, skip: wafSkip, why: wafSkip},
	{typ: tWebACL, path: "rules.*.priority", kind: awsrules.Range, skip: wafSkip, why: wafSkip},
	{typ: tWebACL, path: "rules.*.statement.managedRuleGroupStatement.name", kind: awsrules.Pattern, skip: wafSkip, why: wafSkip},
	{typ: tWebACL, path: "rules.*.statement.managedRuleGroupStatement.vendorName", kind: awsrules.Length, skip: wafSkip, why: wafSkip},
}
