package plan

import (
	"strings"
	"testing"
)

func TestReplacementsAndRisks(t *testing.T) {
	const tg = "aws:lb/targetGroup:TargetGroup"
	if !Replaces(tg, "port") || Replaces(tg, "healthCheck.path") {
		t.Errorf("target group: port replaces %v, healthCheck.path replaces %v; want true, false",
			Replaces(tg, "port"), Replaces(tg, "healthCheck.path"))
	}
	if !Replaces("aws:ec2/securityGroupRule:SecurityGroupRule", "cidrBlocks[0]") || Replaces("aws:ec2/securityGroupRule:SecurityGroupRule", "cidrBlocksX") {
		t.Error("an element path forces the replacement its property does, and only its property's")
	}
	if !Replaces("aws:ecs/service:Service", "name") {
		t.Error("renaming the service must force a replacement")
	}
	if r := Risk(tg); !strings.Contains(r, "starts empty") {
		t.Errorf("target group risk = %q", r)
	}
	if r := Risk("aws:ecs/taskDefinition:TaskDefinition"); r != "" {
		t.Errorf("a new task definition revision is how a deploy works, not a risk: got %q", r)
	}
	for op, want := range map[string]string{"create": "+", "update": "~", "replace": "+-", "delete": "-"} {
		if got := OpSymbol(op); got != want {
			t.Errorf("OpSymbol(%s) = %q, want %q", op, got, want)
		}
	}
}

func TestWriteDiffMarksRisks(t *testing.T) {
	var b strings.Builder
	d := &Diff{Changes: []Change{{Op: "replace", URN: "urn:x", Type: "aws:lb/listener:Listener",
		Properties: []PropertyChange{{Path: "port", Old: "80", New: "81", Replaces: true}}, Risks: []string{"replaced: " + Risk("aws:lb/listener:Listener")}}}}
	if err := WriteDiff(&b, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"+- replace urn:x", "port: 80 => 81  [forces replacement]", "!! replaced: the port refuses", "Changes: 1 to replace", "!! This change replaces"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("WriteDiff output lacks %q:\n%s", want, b.String())
		}
	}
}
