package render

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Exit codes of the render command.
const (
	ExitOK      = 0 // rendered; with -diff: no changes
	ExitError   = 1 // invalid config or an unreadable file: nothing rendered
	ExitUsage   = 2 // bad flags
	ExitChanges = 3 // with -diff: the stack changed
)

// runningImage stands for the image a stack runs now when a render has no
// imageTag: `pulumi up` reads it from the stack's last outputs.
const runningImage = "<image the stack runs now>"

// multiFlag collects repeated -c key=value flags.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// flagArgs names each flag's argument in the help: Go's flag package would take
// it from a back-quoted word in the usage sentence, or print "string".
var flagArgs = map[string]string{
	"stack": "NAME", "dir": "DIR", "c": "key=value", "diff": "OLD.json", "output": "NAME",
}

// Command is cmd/render: it renders a stack offline and returns the exit code.
func Command(args []string, stdout, stderr io.Writer) int {
	reviewing := len(args) > 0 && args[0] == "review"
	if reviewing {
		args = args[1:]
	}
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "The stack to render, as its Pulumi.<stack>.yaml names it: staging or "+
		"production, or shared in bootstrap/. Required.")
	dir := fs.String("dir", ".", "The project directory, holding Pulumi.yaml and the stack files: . for the "+
		"service, bootstrap for the CI identity project.")
	asJSON := fs.Bool("json", false, "Print JSON in the shape of pulumi preview --json: a preview of the stack "+
		"as if it were new or, with -diff, of the update from the -diff file. Render's own values are "+
		"under x-render.")
	diffFile := fs.String("diff", "", "Compare with an earlier render -json file and print what changed; "+
		"exit 3 if anything did.")
	output := fs.String("output", "", "Print only this stack output's value, for scripts (for example "+
		"ecrRepositoryName).")
	example := fs.Bool("example", false, "Give each setting the set-up sets (the boundary, production's "+
		"certificate) that the stack file leaves unset an example value from AWS's documentation, to preview "+
		"a stack before your account has them. A real pulumi up refuses these values.")
	var overrides multiFlag
	fs.Var(&overrides, "c", "Override one config value, as pulumi up --config does; repeat it for more. "+
		"A key without a namespace belongs to the project.")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: render -stack NAME [-dir DIR] [-c key=value]... [-example] [-json] [-diff OLD.json] [-output NAME]\n"+
			"       render review -stack NAME [-dir DIR] [-c key=value]... BASE\n\n"+
			"Renders everything the stack declares, offline: no AWS account, no Pulumi CLI.\n"+
			"review: a pull request's plan and its changes against the base branch, which its own cmd/render\n"+
			"renders in BASE, a checkout of it; to $GITHUB_STEP_SUMMARY too (preview.yml).\n"+
			"Exit status: 0 rendered (with -diff: no changes), 1 invalid config or unreadable file,\n"+
			"2 bad flags, 3 with -diff: the stack changed.\n\n")
		printFlags(fs, stderr)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK // asked for: the help is the answer
		}
		return ExitUsage
	}
	if *stack == "" || !reviewing && fs.NArg() > 0 ||
		reviewing && (fs.NArg() != 1 || *asJSON || *diffFile != "" || *output != "") {
		fs.Usage()
		fmt.Fprintln(stderr, "\nrender: "+usageProblem(*stack, reviewing, fs.Args()))
		return ExitUsage
	}
	// review reports a stack the pull request cannot render in its own way.
	if err := stackExists(*dir, *stack); err != nil && !reviewing {
		fmt.Fprintf(stderr, "render: %v\n", err)
		return ExitUsage
	}
	ov := map[string]string{}
	for _, kv := range overrides {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			fmt.Fprintf(stderr, "render: -c %q: want key=value\n", kv)
			return ExitUsage
		}
		ov[k] = v
	}
	if reviewing {
		return review(stdout, stderr, *dir, *stack, fs.Arg(0), ov, overrides)
	}

	// With -diff, the stack's last outputs are the earlier render's, as
	// pulumi preview reads them from the stack: the running image, which the
	// lifecycle policy protects, and the release before it.
	var old *Preview
	if *diffFile != "" {
		b, err := os.ReadFile(*diffFile)
		if err != nil {
			fmt.Fprintf(stderr, "render: read -diff file: %v\n", err)
			return ExitError
		}
		if old, err = ReadPreview(b); err != nil {
			fmt.Fprintf(stderr, "render: %s: %v\n", *diffFile, err)
			return ExitError
		}
	}
	preview, err := render(*dir, *stack, ov, lastOutputs(old), *example)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}

	if *output != "" {
		v, ok := preview.Outputs[*output]
		if !ok {
			fmt.Fprintf(stderr, "render: -output %q: no such stack output (see README § The outputs contract)\n", *output)
			return ExitUsage
		}
		fmt.Fprintln(stdout, outputText(v))
		return ExitOK
	}
	if *diffFile == "" {
		if *asJSON {
			b, err := preview.JSON()
			if err != nil {
				fmt.Fprintln(stderr, err)
				return ExitError
			}
			_, err = stdout.Write(b)
			return exitOn(err, stderr)
		}
		return exitOn(WritePlan(stdout, preview), stderr)
	}

	d := Compare(old, preview)
	if *asJSON {
		b, err := preview.UpdateJSON(old, d)
		if err == nil {
			_, err = stdout.Write(b)
		}
		if code := exitOn(err, stderr); code != ExitOK {
			return code
		}
	} else if code := exitOn(WriteDiff(stdout, d), stderr); code != ExitOK {
		return code
	}
	if d.Empty() {
		return ExitOK
	}
	return ExitChanges
}

