package tests

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestURNSnapshot pins every resource's URN per stack. A changed URN is a replaced
// resource in a live account (or a deleted one, with the data in it). If the diff
// is intended, add pulumi.Aliases for renamed resources, then regenerate with
// `go test ./tests -run TestURNSnapshot -update` and review the diff.
func TestURNSnapshot(t *testing.T) {
	for _, stack := range Stacks {
		t.Run(stack, func(t *testing.T) {
			r := deploy(t, stack)
			var b strings.Builder
			for _, res := range r.ByURN() {
				b.WriteString(res.URN)
				b.WriteByte('\n')
			}
			compareGolden(t, filepath.Join("testdata", stack+".urns.txt"), []byte(b.String()))
		})
	}
}

// compareGolden compares got with the golden file, or rewrites it under -update.
func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run `go test ./tests -update` once to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what the program declares now:\n%s\nIf intended, regenerate with -update and review the diff.",
			path, lineDiff(string(want), string(got)))
	}
}

// lineDiff lists lines only in want (-) or only in got (+); enough for URN lists.
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
