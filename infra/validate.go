package infra

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Ranges AWS enforces (its API references; internal/awsrules checks the same
// values against the provider's rules), and the few bounds this program adds, as
// named constants. Checking them here turns a half-applied `pulumi up` into one
// clear message before anything is created.
const (
	minThreshold, maxThreshold     = 2, 10    // target group healthy/unhealthy
	minHCTimeout, maxHCTimeout     = 2, 120   // target group health check timeout
	minHCInterval, maxHCInterval   = 5, 300   // target group health check interval
	maxHealthCheckPathLen          = 1024     // target group health check path
	minMatcherCode, maxMatcherCode = 200, 499 // HTTP(S) success codes
	maxDeregistrationDelay         = 3600
	maxGracePeriod                 = 2147483647 // ECS healthCheckGracePeriodSeconds
	minIdleTimeout, maxIdleTimeout = 1, 4000
	maxStopTimeout                 = 120 // Fargate's limit
	minCHCInterval, maxCHCInterval = 5, 300
	minCHCTimeout, maxCHCTimeout   = 2, 60
	minCHCRetries, maxCHCRetries   = 1, 10
	maxCHCStartPeriod              = 300
	maxDesiredCount                = 5000 // ECS tasks per service
	minMaxPercent, maxMaxPercent   = 100, 200
	maxTaskStartupSeconds          = 3600
	maxECRKeepTaggedImages         = 1000
	maxECRUntaggedExpiryDays       = 3650
	minVpcPrefix, maxVpcPrefix     = 16, 24 // room for public and private subnets per AZ
	minAvailabilityZones           = 2      // ELB.13

	// MaxServiceNameLen is the longest webservice:serviceName (and bootstrap's):
	// physical names, IAM policies and the access-log bucket prefix are sized
	// for it.
	MaxServiceNameLen = 32

	// ProductionStack is the stack name that may never serve plain HTTP.
	ProductionStack = "production"
)

// logRetentionDays are the values CloudWatch Logs accepts for retentionInDays.
var logRetentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
	1096, 1827, 2192, 2557, 2922, 3288, 3653}

var (
	serviceNameRe = regexp.MustCompile(`^[a-z][a-z0-9-]*[a-z0-9]$`)
	accountRe     = regexp.MustCompile(`^[0-9]{12}$`)
	imageTagRe    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestRe      = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
	uidRe         = regexp.MustCompile(`^[0-9]+(:[0-9]+)?$`)
	policyArnRe   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):policy/[\w+=,.@/-]+$`)
	certArnRe     = regexp.MustCompile(`^arn:aws[a-z-]*:acm:([a-z0-9-]+):([0-9]{12}):certificate/[0-9a-f-]{36}$`)
	azRe          = regexp.MustCompile(`^[a-z]{2}(-gov)?-[a-z]+-[0-9]+[a-z]$`)
	vpcIDRe       = regexp.MustCompile(`^vpc-[0-9a-f]{8}([0-9a-f]{9})?$`)
	subnetIDRe    = regexp.MustCompile(`^subnet-[0-9a-f]{8}([0-9a-f]{9})?$`)
	healthPathRe  = regexp.MustCompile(`^/[A-Za-z0-9/_.~%!$&'()*+,;=:@-]*$`)
)

// Validate checks every field and every rule between fields, and returns a
// *ConfigError naming each key that is wrong, the value and what is allowed.
func (c *Config) Validate() error {
	var p problems
	c.validateIdentity(&p)
	c.validateImage(&p)
	c.validateTask(&p)
	c.validateDeployment(&p)
	c.validateHealthCheck(&p)
	c.validateListeners(&p)
	c.validateRetention(&p)
	c.validateNetwork(&p)
	c.validateAppConfig(&p)
	c.validateOperations(&p)
	c.validatePromotion(&p)
	c.validatePlaceholders(&p)
	p.perKey()
	return p.err(c.Stack)
}

