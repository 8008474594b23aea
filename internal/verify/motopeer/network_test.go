//go:build e2e

package motopeer

import (
	"fmt"
	"math/bits"
	"net/netip"
	"strings"
	"testing"

	"github.com/example/webservice/internal/offline"
)

// ids maps what a render made up (vpc-..., subnet-..., ARNs) to what moto
// created in its place, so every later input can be passed through it.
type ids map[string]string

func (m ids) of(t testing.TB, rendered string) string {
	t.Helper()
	v, ok := m[rendered]
	if !ok {
		t.Fatalf("nothing in moto stands for rendered id %q", rendered)
	}
	return v
}

func (m ids) all(t testing.TB, rendered []string) []string {
	t.Helper()
	out := make([]string, len(rendered))
	for i, r := range rendered {
		out[i] = m.of(t, r)
	}
	return out
}

// createNetwork makes the stack's VPC (awsx's component: one public and one
// private subnet per named AZ) and its security groups.
func createNetwork(t testing.TB, p *peer, r *offline.Result, m ids) {
	t.Helper()
	vpc := only(t, r, "awsx:ec2:Vpc")
	cidr := str(t, vpc.Inputs, "cidrBlock")
	azs := strs(t, vpc.Inputs, "availabilityZoneNames")
	vpcID := p.EC2.createVpc(t, cidr)
	m[str(t, vpc.Outputs, "vpcId")] = vpcID
	// EC2 takes one attribute per call. (moto names a task's ENI only in a VPC
	// with DNS host names, as the stack's has.)
	for _, attr := range []string{"EnableDnsSupport", "EnableDnsHostnames"} {
		key := strings.ToLower(attr[:1]) + attr[1:]
		if v, ok := vpc.Inputs[key].(bool); ok {
			p.EC2.modifyVpcAttribute(t, vpcID, attr, v)
		}
	}
	public, private := strs(t, vpc.Outputs, "publicSubnetIds"), strs(t, vpc.Outputs, "privateSubnetIds")
	if len(public) != len(azs) || len(private) != len(azs) {
		t.Fatalf("vpc: %d public and %d private subnets for %d AZs", len(public), len(private), len(azs))
	}
	for i, az := range azs {
		m[public[i]] = p.EC2.createSubnet(t, vpcID, subnetCIDR(t, cidr, i, 2*len(azs)), az)
		m[private[i]] = p.EC2.createSubnet(t, vpcID, subnetCIDR(t, cidr, len(azs)+i, 2*len(azs)), az)
	}
	for _, sg := range r.OfType("aws:ec2/securityGroup:SecurityGroup") {
		m[sg.ID] = p.EC2.createSecurityGroup(t, m.of(t, str(t, sg.Inputs, "vpcId")),
			fmt.Sprintf("%s-%s", str(t, sg.Outputs, "name"), r.Stack), str(t, sg.Inputs, "description"))
	}
}

// subnetCIDR is the i-th of n equal parts of cidr.
func subnetCIDR(t testing.TB, cidr string, i, n int) string {
	t.Helper()
	prefix := netip.MustParsePrefix(cidr)
	extra := bits.Len(uint(n - 1))
	size := prefix.Bits() + extra
	if size > 28 {
		t.Fatalf("%s cannot hold %d subnets", cidr, n)
	}
	a := prefix.Addr().As4()
	base := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	base += uint32(i) << (32 - size)
	addr := netip.AddrFrom4([4]byte{byte(base >> 24), byte(base >> 16), byte(base >> 8), byte(base)})
	return netip.PrefixFrom(addr, size).String()
}
