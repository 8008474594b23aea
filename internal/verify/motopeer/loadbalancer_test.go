//go:build e2e

package motopeer

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/example/webservice/internal/offline"
)

// The ALB, its target group and its listeners, created in moto with exactly
// the settings the stack renders; moto refuses what ELBv2 refuses where it
// checks (names, protocols, matcher syntax, ports, actions, certificates).

// loadBalancer is what createLoadBalancer made.
type loadBalancer struct {
	Arn, TargetGroupArn string
	Listeners           map[int32]string // port -> listener ARN
}

// createLoadBalancer makes the stack's ALB, target group and listeners; suffix
// keeps names unique when one moto holds several deploys.
func createLoadBalancer(t testing.TB, p *peer, r *offline.Result, m ids, suffix string) loadBalancer {
	t.Helper()
	ctx := context.Background()
	alb := one(t, r, "aws:lb/loadBalancer:LoadBalancer", "alb")
	scheme := elbtypes.LoadBalancerSchemeEnumInternetFacing
	if alb.Inputs["internal"] == true {
		scheme = elbtypes.LoadBalancerSchemeEnumInternal
	}
	lbOut, err := p.ELB.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{
		Name:           aws.String(shortName("alb", suffix)),
		Type:           elbtypes.LoadBalancerTypeEnum(str(t, alb.Inputs, "loadBalancerType")),
		Scheme:         scheme,
		Subnets:        m.all(t, strs(t, alb.Inputs, "subnets")),
		SecurityGroups: m.all(t, strs(t, alb.Inputs, "securityGroups")),
	})
	check(t, "CreateLoadBalancer", err)
	lb := loadBalancer{Arn: aws.ToString(lbOut.LoadBalancers[0].LoadBalancerArn), Listeners: map[int32]string{}}
	m[alb.ID] = lb.Arn

	tg := one(t, r, "aws:lb/targetGroup:TargetGroup", "target-group")
	hc := obj(t, tg.Inputs, "healthCheck")
	tgOut, err := p.ELB.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{
		Name:                       aws.String(shortName("tg", suffix)),
		Protocol:                   elbtypes.ProtocolEnum(str(t, tg.Inputs, "protocol")),
		Port:                       aws.Int32(num(t, tg.Inputs, "port")),
		VpcId:                      aws.String(m.of(t, str(t, tg.Inputs, "vpcId"))),
		TargetType:                 elbtypes.TargetTypeEnum(str(t, tg.Inputs, "targetType")),
		HealthCheckEnabled:         aws.Bool(hc["enabled"] == true),
		HealthCheckPath:            aws.String(str(t, hc, "path")),
		HealthCheckPort:            aws.String(str(t, hc, "port")),
		HealthCheckProtocol:        elbtypes.ProtocolEnum(str(t, hc, "protocol")),
		HealthCheckIntervalSeconds: aws.Int32(num(t, hc, "interval")),
		HealthCheckTimeoutSeconds:  aws.Int32(num(t, hc, "timeout")),
		HealthyThresholdCount:      aws.Int32(num(t, hc, "healthyThreshold")),
		UnhealthyThresholdCount:    aws.Int32(num(t, hc, "unhealthyThreshold")),
		Matcher:                    &elbtypes.Matcher{HttpCode: aws.String(str(t, hc, "matcher"))},
	})
	check(t, "CreateTargetGroup", err)
	lb.TargetGroupArn = aws.ToString(tgOut.TargetGroups[0].TargetGroupArn)
	m[tg.ID] = lb.TargetGroupArn
	m[str(t, tg.Outputs, "arn")] = lb.TargetGroupArn
	_, err = p.ELB.ModifyTargetGroupAttributes(ctx, &elbv2.ModifyTargetGroupAttributesInput{
		TargetGroupArn: aws.String(lb.TargetGroupArn),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"),
			Value: aws.String(strconv.Itoa(int(num(t, tg.Inputs, "deregistrationDelay"))))}},
	})
	check(t, "ModifyTargetGroupAttributes", err)

	for _, l := range r.OfType("aws:lb/listener:Listener") {
		in := &elbv2.CreateListenerInput{
			LoadBalancerArn: aws.String(m.of(t, str(t, l.Inputs, "loadBalancerArn"))),
			Port:            aws.Int32(num(t, l.Inputs, "port")),
			Protocol:        elbtypes.ProtocolEnum(str(t, l.Inputs, "protocol")),
			DefaultActions:  actions(t, l.Inputs, m),
		}
		if policy := optStr(l.Inputs, "sslPolicy"); policy != "" {
			in.SslPolicy = aws.String(policy)
		}
		if cert := optStr(l.Inputs, "certificateArn"); cert != "" {
			in.Certificates = []elbtypes.Certificate{{CertificateArn: aws.String(certificate(t, p, m, cert))}}
		}
		out, err := p.ELB.CreateListener(ctx, in)
		check(t, "CreateListener "+l.Name, err)
		lb.Listeners[*in.Port] = aws.ToString(out.Listeners[0].ListenerArn)
	}
	return lb
}

