// Package verify is cmd/verify: after `pulumi up`, it decides whether the new
// release is really live. ECS reports a service steady after a circuit-breaker
// rollback too, so `pulumi up` can exit 0 while the old version serves
// (pulumi-aws#4487, terraform-provider-aws#19519). Verify succeeds only when the
// PRIMARY deployment runs the task definition this deploy created, its rollout is
// COMPLETED with every task running, and /health answers the way the ALB's health
// check wants it to; otherwise it says which of those failed and prints the
// service events and unhealthy targets, so the cause is in the CI log.
package verify
