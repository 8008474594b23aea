package verify

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/example/webservice/internal/deploytime"
	"github.com/example/webservice/internal/stackfile"
)

// The rollout's times against the deploy-time model (docs/deploy-time-model.md).
// verify usually starts after `pulumi up` has waited for a steady service, so
// it cannot watch the milestones happen: it reads the times AWS recorded. From
// the deployment's createdAt (the deploy's start) to
//   - new tasks running: the latest startedAt of the new revision's tasks;
//   - healthy in the target group: ECS's first "has begun draining
//     connections" event after them. ECS drains the old tasks only once the
//     new ones are healthy targets (minimum healthy 100 %, the default), and
//     target health carries no timestamp of its own;
//   - COMPLETED: the deployment's updatedAt, once its rollout COMPLETED.
// The model's figures come from the stack's own config (-stack), the one the
// deploy just applied.

// DefaultTimingMargin is how far, in percent, a measured time may exceed the
// model's before verify warns: the model rounds AWS's scheduling away, and a
// warning should mean the settings no longer describe the service.
const DefaultTimingMargin = 50

// loadModel is the model's answer for a stack's config, read the way `pulumi
// up` reads it: Pulumi.yaml's defaults, then Pulumi.<stack>.yaml.
func loadModel(dir, stack string) (deploytime.Milestones, error) {
	cfg, err := stackfile.Load(dir, stack)
	if err != nil {
		return deploytime.Milestones{}, err
	}
	s, err := deploytime.FromConfig(cfg.Get)
	if err != nil {
		return deploytime.Milestones{}, err
	}
	m := s.Milestones()
	if m.Waves == 0 {
		return m, fmt.Errorf("the model has no figures for these settings: no task can start or stop")
	}
	return m, nil
}

// milestone is one measured moment and the model's figure for it.
type milestone struct {
	name     string
	measured time.Duration
	known    bool   // AWS recorded it
	why      string // how it was read, or why it could not be
	model    time.Duration
	hint     string // what to look at when it is over the model
}

// over is how much longer than the model it took, in percent.
func (m milestone) over() float64 {
	return 100 * float64(m.measured-m.model) / float64(m.model)
}

// rolloutTiming is the measured rollout.
type rolloutTiming struct {
	revision string
	start    time.Time
	tasks    int // the PRIMARY deployment's desired count
	model    *deploytime.Milestones
	margin   int
	marks    []milestone
}

var drainEvent = regexp.MustCompile(`has begun draining connections on \d+ tasks`)

// measureRollout reads the milestones of the PRIMARY deployment from what ECS
// recorded; ok is false when ECS did not record the deploy's start.
func measureRollout(svc *ecstypes.Service, revision string, tasks []taskTarget, model *deploytime.Milestones, margin int) (rolloutTiming, bool) {
	p := primary(svc)
	if p == nil || p.CreatedAt == nil {
		return rolloutTiming{}, false
	}
	rt := rolloutTiming{revision: revision, start: *p.CreatedAt, tasks: int(p.DesiredCount), model: model, margin: margin}
	var completed time.Time
	if p.RolloutState == ecstypes.DeploymentRolloutStateCompleted && p.UpdatedAt != nil {
		completed = *p.UpdatedAt
	}

	running := milestone{name: "new tasks running", why: "latest startedAt of the new revision's tasks",
		hint: "image pull and start-up take longer than taskStartupSeconds: raise it (it feeds the model and the update timeout)"}
	var last time.Time
	for _, t := range tasks {
		if !t.StartedAt.IsZero() && !t.StartedAt.Before(rt.start) && t.StartedAt.After(last) {
			last = t.StartedAt
		}
	}
	if last.IsZero() {
		running.why = "not recorded: no running task of the new revision with a start time (ListTasks, DescribeTasks)"
	} else {
		running.measured, running.known = last.Sub(rt.start), true
	}

	healthy := milestone{name: "healthy in the target group", why: "ECS's first \"has begun draining connections\" event after them",
		hint: "the ALB took longer than healthyThreshold x healthCheckInterval to pass the new tasks: look at their start-up and /health"}
	anchor := rt.start
	if !last.IsZero() {
		anchor = last
	}
	var drained time.Time
	for _, e := range svc.Events {
		at := aws.ToTime(e.CreatedAt)
		if at.Before(anchor) || (!completed.IsZero() && at.After(completed)) || !drainEvent.MatchString(aws.ToString(e.Message)) {
			continue
		}
		if drained.IsZero() || at.Before(drained) {
			drained = at
		}
	}
	if drained.IsZero() {
		healthy.why = "not recorded: ECS drained no old task after the new ones ran (a first deploy has none to drain)"
	} else {
		healthy.measured, healthy.known = drained.Sub(rt.start), true
	}

	done := milestone{name: "COMPLETED", why: "the deployment's updatedAt",
		hint: "draining (deregistrationDelay), stopping the old tasks (stopTimeout) or the alarm bake took longer than the model says"}
	if completed.IsZero() {
		done.why = "not recorded: ECS gave the COMPLETED deployment no updatedAt"
	} else {
		done.measured, done.known = completed.Sub(rt.start), true
	}
	if model != nil {
		running.model, healthy.model, done.model = model.TasksRunning, model.Healthy, model.Completed
	}
	rt.marks = []milestone{running, healthy, done}
	return rt, true
}

