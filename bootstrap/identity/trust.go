package identity

import "github.com/example/webservice/internal/iampolicy"

// GitHub's OIDC issuer and the audience configure-aws-credentials requests.
const (
	oidcHost     = "token.actions.githubusercontent.com"
	oidcURL      = "https://" + oidcHost
	oidcAudience = "sts.amazonaws.com"
)

// githubTrust lets exactly one OIDC subject assume a role: StringEquals on both
// the audience and the subject, never StringLike, never a wildcard.
func githubTrust(providerArn, subject string) iampolicy.Document {
	st := iampolicy.Statement{
		Sid:       "GitHubActionsOIDC",
		Effect:    "Allow",
		Principal: map[string]string{"Federated": providerArn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
	}
	st = st.When("StringEquals", oidcHost+":aud", oidcAudience)
	st = st.When("StringEquals", oidcHost+":sub", subject)
	return iampolicy.New(st)
}
