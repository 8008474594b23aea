package identity

import (
	"slices"

	"github.com/example/webservice/internal/iampolicy"
)

// boundaryPolicy caps every role the service stack creates (its execution and
// task roles). A boundary only limits: what a role may really do is the
// intersection of the boundary and the role's own policies, which the service
// program scopes to its own repository, log group and secrets. So even a deploy
// role that wrote itself an admin policy onto a task role would get no more than
// this list.
func boundaryPolicy(c *Config) iampolicy.Document {
	app := []string{
		// Pull the image and write logs (the execution role).
		"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
		"ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents",
		// Read the app's secrets and their keys (the execution role injects them).
		"secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt",
	}
	app = append(app, c.BoundaryExtraActions...)
	slices.Sort(app)
	app = slices.Compact(app)
	return iampolicy.New(iampolicy.Allow("ServiceRolesAtMost", app, "*"))
}
