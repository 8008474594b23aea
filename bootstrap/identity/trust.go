package identity

import "github.com/example/webservice/internal/iampolicy"

// GitHub's OIDC issuer and the audience configure-aws-credentials requests.
const (
	oidcHost     = "token.actions.githubusercontent.com"
	oidcURL      = "https://" + oidcHost
	oidcAudience = "sts.amazonaws.com"
)

// githubTrust lets exactly the given OIDC subjects assume a role (one, but for
// the staging role while it moves from the main branch's subject to its
// environment's): StringEquals on both the audience and the subject, never
// StringLike, never a wildcard.
func githubTrust(providerArn string, subjects []string) iampolicy.Document {
	st := iampolicy.Statement{
		Sid:       "GitHubActionsOIDC",
		Effect:    "Allow",
		Principal: map[string]string{"Federated": providerArn},
		Action:    []string{"sts:AssumeRoleWithWebIdentity"},
	}
	st = st.When("StringEquals", oidcHost+":aud", oidcAudience)
	var sub any = subjects
	if len(subjects) == 1 {
		sub = subjects[0]
	}
	st = st.When("StringEquals", oidcHost+":sub", sub)
	return iampolicy.New(st)
}

// StagingSubjects are what the staging deploy job presents: a job in the
// staging environment, and, while stagingTrustsMainBranch is set during the
// move to it (docs/pipelines.md), one on the main branch without an environment.
func (c *Config) StagingSubjects() []string {
	subjects := []string{c.SubjectPrefix + ":environment:" + c.StagingEnvironment}
	if c.StagingTrustsMainBranch {
		subjects = append(subjects, c.SubjectPrefix+":ref:refs/heads/"+c.MainBranch)
	}
	return subjects
}
