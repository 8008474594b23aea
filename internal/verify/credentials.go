package verify

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
)

// DefaultClients builds ECS and ELBv2 clients from the default credential chain
// (in CI: the OIDC role configure-aws-credentials assumed). The credentials are
// fetched once up front, so that having none is one clear line instead of the
// SDK's chain of provider errors at the first call. AWS_ENDPOINT_URL and
// AWS_MAX_ATTEMPTS are honoured, as the SDK documents them.
func DefaultClients(ctx context.Context, region string) (Clients, error) {
	// The SDK's own log (its "falling back to IMDSv1" warning on a machine
	// without credentials) would come before verify's one-line answer.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region), config.WithLogger(logging.Nop{}))
	if err != nil {
		return Clients{}, fmt.Errorf("%w: load the AWS configuration: %v", ErrAPI, err)
	}
	if cfg.RetryMaxAttempts == 0 {
		cfg.RetryMaxAttempts = apiMaxAttempts
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return Clients{}, noCredentials(err)
	}
	return clientsFromConfig(cfg, describeCredentials(creds)), nil
}

// noCredentials says, in one line, which credentials the SDK's default chain
// looked for and how to provide them. The SDK's own error (each provider's
// failure, nested) is kept only when a source was named and failed.
func noCredentials(err error) error {
	profile := envOr("AWS_PROFILE", envOr("AWS_DEFAULT_PROFILE", "default"))
	imds := "EC2 instance metadata"
	if strings.EqualFold(os.Getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		imds += " (disabled by AWS_EC2_METADATA_DISABLED)"
	}
	looked := []string{
		"AWS_ACCESS_KEY_ID with AWS_SECRET_ACCESS_KEY",
		"AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN",
		fmt.Sprintf("profile %q in %s and %s", profile,
			envOr("AWS_CONFIG_FILE", config.DefaultSharedConfigFilename()),
			envOr("AWS_SHARED_CREDENTIALS_FILE", config.DefaultSharedCredentialsFilename())),
		"ECS container credentials",
		imds,
	}
	cause := ""
	if os.Getenv("AWS_PROFILE") != "" || os.Getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "" {
		cause = " (" + short(err) + ")"
	}
	return fmt.Errorf("%w: no AWS credentials%s: looked for %s; %s",
		errCredentials, cause, strings.Join(looked, ", "), howToProvideCredentials)
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// describeCredentials names the credentials without giving them away.
func describeCredentials(c aws.Credentials) string {
	id := c.AccessKeyID
	if len(id) > 8 {
		id = id[:4] + "..." + id[len(id)-4:]
	}
	source := c.Source
	if source == "EnvConfigCredentials" {
		source = "AWS_ACCESS_KEY_ID in the environment"
	}
	return fmt.Sprintf("access key %s from %s", id, source)
}
