package infra

import "regexp"

// roleArnRe is an IAM role ARN; the account is group 1.
var roleArnRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):role/[\w+=,.@/-]{1,512}$`)

// validatePromotion checks webservice:promotionReaderArns: exact IAM role ARNs
// (the deploy role bootstrap/ makes for production, in its own account),
// never a wildcard or a whole account, since they may read every image this
// stack builds.
func (c *Config) validatePromotion(p *problems) {
	seen := map[string]bool{}
	for _, arn := range c.PromotionReaderArns {
		m := roleArnRe.FindStringSubmatch(arn)
		switch {
		case m == nil:
			p.add(key("promotionReaderArns"), arn, "an IAM role ARN, arn:aws:iam::<account>:role/<name> "+
				"(the bootstrap output productionDeployRoleArn of the production account), no wildcards")
		case seen[arn]:
			p.add(key("promotionReaderArns"), arn, "each role once")
		case c.AccountID != "" && m[1] == c.AccountID:
			p.add(key("promotionReaderArns"), arn, "a role in another account: in the stack's own account "+
				"(webservice:accountId) the deploy role's identity policy already reads the repository")
		default:
			c.checkNotPlaceholder(p, "promotionReaderArns", arn)
		}
		seen[arn] = true
	}
}
