package verify

import (
	"context"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// ELBAPI is the part of the ELBv2 client verify uses.
type ELBAPI interface {
	DescribeTargetHealth(ctx context.Context, in *elbv2.DescribeTargetHealthInput, opts ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
}

// maxEvents is how many of the newest service events a failure report shows.
const maxEvents = 10

// writeDeployments lists the service's deployments.
func writeDeployments(w io.Writer, svc *ecstypes.Service) {
	if svc == nil {
		return
	}
	fmt.Fprintln(w, "Deployments:")
	for _, d := range svc.Deployments {
		line := fmt.Sprintf("  %-8s %-22s %-11s %d/%d running, %d failed tasks",
			aws.ToString(d.Status), shortTaskDef(aws.ToString(d.TaskDefinition)), d.RolloutState,
			d.RunningCount, d.DesiredCount, d.FailedTasks)
		if r := aws.ToString(d.RolloutStateReason); r != "" {
			line += ": " + r
		}
		fmt.Fprintln(w, line)
	}
}

// writeEvents prints the newest service events, oldest first.
func writeEvents(w io.Writer, svc *ecstypes.Service) {
	if svc == nil || len(svc.Events) == 0 {
		return
	}
	events := append([]ecstypes.ServiceEvent(nil), svc.Events...)
	sort.Slice(events, func(i, j int) bool {
		return aws.ToTime(events[i].CreatedAt).After(aws.ToTime(events[j].CreatedAt))
	})
	if len(events) > maxEvents {
		events = events[:maxEvents]
	}
	fmt.Fprintln(w, "Recent service events:")
	for i := len(events) - 1; i >= 0; i-- {
		fmt.Fprintf(w, "  %s  %s\n", aws.ToTime(events[i].CreatedAt).UTC().Format(time.RFC3339), aws.ToString(events[i].Message))
	}
}

// writeTargetHealth prints the targets that are not healthy, with the ALB's reason.
func writeTargetHealth(ctx context.Context, w io.Writer, client ELBAPI, targetGroupArn string) {
	if client == nil || targetGroupArn == "" {
		return
	}
	out, err := client.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: aws.String(targetGroupArn)})
	if err != nil {
		fmt.Fprintf(w, "Target health: could not read it: %v\n", err)
		return
	}
	var lines []string
	for _, d := range out.TargetHealthDescriptions {
		if d.TargetHealth == nil || d.TargetHealth.State == "healthy" {
			continue
		}
		target := aws.ToString(d.Target.Id)
		if d.Target.Port != nil {
			target = fmt.Sprintf("%s:%d", target, *d.Target.Port)
		}
		lines = append(lines, fmt.Sprintf("  %-21s %-10s %s: %s", target, d.TargetHealth.State,
			d.TargetHealth.Reason, aws.ToString(d.TargetHealth.Description)))
	}
	switch {
	case len(out.TargetHealthDescriptions) == 0:
		fmt.Fprintf(w, "Target health: no targets registered in %s\n", targetGroupArn)
		return
	case len(lines) == 0:
		fmt.Fprintf(w, "Target health: all %d registered targets healthy\n", len(out.TargetHealthDescriptions))
		return
	}
	fmt.Fprintln(w, "Targets that are not healthy:")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}
