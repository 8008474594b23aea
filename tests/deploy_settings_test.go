package tests

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// Missing Pulumi credentials used to surface three steps later as "cannot
// read the state of staging (is the stack initialised?)". The first step
// names the secret instead, from whether it is set (never its value).
func TestMissingPulumiCredentialsAreNamedFirst(t *testing.T) {
	steps, _ := actionSteps(t)
	check := steps["Check the deploy settings"]
	env := envOf(check)
	if env["HAS_PULUMI_TOKEN"] != "${{ inputs.pulumi-access-token != '' }}" || env["HAS_PULUMI_PASSPHRASE"] != "${{ inputs.pulumi-config-passphrase != '' }}" {
		t.Fatalf("the settings check does not know whether the Pulumi credentials are set: %v", env)
	}
	dir := t.TempDir()
	if out, err := exec.Command("touch", dir+"/Pulumi.yaml").CombinedOutput(); err != nil {
		t.Fatal(err, string(out))
	}
	base := map[string]string{"ROLE": "arn:aws:iam::111111111111:role/deploy", "MODE": "build", "COMMIT": strings.Repeat("a", 40),
		"PROGRAM_DIR": dir, "STACK": "production", "HAS_PULUMI_TOKEN": "false", "HAS_PULUMI_PASSPHRASE": "false", "BACKEND": ""}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	if code, out, _ := script(t, run(check), dir, with(), nil); code == 0 || !strings.Contains(out, "PRODUCTION_PULUMI_ACCESS_TOKEN") ||
		!strings.Contains(out, "PULUMI_BACKEND_URL") {
		t.Errorf("Pulumi Cloud without a token: exit %d\n%s", code, out)
	}
	if code, out, _ := script(t, run(check), dir, with("HAS_PULUMI_TOKEN", "true"), nil); code != 0 {
		t.Errorf("Pulumi Cloud with its token: exit %d\n%s", code, out)
	}
	if code, out, _ := script(t, run(check), dir, with("BACKEND", "s3://state", "STACK", "staging"), nil); code != 0 ||
		!strings.Contains(out, "::warning::") || !strings.Contains(out, "STAGING_PULUMI_CONFIG_PASSPHRASE") {
		t.Errorf("self-managed backend without a passphrase (KMS is fine): exit %d\n%s", code, out)
	}
	if code, out, _ := script(t, run(check), dir, with("ROLE", "", "HAS_PULUMI_TOKEN", "true"), nil); code == 0 || !strings.Contains(out, "PRODUCTION_DEPLOY_ROLE_ARN") {
		t.Errorf("no role: exit %d\n%s", code, out)
	}
}

// The Pulumi CLI version is written in three places (the deploy action's
// default, preview.yml and drift.yml); each must be the release of the Go SDK
// go.mod pins, which Dependabot's pulumi group moves.
func TestThePulumiCLIIsTheSDKsRelease(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Version}}", "github.com/pulumi/pulumi/sdk/v3").Output()
	if err != nil {
		t.Fatal(err)
	}
	sdk := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
	if got := at(loadYAML(t, deployAction), "inputs.pulumi-version.default"); got != sdk {
		t.Errorf("the deploy action installs Pulumi %v, the SDK is %s", got, sdk)
	}
	for _, f := range []string{"preview.yml", "drift.yml"} {
		n := 0
		for _, j := range jobs(t, workflow(t, f)) {
			steps, _ := j["steps"].([]any)
			for _, s := range steps {
				if u, _ := at(s, "uses").(string); regexp.MustCompile(`^pulumi/actions@`).MatchString(u) {
					n++
					if v := at(s, "with.pulumi-version"); v != sdk {
						t.Errorf("%s installs Pulumi %v, the SDK is %s", f, v, sdk)
					}
				}
			}
		}
		if n == 0 {
			t.Errorf("%s installs no Pulumi CLI", f)
		}
	}
}
