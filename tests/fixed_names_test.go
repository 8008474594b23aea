package tests

import (
	"testing"

	"github.com/example/webservice/internal/awsrules"
)

// TestResourcesWithFixedNamesAreReplacedDeleteFirst: Pulumi replaces by
// creating first, and a second resource with the same unique name cannot exist
// (the first replacement of the ECS service failed with "Creation of service was
// not idempotent"). Every resource that sets a name AWS keeps unique
// (awsrules.UniqueNames) must be replaced delete-first.
func TestResourcesWithFixedNamesAreReplacedDeleteFirst(t *testing.T) {
	for _, p := range allPlans(t) {
		for _, res := range p.result.Resources {
			unique, ok := awsrules.UniqueNames[res.Type]
			if !ok {
				continue
			}
			if name, _ := res.Inputs[unique.Property].(string); name != "" && !res.DeleteBeforeReplace {
				t.Errorf("%s: %s sets %s %q, unique in its %s (%s), but is not deleteBeforeReplace",
					p.name, res.URN, unique.Property, name, unique.Scope, unique.Source)
			}
		}
	}
}