// perKey folds the problems of one key into its first, in the order found: a
// value refused for two reasons (malformed, and a placeholder) is one value to
// fix, and the summary's count is the number of keys to fix.
func (p *problems) perKey() {
	var out []*FieldError
	first := map[string]*FieldError{}
	seen := map[[3]string]bool{}
	for _, f := range p.fields {
		if seen[[3]string{f.Key, f.Value, f.Want}] {
			continue
		}
		seen[[3]string{f.Key, f.Value, f.Want}] = true
		head, ok := first[f.Key]
		switch {
		case !ok:
			g := *f
			first[f.Key] = &g
			out = append(out, &g)
		case f.Value == head.Value:
			head.Want += "; and " + f.Want
		default:
			head.Want += fmt.Sprintf("; got %s, want %s", quoteValue(f.Value), f.Want)
		}
	}
	p.fields = out
}

func (c *Config) validateIdentity(p *problems) {
	switch {
	case c.Region == "":
		p.add(RegionKey, "", "an AWS region, e.g. us-east-1 (pulumi config set aws:region us-east-1)")
	case RegionProblem(c.Region) != "":
		p.add(RegionKey, c.Region, RegionProblem(c.Region))
	}
	if c.AccountID != "" && !accountRe.MatchString(c.AccountID) {
		p.add(key("accountId"), c.AccountID, "a 12-digit AWS account id, or unset")
	}
	if c.PermissionsBoundaryArn != "" {
		m := policyArnRe.FindStringSubmatch(c.PermissionsBoundaryArn)
		switch {
		case m == nil:
			p.add(key("permissionsBoundaryArn"), c.PermissionsBoundaryArn,
				"an IAM policy ARN, arn:aws:iam::<account>:policy/<name> (the bootstrap output permissionsBoundaryArn)")
		case c.AccountID != "" && m[1] != c.AccountID:
			p.add(key("permissionsBoundaryArn"), c.PermissionsBoundaryArn, "a policy in webservice:accountId "+c.AccountID)
		}
	}
	if len(c.ServiceName) > MaxServiceNameLen || len(c.ServiceName) < 2 || !serviceNameRe.MatchString(c.ServiceName) {
		p.addf(key("serviceName"), c.ServiceName,
			"2-%d lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen",
			MaxServiceNameLen)
	}
	if sanitizeName(c.Stack) == "" {
		p.add("stack name", c.Stack, "at least one letter or digit")
	}
}

func (c *Config) validateImage(p *problems) {
	if c.ImageTag != "" && !imageTagRe.MatchString(c.ImageTag) {
		p.add(key("imageTag"), c.ImageTag,
			"a Docker tag: up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'")
	}
	if c.ImageDigest != "" && !digestRe.MatchString(c.ImageDigest) {
		p.add(key("imageDigest"), c.ImageDigest, "sha256: followed by 64 lower-case hex digits")
	}
}

func (c *Config) validateTask(p *problems) {
	checkRange(p, "containerPort", c.ContainerPort, 1, 65535)
	if !uidRe.MatchString(c.ContainerUser) {
		p.add(key("containerUser"), c.ContainerUser, "a numeric uid or uid:gid (ECS.20: never a user name the image could map to root)")
	} else if uid, _ := strconv.Atoi(strings.SplitN(c.ContainerUser, ":", 2)[0]); uid == 0 {
		p.add(key("containerUser"), c.ContainerUser, "a non-root uid (not 0): ECS.20 forbids running as root")
	}
	if _, ok := fargateMemory[c.CPU]; !ok {
		p.add(key("cpu"), strconv.Itoa(c.CPU), "a Fargate CPU size: "+intList(fargateCPUs()))
	} else if ok, want := fargateMemoryValid(c.CPU, c.Memory); !ok {
		p.add(key("memory"), strconv.Itoa(c.Memory), want)
	}
	checkEnum(p, "cpuArchitecture", c.CPUArchitecture, "X86_64", "ARM64")
	checkRange(p, "stopTimeout", c.StopTimeout, 1, maxStopTimeout)
	checkRange(p, "taskStartupSeconds", c.TaskStartupSeconds, 1, maxTaskStartupSeconds)

	if len(c.ContainerHealthCheckCommand) > 0 {
		cmd := c.ContainerHealthCheckCommand
		if len(cmd) < 2 || (cmd[0] != "CMD" && cmd[0] != "CMD-SHELL") {
			p.add(key("containerHealthCheckCommand"), fmt.Sprintf("%q", cmd),
				`a command starting with "CMD" or "CMD-SHELL", e.g. ["CMD", "/app/server", "healthcheck"]`)
		}
		checkRange(p, "containerHealthCheckInterval", c.ContainerHealthCheckInterval, minCHCInterval, maxCHCInterval)
		checkRange(p, "containerHealthCheckTimeout", c.ContainerHealthCheckTimeout, minCHCTimeout, maxCHCTimeout)
		checkRange(p, "containerHealthCheckRetries", c.ContainerHealthCheckRetries, minCHCRetries, maxCHCRetries)
		checkRange(p, "containerHealthCheckStartPeriod", c.ContainerHealthCheckStartPeriod, 0, maxCHCStartPeriod)
	}
}

