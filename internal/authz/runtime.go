package authz

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/example/webservice/internal/offline"
)

// RuntimeCalls are the calls ECS makes with the task execution role when it
// starts a task of the plan's task definition: pull the image, create the log
// stream and write to it, read each secret and decrypt it. They are evaluated
// against the execution role's policy and its permissions boundary, since a
// denied call here fails every task start, which the circuit breaker then rolls
// back. Source: AmazonECS/latest/developerguide/task_execution_IAM_role.html,
// secrets-envvar-secrets-manager.html and secrets-envvar-ssm-paramstore.html.
func RuntimeCalls(plan *offline.Result, env Env) ([]Call, error) {
	var tds []offline.Resource
	for _, r := range plan.Resources {
		if r.Type == "aws:ecs/taskDefinition:TaskDefinition" {
			tds = append(tds, r)
		}
	}
	if len(tds) != 1 {
		return nil, fmt.Errorf("authz: want one task definition, got %d", len(tds))
	}
	td := tds[0]
	var defs []struct {
		Image            string `json:"image"`
		LogConfiguration struct {
			Options map[string]string `json:"options"`
		} `json:"logConfiguration"`
		Secrets []struct {
			ValueFrom string `json:"valueFrom"`
		} `json:"secrets"`
	}
	if err := json.Unmarshal([]byte(lookupString(td.Inputs, "containerDefinitions")), &defs); err != nil {
		return nil, fmt.Errorf("authz: container definitions: %w", err)
	}
	call := func(action, resource string, ctx map[string][]string) Call {
		if ctx == nil {
			ctx = map[string][]string{}
		}
		return Call{URN: td.URN, Phase: "task start", Request: Request{Action: action, Resource: resource, Context: ctx}}
	}
	arn := func(service, resource string) string {
		return fmt.Sprintf("arn:aws:%s:%s:%s:%s", service, env.Region, env.Account, resource)
	}
	var calls []Call
	for _, d := range defs {
		// 123456789012.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]
		repo := d.Image[strings.Index(d.Image, "/")+1:]
		if i := strings.IndexAny(repo, ":@"); i >= 0 {
			repo = repo[:i]
		}
		repoArn := arn("ecr", "repository/"+repo)
		calls = append(calls, call("ecr:GetAuthorizationToken", "*", nil))
		for _, a := range []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"} {
			calls = append(calls, call(a, repoArn, nil))
		}
		group := d.LogConfiguration.Options["awslogs-group"]
		stream := arn("logs", "log-group:"+group+":log-stream:"+d.LogConfiguration.Options["awslogs-stream-prefix"]+
			"/app/0123456789abcdef0123456789abcdef")
		calls = append(calls, call("logs:CreateLogStream", stream, nil), call("logs:PutLogEvents", stream, nil))
		for _, s := range d.Secrets {
			ref := s.ValueFrom
			if strings.Contains(ref, ":secretsmanager:") {
				// The JSON-key suffix (:key:stage:version) is not part of the secret's ARN.
				parts := strings.Split(ref, ":")
				secret := strings.Join(parts[:7], ":")
				calls = append(calls, call("secretsmanager:GetSecretValue", secret, nil))
				calls = append(calls, decrypt(call, plan, secretsmanagerVia(env), "kms:EncryptionContext:SecretARN", secret)...)
				continue
			}
			calls = append(calls, call("ssm:GetParameters", ref, nil))
			calls = append(calls, decrypt(call, plan, "ssm."+env.Region+".amazonaws.com", "kms:EncryptionContext:PARAMETER_ARN", ref)...)
		}
	}
	return calls, nil
}

func secretsmanagerVia(env Env) string { return "secretsmanager." + env.Region + ".amazonaws.com" }

// decrypt is the kms:Decrypt the secret's service makes as the caller, once per
// customer-managed key the stack names (AWS managed keys need no permission).
func decrypt(call func(string, string, map[string][]string) Call, plan *offline.Result, via, contextKey, secret string) []Call {
	var keys []string
	_ = json.Unmarshal([]byte(plan.Config["webservice:secretsKmsKeyArns"]), &keys)
	var out []Call
	for _, k := range keys {
		out = append(out, call("kms:Decrypt", k, map[string][]string{
			"kms:ViaService": {via}, contextKey: {secret},
		}))
	}
	return out
}
