// Package release holds the decisions of the release pipeline that must be
// right even when nobody is watching: what to do after a failed deploy
// (reconcile.go), which image staging verified for a commit (records.go),
// whether a commit may replace what staging runs (ancestry.go), when a run may
// start (queue.go), and which stack settings the pipeline reads (settings.go).
// cmd/release runs them as a built binary, so the deploy action's shell stays
// thin and every rule has a Go test.
package release
