//go:build e2e

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/example/webservice/bootstrap/identity"
	"github.com/example/webservice/internal/offline"
	"github.com/example/webservice/internal/offline/service"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The stand-in is itself a model of pulumi-aws: this compares what it serves
// (the Pulumi schema the bridged provider generates) with pulumi-aws's own Go
// SDK, for every type our stacks use: each property name, and whether a block
// is one object or a list, at every level. A difference is a property the
// program could set that the stand-in would not carry, or carry under another
// shape.
func TestStandInSchemaMatchesPulumiAWSSDK(t *testing.T) {
	requireTools(t)
	home := t.TempDir()
	cli := pulumiCLI(t)
	installProvider(t, home)
	plugin := filepath.Join(home, "plugins", "resource-aws-v"+awsVersion(t), "pulumi-resource-aws")
	cmd := exec.Command(cli, "package", "get-schema", plugin)
	cmd.Env = append(os.Environ(), "PULUMI_HOME="+home, "PULUMI_SKIP_UPDATE_CHECK=true")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pulumi package get-schema: %v", err)
	}
	var schema struct {
		Resources map[string]struct {
			Properties      map[string]prop `json:"properties"`
			InputProperties map[string]prop `json:"inputProperties"`
		} `json:"resources"`
		Types map[string]struct {
			Properties map[string]prop `json:"properties"`
		} `json:"types"`
	}
	if err := json.Unmarshal(out, &schema); err != nil {
		t.Fatal(err)
	}
	for _, typ := range awsTypes {
		r, ok := schema.Resources[typ.Token]
		if !ok {
			t.Errorf("%s: the stand-in does not serve it", typ.Token)
			continue
		}
		all := map[string]prop{}
		for k, v := range r.Properties {
			all[k] = v
		}
		for k, v := range r.InputProperties {
			all[k] = v
		}
		var diffs []string
		compareShape(typ.Token, "", all, typ.State.ElementType(), func(ref string) map[string]prop {
			return schema.Types[strings.TrimPrefix(ref, "#/types/")].Properties
		}, &diffs)
		for _, d := range diffs {
			t.Error(d)
		}
	}
}

// TestEveryTypeTheStacksUseIsServed: the stand-in's list of types holds every
// type the stacks and bootstrap declare (as the recorder sees them).
func TestEveryTypeTheStacksUseIsServed(t *testing.T) {
	served := map[string]bool{}
	for _, typ := range awsTypes {
		served[typ.Token] = true
	}
	root := repoRoot(t)
	for _, c := range []struct{ stack, dir string }{{"staging", root}, {"production", root}} {
		ov := map[string]string{"imageTag": "e2e", "accessLogs": "true", "allowHttpOnly": "false", "autoscalingMinCount": "2", "autoscalingMaxCount": "4",
			"certificateArn": "arn:aws:acm:us-east-1:" + account + ":certificate/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73",
			"vpcId":          "vpc-0a1b2c3d4e5f60718", "publicSubnetIds": `["subnet-0a1b2c3d4e5f60711","subnet-0a1b2c3d4e5f60712"]`,
			"privateSubnetIds": `["subnet-0a1b2c3d4e5f60713","subnet-0a1b2c3d4e5f60714"]`}
		r, err := service.Run(offline.Options{Dir: c.dir, Stack: c.stack, Overrides: ov})
		if err != nil {
			t.Fatal(err)
		}
		check(t, served, c.stack, r)
	}
	r, err := offline.RunProgram(offline.Options{Dir: filepath.Join(root, "bootstrap"), Stack: "shared",
		Overrides: map[string]string{"accountId": account, "githubOrg": "acme", "githubRepo": "webservice"}},
		func(ctx *pulumi.Context) (map[string]pulumi.Output, error) { return identity.Program(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	check(t, served, "bootstrap", r)
}

func check(t *testing.T, served map[string]bool, what string, r *offline.Result) {
	t.Helper()
	n := 0
	for _, res := range r.Resources {
		if strings.HasPrefix(res.Type, "aws:") {
			n++
			if !served[res.Type] {
				t.Errorf("%s declares %s, which the stand-in does not serve (awsTypes)", what, res.Type)
			}
		}
	}
	if n == 0 {
		t.Errorf("%s declared no aws: resource", what)
	}
}

type prop struct {
	Type  string `json:"type"`
	Ref   string `json:"$ref"`
	Items *prop  `json:"items"`
}

// compareShape compares schema properties with an SDK struct's fields.
func compareShape(token, prefix string, props map[string]prop, st reflect.Type, types func(string) map[string]prop, diffs *[]string) {
	sdk := map[string]reflect.Type{}
	for i := 0; i < st.NumField(); i++ {
		f := st.Field(i)
		if name := strings.Split(f.Tag.Get("pulumi"), ",")[0]; name != "" {
			sdk[name] = f.Type
		}
	}
	var names []string
	for k := range sdk {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		p, ok := props[name]
		if !ok {
			*diffs = append(*diffs, token+" "+prefix+name+": in pulumi-aws's SDK, not served by the stand-in")
			continue
		}
		ft := sdk[name]
		elem := structOf(ft)
		if elem == nil {
			continue
		}
		ref := p.Ref
		if isSlice(ft) {
			if p.Type != "array" || p.Items == nil {
				*diffs = append(*diffs, token+" "+prefix+name+": a list in the SDK, "+p.Type+" in the stand-in")
				continue
			}
			ref = p.Items.Ref
		} else if p.Type == "array" {
			*diffs = append(*diffs, token+" "+prefix+name+": one object in the SDK, a list in the stand-in")
			continue
		}
		if ref != "" {
			compareShape(token, prefix+name+".", types(ref), elem, types, diffs)
		}
	}
	for name := range props {
		if _, ok := sdk[name]; !ok && name != "id" && name != "urn" {
			*diffs = append(*diffs, token+" "+prefix+name+": served by the stand-in, not in pulumi-aws's SDK")
		}
	}
}

func awsVersion(t *testing.T) string {
	v, err := requiredVersion(filepath.Join(repoRoot(t), "go.mod"), "github.com/pulumi/pulumi-aws/sdk/v6")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(v, "v")
}