// actions are a listener's rendered default actions, as ELBv2 takes them.
func actions(t testing.TB, props map[string]any, m ids) []elbtypes.Action {
	t.Helper()
	var out []elbtypes.Action
	for _, a := range list(t, props, "defaultActions") {
		action := a.(map[string]any)
		typ := str(t, action, "type")
		switch typ {
		case "forward":
			out = append(out, elbtypes.Action{Type: elbtypes.ActionTypeEnumForward,
				TargetGroupArn: aws.String(m.of(t, str(t, action, "targetGroupArn")))})
		case "redirect":
			rd := obj(t, action, "redirect")
			out = append(out, elbtypes.Action{Type: elbtypes.ActionTypeEnumRedirect,
				RedirectConfig: &elbtypes.RedirectActionConfig{
					Protocol:   aws.String(str(t, rd, "protocol")),
					Port:       aws.String(str(t, rd, "port")),
					StatusCode: elbtypes.RedirectActionStatusCodeEnum(str(t, rd, "statusCode")),
				}})
		default:
			t.Fatalf("listener action %q: teach the peer suite about it", typ)
		}
	}
	return out
}

// certificate stands an ACM certificate of moto's in for the rendered ARN:
// moto attaches only certificates it holds.
func certificate(t testing.TB, p *peer, m ids, rendered string) string {
	t.Helper()
	if arn, ok := m[rendered]; ok {
		return arn
	}
	out, err := p.ACM.RequestCertificate(context.Background(), &acm.RequestCertificateInput{
		DomainName: aws.String("webservice.example.com")})
	check(t, "RequestCertificate", err)
	m[rendered] = aws.ToString(out.CertificateArn)
	return m[rendered]
}

// shortName is a unique ELB name within its 32 characters.
func shortName(kind, suffix string) string {
	n := fmt.Sprintf("%s-%s", kind, suffix)
	if len(n) > 32 {
		n = n[:32]
	}
	return n
}

