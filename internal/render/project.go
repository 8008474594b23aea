package render

import (
	"fmt"
	"path/filepath"

	"github.com/example/webservice/bootstrap/identity"
	"github.com/example/webservice/infra"
	"github.com/example/webservice/internal/offline"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// project is a Pulumi project of this repository that render knows how to run.
type project struct {
	program offline.ProgramFunc
	// service: the web service, whose renders keep the running image when none
	// is given and carry the deploy-time estimate.
	service bool
	// examples are the values render -example gave (infra.ExampleSite).
	examples map[string]string
}

// projectIn picks the program by the name in dir/Pulumi.yaml, so -dir bootstrap
// renders bootstrap/ and not the service.
func projectIn(dir string) (project, error) {
	p, err := offline.LoadProject(dir)
	if err != nil {
		return project{}, err
	}
	switch p.Name {
	case infra.Namespace:
		return project{service: true, program: func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
			return infra.Program(ctx)
		}}, nil
	case identity.Namespace:
		return project{program: func(ctx *pulumi.Context) (map[string]pulumi.Output, error) {
			return identity.Program(ctx)
		}}, nil
	}
	return project{}, fmt.Errorf("render: %s names project %q; render runs %q (the service, at the repository root) "+
		"and %q (bootstrap/)", filepath.Join(dir, "Pulumi.yaml"), p.Name, infra.Namespace, identity.Namespace)
}
