package render

import (
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// logRecorder is the program's ctx.Log during the preview pass: the mock engine
// drops log messages, the real one turns them into the preview's diagnostics.
type logRecorder struct {
	mu    sync.Mutex
	diags []Diagnostic
}

var _ pulumi.Log = (*logRecorder)(nil)

// add keeps a message as the engine's event sink prints it: "warning: " and
// "error: " prefixes (none for info), a trailing newline. A message about no
// resource carries no URN, as the SDK sends one only for LogArgs.Resource.
func (l *logRecorder) add(severity, msg string) error {
	prefix := ""
	if severity != "info" {
		prefix = severity + ": "
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.diags = append(l.diags, Diagnostic{Message: prefix + msg + "\n", Severity: severity})
	return nil
}

// Debug messages never reach the document: the CLI leaves them out.
func (l *logRecorder) Debug(string, *pulumi.LogArgs) error { return nil }

func (l *logRecorder) Info(msg string, _ *pulumi.LogArgs) error  { return l.add("info", msg) }
func (l *logRecorder) Warn(msg string, _ *pulumi.LogArgs) error  { return l.add("warning", msg) }
func (l *logRecorder) Error(msg string, _ *pulumi.LogArgs) error { return l.add("error", msg) }

func (l *logRecorder) diagnostics() []Diagnostic {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Diagnostic(nil), l.diags...)
}
