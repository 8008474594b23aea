package infra

import (
	"slices"
	"strings"
	"testing"
)

// ARNs are built in the aws partition, so only its Regions are accepted.
func TestOnlyRegionsOfTheAWSPartitionAreAccepted(t *testing.T) {
	for _, region := range []string{"us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1",
		"us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1",
		"us-east-9", "US-EAST-1"} {
		c := validStaging()
		c.Region = region
		c.AvailabilityZones = nil
		err := c.Validate()
		if err == nil {
			t.Errorf("%s accepted", region)
			continue
		}
		want := `aws:region: got "` + region + `", want a Region of the aws partition, e.g. us-east-1 ` +
			`(infra/regions_aws.go lists them): only the aws partition is supported, not GovCloud, China or ISO Regions`
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", region, err)
		}
	}
	regions := AWSRegions()
	for _, want := range []string{"us-east-1", "eu-west-1", "ap-southeast-2", "mx-central-1", "af-south-1"} {
		if !slices.Contains(regions, want) {
			t.Errorf("%s missing from %v", want, regions)
		}
	}
	for _, region := range regions {
		c := validStaging()
		c.Region = region
		c.AvailabilityZones = []string{region + "a", region + "b"}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", region, err)
		}
	}
}
