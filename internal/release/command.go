package release

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// Exit codes of cmd/release.
const (
	ExitOK       = 0
	ExitRefused  = 1 // a rule said no: never verified, label mismatch, wrong image deployed
	ExitUsage    = 2 // bad flags or unreadable input
	ExitAPIError = 4 // GitHub's API failed: never read as "not found"
)

const usage = `usage: release COMMAND [flags]

Commands (each prints key=value lines for $GITHUB_OUTPUT on stdout, and says why on stderr):
  reconcile     -before FILE -up OUTCOME -verify OUTCOME [-git DIR]
                what to do after a rollout: action=keep|restore|nothing-to-restore, tag=, digest=,
                and with -git the commit of the release to restore (ref=) or why there is none (ref-note=)
  first-deploy  -outputs FILE         needed=true when the stack has never run an image
  expect        -outputs FILE -digest sha256:...   exit 1 unless the outputs name that digest
  setting       -dir DIR -stack NAME -key KEY      a stack config value (e.g. aws:region)
  platforms     -dir DIR -stacks a,b               image platforms for the stacks' cpuArchitecture
  label         -config FILE -commit SHA           exit 1 unless the image config's revision label is SHA
  record        -env ENV -state STATE [-id N] -commit SHA -image REF -digest D -tag T -stack S -mode M
  find-verified -env ENV -commit SHA               the verified deploy of SHA, or exit 1 naming SHA
  guard         -env ENV -commit SHA -outputs FILE -git DIR [-main origin/main]
                deploy=false if a newer commit is on ENV (commits not on main are ignored, warned)
  queue         -stack S -workflows a.yml,b.yml -shared rollback.yml -run-id N -timeout D
  wait-runs     -workflow staging.yml -commit SHA -timeout D   until no run of the workflow for SHA is going
  lock          -history FILE -run-id N -stack S   cancel=true only for an update of a finished run (or this one)
  scan          -call describe|start -exit N -stdout FILE -stderr FILE [-started]
                what an ECR scan answer means: next=wait|start|done|unscanned, critical=N, reason=

Exit status: 0 done, 1 refused by a rule, 2 bad flags or input, 4 GitHub API error.
`

// Command runs cmd/release and returns its exit status.
func Command(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "release: unknown command %q\n\n%s", args[0], usage)
		return ExitUsage
	}
	fs := flag.NewFlagSet("release "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	run := cmd(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "release %s: unexpected arguments %v\n", args[0], fs.Args())
		return ExitUsage
	}
	code, err := run(stdout, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "release %s: %v\n", args[0], err)
		var api *APIError
		if code == ExitOK && errors.As(err, &api) {
			code = ExitAPIError
		} else if code == ExitOK {
			code = ExitUsage
		}
	}
	return code
}

type runner func(stdout, stderr io.Writer) (int, error)

// waitFailed is the exit of a wait that ended in err: GitHub's API failing is
// not the same as the wait's verdict (a run that failed, a timeout).
func waitFailed(err error) (int, error) {
	var api *APIError
	if errors.As(err, &api) {
		return ExitAPIError, err
	}
	return ExitRefused, err
}

var commands = map[string]func(fs *flag.FlagSet) runner{
	"reconcile":     reconcileCmd,
	"first-deploy":  firstDeployCmd,
	"expect":        expectCmd,
	"setting":       settingCmd,
	"platforms":     platformsCmd,
	"label":         labelCmd,
	"record":        recordCmd,
	"find-verified": findVerifiedCmd,
	"guard":         guardCmd,
	"queue":         queueCmd,
	"wait-runs":     waitRunsCmd,
	"lock":          lockCmd,
	"scan":          scanCmd,
}

