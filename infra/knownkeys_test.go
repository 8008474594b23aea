package infra

import (
	"errors"
	"strings"
	"testing"
)

// configuredLookup parses a stack whose config is exactly m, as the engine
// hands it over: the configured keys and a case-sensitive lookup.
func parseConfigured(stack string, m map[string]string) (*Config, error) {
	return parseConfig(stack, m, lookupFrom(m), nil)
}

func stagingConfig(extra map[string]string) map[string]string {
	m := map[string]string{"aws:region": "us-east-1", "webservice:allowHttpOnly": "true"}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// fieldFor returns the problem recorded for key, failing when there is none.
func fieldFor(t *testing.T, err error, key string) *FieldError {
	t.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("want a *ConfigError naming %s, got %v", key, err)
	}
	for _, f := range ce.Fields {
		if f.Key == key {
			return f
		}
	}
	t.Fatalf("no problem for %s in:\n%v", key, err)
	return nil
}

// The program reads keys in exact case: webservice:DesiredCount is never read,
// so it must be refused, naming the key that is.
func TestAKeyDifferingOnlyInCaseIsRefusedNamingTheRightKey(t *testing.T) {
	for given, want := range map[string]string{
		"webservice:DesiredCount": "webservice:desiredCount",
		"webservice:desiredcount": "webservice:desiredCount",
		"aws:Region":              "aws:region",
	} {
		t.Run(given, func(t *testing.T) {
			_, err := parseConfigured("staging", stagingConfig(map[string]string{given: "3"}))
			f := fieldFor(t, err, given)
			if !strings.Contains(f.Want, "did you mean "+want+"? (keys are case-sensitive)") {
				t.Fatalf("want = %q, want a suggestion of %s", f.Want, want)
			}
		})
	}
}

func TestSuggestionsOnlyForCloseKeys(t *testing.T) {
	for given, want := range map[string]string{
		"webservice:helthCheckPath":     "webservice:healthCheckPath",
		"webservice:healthCheckPth":     "webservice:healthCheckPath",
		"webservice:memroy":             "webservice:memory",
		"webservce:cpu":                 "webservice:cpu", // the namespace misspelt
		"aws:regoin":                    "aws:region",     // a transposition is two edits in six letters
		"aws:cpu":                       "webservice:cpu", // a program key in the provider's namespace
		"webservice:region":             "aws:region",     // and the other way round
		"webservice:desiredCounts":      "webservice:desiredCount",
		"webservice:foo":                "", // "foo" and "cpu" share one letter of three
		"webservice:cpuu":               "webservice:cpu",
		"webservice:tag":                "",
		"webservice:image":              "",
		"webservice:autoscalingEnabled": "",
	} {
		if got := closest(given, knownKeys()); got != want {
			t.Errorf("closest(%s) = %q, want %q", given, got, want)
		}
	}
}

func TestAnUnknownKeySaysPulumiSavedItAndHowToRemoveIt(t *testing.T) {
	_, err := parseConfigured("staging", stagingConfig(map[string]string{"webservice:foo": "1"}))
	got := fieldFor(t, err, "webservice:foo").Error()
	want := `webservice:foo: got "1", want a key this program reads (see Pulumi.yaml) ` +
		`(if pulumi up or preview -c gave it, the CLI saved it in Pulumi.staging.yaml: ` +
		`remove it with pulumi config rm -s staging webservice:foo)`
	if got != want {
		t.Fatalf("message\n got %s\nwant %s", got, want)
	}
	_, err = parseConfigured("production", map[string]string{"aws:region": "us-east-1", "webservice:helthCheckPath": "/x"})
	got = fieldFor(t, err, "webservice:helthCheckPath").Error()
	want = `webservice:helthCheckPath: got "/x", want a key this program reads (see Pulumi.yaml); ` +
		`did you mean webservice:healthCheckPath? (if pulumi up or preview -c gave it, the CLI saved it in ` +
		`Pulumi.production.yaml: remove it with pulumi config rm -s production webservice:helthCheckPath)`
	if got != want {
		t.Fatalf("message\n got %s\nwant %s", got, want)
	}
}

func TestEveryProviderKeyIsAccepted(t *testing.T) {
	for _, k := range []string{"ec2MetadataServiceEndpoint", "ec2MetadataServiceEndpointMode",
		"s3UsEast1RegionalEndpoint", "s3UsePathStyle", "defaultTags"} {
		if _, err := parseConfigured("staging", stagingConfig(map[string]string{"aws:" + k: "x"})); err != nil {
			t.Errorf("aws:%s: %v", k, err)
		}
	}
}

// A list element given as a key (render -c 'environment[0]=...', or pulumi
// config without --path) is named as the list, with both ways to set it.
func TestAListElementGivenAsAKeySaysHowToSetTheList(t *testing.T) {
	_, err := parseConfigured("staging", stagingConfig(map[string]string{"webservice:environment[0]": "LOG_LEVEL=info"}))
	got := fieldFor(t, err, "webservice:environment[0]").Error()
	want := `webservice:environment[0]: got "LOG_LEVEL=info", want a key this program reads (see Pulumi.yaml); ` +
		`webservice:environment is a list: give it whole, as JSON (-c 'webservice:environment=["..."]'), ` +
		`or one element with pulumi config set --path (if pulumi up`
	if !strings.HasPrefix(got, want) {
		t.Fatalf("message\n got %s\nwant %s...", got, want)
	}
}
