package infra

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// A misspelt key is not an error to Pulumi: `-c helthCheckPath=/x` sets a key
// nothing reads, and the stack deploys with the default. So every key in the
// stack's config must be one this program reads, one the AWS provider declares,
// or Pulumi's own, in exactly that case (config is read case-sensitively:
// webservice:DesiredCount is never read); anything else is refused, naming the
// closest known key when one is close. `pulumi up -c key=value` has already
// saved the key in the stack file when the program sees it, so the message
// says how to take it out again.

// awsProviderConfigKeys are the keys pulumi-aws v6.83.4 declares (its
// sdk/go/aws/config/config.go; a test keeps this list equal to it).
var awsProviderConfigKeys = []string{
	"accessKey", "allowedAccountIds", "assumeRole", "assumeRoleWithWebIdentity", "customCaBundle",
	"defaultTags", "ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode", "endpoints",
	"forbiddenAccountIds", "httpProxy", "httpsProxy", "ignoreTags", "insecure", "maxRetries", "noProxy",
	"profile", "region", "retryMode", "s3UsEast1RegionalEndpoint", "s3UsePathStyle", "secretKey", "sharedConfigFiles",
	"sharedCredentialsFiles", "skipCredentialsValidation", "skipMetadataApiCheck", "skipRegionValidation",
	"skipRequestingAccountId", "stsRegion", "token", "tokenBucketRateLimiterCapacity",
	"useDualstackEndpoint", "useFipsEndpoint",
}

// AWSProviderConfigKeys returns the aws: keys the provider declares, for tests.
func AWSProviderConfigKeys() []string { return append([]string(nil), awsProviderConfigKeys...) }

// knownKeys is every fully qualified key a stack may set.
func knownKeys() []string {
	var keys []string
	for _, k := range ConfigKeys {
		keys = append(keys, k.FullName())
	}
	for _, k := range awsProviderConfigKeys {
		keys = append(keys, "aws:"+k)
	}
	return keys
}

// checkKnownKeys records a problem for each configured key nothing reads.
func checkKnownKeys(p *problems, stack string, configured map[string]string) {
	known := knownKeys()
	keys := make([]string, 0, len(configured))
	for k := range configured {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.HasPrefix(k, "pulumi:") || slices.Contains(known, k) {
			continue
		}
		want := "a key this program reads (see Pulumi.yaml)"
		if ns, _, _ := strings.Cut(k, ":"); ns != Namespace && ns != "aws" {
			want = fmt.Sprintf("a key of the %s: or aws: namespace: nothing reads %s: keys", Namespace, ns)
		}
		if whole, _, ok := strings.Cut(k, "["); ok && slices.Contains(known, whole) {
			// One element of a list (render -c, or pulumi config without --path).
			want += fmt.Sprintf("; %s is a list: give it whole, as JSON (-c '%[1]s=[\"...\"]'), or one element "+
				"with pulumi config set --path", whole)
		} else if near := closest(k, known); near != "" {
			want += "; did you mean " + near + "?"
			if strings.EqualFold(near, k) {
				want += " (keys are case-sensitive)"
			}
		}
		want += fmt.Sprintf(" (if pulumi up or preview -c gave it, the CLI saved it in Pulumi.%s.yaml: "+
			"remove it with pulumi config rm -s %s %s)", stack, stack, k)
		p.add(k, configured[k], want)
	}
}

// closest is the known key nearest to k, if it is near enough to be a typo:
// the names after the namespace (so a misspelt namespace still finds its key)
// at most a third of the longer name apart, ignoring case, and at least one
// edit. On a tie, a key of k's own namespace wins.
func closest(k string, known []string) string {
	ns, name, _ := strings.Cut(k, ":")
	name = strings.ToLower(name)
	best, bestDist := "", 0
	for _, c := range known {
		cns, cname, _ := strings.Cut(c, ":")
		cname = strings.ToLower(cname)
		d := levenshtein.Distance(name, cname, nil)
		if d > max(1, max(len(name), len(cname))/3) {
			continue
		}
		if best == "" || d < bestDist || d == bestDist && cns == ns && !strings.HasPrefix(best, ns+":") {
			best, bestDist = c, d
		}
	}
	return best
}

// configuredKeys is the stack's config as the engine hands it to the program:
// the PULUMI_CONFIG environment variable, a JSON object. Under the real CLI the
// language host sets it; internal/offline sets it the same way. nil when it is
// unset (no check is possible). Secret values are blanked, so a misspelt secret
// key is named without printing the secret.
func configuredKeys() (map[string]string, error) {
	raw := os.Getenv(pulumi.EnvConfig)
	if raw == "" {
		return nil, nil
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("read the stack's config from %s: %w", pulumi.EnvConfig, err)
	}
	var secret []string
	_ = json.Unmarshal([]byte(os.Getenv(pulumi.EnvConfigSecretKeys)), &secret)
	for _, k := range secret {
		if _, ok := m[k]; ok {
			m[k] = "[secret]"
		}
	}
	return m, nil
}
