package infra

import "slices"

//go:generate go run regions_generate.go

// Every ARN this program and bootstrap/ build starts arn:aws: (the aws
// partition). A GovCloud, China or ISO Region would pass a name pattern and then
// fail in AWS with ARNs of the wrong partition, so a Region is accepted only
// when it is in awsPartitionRegions (regions_aws.go, generated from botocore).

// regionWant is what a Region setting allows.
const regionWant = "a Region of the aws partition, e.g. us-east-1 (infra/regions_aws.go lists them): " +
	"only the aws partition is supported, not GovCloud, China or ISO Regions"

// AWSRegions returns the Regions of the aws partition, sorted.
func AWSRegions() []string { return slices.Clone(awsPartitionRegions) }

// RegionProblem returns what a Region setting allows when region is not a
// Region of the aws partition, or "" when it is one.
func RegionProblem(region string) string {
	if slices.Contains(awsPartitionRegions, region) {
		return ""
	}
	return regionWant
}