// printFlags prints each flag with its argument name and its sentence, then its
// default when it has one worth saying.
func printFlags(fs *flag.FlagSet, w io.Writer) {
	fs.VisitAll(func(f *flag.Flag) {
		line := "  -" + f.Name
		if a := flagArgs[f.Name]; a != "" {
			line += " " + a
		}
		fmt.Fprintf(w, "%s\n    \t%s", line, f.Usage)
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, " Its default is %q.", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

func exitOn(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintln(stderr, "render:", err)
		return ExitError
	}
	return ExitOK
}

// lastOutputs are the outputs a program reads from its stack's last update
// when that update was the earlier render; nil without one.
func lastOutputs(old *Preview) map[string]any {
	if old == nil {
		return nil
	}
	out := map[string]any{}
	for _, k := range []string{infra.OutputImage, infra.OutputImageTag, infra.OutputPreviousImageTag, infra.OutputDeploymentState} {
		if v, ok := old.Outputs[k]; ok {
			out[k] = v
		}
	}
	return out
}

// Render runs a project's program for a stack offline and builds its preview.
// previous are the stack's last outputs (an earlier render's, with -diff);
// without them, for the service without an image in config, it renders what
// `pulumi up` would do on a deployed stack (keep the running image) and says
// so in a note.
func Render(dir, stack string, overrides map[string]string, previous map[string]any) (*Preview, error) {
	return render(dir, stack, overrides, previous, false)
}

func render(dir, stack string, overrides map[string]string, previous map[string]any, example bool) (*Preview, error) {
	start := time.Now()
	proj, err := projectIn(dir)
	if err != nil {
		return nil, err
	}
	if example && !proj.service {
		return nil, fmt.Errorf("render: -example gives the service's stacks the set-up's settings; %s is not the service", dir)
	}
	opts := offline.Options{Dir: dir, Stack: stack, Overrides: overrides, Previous: previous}
	var notes []string
	if proj.service {
		project, err := offline.LoadProject(dir)
		if err != nil {
			return nil, err
		}
		cfg, err := project.StackConfig(dir, stack, overrides)
		if err != nil {
			return nil, err
		}
		if example {
			var given []string
			examples := map[string]string{}
			for k, v := range infra.ExampleSite(stack) {
				if cfg[infra.Namespace+":"+k] == "" {
					examples[k] = v
					given = append(given, infra.Namespace+":"+k)
				}
			}
			sort.Strings(given)
			ov := map[string]string{}
			for k, v := range overrides {
				ov[k] = v
			}
			for k, v := range examples {
				ov[k] = v
			}
			opts.Overrides, overrides = ov, ov
			proj.examples = examples
			proj.program = func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
				return infra.ExampleProgram(examples)(ctx)
			}
			if len(given) > 0 {
				notes = append(notes, fmt.Sprintf("EXAMPLE, not deployable: %s %s AWS's documentation examples (account "+
					"123456789012), given by -example; a real pulumi up refuses them. Set yours: README § Set-up, step by step.",
					strings.Join(given, " and "), map[bool]string{true: "is", false: "are"}[len(given) == 1]))
			}
		}
		// The program takes the image from the environment too (never saved).
		if previous == nil && cfg[infra.Namespace+":imageTag"] == "" && cfg[infra.Namespace+":imageDigest"] == "" &&
			os.Getenv(infra.EnvImageTag) == "" && os.Getenv(infra.EnvImageDigest) == "" {
			opts.Previous = map[string]any{infra.OutputImage: runningImage, infra.OutputImageTag: runningImage}
			notes = append(notes, fmt.Sprintf("%s is not set, so this shows an update that keeps the image the stack "+
				"runs now (read from its last outputs). On a stack that has never run an image, `pulumi up` creates "+
				"only its ECR repository. To render a deploy: -c imageTag=<tag>.", infra.Namespace+":imageTag"))
		}
	}
	result, err := offline.RunProgram(opts, proj.program)
	if err != nil {
		var ce *infra.ConfigError
		if errors.As(err, &ce) {
			return nil, ce
		}
		return nil, fmt.Errorf("render stack %q: %w", stack, err)
	}
	var estimate *Estimate
	if proj.service {
		c, err := infra.ParseConfigAllowing(stack, func(k string) (string, bool) { v, ok := result.Config[k]; return v, ok }, proj.examples)
		if err != nil {
			return nil, err
		}
		if !c.HTTPS() {
			notes = append(notes, "no certificateArn: this stack serves plain, unencrypted HTTP.")
		}
		for _, w := range c.Warnings() {
			notes = append(notes, w)
		}
		e := NewEstimate(c)
		estimate = &e
	}
	p := NewPreview(result, estimate, notes)
	p.run = &rerun{opts: opts, program: proj.program, result: result}
	p.Duration = time.Since(start)
	return p, nil
}
