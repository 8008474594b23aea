// Package identity declares the CI identity of the webservice pipelines in one
// AWS account: the GitHub OIDC provider, one role per purpose trusting exactly
// one subject of one repository, and the permissions boundary that caps every
// role the service stack creates. It is a separate Pulumi project so the role CI
// uses can never widen its own permissions.
package identity

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/example/webservice/infra"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Namespace is this project's config namespace.
const Namespace = "webservice-bootstrap"

// Config is the bootstrap stack's settings, validated before any resource.
type Config struct {
	Stack  string
	Region string // aws:region

	GitHubOrg  string
	GitHubRepo string
	// SubjectPrefix starts every trusted OIDC subject. Default: repo:ORG/REPO.
	SubjectPrefix string
	AccountID     string
	// ServiceName is the service stack's webservice:serviceName. Default: webservice.
	ServiceName string
	// OIDCProviderArn adopts an existing provider. Default: "" (create one).
	OIDCProviderArn string
	// StagingStack and ProductionStack name the service stacks to make deploy
	// roles for; "" makes none. Defaults: staging, production.
	StagingStack    string
	ProductionStack string
	// StagingEnvironment is the GitHub environment the staging role trusts.
	// Default: staging.
	StagingEnvironment string
	// StagingTrustsMainBranch makes the staging role trust MainBranch's
	// subject too, only while moving staging into its environment. Default: false.
	StagingTrustsMainBranch bool
	// MainBranch is the branch the staging role trusts with StagingTrustsMainBranch. Default: main.
	MainBranch string
	// ProductionEnvironment is trusted by the production role. Default: production.
	ProductionEnvironment string
	// PreviewRole creates the read-only pull request role. Default: true.
	PreviewRole bool
	// DriftRole creates the read-only role of the scheduled drift check, which
	// runs in DriftEnvironment (a role trusts exactly one subject). Default: true.
	DriftRole bool
	// DriftEnvironment is the GitHub environment the drift role trusts.
	// Default: drift.
	DriftEnvironment string
	// BoundaryExtraActions are app permissions the boundary lets through.
	BoundaryExtraActions []string
	// WAF lets the deploy roles manage the stacks' WAFv2 web ACL (set it when a
	// stack sets webservice:waf). Default: false.
	WAF bool
	// PromotionSourceStack is the service stack whose repository production is
	// promoted from: the production deploy role may read (only) its images.
	// Default: staging; "" grants nothing.
	PromotionSourceStack string
	// PromotionSourceAccountID and PromotionSourceRegion locate that stack's
	// repository. Defaults: accountId and aws:region (one account). With staging
	// in another account, also set webservice:promotionReaderArns on the staging
	// stack to the productionDeployRoleArn output.
	PromotionSourceAccountID string
	PromotionSourceRegion    string
}

var (
	orgRe       = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$`)
	repoRe      = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
	prefixRe    = regexp.MustCompile(`^[A-Za-z0-9_./:-]+[A-Za-z0-9_./-]$`)
	accountRe   = regexp.MustCompile(`^[0-9]{12}$`)
	providerRe  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):oidc-provider/token\.actions\.githubusercontent\.com$`)
	stackRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,40}$`)
	refNameRe   = regexp.MustCompile(`^[A-Za-z0-9._/-]{1,200}$`)
	actionRe    = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+\*?$`)
	serviceRe   = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	wildcardsRe = regexp.MustCompile(`[*?]`)
)

// LoadConfig reads and validates the config; every problem is reported at once.
func LoadConfig(ctx *pulumi.Context) (*Config, error) {
	return ParseConfig(ctx.Stack(), ctx.GetConfig)
}

