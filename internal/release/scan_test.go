package release

import (
	"strings"
	"testing"
)

func TestScanStepReadsEachAnswerOfTheECRScan(t *testing.T) {
	const notFound = "An error occurred (ScanNotFoundException) when calling the DescribeImageScanFindings operation: Image scan does not exist"
	cases := []struct {
		name, call  string
		exit        int
		stdout      string
		stderr      string
		started     bool
		next        string
		critical    int
		errorSaying string
	}{
		{"no scan yet: start one", "describe", 254, "", notFound, false, ScanStart, 0, ""},
		{"started, not registered yet: wait", "describe", 254, "", notFound, true, ScanWait, 0, ""},
		{"basic scan running", "describe", 0, `{"imageScanStatus":{"status":"IN_PROGRESS"}}`, "", false, ScanWait, 0, ""},
		{"enhanced scan pending", "describe", 0, `{"imageScanStatus":{"status":"PENDING"}}`, "", false, ScanWait, 0, ""},
		{"basic scan complete", "describe", 0, `{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{"findingSeverityCounts":{"CRITICAL":2,"HIGH":5}}}`, "", false, ScanDone, 2, ""},
		{"complete, no findings", "describe", 0, `{"imageScanStatus":{"status":"COMPLETE"},"imageScanFindings":{}}`, "", false, ScanDone, 0, ""},
		{"enhanced: ACTIVE before its first scan", "describe", 0, `{"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{}}`, "", false, ScanWait, 0, ""},
		{"enhanced: ACTIVE once scanned", "describe", 0, `{"imageScanStatus":{"status":"ACTIVE"},"imageScanFindings":{"imageScanCompletedAt":"2026-05-01T12:00:00Z","findingSeverityCounts":{"CRITICAL":1}}}`, "", false, ScanDone, 1, ""},
		{"unsupported image", "describe", 0, `{"imageScanStatus":{"status":"UNSUPPORTED_IMAGE","description":"The operating system is not supported"}}`, "", false, ScanUnscanned, 0, ""},
		{"scan failed", "describe", 0, `{"imageScanStatus":{"status":"FAILED"}}`, "", false, ScanUnscanned, 0, ""},
		{"AccessDenied is never 'no scan'", "describe", 254, "", "An error occurred (AccessDeniedException) when calling the DescribeImageScanFindings operation", false, "", 0, "not the same as \"no scan\""},
		{"throttling is never 'no scan'", "describe", 254, "", "An error occurred (ThrottlingException): Rate exceeded", false, "", 0, "ThrottlingException"},
		{"a status nobody knows", "describe", 0, `{"imageScanStatus":{"status":"SOMETHING_NEW"}}`, "", false, "", 0, `"SOMETHING_NEW"`},
		{"started", "start", 0, `{}`, "", false, ScanWait, 0, ""},
		{"start: scanned on push already", "start", 254, "", "An error occurred (LimitExceededException)", false, ScanWait, 0, ""},
		{"start under enhanced scanning", "start", 254, "", "An error occurred (ValidationException): basic scans are disabled", false, ScanWait, 0, ""},
		{"start: unsupported image", "start", 254, "", "An error occurred (UnsupportedImageTypeException)", false, ScanUnscanned, 0, ""},
		{"start: AccessDenied", "start", 254, "", "An error occurred (AccessDeniedException)", false, "", 0, "AccessDeniedException"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := ScanStep(c.call, c.exit, []byte(c.stdout), []byte(c.stderr), c.started)
			if c.errorSaying != "" {
				if err == nil || !strings.Contains(err.Error(), c.errorSaying) {
					t.Fatalf("want an error saying %q, got %+v %v", c.errorSaying, v, err)
				}
				return
			}
			if err != nil || v.Next != c.next || v.Critical != c.critical {
				t.Fatalf("got %+v %v, want next %s critical %d", v, err, c.next, c.critical)
			}
		})
	}
}
