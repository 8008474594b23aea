// Package offline runs the real stack program in-process under Pulumi's mock
// engine and records every resource it declares: type, logical name, URN, parent,
// inputs and options, plus the stack outputs. It needs no Pulumi CLI, no provider
// plugins, no state backend and no AWS credentials.
//
// The recorder answers each resource with plausible provider outputs (ARNs, DNS
// names, ids derived from the URN, so runs are reproducible). What it records is
// what the program asks for: the inputs a real `pulumi preview` would send to the
// providers. awsx components arrive as one remote resource with no children
// (pulumi/pulumi#12553), so a VPC shows its awsx inputs, not its subnets.
package offline
