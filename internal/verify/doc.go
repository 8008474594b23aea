// Package verify is cmd/verify: after `pulumi up`, it decides whether the new
// release is really live. ECS reports a service steady after a circuit-breaker
// rollback too, so `pulumi up` can exit 0 while the old version serves
// (pulumi-aws#4487, terraform-provider-aws#19519). Verify succeeds only when the
// service is ACTIVE, its PRIMARY deployment runs the task definition this deploy
// created, its rollout is COMPLETED with every task running, every running task
// of that revision is a healthy target of the service's target group, and
// /health answers the way the ALB's health check wants it to; otherwise it says
// which of those failed and prints the service events and the targets, so the
// cause is in the CI log.
//
// Files: flags.go (flags, -h, values that can never pass), command.go (the
// phases and exit codes), rollout.go (the ECS deployment verdict),
// targethealth.go (the new tasks as targets), probe.go (/health), report.go
// (failure reports), credentials.go and apierror.go (credentials and AWS errors
// as one line each), attempts.go (the cause behind a timed-out retry).
//
// Its tests: a scripted ECS/ELBv2 fake (fake_test.go) for what an independent
// peer cannot show (rollbacks, events, unhealthy targets), and moto, an
// independent AWS implementation, in ./motopeer for what it models faithfully.
package verify
