package render

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// usageProblem says, after the usage text, which part of the command line
// was wrong, so a newcomer does not have to find it in thirty lines of help.
func usageProblem(stack string, reviewing bool, args []string) string {
	switch {
	case stack == "":
		return "-stack is required (for example -stack staging)"
	case reviewing && len(args) != 1:
		return fmt.Sprintf("review wants one argument, the base branch's checkout; got %d", len(args))
	case reviewing:
		return "review takes no -json, -diff or -output"
	default:
		return fmt.Sprintf("unexpected argument %q: flags come before it, and the stack is given with -stack", args[0])
	}
}

// stackExists refuses a stack with no Pulumi.<stack>.yaml in dir, naming
// the stacks that have one: a mistyped name (prod, Staging) is a usage
// error, not an unreadable file.
func stackExists(dir, stack string) error {
	if _, err := os.Stat(filepath.Join(dir, "Pulumi."+stack+".yaml")); err == nil {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	var stacks []string
	for _, f := range files {
		stacks = append(stacks, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	sort.Strings(stacks)
	if len(stacks) == 0 {
		return fmt.Errorf("-stack %q: no Pulumi.%s.yaml in %s, and no stack files at all: is -dir the project directory?", stack, stack, dir)
	}
	return fmt.Errorf("-stack %q: no Pulumi.%s.yaml in %s; its stacks are %s", stack, stack, dir, strings.Join(stacks, ", "))
}
