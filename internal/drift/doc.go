// Package drift decides whether a stack has drifted: whether someone changed
// in AWS what the last `pulumi up` recorded. cmd/drift runs
// `pulumi preview --refresh --json`, which never writes the state, and reads
// it as the real CLI prints it (document.go; the fixtures in testdata/ are
// that output, recorded by tests/e2e): the recorded state of each resource is
// its refresh step's, the live one the oldState of the preview step after.
//
// A drifted property is then one of: reverted (an up after a refresh writes
// the program's value back: the preview step's diffReasons name it), kept (the
// up leaves it), or ignored (the resource's ignoreChanges covers it: the
// autoscaled desiredCount is not drift). The preview's other changes are the
// program's own, waiting for an up, and not drift. The report marks with !!
// what render -diff marks (internal/plan): a replaced or deleted live
// resource, interrupted traffic. drift issue keeps the stack's GitHub issue.
package drift
