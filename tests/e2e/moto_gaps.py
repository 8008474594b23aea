"""moto_server for the end-to-end suite, with moto 5.2.1's gaps on our path
filled, each where moto leaves out what AWS does (measured with the real AWS
provider against moto; README, "The end-to-end suite", lists them).

Started as `python3 moto_gaps.py -H 127.0.0.1 -p 0`, like moto_server. Nothing
here changes a value AWS would return: each patch adds behaviour moto lacks.
"""

import json
import sys

import datetime

import moto.applicationautoscaling.responses as aas_responses
import moto.ecr.models as ecr_models
import moto.ecs.models as ecs_models
import moto.ecs.responses as ecs_responses
from moto.server import main

# 1. ECS RunTask on Fargate: moto sums container-level memory to place a task
#    and fails (TypeError, HTTP 500) when a container sets none; Fargate sizes
#    a task by its task-level cpu/memory and containers need none. The suite
#    starts the service's tasks with RunTask, standing in for ECS's scheduler.
_requirements = ecs_models.EC2ContainerServiceBackend._calculate_task_resource_requirements


def _requirements_without_container_memory(task_definition):
    containers = task_definition.container_definitions
    missing = [c for c in containers if not any(k in c for k in ("memory", "memoryReservation", "Memory", "MemoryReservation"))]
    for c in missing:
        c["memoryReservation"] = 0
    try:
        return _requirements(task_definition)
    finally:
        for c in missing:
            del c["memoryReservation"]


ecs_models.EC2ContainerServiceBackend._calculate_task_resource_requirements = staticmethod(
    _requirements_without_container_memory
)

# 2. ECS CreateService/UpdateService: moto drops healthCheckGracePeriodSeconds,
#    enableECSManagedTags, availabilityZoneRebalancing and the deployment
#    configuration (circuit breaker, alarms, min/max percent), so every read
#    returns none of them and every refresh and preview shows a change AWS
#    would not. Keep what the call set, as ECS does, and return it.
_SERVICE_SETTINGS = {
    "healthCheckGracePeriodSeconds": "health_check_grace_period_seconds",
    "enableECSManagedTags": "enable_ecs_managed_tags",
    "availabilityZoneRebalancing": "availability_zone_rebalancing",
    "deploymentConfiguration": "deployment_configuration",
}


def _keeping_settings(original):
    def call(self):
        result = original(self)
        cluster = self._get_param("cluster", "default")
        name = self._get_param("serviceName") or self._get_param("service")
        services, _ = self.ecs_backend.describe_services(cluster, [name])
        for service in services:
            for param, attribute in _SERVICE_SETTINGS.items():
                value = self._get_param(param)
                if value is not None:
                    setattr(service, attribute, value)
        return result

    return call


# 3. ECS deployments: moto's CreateService reports as many running tasks as
#    MOTO_ECS_SERVICE_RUNNING says, whatever the desired count, and
#    UpdateService with a new task definition starts no deployment: the one
#    PRIMARY deployment keeps the old revision forever, so no rollout ever
#    completes on the new one. As ECS does once a rollout has finished: one
#    PRIMARY deployment of the service's task definition, COMPLETED, with the
#    desired count running. (A rollout in motion, a circuit breaker and its
#    rollback are the suite's ECS stand-in's: tests/e2e/scheduler.go.)
def _completed_deployment(service, new):
    now = ecs_models.utcnow()
    deployment = dict(service.deployments[0]) if service.deployments else {}
    if new or not deployment:
        deployment.update(id=f"ecs-svc/{ecs_models.mock_random.randint(0, 32**12)}", createdAt=now)
    deployment.update(
        status="PRIMARY", taskDefinition=service.task_definition, desiredCount=service.desired_count,
        runningCount=service.desired_count, pendingCount=0, failedTasks=0, rolloutState="COMPLETED",
        rolloutStateReason=f"ECS deployment {deployment['id']} completed.", updatedAt=now,
    )
    service.deployments = [deployment]
    service.running_count, service.pending_count = service.desired_count, 0


