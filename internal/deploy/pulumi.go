package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// outputs are a stack's outputs as `pulumi stack output --json` prints them.
type outputs map[string]any

func (o outputs) str(k string) string { s, _ := o[k].(string); return s }

// live is the release the stack runs; ok is false when it runs none (never
// deployed, or awaiting its first image).
func (o outputs) live() (tag, digest string, ok bool) {
	_, digest, _ = strings.Cut(o.str("image"), "@")
	return o.str("imageTag"), digest, digest != "" && o.str("deploymentState") != "awaiting-image"
}

func (o *options) outputs(ctx context.Context) (outputs, []byte, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, o.pulumi, "stack", "output", "--json", "--stack", o.pulumiStack, "--non-interactive")
	cmd.Dir, cmd.Stdout, cmd.Stderr = o.dir, &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, nil, fmt.Errorf("reading the outputs of %s: %v: %s (is the stack initialised, and are its Pulumi credentials set?)",
			o.pulumiStack, err, strings.TrimSpace(stderr.String()))
	}
	out := outputs{}
	b := bytes.TrimSpace(stdout.Bytes())
	if len(b) > 0 { // none: a stack that never completed an update
		if err := json.Unmarshal(b, &out); err != nil {
			return nil, nil, fmt.Errorf("the outputs of %s are not JSON: %w", o.pulumiStack, err)
		}
	}
	return out, b, nil
}

// up runs `pulumi up` of the stack in dir, the image (if any) in env. The
// deploy jobs' concurrency keeps two runs off one stack, so the lock an
// interrupted up leaves (a cancelled job, its timeout) would be a run's own:
// on SIGINT/SIGTERM the update is cancelled before the runner's kill. A lock
// anyone else holds fails the up with Pulumi's own message (docs/runbook.md,
// "Stack locked").
func (o *options) up(ctx context.Context, dir string, env []string, what string) error {
	msg := what + " [" + cmpOr(os.Getenv("GITHUB_RUN_ID"), os.Getenv("USER")) + "]"
	cmd := exec.CommandContext(ctx, o.pulumi, "up", "--yes", "--non-interactive", "--stack", o.pulumiStack, "--message", msg)
	cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = dir, o.log, o.log, append(os.Environ(), env...)
	cmd.Cancel = func() error {
		o.say("warning", "interrupted: cancelling the update of %s so its lock does not outlive this run", o.pulumiStack)
		cancel := exec.Command(o.pulumi, "cancel", "--yes", "--non-interactive", "--stack", o.pulumiStack)
		cancel.Dir, cancel.Stdout, cancel.Stderr = dir, o.log, o.log
		_ = cancel.Run()
		return cmd.Process.Signal(os.Interrupt)
	}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pulumi up of %s: %w", o.pulumiStack, err)
	}
	return nil
}
