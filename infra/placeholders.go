package infra

import (
	"fmt"
	"regexp"
	"strings"
)

// A placeholder must never validate: a stack file holding the documentation
// account or an all-zero id passes every format check and then fails in AWS,
// halfway through the first `pulumi up` (a listener with a certificate that does
// not exist fails after ~35 resources are created). These are the values AWS's
// own documentation uses as examples, and ids with no information in them.

// documentationAccounts are the account ids AWS documentation uses in examples
// (the IAM User Guide's 111122223333 and 444455556666, the general reference's
// 123456789012, and their siblings); no customer account has them.
var documentationAccounts = []string{
	"123456789012", "111122223333", "444455556666", "777788889999", "012345678901", "098765432109",
}

var (
	arnAccountRe = regexp.MustCompile(`^arn:[a-z-]+:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):`)
	uuidRe       = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	resourceIDRe = regexp.MustCompile(`\b(vpc|subnet|sg|key)-([0-9a-f]{8,17})\b`)
)

// PlaceholderProblem returns why a value is a placeholder rather than a real
// AWS value, or "" when it looks real. It checks an account id, the account of
// an ARN, UUIDs (certificate and key ids) and EC2 resource ids.
func PlaceholderProblem(value string) string {
	account := value
	if m := arnAccountRe.FindStringSubmatch(value); m != nil {
		account = m[1]
	}
	if accountRe.MatchString(account) {
		for _, doc := range documentationAccounts {
			if account == doc {
				return fmt.Sprintf("account %s is the example account of AWS's documentation, not yours", account)
			}
		}
		if strings.Count(account, account[:1]) == len(account) {
			return fmt.Sprintf("account %s repeats one digit: a placeholder", account)
		}
	}
	for _, id := range uuidRe.FindAllString(value, -1) {
		if informationless(strings.ReplaceAll(id, "-", "")) {
			return fmt.Sprintf("id %s is a placeholder (all zeros)", id)
		}
	}
	for _, m := range resourceIDRe.FindAllStringSubmatch(value, -1) {
		if informationless(m[2]) {
			return fmt.Sprintf("id %s is a placeholder (all zeros)", m[0])
		}
	}
	return ""
}

// informationless: hex digits that are all zero but for at most two (a UUID's
// version and variant nibbles).
func informationless(hex string) bool {
	nonZero := 0
	for _, r := range hex {
		if r != '0' {
			nonZero++
		}
	}
	return nonZero <= 2
}

// checkNotPlaceholder records a problem when a configured value is a placeholder.
func (c *Config) checkNotPlaceholder(p *problems, keyName, value string) {
	if value == "" || (c.examples != nil && c.examples[keyName] == value) {
		return
	}
	if why := PlaceholderProblem(value); why != "" {
		p.add(key(keyName), value, "a real value: "+why)
	}
}

// validatePlaceholders checks every key that names something in an AWS account.
func (c *Config) validatePlaceholders(p *problems) {
	for _, kv := range []struct{ key, value string }{
		{"accountId", c.AccountID}, {"certificateArn", c.CertificateArn},
		{"permissionsBoundaryArn", c.PermissionsBoundaryArn}, {"vpcId", c.VpcID},
	} {
		c.checkNotPlaceholder(p, kv.key, kv.value)
	}
	var secretArns []string
	for _, nv := range c.SecretRefs() {
		secretArns = append(secretArns, nv.Value)
	}
	lists := []struct {
		key    string
		values []string
	}{
		{"secrets", secretArns}, {"secretsKmsKeyArns", c.SecretsKMSKeyArns},
		{"publicSubnetIds", c.PublicSubnetIDs}, {"privateSubnetIds", c.PrivateSubnetIDs},
	}
	for _, l := range lists {
		for _, v := range l.values {
			c.checkNotPlaceholder(p, l.key, v)
		}
	}
}
