package infra

import (
	"fmt"
	"strings"

	"github.com/example/webservice/internal/iampolicy"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Roles answers "what may ECS and the app do?". Two roles, never one:
//   - the execution role is ECS's: pull this stack's image, write this stack's logs;
//   - the task role is the app's: empty here, other teams attach what their app
//     needs to the exported taskRoleName.
type Roles struct {
	Execution *iam.Role
	Task      *iam.Role
	// ExecutionPolicy is what the execution role may do. Task definitions depend
	// on it: ECS starts tasks as soon as a revision is registered, and a task whose
	// execution role cannot yet read a newly added secret fails to start.
	ExecutionPolicy *iam.RolePolicy
}

const ecsTasksPrincipal = "ecs-tasks.amazonaws.com"

func newRoles(ctx *pulumi.Context, cfg *Config, reg *Registry, cl *Cluster, parent pulumi.Resource) (*Roles, error) {
	trust := ecsTasksTrust(cfg).JSON()

	exec, err := iam.NewRole(ctx, "execution-role", roleArgs(cfg, trust,
		"ECS pulls the image and writes logs for "+cfg.NamePrefix()), pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create iam role %q: %w", "execution-role", err)
	}
	execPolicy := iampolicy.FromOutputs(func(arns []string) iampolicy.Document {
		repoArn, logGroupArn := arns[0], arns[1]
		return iampolicy.New(append([]iampolicy.Statement{
			// GetAuthorizationToken has no resource-level permissions: AWS requires "*".
			iampolicy.Allow("EcrAuth", []string{"ecr:GetAuthorizationToken"}, "*"),
			iampolicy.Allow("PullThisStacksImages",
				[]string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}, repoArn),
			iampolicy.Allow("WriteThisStacksLogs",
				[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, logGroupArn+":log-stream:*"),
		}, secretStatements(cfg)...)...)
	}, reg.Repository.Arn, cl.LogGroup.Arn)
	execRolePolicy, err := iam.NewRolePolicy(ctx, "execution-policy", &iam.RolePolicyArgs{
		Role:   exec.ID(),
		Policy: execPolicy,
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create iam role policy %q: %w", "execution-policy", err)
	}

	task, err := iam.NewRole(ctx, "task-role", roleArgs(cfg, trust,
		"the app of "+cfg.NamePrefix()+" (attach its permissions here)"), pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create iam role %q: %w", "task-role", err)
	}
	return &Roles{Execution: exec, Task: task, ExecutionPolicy: execRolePolicy}, nil
}

// secretStatements let ECS read exactly the app's configured secrets, and
// decrypt with exactly the configured keys, to inject them at task start.
func secretStatements(cfg *Config) []iampolicy.Statement {
	var sm, ssm []string
	for _, ref := range cfg.SecretRefs() {
		if strings.Contains(ref.Value, ":secretsmanager:") {
			sm = append(sm, secretPolicyResource(ref.Value))
		} else {
			ssm = append(ssm, ref.Value)
		}
	}
	var out []iampolicy.Statement
	if len(sm) > 0 {
		out = append(out, iampolicy.Allow("ReadThisAppsSecrets", []string{"secretsmanager:GetSecretValue"}, sm...))
	}
	if len(ssm) > 0 {
		out = append(out, iampolicy.Allow("ReadThisAppsParameters", []string{"ssm:GetParameters"}, ssm...))
	}
	if len(cfg.SecretsKMSKeyArns) > 0 && len(sm)+len(ssm) > 0 {
		out = append(out, iampolicy.Allow("DecryptThisAppsSecrets", []string{"kms:Decrypt"}, cfg.SecretsKMSKeyArns...))
	}
	return out
}

// roleArgs are the settings both roles share: the stack's IAM path (what the CI
// deploy role's IAM permissions are scoped to) and the permissions boundary.
func roleArgs(cfg *Config, trust pulumi.StringInput, description string) *iam.RoleArgs {
	args := &iam.RoleArgs{
		Description:      pulumi.String(description),
		AssumeRolePolicy: trust,
		Path:             pulumi.String(cfg.RolePath()),
	}
	if cfg.PermissionsBoundaryArn != "" {
		args.PermissionsBoundary = pulumi.String(cfg.PermissionsBoundaryArn)
	}
	return args
}

// ecsTasksTrust lets ECS tasks assume a role. With webservice:accountId set, only
// tasks of that account may (the confused-deputy guard AWS recommends).
func ecsTasksTrust(cfg *Config) iampolicy.Document {
	st := iampolicy.Statement{
		Effect:    "Allow",
		Principal: map[string]string{"Service": ecsTasksPrincipal},
		Action:    []string{"sts:AssumeRole"},
	}
	if cfg.AccountID != "" {
		st = st.When("StringEquals", "aws:SourceAccount", cfg.AccountID)
	}
	return iampolicy.New(st)
}
