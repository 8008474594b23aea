// Package drift decides, from what the Pulumi CLI prints, whether a stack has
// drifted: whether someone changed in AWS what the last `pulumi up` recorded.
//
// Its input is JSON in the shape `pulumi preview --json` prints (the CLI's
// preview digest, which render.Document mirrors field for field), in one of two
// forms:
//
//   - one `pulumi preview --refresh --json` (the scheduled check): its first
//     steps are the refresh's, one per resource in the state (op "refresh" when
//     AWS matches it, "update" with the refresh's diff when it does not,
//     "delete" when the resource is gone); the steps after them are the
//     preview's, against the refreshed state: what an up would change.
//   - a `pulumi refresh --preview-only --json` and a plain `pulumi preview
//     --json` (the deploy's check): the plain preview is exactly what the
//     deploy's `pulumi up`, which does not refresh, is about to do.
//
// Neither command writes the stack's state. A drifted property is then one of:
// reverted (the up writes the program's value back), kept (the up leaves it:
// the program does not set it, or this up's plan does not touch it), or
// ignored (the resource's ignoreChanges covers it: the autoscaled desiredCount
// is not drift). The preview's other changes are the program's own, waiting for
// an up, and not drift. The report marks with !! what render -diff marks: a
// replaced or deleted live resource, interrupted traffic.
package drift
