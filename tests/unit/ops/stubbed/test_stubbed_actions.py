"""Actions whose APIs the emulator lacks, checked against the real service models with
botocore's Stubber: every request must match the model and the expected parameters."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import ANY
from tests.stubbed import StubbedProvider

from tradedr.config import load_settings
from tradedr.errors import AwsOperationError, TradedrError
from tradedr.ops.actions import action_for
from tradedr.ops.actions.base import ExecutionContext, Outcome
from tradedr.ops.failover import failover_plan
from tradedr.ops.plans import ActionKind, Step, TrafficMode

pytestmark = pytest.mark.stubbed


@pytest.fixture
def provider() -> StubbedProvider:
    return StubbedProvider()


def run(provider: StubbedProvider, step: Step) -> Outcome:
    ctx = ExecutionContext(
        provider, load_settings({}), target="aws", sleep=lambda _s: None, run_id="failover-test"
    )
    return action_for(step).run(ctx, step)


# --- Route 53 ARC routing controls ----------------------------------------------------

ENDPOINTS = [
    {
        "Region": "us-east-1",
        "Endpoint": "https://aaa.route53-recovery-cluster.us-east-1.amazonaws.com/v1",
    },
    {
        "Region": "us-west-2",
        "Endpoint": "https://bbb.route53-recovery-cluster.us-west-2.amazonaws.com/v1",
    },
]
USE1 = "arn:aws:route53-recovery-control::111122223333:controlpanel/abc/routingcontrol/use1"
USW2 = "arn:aws:route53-recovery-control::111122223333:controlpanel/abc/routingcontrol/usw2"


def arc_step(states: dict[str, str]) -> Step:
    return Step(
        id="route",
        action=ActionKind.SET_ROUTING_CONTROL,
        region="us-west-2",
        title="route",
        params={"cluster_endpoints": ENDPOINTS, "states": states},
    )


def test_arc_sets_both_controls_in_one_call(provider: StubbedProvider) -> None:
    provider.stub("route53-recovery-cluster", "us-east-1").add_response(
        "update_routing_control_states",
        {},
        {
            "UpdateRoutingControlStateEntries": [
                {"RoutingControlArn": USE1, "RoutingControlState": "Off"},
                {"RoutingControlArn": USW2, "RoutingControlState": "On"},
            ]
        },
    )
    outcome = run(provider, arc_step({USW2: "On", USE1: "Off"}))
    assert outcome.status == "executed"
    assert "via us-east-1" in outcome.detail
    provider.assert_done()


def test_arc_tries_the_next_cluster_endpoint_when_one_fails(provider: StubbedProvider) -> None:
    provider.stub("route53-recovery-cluster", "us-east-1").add_client_error(
        "update_routing_control_state", "InternalServerException", http_status_code=500
    )
    provider.stub("route53-recovery-cluster", "us-west-2").add_response(
        "update_routing_control_state",
        {},
        {"RoutingControlArn": USE1, "RoutingControlState": "Off"},
    )
    outcome = run(provider, arc_step({USE1: "Off"}))
    assert "via us-west-2" in outcome.detail
    assert outcome.data["failed_endpoints"] == ["us-east-1: InternalServerException"]
    provider.assert_done()


def test_arc_gives_up_when_every_endpoint_fails(provider: StubbedProvider) -> None:
    for endpoint in ENDPOINTS:
        provider.stub("route53-recovery-cluster", endpoint["Region"]).add_client_error(
            "update_routing_control_state", "ThrottlingException", http_status_code=429
        )
    with pytest.raises(AwsOperationError, match="no ARC cluster endpoint"):
        run(provider, arc_step({USE1: "Off"}))


def test_arc_access_denied_is_not_retried_on_other_endpoints(provider: StubbedProvider) -> None:
    from botocore.exceptions import ClientError

    provider.stub("route53-recovery-cluster", "us-east-1").add_client_error(
        "update_routing_control_state", "AccessDeniedException", http_status_code=403
    )
    with pytest.raises(ClientError, match="AccessDenied"):
        run(provider, arc_step({USE1: "Off"}))
    provider.assert_done()


def test_arc_unplanned_plan_step_is_built_with_the_cluster_endpoints() -> None:
    plan = failover_plan(
        load_settings({}),
        to_region="us-west-2",
        mode="unplanned",
        traffic_mode=TrafficMode.ROUTING_CONTROL,
        traffic={"cluster_endpoints": ENDPOINTS, "states": {USE1: "Off", USW2: "On"}},
    )
    step = plan.step("route-to-us-west-2")
    calls = action_for(step).calls(step)
    assert {c.plane for c in calls} == {"data"}
    assert {c.region for c in calls} == {"us-east-1", "us-west-2"}


# --- Aurora global database -----------------------------------------------------------

GLOBAL = "orders-global"
OLD = "arn:aws:rds:us-east-1:111122223333:cluster:orders-use1"
NEW = "arn:aws:rds:us-west-2:111122223333:cluster:orders-usw2"


def global_cluster(writer: str) -> dict[str, Any]:
    return {
        "GlobalClusters": [
            {
                "GlobalClusterIdentifier": GLOBAL,
                "GlobalClusterMembers": [
                    {"DBClusterArn": OLD, "IsWriter": writer == OLD},
                    {"DBClusterArn": NEW, "IsWriter": writer == NEW},
                ],
            }
        ]
    }


def aurora_step(planned: bool) -> Step:
    return Step(
        id="aurora",
        action=ActionKind.AURORA_GLOBAL_FAILOVER,
        region="us-west-2",
        title="aurora",
        params={
            "global_cluster_id": GLOBAL,
            "target_cluster_arn": NEW,
            "planned": planned,
            "allow_data_loss": not planned,
        },
    )


@pytest.mark.parametrize(
    ("planned", "operation", "extra"),
    [
        (False, "failover_global_cluster", {"AllowDataLoss": True}),
        (True, "switchover_global_cluster", {}),
    ],
)
def test_aurora_global_failover_and_switchover(
    provider: StubbedProvider, planned: bool, operation: str, extra: dict[str, Any]
) -> None:
    rds = provider.stub("rds", "us-west-2")
    describe = {"GlobalClusterIdentifier": GLOBAL}
    rds.add_response("describe_global_clusters", global_cluster(OLD), describe)
    rds.add_response(
        operation,
        {"GlobalCluster": {"GlobalClusterIdentifier": GLOBAL}},
        {"GlobalClusterIdentifier": GLOBAL, "TargetDbClusterIdentifier": NEW, **extra},
    )
    rds.add_response("describe_global_clusters", global_cluster(OLD), describe)
    rds.add_response("describe_global_clusters", global_cluster(NEW), describe)
    outcome = run(provider, aurora_step(planned))
    assert outcome.status == "executed"
    assert ("switchover" in outcome.detail) is planned
    provider.assert_done()


def test_aurora_failover_without_allow_data_loss_calls_nothing(provider: StubbedProvider) -> None:
    from tradedr.ops.actions.base import PreconditionFailedError

    step = aurora_step(False)
    step = step.model_copy(update={"params": {**step.params, "allow_data_loss": False}})
    with pytest.raises(PreconditionFailedError, match="--allow-data-loss"):
        run(provider, step)
    assert provider.stubbers == {}


def test_aurora_already_switched_is_a_no_op(provider: StubbedProvider) -> None:
    provider.stub("rds", "us-west-2").add_response(
        "describe_global_clusters", global_cluster(NEW), {"GlobalClusterIdentifier": GLOBAL}
    )
    assert run(provider, aurora_step(False)).status == "skipped"
    provider.assert_done()


# --- DynamoDB global table replicas ---------------------------------------------------


def table(regions: list[str]) -> dict[str, Any]:
    return {
        "Table": {
            "TableName": "trading-prod-sessions",
            "Replicas": [{"RegionName": r} for r in regions],
        }
    }


def test_dynamodb_adds_a_replica_with_its_key(provider: StubbedProvider) -> None:
    ddb = provider.stub("dynamodb", "us-west-2")
    ddb.add_response("describe_table", table(["us-west-2"]), {"TableName": "trading-prod-sessions"})
    ddb.add_response(
        "update_table",
        {},
        {
            "TableName": "trading-prod-sessions",
            "ReplicaUpdates": [
                {
                    "Create": {
                        "RegionName": "us-east-1",
                        "KMSMasterKeyId": "alias/trading-prod-data-use1",
                    }
                }
            ],
        },
    )
    step = Step(
        id="t",
        action=ActionKind.UPDATE_TABLE_REPLICAS,
        region="us-west-2",
        title="t",
        params={
            "table_name": "trading-prod-sessions",
            "create": ["us-east-1"],
            "kms_keys": {"us-east-1": "alias/trading-prod-data-use1"},
        },
    )
    assert run(provider, step).status == "executed"
    provider.assert_done()


def test_dynamodb_removes_one_replica_per_call_and_skips_absent_ones(
    provider: StubbedProvider,
) -> None:
    ddb = provider.stub("dynamodb", "us-west-2")
    ddb.add_response(
        "describe_table",
        table(["us-west-2", "us-east-1", "eu-west-1"]),
        {"TableName": "trading-prod-sessions"},
    )
    for region in ("us-east-1", "eu-west-1"):
        ddb.add_response(
            "update_table",
            {},
            {
                "TableName": "trading-prod-sessions",
                "ReplicaUpdates": [{"Delete": {"RegionName": region}}],
            },
        )
    step = Step(
        id="t",
        action=ActionKind.UPDATE_TABLE_REPLICAS,
        region="us-west-2",
        title="t",
        params={
            "table_name": "trading-prod-sessions",
            "delete": ["us-east-1", "eu-west-1", "ap-south-1"],
        },
    )
    outcome = run(provider, step)
    assert outcome.detail == "trading-prod-sessions: Delete us-east-1, Delete eu-west-1"
    provider.assert_done()


# --- AWS Backup -----------------------------------------------------------------------

VAULT = "trading-prod-vault-us-east-1"
COPY_TO = "arn:aws:backup:us-west-2:111122223333:backup-vault:trading-prod-vault-us-west-2"
ROLE = "arn:aws:iam::111122223333:role/backup"
RESOURCE = "arn:aws:rds:us-east-1:111122223333:db:trading-prod-orders-primary-use1"
POINT = "arn:aws:rds:us-east-1:111122223333:snapshot:awsbackup:job-1"


def backup_step(copy: bool) -> Step:
    params = {"vault_name": VAULT, "resource_arn": RESOURCE, "role_arn": ROLE}
    if copy:
        params["copy_to_vault_arn"] = COPY_TO
    return Step(
        id="backup-stale",
        action=ActionKind.BACKUP_JOB,
        region="us-east-1",
        title="backup",
        params=params,
    )


def test_backup_job_then_cross_region_copy(provider: StubbedProvider) -> None:
    backup = provider.stub("backup", "us-east-1")
    backup.add_response(
        "start_backup_job",
        {"BackupJobId": "job-1"},
        {
            "BackupVaultName": VAULT,
            "ResourceArn": RESOURCE,
            "IamRoleArn": ROLE,
            "IdempotencyToken": "failover-test-backup-stale",
        },
    )
    backup.add_response(
        "describe_backup_job",
        {"BackupJobId": "job-1", "State": "RUNNING"},
        {"BackupJobId": "job-1"},
    )
    backup.add_response(
        "describe_backup_job",
        {"BackupJobId": "job-1", "State": "COMPLETED", "RecoveryPointArn": POINT},
        {"BackupJobId": "job-1"},
    )
    backup.add_response(
        "start_copy_job",
        {"CopyJobId": "copy-1"},
        {
            "RecoveryPointArn": POINT,
            "SourceBackupVaultName": VAULT,
            "DestinationBackupVaultArn": COPY_TO,
            "IamRoleArn": ROLE,
            "IdempotencyToken": ANY,
        },
    )
    outcome = run(provider, backup_step(copy=True))
    assert "copy job copy-1" in outcome.detail
    provider.assert_done()


def test_failed_backup_job_stops_with_its_reason(provider: StubbedProvider) -> None:
    backup = provider.stub("backup", "us-east-1")
    backup.add_response("start_backup_job", {"BackupJobId": "job-2"}, None)
    backup.add_response(
        "describe_backup_job",
        {"BackupJobId": "job-2", "State": "FAILED", "StatusMessage": "KMS key disabled"},
        None,
    )
    with pytest.raises(TradedrError, match="KMS key disabled"):
        run(provider, backup_step(copy=False))


# --- Global Accelerator ---------------------------------------------------------------

GROUP = "arn:aws:globalaccelerator::111122223333:accelerator/a/listener/l/endpoint-group/g"


@pytest.mark.parametrize(("current", "status"), [(0.0, "executed"), (100.0, "skipped")])
def test_traffic_dial_is_set_through_us_west_2(
    provider: StubbedProvider, current: float, status: str
) -> None:
    ga = provider.stub("globalaccelerator", "us-west-2")
    ga.add_response(
        "describe_endpoint_group",
        {"EndpointGroup": {"EndpointGroupArn": GROUP, "TrafficDialPercentage": current}},
        {"EndpointGroupArn": GROUP},
    )
    if status == "executed":
        ga.add_response(
            "update_endpoint_group",
            {"EndpointGroup": {"EndpointGroupArn": GROUP, "TrafficDialPercentage": 100.0}},
            {"EndpointGroupArn": GROUP, "TrafficDialPercentage": 100.0},
        )
    step = Step(
        id="dial",
        action=ActionKind.SET_TRAFFIC_DIAL,
        region="us-west-2",
        title="d",
        params={"endpoint_group_arn": GROUP, "percentage": 100},
    )
    assert run(provider, step).status == status
    provider.assert_done()


def test_stubber_rejects_a_request_the_model_does_not_allow(provider: StubbedProvider) -> None:
    """The safety net itself: a parameter the real model lacks fails validation."""
    from botocore.exceptions import ParamValidationError

    ga = provider.stub("globalaccelerator", "us-west-2")
    ga.add_response("update_endpoint_group", {}, None)
    with pytest.raises(ParamValidationError):
        provider.client("globalaccelerator", "us-west-2").update_endpoint_group(
            EndpointGroupArn=GROUP, TrafficDial=100
        )


# --- verify-health over HTTPS (ALBs with certificates) ---------------------------------

TLS_SETTINGS: dict[str, Any] = {
    "regions": {
        region: {"certificate_arn": f"arn:aws:acm:{region}:123456789012:certificate/abc-123"}
        for region in ("us-east-1", "us-west-2")
    }
}


@pytest.mark.parametrize(("data", "scheme"), [({}, None), (TLS_SETTINGS, "https")])
def test_plans_verify_over_https_only_with_certificates(
    data: dict[str, Any], scheme: str | None
) -> None:
    from tradedr.ops.failback import failback_plan

    settings = load_settings(data)
    plans = [
        failover_plan(settings, to_region="us-west-2"),
        failback_plan(settings, current_region="us-west-2"),
    ]
    verify = [s for p in plans for s in p.steps() if s.action is ActionKind.VERIFY_HEALTH]
    assert len(verify) == 2
    for step in verify:
        assert step.params["alb_name"]
        assert step.params.get("health_scheme") == scheme


def test_verify_health_probes_https_without_verifying_the_alb_name(
    provider: StubbedProvider, tls_health_server: str
) -> None:
    region = "us-west-2"
    settings = load_settings(TLS_SETTINGS)
    [step] = [
        s
        for s in failover_plan(settings, to_region=region).steps()
        if s.action is ActionKind.VERIFY_HEALTH
    ]
    endpoint = "orders.abc.us-west-2.rds.amazonaws.com"
    provider.stub("rds", region).add_response(
        "describe_db_instances",
        {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": step.params["db_identifier"],
                    "DBInstanceStatus": "available",
                    "Endpoint": {"Address": endpoint},
                }
            ]
        },
    )
    provider.stub("ssm", region).add_response(
        "get_parameter", {"Parameter": {"Name": step.params["parameter_name"], "Value": endpoint}}
    )
    provider.stub("autoscaling", region).add_response(
        "describe_auto_scaling_groups",
        {
            "AutoScalingGroups": [
                {
                    "AutoScalingGroupName": step.params["asg_name"],
                    "MinSize": 1,
                    "MaxSize": 6,
                    "DesiredCapacity": 2,
                    "DefaultCooldown": 300,
                    "AvailabilityZones": [f"{region}a"],
                    "HealthCheckType": "ELB",
                    "CreatedTime": "2026-01-01T00:00:00Z",
                    "Instances": [
                        {
                            "InstanceId": f"i-{n:017d}",
                            "AvailabilityZone": f"{region}a",
                            "LifecycleState": "InService",
                            "HealthStatus": "Healthy",
                            "ProtectedFromScaleIn": False,
                        }
                        for n in range(2)
                    ],
                }
            ]
        },
    )
    elb = provider.stub("elbv2", region)
    group_arn = f"arn:aws:elasticloadbalancing:{region}:123456789012:targetgroup/tg/abc"
    elb.add_response("describe_target_groups", {"TargetGroups": [{"TargetGroupArn": group_arn}]})
    elb.add_response(
        "describe_target_health",
        {
            "TargetHealthDescriptions": [
                {"Target": {"Id": f"i-{n:017d}"}, "TargetHealth": {"State": "healthy"}}
                for n in range(2)
            ]
        },
    )
    # The "ALB" is the local TLS server, whose certificate names another host.
    elb.add_response("describe_load_balancers", {"LoadBalancers": [{"DNSName": tls_health_server}]})
    outcome = run(provider, step)
    provider.assert_done()
    assert outcome.status == "executed"
    assert f"GET https://{tls_health_server}/health -> 200" in outcome.detail
    assert "certificate not verified" in outcome.detail