func (c *Config) validateDeployment(p *problems) {
	okCount := checkRange(p, "desiredCount", c.DesiredCount, 1, maxDesiredCount)
	okMin := checkRange(p, "deploymentMinimumHealthyPercent", c.DeploymentMinimumHealthyPercent, 0, 100)
	okMax := checkRange(p, "deploymentMaximumPercent", c.DeploymentMaximumPercent, minMaxPercent, maxMaxPercent)
	if okCount && okMin && okMax {
		if e := EstimateDeploy(c); e.Headroom < 1 {
			p.add(key("deploymentMaximumPercent"), strconv.Itoa(c.DeploymentMaximumPercent), fmt.Sprintf(
				"room for at least one task to start or stop: with desiredCount %d and deploymentMinimumHealthyPercent %d, "+
					"floor(max%% x %d / 100) - ceil(%d x %d / 100) is %d, so the rolling update could never progress",
				c.DesiredCount, c.DeploymentMinimumHealthyPercent, c.DesiredCount,
				c.DeploymentMinimumHealthyPercent, c.DesiredCount, e.Headroom))
		}
	}
	checkRange(p, "healthCheckGracePeriod", c.HealthCheckGracePeriod, 0, maxGracePeriod)
	checkRange(p, "deregistrationDelay", c.DeregistrationDelay, 0, maxDeregistrationDelay)
}

func (c *Config) validateHealthCheck(p *problems) {
	switch {
	case !strings.HasPrefix(c.HealthCheckPath, "/"):
		p.add(key("healthCheckPath"), c.HealthCheckPath, "a path starting with /")
	case len(c.HealthCheckPath) > maxHealthCheckPathLen:
		p.addf(key("healthCheckPath"), c.HealthCheckPath, "at most %d characters", maxHealthCheckPathLen)
	case !healthPathRe.MatchString(c.HealthCheckPath):
		p.add(key("healthCheckPath"), c.HealthCheckPath, "a URL path without spaces, '?' or '#'")
	}
	checkEnum(p, "healthCheckProtocol", c.HealthCheckProtocol, "HTTP", "HTTPS")
	checkEnum(p, "targetProtocol", c.TargetProtocol, "HTTP", "HTTPS")
	checkRange(p, "healthyThreshold", c.HealthyThreshold, minThreshold, maxThreshold)
	checkRange(p, "unhealthyThreshold", c.UnhealthyThreshold, minThreshold, maxThreshold)
	okTimeout := checkRange(p, "healthCheckTimeout", c.HealthCheckTimeout, minHCTimeout, maxHCTimeout)
	okInterval := checkRange(p, "healthCheckInterval", c.HealthCheckInterval, minHCInterval, maxHCInterval)
	if okTimeout && okInterval && c.HealthCheckTimeout >= c.HealthCheckInterval {
		p.addf(key("healthCheckTimeout"), c.HealthCheckTimeout,
			"less than webservice:healthCheckInterval (%d): AWS rejects a timeout that is not shorter than the interval",
			c.HealthCheckInterval)
	}
	if reason := matcherProblem(c.HealthCheckMatcher); reason != "" {
		p.add(key("healthCheckMatcher"), c.HealthCheckMatcher,
			`codes 200-499 written as "200", "200,202" or "200-299"`+reason)
	}
}

