//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/example/webservice/bootstrap/identity"
	"github.com/example/webservice/internal/offline"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func TestZZDump(t *testing.T) {
	root := repoRoot(t)
	ov := map[string]string{"imageTag": "e2e", "accessLogs": "true", "allowHttpOnly": "false", "autoscalingMinCount": "2", "autoscalingMaxCount": "4",
		"accountId": account,
		"certificateArn": "arn:aws:acm:us-east-1:" + account + ":certificate/6f1c2a9e-3b7d-4e58-9a0c-5d2e8f4b1c73",
		"vpcId":          "vpc-0a1b2c3d4e5f60718", "publicSubnetIds": `["subnet-0a1b2c3d4e5f60711","subnet-0a1b2c3d4e5f60712"]`,
		"privateSubnetIds": `["subnet-0a1b2c3d4e5f60713","subnet-0a1b2c3d4e5f60714"]`,
		"promotionReaderArns": `["arn:aws:iam::109876543210:role/webservice-production-deploy"]`}
	r, err := offline.Run(offline.Options{Dir: root, Stack: "production", Overrides: ov})
	if err != nil {
		t.Fatal(err)
	}
	b, err := offline.RunProgram(offline.Options{Dir: filepath.Join(root, "bootstrap"), Stack: "shared",
		Overrides: map[string]string{"accountId": account, "githubOrg": "acme", "githubRepo": "webservice"}},
		func(ctx *pulumi.Context) (map[string]pulumi.Output, error) { return identity.Program(ctx) })
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range append(r.Resources, b.Resources...) {
		j, _ := json.Marshal(res.Inputs)
		fmt.Printf("%s %s %v %s\n", res.Type, res.Name, res.Custom, j)
	}
}
