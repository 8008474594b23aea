package render

// Render's classification of what a change costs, for other reports that must
// speak the same language as `render -diff` (internal/drift): the same tables
// decide what forces a replacement and what a replaced or deleted live
// resource breaks, so a `!!` means the same thing in every report.

// ReplacementRisk says what replacing or deleting a live resource of the type
// costs (the ALB's DNS name changes, traffic is dropped...), or "" when render
// knows of nothing beyond the resource itself.
func ReplacementRisk(typ string) string { return replacementRisk[typ] }

// ForcesReplacement reports whether a change to the input at a Pulumi property
// path (healthCheck.path, ingress[0]...) makes the provider replace a resource
// of the type rather than update it in place.
func ForcesReplacement(typ, path string) bool { return replaces(typ, path) }

// OpSymbol is the mark `pulumi preview` and render print before an operation
// (+ create, ~ update, +- replace, - delete).
func OpSymbol(op string) string { return opSymbol[op] }
