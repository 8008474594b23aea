package tests

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
)

// TestAWSProviderKeysAreThePulumiAWSSDKs keeps the aws: keys the program
// accepts equal to those pulumi-aws declares: one exported getter per key in
// the SDK's config package (sdk/go/aws/config), read with go/parser from the
// module `go test` just compiled against. Each getter must read the key its
// name says, so a getter the parse misses fails here rather than shrinking the
// list.
func TestAWSProviderKeysAreThePulumiAWSSDKs(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pulumi/pulumi-aws/sdk/v6").Output()
	if err != nil {
		t.Fatalf("locate pulumi-aws: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "go", "aws", "config")
	pkgs, err := parser.ParseDir(token.NewFileSet(), dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var sdk []string
	for _, pkg := range pkgs {
		for _, f := range pkg.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !fn.Name.IsExported() || !strings.HasPrefix(fn.Name.Name, "Get") {
					continue
				}
				var read []string
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if s, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(s, "aws:") {
							read = append(read, strings.TrimPrefix(s, "aws:"))
						}
					}
					return true
				})
				name := strings.TrimPrefix(fn.Name.Name, "Get")
				want := strings.ToLower(name[:1]) + name[1:]
				if len(read) == 0 || slices.ContainsFunc(read, func(k string) bool { return k != want }) {
					t.Errorf("%s reads %q, want the one key aws:%s", fn.Name.Name, read, want)
				}
				sdk = append(sdk, want)
			}
		}
	}
	if len(sdk) < 30 {
		t.Fatalf("found %d getters in %s: the parse is broken", len(sdk), dir)
	}
	ours := infra.AWSProviderConfigKeys()
	sort.Strings(sdk)
	sort.Strings(ours)
	if !slices.Equal(sdk, ours) {
		t.Fatalf("aws: keys\n ours %v\n sdk  %v", ours, sdk)
	}
}

// TestImageFromTheEnvironmentWinsAndIsNamedInErrors: the deploy action passes
// the image in WEBSERVICE_IMAGE_TAG/DIGEST, which `pulumi up` never writes into
// the stack file (unlike --config).
func TestImageFromTheEnvironmentWinsAndIsNamedInErrors(t *testing.T) {
	t.Setenv(infra.EnvImageTag, "fromenv1")
	r := deploy(t, "staging", "imageTag=fromconfig")
	if got := r.Outputs[infra.OutputImageTag]; got != "fromenv1" {
		t.Fatalf("imageTag output = %v, want the environment's", got)
	}
	t.Setenv(infra.EnvImageTag, "-bad")
	_, err := service.Run(offline.Options{Dir: projectDir, Stack: "staging"})
	if err == nil || !strings.Contains(err.Error(), infra.EnvImageTag+` (webservice:imageTag): got "-bad"`) {
		t.Fatalf("err = %v", err)
	}
}