func TestTargetGroupAndListenersTakeTheRenderedSettings(t *testing.T) {
	p := sharedPeer(t)
	ctx := context.Background()
	for _, stack := range []string{"staging", "production"} {
		t.Run(stack, func(t *testing.T) {
			r := render(t, stack)
			m := ids{}
			createNetwork(t, p, r, m)
			lb := createLoadBalancer(t, p, r, m, "settings-"+stack)

			tg := one(t, r, "aws:lb/targetGroup:TargetGroup", "target-group")
			hc := obj(t, tg.Inputs, "healthCheck")
			out, err := p.ELB.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{lb.TargetGroupArn}})
			check(t, "DescribeTargetGroups", err)
			got := out.TargetGroups[0]
			same(t, "target group protocol", string(got.Protocol), str(t, tg.Inputs, "protocol"))
			same(t, "target group port", aws.ToInt32(got.Port), num(t, tg.Inputs, "port"))
			same(t, "target type", string(got.TargetType), str(t, tg.Inputs, "targetType"))
			same(t, "health check enabled", aws.ToBool(got.HealthCheckEnabled), hc["enabled"] == true)
			same(t, "health check path", aws.ToString(got.HealthCheckPath), str(t, hc, "path"))
			same(t, "health check port", aws.ToString(got.HealthCheckPort), str(t, hc, "port"))
			same(t, "health check protocol", string(got.HealthCheckProtocol), str(t, hc, "protocol"))
			same(t, "health check interval", aws.ToInt32(got.HealthCheckIntervalSeconds), num(t, hc, "interval"))
			same(t, "health check timeout", aws.ToInt32(got.HealthCheckTimeoutSeconds), num(t, hc, "timeout"))
			same(t, "healthy threshold", aws.ToInt32(got.HealthyThresholdCount), num(t, hc, "healthyThreshold"))
			same(t, "unhealthy threshold", aws.ToInt32(got.UnhealthyThresholdCount), num(t, hc, "unhealthyThreshold"))
			same(t, "matcher", aws.ToString(got.Matcher.HttpCode), str(t, hc, "matcher"))
			same(t, "vpc", aws.ToString(got.VpcId), m.of(t, str(t, tg.Inputs, "vpcId")))
			attrs, err := p.ELB.DescribeTargetGroupAttributes(ctx, &elbv2.DescribeTargetGroupAttributesInput{
				TargetGroupArn: aws.String(lb.TargetGroupArn)})
			check(t, "DescribeTargetGroupAttributes", err)
			same(t, "deregistration delay", attribute(attrs.Attributes, "deregistration_delay.timeout_seconds"),
				strconv.Itoa(int(num(t, tg.Inputs, "deregistrationDelay"))))

			rendered := r.OfType("aws:lb/listener:Listener")
			listeners, err := p.ELB.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: aws.String(lb.Arn)})
			check(t, "DescribeListeners", err)
			if len(listeners.Listeners) != len(rendered) {
				t.Fatalf("moto holds %d listeners, the stack renders %d", len(listeners.Listeners), len(rendered))
			}
			for _, l := range rendered {
				port := num(t, l.Inputs, "port")
				var got *elbtypes.Listener
				for i := range listeners.Listeners {
					if aws.ToInt32(listeners.Listeners[i].Port) == port {
						got = &listeners.Listeners[i]
					}
				}
				if got == nil {
					t.Fatalf("listener %s: no listener on port %d in moto", l.Name, port)
				}
				same(t, l.Name+" protocol", string(got.Protocol), str(t, l.Inputs, "protocol"))
				// moto gives plain HTTP listeners a default SSL policy; ELB gives them none.
				if policy := optStr(l.Inputs, "sslPolicy"); policy != "" {
					same(t, l.Name+" ssl policy", aws.ToString(got.SslPolicy), policy)
				}
				if cert := optStr(l.Inputs, "certificateArn"); cert != "" {
					if len(got.Certificates) != 1 || aws.ToString(got.Certificates[0].CertificateArn) != m.of(t, cert) {
						t.Errorf("%s certificates = %+v", l.Name, got.Certificates)
					}
				}
				want := actions(t, l.Inputs, m)
				if len(got.DefaultActions) != len(want) {
					t.Fatalf("%s: %d default actions, want %d", l.Name, len(got.DefaultActions), len(want))
				}
				for i, w := range want {
					a := got.DefaultActions[i]
					same(t, l.Name+" action", string(a.Type), string(w.Type))
					if w.TargetGroupArn != nil {
						same(t, l.Name+" forwards to", aws.ToString(a.TargetGroupArn), aws.ToString(w.TargetGroupArn))
					}
					if w.RedirectConfig != nil {
						rc := a.RedirectConfig
						if rc == nil {
							t.Fatalf("%s: redirect without its configuration", l.Name)
						}
						same(t, l.Name+" redirect protocol", aws.ToString(rc.Protocol), aws.ToString(w.RedirectConfig.Protocol))
						same(t, l.Name+" redirect port", aws.ToString(rc.Port), aws.ToString(w.RedirectConfig.Port))
						same(t, l.Name+" redirect status", string(rc.StatusCode), string(w.RedirectConfig.StatusCode))
					}
				}
			}
		})
	}
}

func TestMotoRefusesTargetGroupSettingsELBRefuses(t *testing.T) {
	// The settings test above means something only where moto checks: these are
	// values ELBv2 refuses, and so does moto. (Its matcher check reads only a
	// prefix: "2xx" passes it.)
	p := sharedPeer(t)
	r := render(t, "staging")
	m := ids{}
	createNetwork(t, p, r, m)
	vpc := m.of(t, str(t, one(t, r, "aws:lb/targetGroup:TargetGroup", "target-group").Inputs, "vpcId"))
	bad := map[string]func(*elbv2.CreateTargetGroupInput){
		"matcher abc":                 func(in *elbv2.CreateTargetGroupInput) { in.Matcher = &elbtypes.Matcher{HttpCode: aws.String("abc")} },
		"health check protocol HTTPX": func(in *elbv2.CreateTargetGroupInput) { in.HealthCheckProtocol = "HTTPX" },
		"name of 33 characters":       func(in *elbv2.CreateTargetGroupInput) { in.Name = aws.String(strings.Repeat("t", 33)) },
		"name with --":                func(in *elbv2.CreateTargetGroupInput) { in.Name = aws.String("tg--bad") },
	}
	for what, change := range bad {
		in := &elbv2.CreateTargetGroupInput{Name: aws.String("tg-refused"), Protocol: elbtypes.ProtocolEnumHttps,
			Port: aws.Int32(8443), VpcId: aws.String(vpc), TargetType: elbtypes.TargetTypeEnumIp}
		change(in)
		if _, err := p.ELB.CreateTargetGroup(context.Background(), in); err == nil {
			t.Errorf("moto took a target group with %s: it does not check what this suite relies on", what)
		}
	}
}

func attribute(attrs []elbtypes.TargetGroupAttribute, key string) string {
	for _, a := range attrs {
		if aws.ToString(a.Key) == key {
			return aws.ToString(a.Value)
		}
	}
	return ""
}

func same[T comparable](t testing.TB, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: moto holds %v, the stack renders %v", what, got, want)
	}
}