func readOutputs(path string) (Outputs, error) {
	if path == "" {
		return nil, errors.New("-outputs/-before: want the file `pulumi stack output --json` wrote")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseOutputs(b)
}

func reconcileCmd(fs *flag.FlagSet) runner {
	before := fs.String("before", "", "the stack's outputs captured before the deploy (pulumi stack output --json)")
	up := fs.String("up", "", "outcome of the pulumi up step")
	verify := fs.String("verify", "", "outcome of the verify step")
	gitDir := fs.String("git", "", "a clone with tags and main's history: resolve the release to restore to its commit")
	return func(stdout, stderr io.Writer) (int, error) {
		o, err := readOutputs(*before)
		if err != nil {
			return ExitUsage, err
		}
		d, err := Decide(o, *up, *verify)
		if err != nil {
			return ExitUsage, err
		}
		fmt.Fprintf(stderr, "reconcile: %s: %s\n", d.Action, d.Reason)
		fmt.Fprintf(stdout, "action=%s\ntag=%s\ndigest=%s\nimage=%s\n", d.Action, d.Restore.Tag, d.Restore.Digest, d.Restore.Image)
		if *gitDir != "" && d.Action == Restore {
			ref, note := RestoreRef(*gitDir, d.Restore.Tag)
			fmt.Fprintf(stdout, "ref=%s\nref-note=%s\n", ref, note)
		}
		return ExitOK, nil
	}
}

func firstDeployCmd(fs *flag.FlagSet) runner {
	outputs := fs.String("outputs", "", "the stack's outputs (pulumi stack output --json)")
	return func(stdout, stderr io.Writer) (int, error) {
		o, err := readOutputs(*outputs)
		if err != nil {
			return ExitUsage, err
		}
		state := o.DeploymentState()
		if state == "" {
			state = "(no deploymentState output)"
		}
		fmt.Fprintf(stderr, "first-deploy: deploymentState %s, image %q\n", state, o.str("image"))
		fmt.Fprintf(stdout, "needed=%t\n", o.NeedsFirstDeploy())
		return ExitOK, nil
	}
}

func expectCmd(fs *flag.FlagSet) runner {
	outputs := fs.String("outputs", "", "the stack's outputs after the deploy")
	digest := fs.String("digest", "", "the digest this deploy rolled out")
	return func(stdout, stderr io.Writer) (int, error) {
		o, err := readOutputs(*outputs)
		if err != nil {
			return ExitUsage, err
		}
		if !o.Pins(*digest) {
			return ExitRefused, fmt.Errorf("the stack's image output is %q, not the deployed digest %s: the program "+
				"did not take the image from WEBSERVICE_IMAGE_DIGEST (a release older than that interface?)", o.str("image"), *digest)
		}
		fmt.Fprintf(stderr, "expect: the stack runs %s\n", o.str("image"))
		return ExitOK, nil
	}
}

func settingCmd(fs *flag.FlagSet) runner {
	dir := fs.String("dir", ".", "directory holding Pulumi.yaml and the stack files")
	stack := fs.String("stack", "", "stack name")
	key := fs.String("key", "", "config key, e.g. aws:region or cpuArchitecture")
	return func(stdout, stderr io.Writer) (int, error) {
		v, err := Setting(*dir, *stack, *key)
		if err != nil {
			return ExitUsage, err
		}
		fmt.Fprintln(stdout, v)
		return ExitOK, nil
	}
}

func platformsCmd(fs *flag.FlagSet) runner {
	dir := fs.String("dir", ".", "directory holding Pulumi.yaml and the stack files")
	stacks := fs.String("stacks", "", "comma-separated stacks that will run the image")
	return func(stdout, stderr io.Writer) (int, error) {
		p, err := Platforms(*dir, strings.Split(*stacks, ","))
		if err != nil {
			return ExitUsage, err
		}
		fmt.Fprintln(stdout, p)
		return ExitOK, nil
	}
}

// RevisionLabel is the OCI label the build sets to the commit it built.
const RevisionLabel = "org.opencontainers.image.revision"

func labelCmd(fs *flag.FlagSet) runner {
	config := fs.String("config", "", "the image config JSON (crane config REF)")
	commit := fs.String("commit", "", "the commit being deployed")
	return func(stdout, stderr io.Writer) (int, error) {
		b, err := os.ReadFile(*config)
		if err != nil {
			return ExitUsage, err
		}
		var cfg struct {
			Config struct {
				Labels map[string]string `json:"Labels"`
			} `json:"config"`
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return ExitUsage, fmt.Errorf("image config: %w", err)
		}
		got := cfg.Config.Labels[RevisionLabel]
		if got != *commit {
			if got == "" {
				got = "(no " + RevisionLabel + " label)"
			}
			return ExitRefused, fmt.Errorf("the image was built from %s, not from %s, the commit being deployed: "+
				"refusing to deploy a different binary than this commit built", got, *commit)
		}
		fmt.Fprintf(stderr, "label: the image was built from %s\n", got)
		return ExitOK, nil
	}
}

func recordCmd(fs *flag.FlagSet) runner {
	env := fs.String("env", "", "GitHub environment name of the records, e.g. staging")
	state := fs.String("state", "", "in_progress, success, failure or error")
	id := fs.Int64("id", 0, "an existing record to add the state to; 0 creates one")
	desc := fs.String("description", "", "what happened, for the record")
	var p Payload
	fs.StringVar(&p.Commit, "commit", "", "commit deployed")
	fs.StringVar(&p.Image, "image", "", "repository@sha256:... deployed")
	fs.StringVar(&p.Digest, "digest", "", "its digest")
	fs.StringVar(&p.Tag, "tag", "", "its tag")
	fs.StringVar(&p.Stack, "stack", "", "stack deployed")
	fs.StringVar(&p.Mode, "mode", "", "build, rollback or promote")
	return func(stdout, stderr io.Writer) (int, error) {
		g, err := GitHubFromEnv()
		if err != nil {
			return ExitUsage, err
		}
		ctx := context.Background()
		p.Run = runURL()
		if *id == 0 {
			if !IsCommit(p.Commit) || p.Digest == "" || !strings.HasSuffix(p.Image, "@"+p.Digest) {
				return ExitUsage, fmt.Errorf("a new record needs -commit (full SHA), -digest and -image repository@<digest>; got %q, %q, %q",
					p.Commit, p.Digest, p.Image)
			}
			if *id, err = g.CreateDeployment(ctx, *env, p); err != nil {
				return ExitAPIError, err
			}
		}
		if err := g.SetStatus(ctx, *id, *state, *desc, p.Run); err != nil {
			return ExitAPIError, err
		}
		fmt.Fprintf(stderr, "record: %s deployment %d of %s: %s\n", *env, *id, p.Commit, *state)
		fmt.Fprintf(stdout, "id=%d\n", *id)
		return ExitOK, nil
	}
}

func runURL() string {
	if os.Getenv("GITHUB_RUN_ID") == "" {
		return ""
	}
	return fmt.Sprintf("%s/%s/actions/runs/%s", os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_RUN_ID"))
}

func findVerifiedCmd(fs *flag.FlagSet) runner {
	env := fs.String("env", "staging", "environment whose verified deploy is required")
	commit := fs.String("commit", "", "the release's commit")
	return func(stdout, stderr io.Writer) (int, error) {
		if !IsCommit(*commit) {
			return ExitUsage, fmt.Errorf("-commit %q: want a full 40-character SHA", *commit)
		}
		g, err := GitHubFromEnv()
		if err != nil {
			return ExitUsage, err
		}
		p, err := FindVerified(context.Background(), g, *env, *commit)
		var nv *NotVerifiedError
		switch {
		case errors.As(err, &nv):
			return ExitRefused, err
		case err != nil:
			return ExitAPIError, err
		}
		fmt.Fprintf(stderr, "find-verified: %s verified %s for commit %s (%s)\n", *env, p.Image, p.Commit, p.Run)
		fmt.Fprintf(stdout, "image=%s\ndigest=%s\nsource-tag=%s\n", p.Image, p.Digest, p.Tag)
		return ExitOK, nil
	}
}

func guardCmd(fs *flag.FlagSet) runner {
	env := fs.String("env", "staging", "environment of the deploy records")
	commit := fs.String("commit", "", "the commit this run deploys")
	outputs := fs.String("outputs", "", "the stack's outputs now (its imageTag is the commit it runs)")
	gitDir := fs.String("git", ".", "a clone with the full history of the branch")
	mainRef := fs.String("main", "origin/main", "main's history in that clone: known commits not in it are ignored, with a warning")
	return func(stdout, stderr io.Writer) (int, error) {
		o, err := readOutputs(*outputs)
		if err != nil {
			return ExitUsage, err
		}
		g, err := GitHubFromEnv()
		if err != nil {
			return ExitUsage, err
		}
		newest, ignored, err := NewestStarted(context.Background(), g, *env)
		if err != nil {
			return ExitAPIError, err
		}
		for _, w := range ignored {
			fmt.Fprintf(stderr, "::warning::guard: ignoring a deployment record: %s\n", w)
		}
		known := []Known{
			{Commit: o.str("imageTag"), Source: "the commit " + *env + " runs now (its imageTag output)"},
			{Commit: newest, Source: "the newest commit a push deployed to " + *env + " (deployment records)"},
		}
		known, warnings, err := Usable(*gitDir, *mainRef, known)
		if err != nil {
			return ExitUsage, err
		}
		for _, w := range warnings {
			fmt.Fprintf(stderr, "::warning::guard: %s\n", w)
		}
		ok, why, err := Guard(GitAncestry(*gitDir), *commit, known)
		if err != nil {
			return ExitUsage, err
		}
		if !ok {
			fmt.Fprintf(stderr, "guard: not deploying %s: %s\n", *commit, why)
		} else {
			fmt.Fprintf(stderr, "guard: %s is the newest commit %s has seen\n", *commit, *env)
		}
		fmt.Fprintf(stdout, "deploy=%t\nwhy=%s\n", ok, why)
		return ExitOK, nil
	}
}

func queueCmd(fs *flag.FlagSet) runner {
	var lane Lane
	fs.StringVar(&lane.Stack, "stack", "", "stack whose deploys are serialized")
	workflows := fs.String("workflows", "", "comma-separated workflow files that deploy only this stack")
	fs.StringVar(&lane.Shared, "shared", "", "workflow file deploying any stack, named by its run-name \"rollback <stack> ...\"")
	runID := fs.Int64("run-id", 0, "this run's id (github.run_id)")
	timeout := fs.Duration("timeout", 5*time.Hour, "give up (and fail, deploying nothing) after this long")
	poll := fs.Duration("poll", time.Minute, "how often to look (each look is one list call per workflow: GITHUB_TOKEN allows 1,000 requests an hour per repository)")
	return func(stdout, stderr io.Writer) (int, error) {
		if lane.Stack == "" || *runID == 0 {
			return ExitUsage, errors.New("-stack and -run-id are required")
		}
		for _, w := range strings.Split(*workflows, ",") {
			if w = strings.TrimSpace(w); w != "" {
				lane.Workflows = append(lane.Workflows, w)
			}
		}
		g, err := GitHubFromEnv()
		if err != nil {
			return ExitUsage, err
		}
		if err := Wait(context.Background(), g, lane, *runID, *poll, *timeout, stderr); err != nil {
			return waitFailed(err)
		}
		return ExitOK, nil
	}
}

func waitRunsCmd(fs *flag.FlagSet) runner {
	workflow := fs.String("workflow", "staging.yml", "workflow file whose runs of the commit are waited for")
	commit := fs.String("commit", "", "the commit (full SHA)")
	timeout := fs.Duration("timeout", time.Hour, "give up (and fail, deploying nothing) after this long")
	poll := fs.Duration("poll", time.Minute, "how often to look (one list call each)")
	return func(stdout, stderr io.Writer) (int, error) {
		if !IsCommit(*commit) {
			return ExitUsage, fmt.Errorf("-commit %q: want a full 40-character SHA", *commit)
		}
		g, err := GitHubFromEnv()
		if err != nil {
			return ExitUsage, err
		}
		if err := WaitForCommit(context.Background(), g, *workflow, *commit, *poll, *timeout, stderr); err != nil {
			return waitFailed(err)
		}
		return ExitOK, nil
	}
}

func lockCmd(fs *flag.FlagSet) runner {
	history := fs.String("history", "", "the stack's history (pulumi stack history --json --page-size 1)")
	runID := fs.Int64("run-id", 0, "this run's id (github.run_id)")
	stack := fs.String("stack", "", "the stack as the Pulumi CLI names it, for the runbook's command")
	return func(stdout, stderr io.Writer) (int, error) {
		if *runID == 0 || *stack == "" {
			return ExitUsage, errors.New("-run-id and -stack are required")
		}
		b, err := os.ReadFile(*history)
		if err != nil {
			return ExitUsage, err
		}
		us, err := ParseHistory(b)
		if err != nil {
			return ExitUsage, err
		}
		g, err := GitHubFromEnv()
		if err != nil {
			return ExitUsage, err
		}
		cancel, why, err := DecideLock(context.Background(), g, us, *runID, *stack)
		var locked *LockedError
		switch {
		case errors.As(err, &locked):
			return ExitRefused, err
		case err != nil:
			return ExitAPIError, err
		}
		fmt.Fprintf(stderr, "lock: %s\n", why)
		fmt.Fprintf(stdout, "cancel=%t\nwhy=%s\n", cancel, why)
		return ExitOK, nil
	}
}

func scanCmd(fs *flag.FlagSet) runner {
	call := fs.String("call", "describe", "the AWS CLI call answered: describe (describe-image-scan-findings) or start (start-image-scan)")
	exit := fs.Int("exit", 0, "its exit status")
	out := fs.String("stdout", "", "its standard output (JSON)")
	errFile := fs.String("stderr", "", "its standard error")
	started := fs.Bool("started", false, "a scan of the image was already started")
	return func(stdout, stderr io.Writer) (int, error) {
		read := func(p string) []byte {
			if p == "" {
				return nil
			}
			b, _ := os.ReadFile(p)
			return b
		}
		v, err := ScanStep(*call, *exit, read(*out), read(*errFile), *started)
		if err != nil {
			return ExitRefused, err
		}
		fmt.Fprintf(stdout, "next=%s\ncritical=%d\nreason=%s\n", v.Next, v.Critical, strings.ReplaceAll(v.Reason, "\n", " "))
		return ExitOK, nil
	}
}
