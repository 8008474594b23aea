package infra

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// LoadBalancer answers "how does traffic reach healthy tasks?": an internet-facing
// ALB in the public subnets, the target group whose health check decides which
// tasks get traffic (and so whether a rolling update proceeds), an HTTPS listener
// and an HTTP listener that only redirects (ELB.1).
type LoadBalancer struct {
	ALB            *lb.LoadBalancer
	TargetGroup    *lb.TargetGroup
	HTTPSListener  *lb.Listener // nil when the stack serves plain HTTP
	HTTPListener   *lb.Listener
	SecurityGroups *SecurityGroups
	AccessLogs     *AccessLogs // nil when access logs are off
	// Listeners are what the ECS service must wait for: a target group can only be
	// attached to a service once a listener ties it to the ALB.
	Listeners []pulumi.Resource
}

// Fixed listener ports: the ALB is the public face of the service.
const (
	httpPort  = 80
	httpsPort = 443
)

func newLoadBalancer(ctx *pulumi.Context, cfg *Config, net *Network, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	comp, err := newComponent(ctx, typeLoadBalancer, "load-balancer", opts...)
	if err != nil {
		return nil, err
	}
	sgs, err := newSecurityGroups(ctx, cfg, net, comp)
	if err != nil {
		return nil, err
	}

	logs, err := newAccessLogs(ctx, cfg, comp)
	if err != nil {
		return nil, err
	}
	albArgs := &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		Subnets:                  net.PublicSubnetIDs,
		SecurityGroups:           pulumi.StringArray{sgs.ALB.ID().ToStringOutput()},
		DropInvalidHeaderFields:  pulumi.Bool(true),          // ELB.4
		DesyncMitigationMode:     pulumi.String("defensive"), // ELB.12
		EnableDeletionProtection: pulumi.Bool(cfg.ALBDeletionProtection),
		IdleTimeout:              pulumi.Int(cfg.IdleTimeout),
		EnableHttp2:              pulumi.Bool(true),
	}
	albOpts := []pulumi.ResourceOption{pulumi.Parent(comp), pulumi.Protect(cfg.Protect)}
	if logs != nil {
		albArgs.AccessLogs = &lb.LoadBalancerAccessLogsArgs{
			Bucket:  logs.Bucket.Bucket,
			Prefix:  pulumi.String(accessLogsPrefix),
			Enabled: pulumi.Bool(true),
		}
		// AWS checks it may write to the bucket when access logs are turned on.
		albOpts = append(albOpts, pulumi.DependsOn(logs.Ready))
	}
	alb, err := lb.NewLoadBalancer(ctx, "alb", albArgs, albOpts...)
	if err != nil {
		return nil, fmt.Errorf("create load balancer %q: %w", "alb", err)
	}
	if err := newWAF(ctx, cfg, alb.Arn, comp); err != nil {
		return nil, err
	}

	tg, err := newTargetGroup(ctx, cfg, net, comp)
	if err != nil {
		return nil, err
	}

	out := &LoadBalancer{ALB: alb, TargetGroup: tg, SecurityGroups: sgs, AccessLogs: logs}
	forward := lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
		Type:           pulumi.String("forward"),
		TargetGroupArn: tg.Arn,
	}}

	httpAction := forward
	if cfg.HTTPS() {
		out.HTTPSListener, err = lb.NewListener(ctx, "https", &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn,
			Port:            pulumi.Int(httpsPort),
			Protocol:        pulumi.String("HTTPS"),
			SslPolicy:       pulumi.String(TLSPolicy), // ELB.17: never AWS's 2016 default
			CertificateArn:  pulumi.String(cfg.CertificateArn),
			DefaultActions:  forward,
		}, pulumi.Parent(comp))
		if err != nil {
			return nil, fmt.Errorf("create https listener: %w", err)
		}
		out.Listeners = append(out.Listeners, out.HTTPSListener)
		httpAction = lb.ListenerDefaultActionArray{&lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Protocol:   pulumi.String("HTTPS"),
				Port:       pulumi.String(fmt.Sprint(httpsPort)),
				StatusCode: pulumi.String("HTTP_301"),
			},
		}}
	}
	out.HTTPListener, err = lb.NewListener(ctx, "http", &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(httpPort),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  httpAction,
	}, pulumi.Parent(comp))
	if err != nil {
		return nil, fmt.Errorf("create http listener: %w", err)
	}
	out.Listeners = append(out.Listeners, out.HTTPListener)

	if err := comp.done(ctx, pulumi.Map{"dnsName": alb.DnsName, "targetGroupArn": tg.Arn}); err != nil {
		return nil, err
	}
	return out, nil
}

// newTargetGroup creates the target group whose health check gates every rolling
// update: a new task gets traffic, and old tasks are stopped, only once it passes.
func newTargetGroup(ctx *pulumi.Context, cfg *Config, net *Network, parent pulumi.Resource) (*lb.TargetGroup, error) {
	tg, err := lb.NewTargetGroup(ctx, "target-group", &lb.TargetGroupArgs{
		TargetType:          pulumi.String("ip"), // awsvpc tasks register by IP
		Port:                pulumi.Int(cfg.ContainerPort),
		Protocol:            pulumi.String(cfg.TargetProtocol),
		VpcId:               net.VpcID,
		DeregistrationDelay: pulumi.Int(cfg.DeregistrationDelay),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Path:               pulumi.String(cfg.HealthCheckPath),
			Protocol:           pulumi.String(cfg.HealthCheckProtocol),
			Port:               pulumi.String("traffic-port"),
			HealthyThreshold:   pulumi.Int(cfg.HealthyThreshold),
			UnhealthyThreshold: pulumi.Int(cfg.UnhealthyThreshold),
			Timeout:            pulumi.Int(cfg.HealthCheckTimeout),
			Interval:           pulumi.Int(cfg.HealthCheckInterval),
			Matcher:            pulumi.String(cfg.HealthCheckMatcher),
		},
	}, pulumi.Parent(parent))
	if err != nil {
		return nil, fmt.Errorf("create target group %q: %w", "target-group", err)
	}
	return tg, nil
}
