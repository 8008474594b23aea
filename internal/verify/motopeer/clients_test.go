//go:build e2e

package motopeer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// peerCredentials are what the suite signs with; moto accepts any until IAM
// authentication is switched on.
var peerCredentials = credentials.NewStaticCredentialsProvider("AKIAMOTOPEERTESTKEY1", "moto-peer-secret", "")

// peer holds SDK clients pointed at one moto server, through wireFix.
type peer struct {
	*moto
	Endpoint string // what clients and verify talk to: wireFix in front of moto
	fix      *httptest.Server
	region   string
	ECS      *ecs.Client
	ELB      *elbv2.Client
	IAM      *iam.Client
	ACM      *acm.Client
	EC2      *ec2Query
}

// newPeer points clients at m; the test closes the peer (startPeer does).
func newPeer(m *moto, region string) *peer {
	fix := wireFix(m.URL)
	cfg := aws.Config{Region: region, Credentials: peerCredentials, BaseEndpoint: aws.String(fix.URL),
		RetryMaxAttempts: 2}
	return &peer{moto: m, Endpoint: fix.URL, fix: fix, region: region,
		ECS: ecs.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg), IAM: iam.NewFromConfig(cfg),
		ACM: acm.NewFromConfig(cfg), EC2: &ec2Query{endpoint: fix.URL, region: region}}
}

// startPeer starts a moto of the test's own, with extra environment.
func startPeer(t testing.TB, env ...string) *peer {
	t.Helper()
	p := newPeer(startMoto(t, env...), "us-east-1")
	t.Cleanup(p.fix.Close)
	return p
}

// ec2Query makes the few EC2 calls a deploy's network needs (a VPC, subnets,
// security groups) over EC2's query protocol. The SDK's ec2 package would do
// it too, but adds 2.5 minutes and 3.5 GB to a cold build on 2 cores
// (measured) for three calls in one test package.
type ec2Query struct{ endpoint, region string }

// call signs and posts one action; out receives the XML answer.
func (c *ec2Query) call(t testing.TB, action string, params url.Values, out any) {
	t.Helper()
	params.Set("Action", action)
	params.Set("Version", "2016-11-15")
	body := []byte(params.Encode())
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, c.endpoint+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256(body)
	creds, _ := peerCredentials.Retrieve(context.Background())
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "ec2", c.region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("EC2 %s: %v", action, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("EC2 %s: %s\n%s", action, resp.Status, b)
	}
	if err := xml.Unmarshal(b, out); err != nil {
		t.Fatalf("EC2 %s: %v\n%s", action, err, b)
	}
}

func (c *ec2Query) createVpc(t testing.TB, cidr string) string {
	var out struct {
		ID string `xml:"vpc>vpcId"`
	}
	c.call(t, "CreateVpc", url.Values{"CidrBlock": {cidr}}, &out)
	return out.ID
}

func (c *ec2Query) createSubnet(t testing.TB, vpc, cidr, az string) string {
	var out struct {
		ID string `xml:"subnet>subnetId"`
	}
	c.call(t, "CreateSubnet", url.Values{"VpcId": {vpc}, "CidrBlock": {cidr}, "AvailabilityZone": {az}}, &out)
	return out.ID
}

func (c *ec2Query) modifyVpcAttribute(t testing.TB, vpc, attribute string, value bool) {
	var out struct{} // EC2 answers true; moto answers nothing
	c.call(t, "ModifyVpcAttribute", url.Values{"VpcId": {vpc}, attribute + ".Value": {strconv.FormatBool(value)}}, &out)
}

func (c *ec2Query) createSecurityGroup(t testing.TB, vpc, name, description string) string {
	var out struct {
		ID string `xml:"groupId"`
	}
	c.call(t, "CreateSecurityGroup", url.Values{"VpcId": {vpc}, "GroupName": {name},
		"GroupDescription": {description}}, &out)
	return out.ID
}

// check fails the test on an SDK error, naming the call.
func check(t testing.TB, call string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", call, err)
	}
}