// matcherProblem returns "" for a valid ALB success-code matcher, otherwise a
// short reason to append to the message.
func matcherProblem(m string) string {
	code := func(s string) (int, bool) {
		n, err := strconv.Atoi(s)
		return n, err == nil && len(s) == 3 && n >= minMatcherCode && n <= maxMatcherCode
	}
	if lo, hi, isRange := strings.Cut(m, "-"); isRange {
		a, okA := code(lo)
		b, okB := code(hi)
		switch {
		case !okA || !okB:
			return " (each end of a range must be a code 200-499)"
		case a > b:
			return fmt.Sprintf(" (the range %d-%d runs backwards)", a, b)
		}
		return ""
	}
	for _, part := range strings.Split(m, ",") {
		if _, ok := code(part); !ok {
			return fmt.Sprintf(" (%q is not a code 200-499)", part)
		}
	}
	return ""
}

func (c *Config) validateListeners(p *problems) {
	checkRange(p, "idleTimeout", c.IdleTimeout, minIdleTimeout, maxIdleTimeout)
	if c.CertificateArn != "" {
		m := certArnRe.FindStringSubmatch(c.CertificateArn)
		switch {
		case m == nil:
			p.add(key("certificateArn"), c.CertificateArn,
				"an ACM certificate ARN, arn:aws:acm:<region>:<account>:certificate/<uuid>")
		case c.Region != "" && m[1] != c.Region:
			p.add(key("certificateArn"), c.CertificateArn, fmt.Sprintf(
				"a certificate in the stack's region %s (an ALB can only use ACM certificates from its own region)",
				c.Region))
		case c.AccountID != "" && m[2] != c.AccountID:
			p.add(key("certificateArn"), c.CertificateArn, fmt.Sprintf(
				"a certificate in webservice:accountId %s", c.AccountID))
		}
		if c.AllowHTTPOnly {
			p.add(key("allowHttpOnly"), "true",
				"unset when webservice:certificateArn is set: the two exclude each other")
		}
		return
	}
	switch {
	case c.Stack == ProductionStack && c.AllowHTTPOnly:
		p.add(key("allowHttpOnly"), "true",
			"false on the production stack: production always serves HTTPS (set webservice:certificateArn)")
	case c.Stack == ProductionStack:
		p.add(key("certificateArn"), "",
			"an ACM certificate ARN: the production stack always serves HTTPS")
	case !c.AllowHTTPOnly:
		p.add(key("certificateArn"), "", "an ACM certificate ARN for the HTTPS listener, "+
			"or webservice:allowHttpOnly=true to serve plain HTTP on this non-production stack")
	}
}

func (c *Config) validateRetention(p *problems) {
	if !slices.Contains(logRetentionDays, c.LogRetentionDays) {
		p.add(key("logRetentionDays"), strconv.Itoa(c.LogRetentionDays),
			"one of CloudWatch's retention periods: "+intList(logRetentionDays))
	}
	checkRange(p, "ecrKeepTaggedImages", c.ECRKeepTaggedImages, 1, maxECRKeepTaggedImages)
	checkRange(p, "ecrUntaggedExpiryDays", c.ECRUntaggedExpiryDays, 1, maxECRUntaggedExpiryDays)
}

