// Package render turns one offline run of a stack (internal/offline) into what a
// reviewer reads: a plan like `pulumi preview` prints, the same data in the shape
// of `pulumi preview --json`, a diff between two such JSON renders that flags
// replacements and downtime, and the deploy-time estimate for the stack's settings.
package render
