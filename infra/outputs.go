package infra

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The stack outputs are a contract other teams build on with StackReference, and
// cmd/verify and the workflows read. Adding an output is fine; renaming or
// removing one is a breaking change: bump ContractVersion and say so in the README.
// tests/ checks both stacks export exactly OutputContract.

// ContractVersion is exported as contractVersion. Bump the major on a breaking change.
const ContractVersion = "1.2"

// Output names.
const (
	OutputURL                    = "url"
	OutputTLS                    = "tls"
	OutputALBDNSName             = "albDnsName"
	OutputALBZoneID              = "albZoneId"
	OutputALBArn                 = "albArn"
	OutputHTTPSListenerArn       = "httpsListenerArn"
	OutputTargetGroupArn         = "targetGroupArn"
	OutputALBSecurityGroupID     = "albSecurityGroupId"
	OutputServiceSecurityGroupID = "serviceSecurityGroupId"
	OutputClusterName            = "clusterName"
	OutputClusterArn             = "clusterArn"
	OutputServiceName            = "serviceName"
	OutputServiceArn             = "serviceArn"
	OutputTaskDefinitionArn      = "taskDefinitionArn"
	OutputTaskFamily             = "taskFamily"
	OutputTaskRoleArn            = "taskRoleArn"
	OutputTaskRoleName           = "taskRoleName"
	OutputContainerName          = "containerName"
	OutputImage                  = "image"
	OutputImageTag               = "imageTag"
	OutputPreviousImageTag       = "previousImageTag"
	OutputECRRepositoryURL       = "ecrRepositoryUrl"
	OutputECRRepositoryName      = "ecrRepositoryName"
	OutputECRRepositoryArn       = "ecrRepositoryArn"
	OutputLogGroupName           = "logGroupName"
	OutputVpcID                  = "vpcId"
	OutputPublicSubnetIDs        = "publicSubnetIds"
	OutputPrivateSubnetIDs       = "privateSubnetIds"
	OutputDeployTimeoutSeconds   = "deployTimeoutSeconds"
	OutputDashboardURL           = "dashboardUrl"
	OutputAccessLogsBucket       = "accessLogsBucket"
	OutputContractVersion        = "contractVersion"
	OutputDeploymentState        = "deploymentState"
)

// deploymentState values.
const (
	// StateAwaitingImage: the stack has never run an image; only its ECR
	// repository exists, and every output but the repository's is empty.
	StateAwaitingImage = "awaiting-image"
	// StateDeployed: the whole stack exists and runs the image in `image`.
	StateDeployed = "deployed"
)

// OutputSpec documents one output.
type OutputSpec struct {
	Name        string
	Description string
}

// OutputContract is every output, in README order, with its one-line description.
var OutputContract = []OutputSpec{
	{OutputURL, "public URL of the service: https://<alb dns>, or http:// when the stack has no certificate"},
	{OutputTLS, `"HTTPS (<policy>)" or a plain warning that the stack serves unencrypted HTTP`},
	{OutputALBDNSName, "DNS name of the ALB (point a Route 53 alias here)"},
	{OutputALBZoneID, "hosted zone id of the ALB, for Route 53 alias records"},
	{OutputALBArn, "ARN of the ALB"},
	{OutputHTTPSListenerArn, `ARN of the HTTPS listener, to add listener rules; "" when the stack serves HTTP only`},
	{OutputTargetGroupArn, "ARN of the target group the service registers in"},
	{OutputALBSecurityGroupID, "security group of the ALB"},
	{OutputServiceSecurityGroupID, "security group of the tasks (allow it in a database's group)"},
	{OutputClusterName, "ECS cluster name"},
	{OutputClusterArn, "ECS cluster ARN"},
	{OutputServiceName, "ECS service name"},
	{OutputServiceArn, "ECS service ARN"},
	{OutputTaskDefinitionArn, "task definition revision this deploy rolled out (cmd/verify checks it is PRIMARY)"},
	{OutputTaskFamily, "task definition family"},
	{OutputTaskRoleArn, "IAM role the app runs as"},
	{OutputTaskRoleName, "name of that role, to attach the app's own policies"},
	{OutputContainerName, "name of the app container in the task definition"},
	{OutputImage, "image the service runs: repository URL with :tag or @sha256 digest"},
	{OutputImageTag, "release label of that image (the tag, or the digest when no tag was given)"},
	{OutputPreviousImageTag, `release the stack named before imageTag (after a restore, the one that failed), kept from ECR expiry with it; "" until a second release`},
	{OutputECRRepositoryURL, "ECR repository URL to push this stack's images to"},
	{OutputECRRepositoryName, "ECR repository name"},
	{OutputECRRepositoryArn, "ECR repository ARN (scope CI push permissions to it)"},
	{OutputLogGroupName, "CloudWatch log group of the app"},
	{OutputVpcID, "VPC the service runs in"},
	{OutputPublicSubnetIDs, "subnets of the ALB"},
	{OutputPrivateSubnetIDs, "subnets of the tasks"},
	{OutputDeployTimeoutSeconds, "how long a rollout may take before the deploy is failed (deploy-time model)"},
	{OutputDashboardURL, `CloudWatch dashboard of the service in the console; "" when webservice:dashboard is false`},
	{OutputAccessLogsBucket, `S3 bucket of the ALB access logs; "" when webservice:accessLogs is false`},
	{OutputContractVersion, "version of this output contract; the major changes on a breaking change"},
	{OutputDeploymentState, `"deployed", or "awaiting-image" on a stack that has never run an image (only its ECR repository exists; other outputs are "")`},
}

// Outputs maps each contract name to its value.
type Outputs map[string]pulumi.Output

// export registers every output with the engine and checks the map matches the
// contract exactly, so an output cannot be added without documenting it.
func (o Outputs) export(ctx *pulumi.Context) error {
	if len(o) != len(OutputContract) {
		return fmt.Errorf("outputs: built %d values for %d documented outputs", len(o), len(OutputContract))
	}
	for _, spec := range OutputContract {
		v, ok := o[spec.Name]
		if !ok {
			return fmt.Errorf("outputs: documented output %q has no value", spec.Name)
		}
		ctx.Export(spec.Name, v)
	}
	return nil
}

func tlsStatus(cfg *Config) string {
	if cfg.HTTPS() {
		return "HTTPS (" + TLSPolicy + "); HTTP redirects to HTTPS"
	}
	return "DISABLED: no webservice:certificateArn, the ALB serves unencrypted HTTP on port 80"
}
