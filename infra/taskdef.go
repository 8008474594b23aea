package infra

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The task definition answers "how is one task run?": Fargate, awsvpc (ECS.17),
// the configured platform (ECS.21), a non-root user (ECS.20) with a read-only root
// filesystem (ECS.5) and a writable /tmp volume, never privileged (ECS.4), logs to
// the stack's log group (ECS.9), no plain-text secrets (ECS.8).

// tmpVolume is the task's one writable path: scratch space on the task's
// ephemeral storage, since the root filesystem is read-only.
const (
	tmpVolume    = "tmp"
	tmpMountPath = "/tmp"
)

// containerDefinition mirrors the ECS JSON fields this program sets.
type containerDefinition struct {
	Name                   string               `json:"name"`
	Image                  string               `json:"image"`
	Essential              bool                 `json:"essential"`
	User                   string               `json:"user"`
	ReadonlyRootFilesystem bool                 `json:"readonlyRootFilesystem"`
	Privileged             bool                 `json:"privileged"`
	StopTimeout            int                  `json:"stopTimeout"`
	PortMappings           []portMapping        `json:"portMappings"`
	MountPoints            []mountPoint         `json:"mountPoints"`
	Environment            []keyValue           `json:"environment"`
	Secrets                []secretRef          `json:"secrets,omitempty"`
	LogConfiguration       logConfiguration     `json:"logConfiguration"`
	HealthCheck            *containerHealthSpec `json:"healthCheck,omitempty"`
}

type portMapping struct {
	Name          string `json:"name"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
}

type mountPoint struct {
	SourceVolume  string `json:"sourceVolume"`
	ContainerPath string `json:"containerPath"`
	ReadOnly      bool   `json:"readOnly"`
}

type keyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

type containerHealthSpec struct {
	Command     []string `json:"command"`
	Interval    int      `json:"interval"`
	Timeout     int      `json:"timeout"`
	Retries     int      `json:"retries"`
	StartPeriod int      `json:"startPeriod"`
}

// containerDefinitionsJSON builds the task's one container for a resolved image
// and log group.
func containerDefinitionsJSON(cfg *Config, image, imageTag, logGroup string) (string, error) {
	def := containerDefinition{
		Name:                   ContainerName,
		Image:                  image,
		Essential:              true,
		User:                   cfg.ContainerUser,
		ReadonlyRootFilesystem: true,
		Privileged:             false,
		StopTimeout:            cfg.StopTimeout,
		PortMappings: []portMapping{{
			Name: "app", ContainerPort: cfg.ContainerPort, Protocol: "tcp",
		}},
		MountPoints: []mountPoint{{SourceVolume: tmpVolume, ContainerPath: tmpMountPath}},
		// What the app learns about its deploy: for /health and logs. Never secrets.
		Environment: []keyValue{
			{Name: "PORT", Value: fmt.Sprint(cfg.ContainerPort)},
			{Name: "APP_VERSION", Value: imageTag},
			{Name: "DEPLOY_STACK", Value: cfg.Stack},
		},
		LogConfiguration: logConfiguration{
			LogDriver: "awslogs",
			Options: map[string]string{
				"awslogs-group":         logGroup,
				"awslogs-region":        cfg.Region,
				"awslogs-stream-prefix": cfg.ServiceName,
			},
		},
	}
	for _, nv := range cfg.EnvironmentVars() {
		def.Environment = append(def.Environment, keyValue{Name: nv.Name, Value: nv.Value})
	}
	for _, nv := range cfg.SecretRefs() {
		def.Secrets = append(def.Secrets, secretRef{Name: nv.Name, ValueFrom: nv.Value})
	}
	if len(cfg.ContainerHealthCheckCommand) > 0 {
		def.HealthCheck = &containerHealthSpec{
			Command:     cfg.ContainerHealthCheckCommand,
			Interval:    cfg.ContainerHealthCheckInterval,
			Timeout:     cfg.ContainerHealthCheckTimeout,
			Retries:     cfg.ContainerHealthCheckRetries,
			StartPeriod: cfg.ContainerHealthCheckStartPeriod,
		}
	}
	b, err := json.Marshal([]containerDefinition{def})
	if err != nil {
		return "", fmt.Errorf("encode container definitions: %w", err)
	}
	return string(b), nil
}

func newTaskDefinition(ctx *pulumi.Context, cfg *Config, img *Image, cl *Cluster, roles *Roles,
	parent pulumi.Resource) (*ecs.TaskDefinition, error) {
	defs := pulumi.All(img.URI, cl.LogGroup.Name).ApplyT(func(v []any) (string, error) {
		return containerDefinitionsJSON(cfg, v[0].(string), img.Tag, v[1].(string))
	}).(pulumi.StringOutput)

	family := cfg.NamePrefix()
	td, err := ecs.NewTaskDefinition(ctx, "task", &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(family),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		NetworkMode:             pulumi.String("awsvpc"),
		Cpu:                     pulumi.String(fmt.Sprint(cfg.CPU)),
		Memory:                  pulumi.String(fmt.Sprint(cfg.Memory)),
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String(cfg.CPUArchitecture),
		},
		ExecutionRoleArn:     roles.Execution.Arn,
		TaskRoleArn:          roles.Task.Arn,
		ContainerDefinitions: defs,
		// Keep replaced revisions registered (ACTIVE): the circuit breaker rolls back
		// to the previous revision, and the rollback workflow may name an older one.
		SkipDestroy: pulumi.Bool(true),
		Volumes: ecs.TaskDefinitionVolumeArray{
			&ecs.TaskDefinitionVolumeArgs{Name: pulumi.String(tmpVolume)},
		},
	}, pulumi.Parent(parent), pulumi.DependsOn([]pulumi.Resource{roles.ExecutionPolicy}))
	if err != nil {
		return nil, fmt.Errorf("create task definition %q: %w", family, err)
	}
	return td, nil
}