func (c *Config) validateNetwork(p *problems) {
	given := 0
	for _, set := range []bool{c.VpcID != "", len(c.PublicSubnetIDs) > 0, len(c.PrivateSubnetIDs) > 0} {
		if set {
			given++
		}
	}
	if given > 0 && given < 3 {
		missing := []string{}
		if c.VpcID == "" {
			missing = append(missing, key("vpcId"))
		}
		if len(c.PublicSubnetIDs) == 0 {
			missing = append(missing, key("publicSubnetIds"))
		}
		if len(c.PrivateSubnetIDs) == 0 {
			missing = append(missing, key("privateSubnetIds"))
		}
		for _, k := range missing {
			p.add(k, "", "set too: an existing VPC needs vpcId, publicSubnetIds and privateSubnetIds together")
		}
	}
	if given > 0 {
		c.validateExistingVpc(p)
		return
	}

	prefix, err := netip.ParsePrefix(c.VpcCidr)
	switch {
	case err != nil || !prefix.Addr().Is4():
		p.add(key("vpcCidr"), c.VpcCidr, "an IPv4 CIDR block such as 10.0.0.0/16")
	case prefix.Bits() < minVpcPrefix || prefix.Bits() > maxVpcPrefix:
		p.addf(key("vpcCidr"), c.VpcCidr, "a prefix length from /%d to /%d", minVpcPrefix, maxVpcPrefix)
	case prefix.Masked() != prefix:
		p.addf(key("vpcCidr"), c.VpcCidr, "a network address (did you mean %s?)", prefix.Masked())
	}
	checkEnum(p, "natGateways", c.NatGateways, "Single", "OnePerAz")
	if len(c.AvailabilityZones) > 0 {
		azs := c.AvailabilityZones
		if len(azs) < minAvailabilityZones {
			p.addf(key("availabilityZones"), fmt.Sprintf("%q", azs),
				"at least %d zones (ELB.13: the ALB and the service span two or more AZs)", minAvailabilityZones)
		}
		if dup := firstDuplicate(azs); dup != "" {
			p.add(key("availabilityZones"), fmt.Sprintf("%q", azs), "distinct zones ("+dup+" is repeated)")
		}
		for _, az := range azs {
			switch {
			case RegionProblem(c.Region) == "" && (!azRe.MatchString(az) || !strings.HasPrefix(az, c.Region)):
				p.add(key("availabilityZones"), az, fmt.Sprintf("a zone of region %s, e.g. %sa", c.Region, c.Region))
			case !azRe.MatchString(az):
				// aws:region is refused already; only the zone's form can be judged.
				p.add(key("availabilityZones"), az, "an availability zone name such as us-east-1a")
			}
		}
	}
}

func (c *Config) validateExistingVpc(p *problems) {
	if c.VpcID != "" && !vpcIDRe.MatchString(c.VpcID) {
		p.add(key("vpcId"), c.VpcID, "a VPC id such as vpc-0123456789abcdef0")
	}
	for _, list := range []struct {
		name string
		ids  []string
	}{{"publicSubnetIds", c.PublicSubnetIDs}, {"privateSubnetIds", c.PrivateSubnetIDs}} {
		if len(list.ids) == 0 {
			continue
		}
		if len(list.ids) < minAvailabilityZones {
			p.addf(key(list.name), fmt.Sprintf("%q", list.ids),
				"at least %d subnets in different AZs (ELB.13)", minAvailabilityZones)
		}
		if dup := firstDuplicate(list.ids); dup != "" {
			p.add(key(list.name), fmt.Sprintf("%q", list.ids), "distinct subnets ("+dup+" is repeated)")
		}
		for _, id := range list.ids {
			if !subnetIDRe.MatchString(id) {
				p.add(key(list.name), id, "a subnet id such as subnet-0123456789abcdef0")
			}
		}
	}
	for _, id := range c.PublicSubnetIDs {
		if slices.Contains(c.PrivateSubnetIDs, id) {
			p.add(key("privateSubnetIds"), id,
				"subnets not also listed in webservice:publicSubnetIds: tasks must not share the ALB's public subnets (ECS.2)")
		}
	}
}

func firstDuplicate(xs []string) string {
	seen := map[string]bool{}
	for _, x := range xs {
		if seen[x] {
			return x
		}
		seen[x] = true
	}
	return ""
}

// checkRange records a problem unless lo <= v <= hi, and reports whether v passed.
func checkRange(p *problems, name string, v, lo, hi int) bool {
	if v < lo || v > hi {
		p.addf(key(name), v, "%d-%d", lo, hi)
		return false
	}
	return true
}

// checkEnum records a problem unless v is one of allowed (case-sensitive, as AWS is).
func checkEnum(p *problems, name, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		p.add(key(name), v, "one of "+strings.Join(allowed, ", "))
	}
}
