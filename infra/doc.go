// Package infra declares one containerised web service on ECS Fargate behind an
// Application Load Balancer: its network, image registry, cluster, load balancer,
// IAM roles, task definition and rolling-update service, and the stack outputs that
// other teams consume.
//
// The same code runs under `pulumi up`, under the offline recorder in
// internal/offline, and in tests/: Program is the only entry point. Config is read
// and validated in one place (config.go, validate.go) before the first resource is
// registered, so a bad stack file never half-creates anything.
package infra
