// Package motopeer tests cmd/verify, and what the stacks declare, against an
// independent AWS implementation: moto_server (moto 5.2.1), started on
// 127.0.0.1 on a port the kernel picks. No traffic leaves loopback.
//
//	pip install 'moto[server]==5.2.1'   # once; then:
//	go test -tags e2e ./internal/verify/motopeer/   (with the end-to-end suite: docs/e2e.md)
//
// Without moto_server the suite skips, saying how to install it; with CI=true
// (as .ci/run sets it) it fails instead.
//
// What it covers (all files are _test.go; one concern each):
//
//   - verify_test.go: cmd/verify built once (main_test.go) and run against moto
//     through AWS_ENDPOINT_URL, as CI runs it: a healthy rollout, tasks that are
//     no targets, a deleted service, a missing cluster or service, a service with
//     no ECS deployments, SIGINT/SIGTERM, the endpoint dying mid-run, rejected
//     and missing credentials, an unreachable endpoint with a short -timeout.
//   - deploy_test.go, network_test.go, loadbalancer_test.go: what a deploy leaves
//     behind, created from the stacks as internal/offline renders them at test
//     time (render_test.go), never from copies.
//   - loadbalancer_test.go: the target group and listeners take the exact
//     rendered settings, and moto refuses values ELBv2 refuses.
//   - iam_test.go: every role trust policy, inline role policy and managed
//     policy of both stacks and bootstrap/ passes moto's IAM grammar checks,
//     and a malformed one does not.
//
// What moto models faithfully, and is asserted here: service status (a deleted
// service turns INACTIVE and keeps its deployments), ClusterNotFoundException,
// MISSING services, the deployment controller (no deployments for EXTERNAL),
// running counts (MOTO_ECS_SERVICE_RUNNING) and so COMPLETED or IN_PROGRESS
// rollouts, tasks with their ENI addresses, target registration, IAM policy
// grammar and, once switched on, unknown access keys.
//
// What it does not, and so stays with the scripted fake in internal/verify
// (fake_test.go): ECS runs no tasks and UpdateService starts no deployment,
// so there is no rollout in motion, no circuit breaker, no rollback and no
// service events; every registered target is healthy, so unhealthy targets
// are the fake's; throttling is never answered. moto also ignores the
// service's deployment configuration, so the suite does not assert it.
//
// Where moto's wire format differs from ECS's, wirefix_test.go rewrites it
// (container cpu/memory as numbers; XML errors on a JSON API), and the suite
// gives moto's RunTask a container-level memory reservation it needs and
// Fargate does not (deploy_test.go).
package motopeer
