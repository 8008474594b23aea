package tests

import (
	"slices"
	"testing"

	"github.com/example/webservice/internal/offline"
)

// Ordering the engine must respect on a real `pulumi up`, where independent
// resources are created in parallel.

// TestTaskDefinitionWaitsForTheExecutionRolesPolicy: ECS starts tasks as soon as
// the service points at a new revision; if the execution role cannot yet read a
// secret this update adds, every task fails to start and the circuit breaker
// rolls back a release that was fine.
func TestTaskDefinitionWaitsForTheExecutionRolesPolicy(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		policy := r.Named(typeRolePolicy, "execution-policy")
		td := one(t, r, typeTaskDef)
		if policy == nil || !slices.Contains(td.DependsOn, policy.URN) {
			t.Fatalf("task definition depends on %v, not on the execution role's policy", td.DependsOn)
		}
	})
}

// TestServiceNamesItsAlarmsFromTheAlarmResources: the names come from the alarm
// resources' outputs, so the service is updated only once the alarms it watches
// exist (and a renamed alarm cannot leave the service watching an old name).
func TestServiceNamesItsAlarmsFromTheAlarmResources(t *testing.T) {
	forEachStack(t, func(t *testing.T, r *offline.Result) {
		svc := one(t, r, typeService)
		names := get(t, svc.Inputs, "alarms.alarmNames").([]any)
		alarms := r.OfType(typeAlarm)
		if len(alarms) == 0 || len(names) != len(alarms) {
			t.Fatalf("service names %v for %d alarms", names, len(alarms))
		}
		for _, a := range alarms {
			if !slices.Contains(names, a.Outputs["name"]) || !slices.Contains(svc.DependsOn, a.URN) {
				t.Errorf("alarm %s (%v): service names %v, depends on it: %v", a.Name, a.Outputs["name"], names,
					slices.Contains(svc.DependsOn, a.URN))
			}
		}
	})
}
