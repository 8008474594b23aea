package render

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
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

// Command is cmd/render: it renders a stack offline and returns the exit code.
func Command(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	stack := fs.String("stack", "", "stack to render: staging or production (required)")
	dir := fs.String("dir", ".", "directory holding Pulumi.yaml and the stack files")
	asJSON := fs.Bool("json", false, "print the plan (or, with -diff, the diff) as JSON in the shape of `pulumi preview --json`")
	diffFile := fs.String("diff", "", "compare with an earlier -json render and print what changed (exit 3 if anything did)")
	output := fs.String("output", "", "print only this stack output's value (e.g. ecrRepositoryName), for scripts")
	var overrides multiFlag
	fs.Var(&overrides, "c", "config override key=value, as `pulumi up -c` (repeatable; the webservice: namespace is implied)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: render -stack NAME [-c key=value]... [-json] [-diff OLD.json] [-output NAME]\n\n"+
			"Renders everything the stack declares, offline: no AWS account, no Pulumi CLI.\n"+
			"Exit status: 0 rendered (with -diff: no changes), 1 invalid config or unreadable file,\n"+
			"2 bad flags, 3 with -diff: the stack changed.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if *stack == "" || fs.NArg() > 0 {
		fs.Usage()
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

	preview, err := Stack(*dir, *stack, ov)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}

	if *output != "" {
		v, ok := preview.Outputs()[*output]
		if !ok {
			fmt.Fprintf(stderr, "render: -output %q: no such stack output (see the output contract in README.md)\n", *output)
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

	b, err := os.ReadFile(*diffFile)
	if err != nil {
		fmt.Fprintf(stderr, "render: read -diff file: %v\n", err)
		return ExitError
	}
	old, err := ReadPreview(b)
	if err != nil {
		fmt.Fprintf(stderr, "render: %s: %v\n", *diffFile, err)
		return ExitError
	}
	d := Compare(old, preview)
	if *asJSON {
		b, err := json.MarshalIndent(d, "", "  ")
		if err == nil {
			_, err = stdout.Write(append(b, '\n'))
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

func exitOn(err error, stderr io.Writer) int {
	if err != nil {
		fmt.Fprintln(stderr, "render:", err)
		return ExitError
	}
	return ExitOK
}

// Stack runs the program for a stack offline and builds its preview. Without an
// image in config it renders what `pulumi up` would do on a deployed stack (keep
// the running image) and says so in a note.
func Stack(dir, stack string, overrides map[string]string) (*Preview, error) {
	project, err := offline.LoadProject(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := project.StackConfig(dir, stack, overrides)
	if err != nil {
		return nil, err
	}
	var notes []string
	opts := offline.Options{Dir: dir, Stack: stack, Overrides: overrides}
	if cfg[infra.Namespace+":imageTag"] == "" && cfg[infra.Namespace+":imageDigest"] == "" {
		opts.Previous = map[string]any{infra.OutputImage: runningImage, infra.OutputImageTag: runningImage}
		notes = append(notes, fmt.Sprintf("%s is not set, so this shows an update that keeps the image the stack "+
			"runs now (read from its last outputs). On a stack that has never run an image, `pulumi up` creates "+
			"only its ECR repository. To render a deploy: -c imageTag=<tag>.", infra.Namespace+":imageTag"))
	}
	result, err := offline.Run(opts)
	if err != nil {
		var ce *infra.ConfigError
		if errors.As(err, &ce) {
			return nil, ce
		}
		return nil, fmt.Errorf("render stack %q: %w", stack, err)
	}
	c, err := infra.ParseConfig(stack, func(k string) (string, bool) { v, ok := result.Config[k]; return v, ok })
	if err != nil {
		return nil, err
	}
	if !c.HTTPS() {
		notes = append(notes, "no certificateArn: this stack serves plain, unencrypted HTTP.")
	}
	for _, w := range c.Warnings() {
		notes = append(notes, "warning: "+w)
	}
	return NewPreview(result, NewEstimate(c), notes), nil
}
