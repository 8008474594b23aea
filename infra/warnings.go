package infra

import (
	"fmt"
	"strings"
)

// Warnings are settings that AWS accepts but that are probably not what the
// stack's owner meant. The program logs them on every `pulumi preview` and `up`,
// and cmd/render prints them; they never stop a deploy.
func (c *Config) Warnings() []string {
	var out []string
	if !strings.Contains(c.ContainerUser, ":") {
		out = append(out, fmt.Sprintf("%s is %q, a uid without a group: the app then runs with gid 0 (root's group) "+
			"in most images; give a group too, e.g. %s:%s", key("containerUser"), c.ContainerUser,
			c.ContainerUser, c.ContainerUser))
	}
	if c.PermissionsBoundaryArn == "" {
		out = append(out, fmt.Sprintf("%s is not set: the CI deploy role from bootstrap/ may only create roles "+
			"that carry the stack's boundary, so a CI deploy fails on iam:CreateRole; set it to bootstrap's "+
			"%sPermissionsBoundaryArn output (README § Set-up, step by step)", key("permissionsBoundaryArn"), c.Stack))
	}
	return out
}
