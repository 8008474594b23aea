package infra

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Each AWS concern is a component resource, so `pulumi preview` and the offline
// render show a tree (network, registry, cluster, load balancer, service) instead
// of a flat list. The type tokens are part of every child's URN: renaming one
// replaces live resources.
const (
	typeNetwork      = "webservice:infra:Network"
	typeRegistry     = "webservice:infra:Registry"
	typeCluster      = "webservice:infra:Cluster"
	typeLoadBalancer = "webservice:infra:LoadBalancer"
	typeService      = "webservice:infra:Service"
	typeOperations   = "webservice:infra:Operations"
)

// component is the shared shell of the concern components.
type component struct {
	pulumi.ResourceState
}

func newComponent(ctx *pulumi.Context, typ, name string, opts ...pulumi.ResourceOption) (*component, error) {
	c := &component{}
	if err := ctx.RegisterComponentResource(typ, name, c, opts...); err != nil {
		return nil, fmt.Errorf("register component %s %q: %w", typ, name, err)
	}
	return c, nil
}

// done records the component's outputs, which closes it in the engine.
func (c *component) done(ctx *pulumi.Context, outputs pulumi.Map) error {
	return ctx.RegisterResourceOutputs(c, outputs)
}