// ParseConfig is LoadConfig over any lookup of raw config values.
func ParseConfig(stack string, lookup func(string) (string, bool)) (*Config, error) {
	get := func(k, def string) string {
		if v, ok := lookup(Namespace + ":" + k); ok {
			return strings.TrimSpace(v)
		}
		return def
	}
	key := func(k string) string { return Namespace + ":" + k }
	var errs []*infra.FieldError
	bad := func(k, v, want string) { errs = append(errs, &infra.FieldError{Key: k, Value: v, Want: want}) }

	c := &Config{
		Stack:                 stack,
		GitHubOrg:             get("githubOrg", ""),
		GitHubRepo:            get("githubRepo", ""),
		SubjectPrefix:         get("subjectPrefix", ""),
		AccountID:             get("accountId", ""),
		ServiceName:           get("serviceName", "webservice"),
		OIDCProviderArn:       get("oidcProviderArn", ""),
		StagingStack:          get("stagingStack", "staging"),
		ProductionStack:       get("productionStack", "production"),
		MainBranch:            get("mainBranch", "main"),
		StagingEnvironment:    get("stagingEnvironment", "staging"),
		ProductionEnvironment: get("productionEnvironment", "production"),
		PreviewRole:           true,
		DriftRole:             true,
		DriftEnvironment:      get("driftEnvironment", "drift"),
		PromotionSourceStack:  get("promotionSourceStack", "staging"),
	}
	c.Region, _ = lookup(infra.RegionKey)
	// Pulumi passes the declared "" defaults: empty means "the same as this stack".
	if c.PromotionSourceAccountID = get("promotionSourceAccountId", ""); c.PromotionSourceAccountID == "" {
		c.PromotionSourceAccountID = c.AccountID
	}
	if c.PromotionSourceRegion = get("promotionSourceRegion", ""); c.PromotionSourceRegion == "" {
		c.PromotionSourceRegion = c.Region
	}
	if raw, ok := lookup(key("driftRole")); ok {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			bad(key("driftRole"), raw, "true or false")
		}
		c.DriftRole = b
	}
	if raw, ok := lookup(key("previewRole")); ok {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			bad(key("previewRole"), raw, "true or false")
		}
		c.PreviewRole = b
	}
	if raw, ok := lookup(key("stagingTrustsMainBranch")); ok {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			bad(key("stagingTrustsMainBranch"), raw, "true or false")
		}
		c.StagingTrustsMainBranch = b
	}
	if raw, ok := lookup(key("waf")); ok {
		b, err := strconv.ParseBool(raw)
		if err != nil {
			bad(key("waf"), raw, "true or false")
		}
		c.WAF = b
	}
	if raw, ok := lookup(key("boundaryExtraActions")); ok {
		if err := json.Unmarshal([]byte(raw), &c.BoundaryExtraActions); err != nil {
			bad(key("boundaryExtraActions"), raw, `a list of IAM actions, e.g. ["s3:GetObject"]`)
		}
	}

	// Every ARN here is built in the aws partition, as the service stack's are.
	if c.Region == "" {
		bad(infra.RegionKey, "", "an AWS region, e.g. us-east-1")
	} else if want := infra.RegionProblem(c.Region); want != "" {
		bad(infra.RegionKey, c.Region, want)
	}
	if !orgRe.MatchString(c.GitHubOrg) {
		bad(key("githubOrg"), c.GitHubOrg, "a GitHub organisation or user name: letters, digits and single hyphens, at most 39")
	}
	if !repoRe.MatchString(c.GitHubRepo) || c.GitHubRepo == "." || c.GitHubRepo == ".." {
		bad(key("githubRepo"), c.GitHubRepo, "a repository name: letters, digits, '.', '_' or '-', at most 100")
	}
	if c.SubjectPrefix != "" && (wildcardsRe.MatchString(c.SubjectPrefix) || !prefixRe.MatchString(c.SubjectPrefix)) {
		bad(key("subjectPrefix"), c.SubjectPrefix,
			"an exact OIDC subject prefix such as repo:acme/webservice: no wildcards, not ending in ':'")
	}
	if !accountRe.MatchString(c.AccountID) {
		bad(key("accountId"), c.AccountID, "a 12-digit AWS account id")
	} else if why := infra.PlaceholderProblem(c.AccountID); why != "" {
		bad(key("accountId"), c.AccountID, "your AWS account id: "+why)
	}
	if !serviceRe.MatchString(c.ServiceName) || len(c.ServiceName) > infra.MaxServiceNameLen {
		bad(key("serviceName"), c.ServiceName, "the service stack's serviceName: lower-case letters, digits and hyphens")
	}
	if c.OIDCProviderArn != "" {
		if m := providerRe.FindStringSubmatch(c.OIDCProviderArn); m == nil {
			bad(key("oidcProviderArn"), c.OIDCProviderArn,
				"arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com, or unset to create one")
		} else if accountRe.MatchString(c.AccountID) && m[1] != c.AccountID {
			bad(key("oidcProviderArn"), c.OIDCProviderArn, "a provider in webservice-bootstrap:accountId "+c.AccountID)
		}
	}
	for _, s := range []struct{ k, v string }{{"stagingStack", c.StagingStack}, {"productionStack", c.ProductionStack}} {
		if s.v != "" && !stackRe.MatchString(s.v) {
			bad(key(s.k), s.v, "a service stack name (lower-case letters, digits, hyphens), or empty for no role")
		}
	}
	if c.StagingStack != "" && c.StagingStack == c.ProductionStack {
		bad(key("productionStack"), c.ProductionStack, "a different stack from webservice-bootstrap:stagingStack")
	}
	if c.StagingStack == "" && c.ProductionStack == "" && !c.PreviewRole {
		bad(key("previewRole"), "false", "at least one role: a staging, production or preview role")
	}
	if wildcardsRe.MatchString(c.MainBranch) || !refNameRe.MatchString(c.MainBranch) {
		bad(key("mainBranch"), c.MainBranch, "an exact branch name, no wildcards")
	}
	if wildcardsRe.MatchString(c.DriftEnvironment) || !refNameRe.MatchString(c.DriftEnvironment) ||
		c.DriftEnvironment == c.ProductionEnvironment {
		bad(key("driftEnvironment"), c.DriftEnvironment,
			"an exact GitHub environment name, no wildcards, other than webservice-bootstrap:productionEnvironment")
	}
	if wildcardsRe.MatchString(c.StagingEnvironment) || !refNameRe.MatchString(c.StagingEnvironment) ||
		c.StagingEnvironment == c.ProductionEnvironment || c.StagingEnvironment == c.DriftEnvironment {
		bad(key("stagingEnvironment"), c.StagingEnvironment,
			"an exact GitHub environment name, no wildcards, other than the production and drift environments")
	}
	if wildcardsRe.MatchString(c.ProductionEnvironment) || !refNameRe.MatchString(c.ProductionEnvironment) {
		bad(key("productionEnvironment"), c.ProductionEnvironment, "an exact GitHub environment name, no wildcards")
	}
	for _, a := range c.BoundaryExtraActions {
		if !actionRe.MatchString(a) || strings.HasSuffix(a, ":*") {
			bad(key("boundaryExtraActions"), a, "an IAM action such as s3:GetObject (a verb wildcard like s3:Get* is allowed, service:* is not)")
		}
	}
	if c.PromotionSourceStack != "" {
		if !stackRe.MatchString(c.PromotionSourceStack) {
			bad(key("promotionSourceStack"), c.PromotionSourceStack, "a service stack name, or empty to grant no promotion source")
		}
		if c.PromotionSourceStack == c.ProductionStack {
			bad(key("promotionSourceStack"), c.PromotionSourceStack, "a stack other than webservice-bootstrap:productionStack")
		}
		// Defaulted from accountId, it is checked there.
		switch src := c.PromotionSourceAccountID; {
		case src == c.AccountID:
		case !accountRe.MatchString(src):
			bad(key("promotionSourceAccountId"), src, "the 12-digit account of the staging stack")
		case infra.PlaceholderProblem(src) != "":
			bad(key("promotionSourceAccountId"), src, "a real account id: "+infra.PlaceholderProblem(src))
		}
		// Defaulted from aws:region, it is checked there.
		if src := c.PromotionSourceRegion; src != c.Region && infra.RegionProblem(src) != "" {
			bad(key("promotionSourceRegion"), src, "the Region of the staging stack: "+infra.RegionProblem(src))
		}
	}
	if len(errs) > 0 {
		return nil, &infra.ConfigError{Stack: stack, Fields: errs}
	}
	if c.SubjectPrefix == "" {
		c.SubjectPrefix = fmt.Sprintf("repo:%s/%s", c.GitHubOrg, c.GitHubRepo)
	}
	return c, nil
}

// PreviewSubject is what a pull_request job presents; the preview role trusts it.
func (c *Config) PreviewSubject() string { return c.SubjectPrefix + ":pull_request" }

// DriftSubject is what the drift check's job, in its environment, presents.
func (c *Config) DriftSubject() string { return c.SubjectPrefix + ":environment:" + c.DriftEnvironment }

// ProductionSubject is what a job in the production environment presents.
func (c *Config) ProductionSubject() string {
	return c.SubjectPrefix + ":environment:" + c.ProductionEnvironment
}
