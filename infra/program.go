package infra

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is the whole stack: load and validate config, then build. main.go, the
// offline recorder and tests all run exactly this. It returns the exported
// outputs so a recorder can await them (mocks never see stack outputs).
func Program(ctx *pulumi.Context) (Outputs, error) { return program(ctx, nil) }

func program(ctx *pulumi.Context, examples map[string]string) (Outputs, error) {
	cfg, err := loadConfig(ctx, examples)
	if err != nil {
		return nil, err
	}
	outputs, err := Build(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := outputs.export(ctx); err != nil {
		return nil, err
	}
	return outputs, nil
}

// Build declares every resource of one stack for a validated config, in
// dependency order: image decision (may read the stack's last outputs), provider,
// network, registry, cluster, load balancer, service.
func Build(ctx *pulumi.Context, cfg *Config) (Outputs, error) {
	prev, err := resolveImage(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if !cfg.HTTPS() {
		_ = ctx.Log.Warn(tlsStatus(cfg), nil)
	}
	for _, w := range cfg.Warnings() {
		_ = ctx.Log.Warn(w, nil)
	}

	provider, err := newProvider(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// Every component hands the one provider to its children (awsx's included).
	withProvider := pulumi.Providers(provider)

	reg, err := newRegistry(ctx, cfg, protectedTags(cfg, prev), withProvider)
	if err != nil {
		return nil, err
	}
	if awaitingImage(cfg, prev) {
		return awaitingImageOutputs(ctx, cfg, reg), nil
	}
	net, err := newNetwork(ctx, cfg, provider)
	if err != nil {
		return nil, err
	}
	cl, err := newCluster(ctx, cfg, withProvider)
	if err != nil {
		return nil, err
	}
	lbs, err := newLoadBalancer(ctx, cfg, net, withProvider)
	if err != nil {
		return nil, err
	}
	img := newImage(cfg, reg.Repository.RepositoryUrl, prev)
	if img.Kept {
		_ = ctx.Log.Info(fmt.Sprintf("no %s given: keeping the running image %s", key("imageTag"), prev.URI), nil)
	}
	svc, err := newService(ctx, cfg, img, net, reg, cl, lbs, withProvider)
	if err != nil {
		return nil, err
	}

	dashboardURL, err := newDashboard(ctx, cfg, lbs, cl, svc, withProvider)
	if err != nil {
		return nil, err
	}
	accessLogsBucket := pulumi.String("").ToStringOutput()
	if lbs.AccessLogs != nil {
		accessLogsBucket = lbs.AccessLogs.Bucket.Bucket
	}

	scheme := "http://"
	httpsListenerArn := pulumi.String("").ToStringOutput()
	if cfg.HTTPS() {
		scheme = "https://"
		httpsListenerArn = lbs.HTTPSListener.Arn
	}
	return Outputs{
		OutputURL:                    lbs.ALB.DnsName.ApplyT(func(dns string) string { return scheme + strings.ToLower(dns) }),
		OutputTLS:                    pulumi.String(tlsStatus(cfg)).ToStringOutput(),
		OutputALBDNSName:             lbs.ALB.DnsName,
		OutputALBZoneID:              lbs.ALB.ZoneId,
		OutputALBArn:                 lbs.ALB.Arn,
		OutputHTTPSListenerArn:       httpsListenerArn,
		OutputTargetGroupArn:         lbs.TargetGroup.Arn,
		OutputALBSecurityGroupID:     lbs.SecurityGroups.ALB.ID().ToStringOutput(),
		OutputServiceSecurityGroupID: lbs.SecurityGroups.Service.ID().ToStringOutput(),
		OutputClusterName:            cl.Cluster.Name,
		OutputClusterArn:             cl.Cluster.Arn,
		OutputServiceName:            svc.Service.Name,
		OutputServiceArn:             svc.Service.ID().ToStringOutput(),
		OutputTaskDefinitionArn:      svc.TaskDefinition.Arn,
		OutputTaskFamily:             svc.TaskDefinition.Family,
		OutputTaskRoleArn:            svc.Roles.Task.Arn,
		OutputTaskRoleName:           svc.Roles.Task.Name,
		OutputContainerName:          pulumi.String(ContainerName).ToStringOutput(),
		OutputImage:                  img.URI,
		OutputImageTag:               pulumi.String(img.Tag).ToStringOutput(),
		OutputPreviousImageTag:       pulumi.String(previousTag(cfg, prev)).ToStringOutput(),
		OutputECRRepositoryURL:       reg.Repository.RepositoryUrl,
		OutputECRRepositoryName:      reg.Repository.Name,
		OutputECRRepositoryArn:       reg.Repository.Arn,
		OutputLogGroupName:           cl.LogGroup.Name,
		OutputVpcID:                  net.VpcID,
		OutputPublicSubnetIDs:        net.PublicSubnetIDs,
		OutputPrivateSubnetIDs:       net.PrivateSubnetIDs,
		OutputDeployTimeoutSeconds:   pulumi.Int(int(EstimateDeploy(cfg).UpdateTimeout.Seconds())).ToIntOutput(),
		OutputDashboardURL:           dashboardURL,
		OutputAccessLogsBucket:       accessLogsBucket,
		OutputContractVersion:        pulumi.String(ContractVersion).ToStringOutput(),
		OutputDeploymentState:        pulumi.String(StateDeployed).ToStringOutput(),
	}, nil
}

// awaitingImageOutputs are the outputs of a stack that has never run an image:
// it has only its registry, so every output names the registry, says what the
// stack is, or is empty. Never an unknown: the old targeted first deploy left the
// engine's unknown sentinel in every output of a resource it skipped.
func awaitingImageOutputs(ctx *pulumi.Context, cfg *Config, reg *Registry) Outputs {
	_ = ctx.Log.Warn(fmt.Sprintf("stack %q has never run an image: this update creates only its ECR repository. "+
		"Push an image to it (the ecrRepositoryUrl output), then deploy it: %s=<tag> pulumi up -s %s",
		cfg.Stack, EnvImageTag, cfg.Stack), nil)
	out := Outputs{
		OutputECRRepositoryURL:  reg.Repository.RepositoryUrl,
		OutputECRRepositoryName: reg.Repository.Name,
		OutputECRRepositoryArn:  reg.Repository.Arn,
		OutputContractVersion:   pulumi.String(ContractVersion).ToStringOutput(),
		OutputDeploymentState:   pulumi.String(StateAwaitingImage).ToStringOutput(),
		OutputTLS:               pulumi.String(tlsStatus(cfg)).ToStringOutput(),
	}
	for _, spec := range OutputContract {
		if _, set := out[spec.Name]; set {
			continue
		}
		switch spec.Name {
		case OutputPublicSubnetIDs, OutputPrivateSubnetIDs:
			out[spec.Name] = pulumi.StringArray{}.ToStringArrayOutput()
		case OutputDeployTimeoutSeconds:
			out[spec.Name] = pulumi.Int(0).ToIntOutput()
		default:
			out[spec.Name] = pulumi.String("").ToStringOutput()
		}
	}
	return out
}
