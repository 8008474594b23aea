package infra

import (
	"fmt"
	"strconv"
)

// Bounds of the operations settings (alarms, autoscaling, access logs, WAF).
const (
	maxAlarm5xxThreshold           = 100000
	minAlarmEvalPeriods            = 1
	maxAlarmEvalPeriods            = 10
	minAlarmPeriod, maxAlarmPeriod = 60, 3600 // ALB metrics have 1-minute resolution
	minCPUTarget, maxCPUTarget     = 10, 90
	maxRequestsPerTarget           = 100000
	maxAccessLogsRetentionDays     = 3650
)

func (c *Config) validateOperations(p *problems) {
	// The alarms exist whether or not deployments watch them (alarms.go).
	{
		checkRange(p, "alarm5xxThreshold", c.Alarm5xxThreshold, 1, maxAlarm5xxThreshold)
		checkRange(p, "alarmEvaluationPeriods", c.AlarmEvaluationPeriods, minAlarmEvalPeriods, maxAlarmEvalPeriods)
		if checkRange(p, "alarmPeriodSeconds", c.AlarmPeriodSeconds, minAlarmPeriod, maxAlarmPeriod) &&
			c.AlarmPeriodSeconds%60 != 0 {
			p.add(key("alarmPeriodSeconds"), strconv.Itoa(c.AlarmPeriodSeconds),
				"a multiple of 60: ALB metrics are reported once a minute")
		}
	}

	switch {
	case c.AutoscalingMaxCount == 0 && c.AutoscalingMinCount != 0:
		p.add(key("autoscalingMaxCount"), "0",
			"a maximum of at least webservice:autoscalingMinCount, or set both to 0 to turn autoscaling off")
	case c.Autoscaling():
		okMin := checkRange(p, "autoscalingMinCount", c.AutoscalingMinCount, 1, maxDesiredCount)
		okMax := checkRange(p, "autoscalingMaxCount", c.AutoscalingMaxCount, 1, maxDesiredCount)
		if okMin && okMax {
			if c.AutoscalingMinCount > c.AutoscalingMaxCount {
				p.add(key("autoscalingMinCount"), strconv.Itoa(c.AutoscalingMinCount),
					"at most webservice:autoscalingMaxCount ("+strconv.Itoa(c.AutoscalingMaxCount)+")")
			} else if c.DesiredCount < c.AutoscalingMinCount || c.DesiredCount > c.AutoscalingMaxCount {
				p.add(key("desiredCount"), strconv.Itoa(c.DesiredCount), "between webservice:autoscalingMinCount ("+
					strconv.Itoa(c.AutoscalingMinCount)+") and webservice:autoscalingMaxCount ("+
					strconv.Itoa(c.AutoscalingMaxCount)+"): it is the count the service starts with")
			}
		}
		checkRange(p, "autoscalingCpuTarget", c.AutoscalingCPUTarget, minCPUTarget, maxCPUTarget)
		checkRange(p, "autoscalingRequestsPerTarget", c.AutoscalingRequestsPerTarget, 1, maxRequestsPerTarget)
	}

	if c.AccessLogs {
		checkRange(p, "accessLogsRetentionDays", c.AccessLogsRetentionDays, 1, maxAccessLogsRetentionDays)
		if c.Region != "" && !AccessLogsSupported(c.Region) {
			p.add(key("accessLogs"), "true", fmt.Sprintf("false in region %s: which principal delivers ALB access "+
				"logs there is not known to this program, so the bucket policy would be refused; add the region "+
				"to infra/accesslogs.go from the ALB guide (Enable access logs), or turn access logs off", c.Region))
		}
	}
	if c.WAF && !wafBuilt {
		p.add(key("waf"), "true", "false in this build: the WAF code is only compiled with `-tags waf` "+
			"(it adds ~70 s and ~4 GB to a cold build); run `GOFLAGS=-tags=waf pulumi up` (see docs/operations.md § WAF)")
	}
}

// WAFAvailable reports whether this binary was built with -tags waf.
func WAFAvailable() bool { return wafBuilt }
