package identity

import (
	"slices"

	"github.com/example/webservice/internal/iampolicy"
)

// boundaryPolicy caps every role one service stack creates (its execution and
// task roles). A boundary only limits: what a role may really do is the
// intersection of the boundary and the role's own policies. Each stack gets its
// own boundary, scoped to that stack's repository, log group, secrets and
// parameters, so with both stacks in one account a staging role (whose policies
// code merged to main can change) never reaches production's secrets.
//
// Secrets are scoped by name: Secrets Manager secrets named <service>/<stack>/...
// and SSM parameters under /<service>/<stack>/ (the service program refuses
// others when the stack has a boundary). kms:Decrypt is allowed only as those
// services decrypting those secrets (kms:ViaService and the encryption context
// each service sends: SecretARN, PARAMETER_ARN).
func boundaryPolicy(c *Config, s scope) iampolicy.Document {
	secrets := s.arn("secretsmanager", "secret:"+s.secretPrefix()+"*")
	params := s.arn("ssm", "parameter/"+s.secretPrefix()+"*")
	sts := []iampolicy.Statement{
		// GetAuthorizationToken has no resource-level permissions: AWS requires "*".
		iampolicy.Allow("EcrLogin", []string{"ecr:GetAuthorizationToken"}, "*"),
		iampolicy.Allow("PullThisStacksImages", []string{
			"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
		}, s.arn("ecr", "repository/"+s.prefix())),
		iampolicy.Allow("WriteThisStacksLogs", []string{"logs:CreateLogStream", "logs:PutLogEvents"},
			s.arn("logs", "log-group:/ecs/"+s.prefix()+":log-stream:*")),
		iampolicy.Allow("ReadThisStacksSecrets", []string{"secretsmanager:GetSecretValue"}, secrets),
		iampolicy.Allow("ReadThisStacksParameters", []string{"ssm:GetParameters"}, params),
		iampolicy.Allow("DecryptThisStacksSecrets", []string{"kms:Decrypt"}, "*").
			When("StringEquals", "kms:ViaService", "secretsmanager."+s.region+".amazonaws.com").
			When("StringLike", "kms:EncryptionContext:SecretARN", secrets),
		iampolicy.Allow("DecryptThisStacksParameters", []string{"kms:Decrypt"}, "*").
			When("StringEquals", "kms:ViaService", "ssm."+s.region+".amazonaws.com").
			When("StringLike", "kms:EncryptionContext:PARAMETER_ARN", params),
	}
	if len(c.BoundaryExtraActions) > 0 {
		extra := slices.Clone(c.BoundaryExtraActions)
		slices.Sort(extra)
		sts = append(sts, iampolicy.Allow("AppPermissions", slices.Compact(extra), "*"))
	}
	return iampolicy.New(sts...)
}
