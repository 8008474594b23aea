package infra

import "github.com/pulumi/pulumi/sdk/v3/go/pulumi"

// fixedName is the option every resource with a fixed, unique physical name
// takes. Pulumi replaces a resource by creating the new one before deleting the
// old; with the same name the create fails ("Creation of service was not
// idempotent", "RepositoryAlreadyExistsException", "ResourceAlreadyExists").
// Deleting first lets the replacement through; cmd/render -diff marks such a
// replacement !! since the resource is gone for a moment. tests/ checks that
// every resource holding a name the table in internal/awsrules/names.go calls
// unique carries this option.
var fixedName = pulumi.DeleteBeforeReplace(true)