_create_service = ecs_models.EC2ContainerServiceBackend.create_service
_update_service = ecs_models.EC2ContainerServiceBackend.update_service


def _create_service_completed(self, *args, **kwargs):
    service = _create_service(self, *args, **kwargs)
    if service.deployment_controller.get("type", "ECS") == "ECS":
        _completed_deployment(service, new=False)
    return service


def _update_service_completed(self, service_properties):
    new = service_properties.get("task_definition") is not None or service_properties.get("force_new_deployment")
    service = _update_service(self, service_properties)
    if service.deployment_controller.get("type", "ECS") == "ECS":
        _completed_deployment(service, new=bool(new))
    return service


ecs_models.EC2ContainerServiceBackend.create_service = _create_service_completed
ecs_models.EC2ContainerServiceBackend.update_service = _update_service_completed

ecs_responses.EC2ContainerServiceResponse.create_service = _keeping_settings(
    ecs_responses.EC2ContainerServiceResponse.create_service
)
ecs_responses.EC2ContainerServiceResponse.update_service = _keeping_settings(
    ecs_responses.EC2ContainerServiceResponse.update_service
)

# 4. Application Auto Scaling TagResource, UntagResource, ListTagsForResource:
#    not implemented (HTTP 500), which the provider retries for over 14
#    minutes on every read of a scalable target; RegisterScalableTarget drops
#    the tags it is given. A tag store per resource ARN.
_tags = {}


def _tag_resource(self):
    _tags.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
    return "{}"


def _untag_resource(self):
    for key in self._get_param("TagKeys") or []:
        _tags.get(self._get_param("ResourceARN"), {}).pop(key, None)
    return "{}"


def _list_tags_for_resource(self):
    return json.dumps({"Tags": _tags.get(self._get_param("ResourceARN"), {})})


_register = aas_responses.ApplicationAutoScalingResponse.register_scalable_target


def _register_with_tags(self):
    result = _register(self)
    if self._get_param("Tags"):
        _tags.setdefault(json.loads(result)["ScalableTargetARN"], {}).update(self._get_param("Tags"))
    return result


aas_responses.ApplicationAutoScalingResponse.register_scalable_target = _register_with_tags
aas_responses.ApplicationAutoScalingResponse.tag_resource = _tag_resource
aas_responses.ApplicationAutoScalingResponse.untag_resource = _untag_resource
aas_responses.ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource

# 5. ECR scan on push: moto never scans, so DescribeImages never shows a scan
#    status and a deploy that waits for the scan (bin/deploy -scan) waits out
#    its limit. An image pushed to a repository that scans on push is shown
#    scanned, with no findings, as a clean image would be.
_put_image = ecr_models.ECRBackend.put_image


def _put_image_scanned(self, repository_name, *args, **kwargs):
    image = _put_image(self, repository_name, *args, **kwargs)
    repository = self.repositories[repository_name]
    if (repository.image_scanning_configuration or {}).get("scanOnPush"):
        image.image_scan_status = {"status": "COMPLETE", "description": "The scan was completed successfully."}
        image.image_scan_findings_summary = {
            "imageScanCompletedAt": datetime.datetime.now(datetime.timezone.utc),
            "vulnerabilitySourceUpdatedAt": datetime.datetime.now(datetime.timezone.utc),
            "findingSeverityCounts": {},
        }
    return image


ecr_models.ECRBackend.put_image = _put_image_scanned

# 6. ECS DescribeTasks: a task's containers carry cpu and memory as JSON
#    numbers, where ECS's API has strings; an SDK (the suite's stand-in,
#    verify) refuses the response. Strings, as ECS sends them.
_container_init = ecs_models.Container.__init__


def _container_with_string_sizes(self, *args, **kwargs):
    _container_init(self, *args, **kwargs)
    for attribute in ("cpu", "memory"):
        value = getattr(self, attribute, None)
        if value is not None:
            setattr(self, attribute, str(value))


ecs_models.Container.__init__ = _container_with_string_sizes

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
