package release

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSettingsComeFromTheStackFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Pulumi.yaml", "name: webservice\nconfig:\n  cpuArchitecture:\n    type: string\n    default: X86_64\n")
	write("Pulumi.staging.yaml", "config:\n  aws:region: eu-west-1\n")
	write("Pulumi.production.yaml", "config:\n  aws:region: us-east-1\n  webservice:cpuArchitecture: ARM64\n")
	write("Pulumi.bad.yaml", "config:\n  webservice:cpuArchitecture: MIPS\n")
	if r, err := Setting(dir, "staging", "aws:region"); r != "eu-west-1" || err != nil {
		t.Fatalf("region %q %v", r, err)
	}
	if p, err := Platforms(dir, []string{"staging"}); p != "linux/amd64" || err != nil {
		t.Fatalf("staging platforms %q %v", p, err)
	}
	if p, err := Platforms(dir, []string{"staging", "production"}); p != "linux/amd64,linux/arm64" || err != nil {
		t.Fatalf("both %q %v", p, err)
	}
	if _, err := Setting(dir, "bad", "aws:region"); err == nil || !strings.Contains(err.Error(), "sets no aws:region") {
		t.Fatalf("missing region: %v", err)
	}
	if _, err := Platforms(dir, []string{"bad"}); err == nil || !strings.Contains(err.Error(), `"MIPS": want X86_64 or ARM64`) {
		t.Fatalf("bad arch: %v", err)
	}
}
