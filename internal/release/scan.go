package release

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The ECR scan gate, one AWS CLI answer at a time: the deploy action calls
// `aws ecr describe-image-scan-findings` (and `start-image-scan` when told to)
// in a bounded loop and asks ScanStep what the answer means. `aws ecr wait
// image-scan-complete` failed at once on ScanNotFoundException (a repository
// without scan on push, a scan not registered yet) and never returned under
// enhanced scanning, whose images stay ACTIVE.

// Scan steps.
const (
	ScanWait      = "wait"      // ask again after a pause
	ScanStart     = "start"     // start a basic scan, then ask again
	ScanDone      = "done"      // the findings are final: Critical counts
	ScanUnscanned = "unscanned" // ECR cannot scan this image: the policy decides
)

// unscannable are statuses after which no findings will come for the image.
var unscannable = map[string]bool{"UNSUPPORTED_IMAGE": true, "FAILED": true, "SCAN_ELIGIBILITY_EXPIRED": true,
	"FINDINGS_UNAVAILABLE": true, "LIMIT_EXCEEDED": true, "IMAGE_ARCHIVED": true}

// ScanVerdict is what one answer means.
type ScanVerdict struct {
	Next     string
	Critical int
	Reason   string
}

// ScanStep reads the answer of call ("describe" or "start") with its exit
// status, stdout (JSON) and stderr. started says a scan was already started.
// Errors (AccessDenied, throttling, anything unknown) are never read as "no
// scan": they fail the gate.
func ScanStep(call string, exit int, stdout, stderr []byte, started bool) (ScanVerdict, error) {
	msg := strings.TrimSpace(string(stderr))
	switch call {
	case "start":
		switch {
		case exit == 0:
			return ScanVerdict{Next: ScanWait, Reason: "basic scan started"}, nil
		case strings.Contains(msg, "LimitExceededException"):
			// Scanned in the last 24 hours (on push): its findings will come.
			return ScanVerdict{Next: ScanWait, Reason: "a scan already ran in the last 24 hours"}, nil
		case strings.Contains(msg, "ValidationException"):
			// Enhanced scanning refuses basic scans: Inspector scans on its own.
			return ScanVerdict{Next: ScanWait, Reason: "the registry scans on its own (enhanced scanning): " + msg}, nil
		case strings.Contains(msg, "UnsupportedImageTypeException"):
			return ScanVerdict{Next: ScanUnscanned, Reason: "ECR cannot scan this image type: " + msg}, nil
		}
		return ScanVerdict{}, fmt.Errorf("aws ecr start-image-scan exited %d: %s", exit, msg)
	case "describe":
	default:
		return ScanVerdict{}, fmt.Errorf("-call %q: want describe or start", call)
	}
	if exit != 0 {
		if strings.Contains(msg, "ScanNotFoundException") {
			if started {
				return ScanVerdict{Next: ScanWait, Reason: "the scan is not registered yet"}, nil
			}
			return ScanVerdict{Next: ScanStart, Reason: "no scan of this image (no scan on push?)"}, nil
		}
		return ScanVerdict{}, fmt.Errorf("aws ecr describe-image-scan-findings exited %d (not the same as \"no scan\"): %s", exit, msg)
	}
	var r struct {
		Status struct {
			Status      string `json:"status"`
			Description string `json:"description"`
		} `json:"imageScanStatus"`
		Findings struct {
			CompletedAt json.RawMessage `json:"imageScanCompletedAt"`
			Counts      map[string]int  `json:"findingSeverityCounts"`
		} `json:"imageScanFindings"`
	}
	if err := json.Unmarshal(stdout, &r); err != nil {
		return ScanVerdict{}, fmt.Errorf("aws ecr describe-image-scan-findings: unreadable answer: %w", err)
	}
	status := r.Status.Status
	why := status
	if r.Status.Description != "" {
		why += ": " + r.Status.Description
	}
	completed := len(r.Findings.CompletedAt) > 0 && string(r.Findings.CompletedAt) != "null"
	switch {
	case status == "COMPLETE", status == "ACTIVE" && completed:
		// ACTIVE is enhanced (continuous) scanning: final once a scan completed.
		return ScanVerdict{Next: ScanDone, Critical: r.Findings.Counts["CRITICAL"], Reason: why}, nil
	case status == "PENDING", status == "IN_PROGRESS", status == "ACTIVE":
		return ScanVerdict{Next: ScanWait, Reason: why}, nil
	case unscannable[status]:
		return ScanVerdict{Next: ScanUnscanned, Reason: why}, nil
	}
	return ScanVerdict{}, fmt.Errorf("image scan status %q: not one this gate knows (COMPLETE, ACTIVE, PENDING, IN_PROGRESS, or one ECR cannot scan with)", why)
}
