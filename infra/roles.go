package infra

import (
	"fmt"

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
}

const ecsTasksPrincipal = "ecs-tasks.amazonaws.com"

func newRoles(ctx *pulumi.Context, cfg *Config, reg *Registry, cl *Cluster, parent pulumi.Resource) (*Roles, error) {
	trust := staticPolicyJSON(ecsTasksTrust(cfg))

	exec, err := iam.NewRole(ctx, "execution-role", roleArgs(cfg, trust,
		"ECS pulls the image and writes logs for "+cfg.NamePrefix()), pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create iam role %q: %w", "execution-role", err)
	}
	execPolicy := policyJSON(func(arns []string) policyDocument {
		repoArn, logGroupArn := arns[0], arns[1]
		return newPolicy(
			policyStatement{
				Sid: "EcrAuth", Effect: "Allow",
				// GetAuthorizationToken has no resource-level permissions: AWS requires "*".
				Action:   []string{"ecr:GetAuthorizationToken"},
				Resource: []string{"*"},
			},
			policyStatement{
				Sid: "PullThisStacksImages", Effect: "Allow",
				Action:   []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
				Resource: []string{repoArn},
			},
			policyStatement{
				Sid: "WriteThisStacksLogs", Effect: "Allow",
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				Resource: []string{logGroupArn + ":log-stream:*"},
			},
		)
	}, reg.Repository.Arn, cl.LogGroup.Arn)
	if _, err := iam.NewRolePolicy(ctx, "execution-policy", &iam.RolePolicyArgs{
		Role:   exec.ID(),
		Policy: execPolicy,
	}, pulumi.Parent(parent)); err != nil {
		return nil, fmt.Errorf("create iam role policy %q: %w", "execution-policy", err)
	}

	task, err := iam.NewRole(ctx, "task-role", roleArgs(cfg, trust,
		"the app of "+cfg.NamePrefix()+" (attach its permissions here)"), pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create iam role %q: %w", "task-role", err)
	}
	return &Roles{Execution: exec, Task: task}, nil
}

// roleArgs are the settings both roles share: the stack's IAM path (what the CI
// deploy role's IAM permissions are scoped to) and the permissions boundary.
func roleArgs(cfg *Config, trust pulumi.String, description string) *iam.RoleArgs {
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
func ecsTasksTrust(cfg *Config) policyDocument {
	st := policyStatement{
		Effect:    "Allow",
		Principal: map[string]string{"Service": ecsTasksPrincipal},
		Action:    []string{"sts:AssumeRole"},
	}
	if cfg.AccountID != "" {
		st.Condition = map[string]map[string]string{
			"StringEquals": {"aws:SourceAccount": cfg.AccountID},
		}
	}
	return newPolicy(st)
}