// exceeded are the milestones over the model by more than the margin.
func (rt rolloutTiming) exceeded() []milestone {
	var out []milestone
	for _, m := range rt.marks {
		if rt.model != nil && m.known && m.model > 0 && m.over() > float64(rt.margin) {
			out = append(out, m)
		}
	}
	return out
}

func signedPercent(p float64) string { return fmt.Sprintf("%+.0f%%", p) }

// write prints the timing for the log.
func (rt rolloutTiming) write(w io.Writer) {
	if rt.model != nil {
		fmt.Fprintf(w, "verify: rollout of %s timed from the deployment's start (%s) against the deploy-time model for %d tasks in %d wave(s):\n",
			rt.revision, rt.start.UTC().Format(time.RFC3339), rt.model.Tasks, rt.model.Waves)
	} else {
		fmt.Fprintf(w, "verify: rollout of %s timed from the deployment's start (%s); no deploy-time model to compare with (-stack):\n",
			rt.revision, rt.start.UTC().Format(time.RFC3339))
	}
	for _, m := range rt.marks {
		line := fmt.Sprintf("  %-28s", m.name)
		if !m.known {
			fmt.Fprintf(w, "%s %s\n", line, m.why)
			continue
		}
		line += fmt.Sprintf(" %-8s", m.measured)
		if rt.model != nil {
			line += fmt.Sprintf(" model %-8s %s", m.model, signedPercent(m.over()))
			if m.over() > float64(rt.margin) {
				line += fmt.Sprintf("  over the %d%% margin", rt.margin)
			}
		}
		fmt.Fprintln(w, line)
	}
	if rt.model != nil && rt.tasks != rt.model.Tasks {
		fmt.Fprintf(w, "  (the model assumes desiredCount %d tasks; this rollout ran %d, as autoscaling set it)\n", rt.model.Tasks, rt.tasks)
	}
	for _, m := range rt.exceeded() {
		msg := fmt.Sprintf("%s took %s, %.0f%% more than the model's %s (margin %d%%, -timing-margin): %s",
			m.name, m.measured, m.over(), m.model, rt.margin, m.hint)
		fmt.Fprintf(w, "verify: warning: %s\n", msg)
		if os.Getenv("GITHUB_ACTIONS") == "true" {
			fmt.Fprintf(w, "::warning title=Rollout slower than the deploy-time model::%s\n", msg)
		}
	}
}

// markdown is the timing for the job summary.
func (rt rolloutTiming) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Rollout timing: %s\n\n", rt.revision)
	fmt.Fprintf(&b, "From the deployment's start, %s.", rt.start.UTC().Format(time.RFC3339))
	if rt.model != nil {
		fmt.Fprintf(&b, " Model: [docs/deploy-time-model.md](docs/deploy-time-model.md) for %d tasks in %d wave(s); warning margin %d %%.",
			rt.model.Tasks, rt.model.Waves, rt.margin)
	} else {
		b.WriteString(" No deploy-time model to compare with (verify -stack).")
	}
	b.WriteString("\n\n| Milestone | Measured | Model | Difference | Read from |\n|---|---|---|---|---|\n")
	for _, m := range rt.marks {
		measured, model, diff := "-", "-", "-"
		if m.known {
			measured = m.measured.String()
		}
		if rt.model != nil {
			model = m.model.String()
			if m.known {
				diff = fmt.Sprintf("%s (%s)", signedDuration(m.measured-m.model), signedPercent(m.over()))
				if m.over() > float64(rt.margin) {
					diff += " :warning:"
				}
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", m.name, measured, model, diff, m.why)
	}
	for _, m := range rt.exceeded() {
		fmt.Fprintf(&b, "\n:warning: %s took %s, %.0f %% more than the model's %s: %s.\n", m.name, m.measured, m.over(), m.model, m.hint)
	}
	return b.String()
}

func signedDuration(d time.Duration) string {
	if d < 0 {
		return "-" + (-d).String()
	}
	return "+" + d.String()
}

// reportTiming prints the timing of a completed rollout and adds it to the
// job summary. It never changes the verdict: a slow rollout that serves is
// deployed, and the warning says how slow.
func (r run) reportTiming(svc *ecstypes.Service, tasks []taskTarget) {
	rt, ok := measureRollout(svc, shortTaskDef(r.t.TaskDefinitionArn), tasks, r.model, r.o.timingMargin)
	if !ok {
		r.logf("rollout timing: ECS did not record when the deployment started (createdAt)")
		return
	}
	rt.write(r.stdout)
	if path := os.Getenv("GITHUB_STEP_SUMMARY"); path != "" {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			_, err = io.WriteString(f, rt.markdown()+"\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			r.logf("rollout timing: could not write the job summary %s: %v", path, err)
		}
	}
}
