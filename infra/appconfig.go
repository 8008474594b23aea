package infra

import (
	"fmt"
	"regexp"
	"strings"
)

// App configuration answers "what does the app get from its environment?":
// plain values in `environment`, secrets by reference in `secrets` (ECS.8), and
// the few variables the platform sets itself.

// platformVariables are set by the task definition itself; config cannot override them.
var platformVariables = []string{"PORT", "APP_VERSION", "DEPLOY_STACK"}

// awsCredentialVariables must never be plain environment (ECS.8): the task role
// gives the app credentials.
var awsCredentialVariables = []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}

var (
	envNameRe      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	accessKeyIDRe  = regexp.MustCompile(`\b(AKIA|ASIA)[A-Z0-9]{16}\b`)
	secretsArnRe   = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+(:[^:]*:[^:]*:[^:]*)?$`)
	ssmParamArnRe  = regexp.MustCompile(`^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter/[A-Za-z0-9/_.-]+$`)
	kmsKeyArnRe    = regexp.MustCompile(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$`)
	secretSuffixRe = regexp.MustCompile(`-[A-Za-z0-9]{6}$`)
)

// NamedValue is one NAME=value pair of environment or secrets config.
type NamedValue struct{ Name, Value string }

func splitNamed(entries []string) []NamedValue {
	out := make([]NamedValue, 0, len(entries))
	for _, e := range entries {
		name, value, _ := strings.Cut(e, "=")
		out = append(out, NamedValue{Name: strings.TrimSpace(name), Value: value})
	}
	return out
}

// EnvironmentVars returns the plain environment entries.
func (c *Config) EnvironmentVars() []NamedValue { return splitNamed(c.Environment) }

// SecretRefs returns the secret entries (Value is the ARN).
func (c *Config) SecretRefs() []NamedValue { return splitNamed(c.Secrets) }

// SecretNamePrefix is where this stack's secrets live: Secrets Manager secrets
// named <serviceName>/<stack>/..., SSM parameters /<serviceName>/<stack>/...
// The permissions boundary bootstrap/ makes for the stack lets its roles read
// only these, so staging can never read production's secrets in a shared account.
func (c *Config) SecretNamePrefix() string {
	return c.ServiceName + "/" + sanitizeName(c.Stack) + "/"
}

// secretName is the name part of a secret or parameter ARN ("" if neither):
// arn:aws:secretsmanager:<region>:<account>:secret:<name>[:json-key:stage:version]
// and arn:aws:ssm:<region>:<account>:parameter/<name without its leading />.
func secretName(arn string) string {
	parts := strings.Split(arn, ":")
	switch {
	case len(parts) >= 7 && parts[5] == "secret":
		return parts[6]
	case len(parts) == 6 && strings.HasPrefix(parts[5], "parameter/"):
		return strings.TrimPrefix(parts[5], "parameter/")
	}
	return ""
}

// secretPolicyResource is the ARN an IAM policy must name to read a secret
// reference: a Secrets Manager JSON-key reference reads the whole secret, and a
// secret named without AWS's 6-character suffix matches it with "-??????".
func secretPolicyResource(ref string) string {
	if !strings.Contains(ref, ":secretsmanager:") {
		return ref
	}
	parts := strings.Split(ref, ":")
	arn := strings.Join(parts[:7], ":")
	if !secretSuffixRe.MatchString(parts[6]) {
		arn += "-??????"
	}
	return arn
}

func (c *Config) validateAppConfig(p *problems) {
	seen := map[string]string{}
	check := func(keyName, entry string, nv NamedValue, hasValue bool) bool {
		switch {
		case !hasValue || !envNameRe.MatchString(nv.Name):
			p.add(key(keyName), entry, "NAME=value with NAME of letters, digits and '_', not starting with a digit")
			return false
		case containsFold(platformVariables, nv.Name):
			p.add(key(keyName), entry, "a name other than "+strings.Join(platformVariables, ", ")+" (the platform sets them)")
			return false
		case seen[nv.Name] != "":
			p.add(key(keyName), entry, fmt.Sprintf("a name not already set in %s", seen[nv.Name]))
			return false
		}
		seen[nv.Name] = key(keyName)
		return true
	}
	for i, nv := range c.EnvironmentVars() {
		entry := c.Environment[i]
		if !check("environment", entry, nv, strings.Contains(entry, "=")) {
			continue
		}
		if containsFold(awsCredentialVariables, nv.Name) || accessKeyIDRe.MatchString(nv.Value) {
			p.add(key("environment"), nv.Name+"=...",
				"no AWS credentials in plain environment (ECS.8): the task role gives the app credentials; "+
					"other secrets go in webservice:secrets")
		}
	}
	for i, nv := range c.SecretRefs() {
		entry := c.Secrets[i]
		if !check("secrets", entry, nv, strings.Contains(entry, "=")) {
			continue
		}
		if !secretsArnRe.MatchString(nv.Value) && !ssmParamArnRe.MatchString(nv.Value) {
			p.add(key("secrets"), entry, "NAME=<ARN> of a Secrets Manager secret "+
				"(arn:aws:secretsmanager:<region>:<account>:secret:<name>) or an SSM parameter "+
				"(arn:aws:ssm:<region>:<account>:parameter/<name>)")
			continue
		}
		if c.PermissionsBoundaryArn != "" && !strings.HasPrefix(secretName(nv.Value), c.SecretNamePrefix()) {
			p.add(key("secrets"), entry, fmt.Sprintf("a secret named %s... or a parameter /%s...: the stack's "+
				"permissions boundary (webservice:permissionsBoundaryArn, from bootstrap/) lets its roles read only "+
				"the stack's own secrets", c.SecretNamePrefix(), c.SecretNamePrefix()))
		}
	}
	for _, k := range c.SecretsKMSKeyArns {
		if !kmsKeyArnRe.MatchString(k) {
			p.add(key("secretsKmsKeyArns"), k, "a KMS key ARN, arn:aws:kms:<region>:<account>:key/<uuid>")
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
