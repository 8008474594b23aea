package tests

import (
	"sort"
	"strings"
)

// The settings the README's set-up commits into the stack files are the
// team's own (their account's boundary ARNs, production's certificate):
// whatever a team commits, the tests render every stack with these instead,
// so the goldens, the URN snapshot and every assertion stay the same after
// the set-up (tests/e2e runs the set-up, then go test ./tests). Tests of the
// committed files themselves (placeholders, the CLI's canonical form) read
// the files, not a render.
func siteConfig(stack string) map[string]string {
	if stack == "shared" { // bootstrap/
		return map[string]string{"accountId": testAccount, "githubOrg": "acme", "githubRepo": "webservice"}
	}
	cfg := map[string]string{
		"permissionsBoundaryArn": "arn:aws:iam::" + testAccount + ":policy/webservice/webservice-" + stack + "-boundary",
	}
	if stack == "production" {
		cfg["certificateArn"] = testCertificateArn
	}
	return cfg
}

// withSite is overrides on top of the stack's site settings.
func withSite(stack string, overrides map[string]string) map[string]string {
	out := siteConfig(stack)
	for k, v := range overrides {
		out[k] = v
	}
	return out
}

// siteArgs are the site settings as render's -c flags, minus those args set.
func siteArgs(stack string, args []string) []string {
	joined := strings.Join(args, " ")
	var keys []string
	for k := range siteConfig(stack) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		if !strings.Contains(joined, k+"=") {
			out = append(out, "-c", k+"="+siteConfig(stack)[k])
		}
	}
	return out
}
