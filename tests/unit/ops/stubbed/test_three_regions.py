"""Three regions on real AWS, checked with botocore's Stubber against the RDS model: a
planned failover us-east-1 -> us-west-2 detaches eu-west-1's replica, re-creates it from
the new writer, and only then stops the old writer; retire-db refuses an instance that
still has a live read replica (RDS would refuse the StopDBInstance)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.stub import ANY
from tests.stubbed import StubbedProvider

from tradedr.config import load_settings
from tradedr.ops.actions import action_for
from tradedr.ops.actions.base import DETACHED_TAG, ExecutionContext, PreconditionFailedError
from tradedr.ops.failover import failover_plan

pytestmark = pytest.mark.stubbed

SETTINGS = load_settings({"standby_regions": ["us-west-2", "eu-west-1"]})
ACCOUNT = "111122223333"
USE1 = "trading-prod-orders-primary-use1"
USW2 = "trading-prod-orders-replica-usw2"
EUW1 = "trading-prod-orders-replica-euw1"
CREATED = "2026-01-02T03:04:05+00:00"
PLAN = failover_plan(SETTINGS, to_region="us-west-2", created_at=CREATED)
EUW1_STALE = PLAN.step("retire-replica-eu-west-1").params["retired_identifier"]
USE1_STALE = PLAN.step("retire-db-us-east-1").params["retired_identifier"]


def arn(region: str, identifier: str) -> str:
    return f"arn:aws:rds:{region}:{ACCOUNT}:db:{identifier}"


def instance(
    region: str,
    identifier: str,
    *,
    status: str = "available",
    source: str | None = None,
    replicas: list[str] | None = None,
    tags: dict[str, str] | None = None,
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "DBInstanceIdentifier": identifier,
        "DBInstanceArn": arn(region, identifier),
        "DBInstanceStatus": status,
        "DBInstanceClass": "db.r6g.large",
        "Endpoint": {"Address": f"{identifier}.abc.{region}.rds.amazonaws.com", "Port": 3306},
        "DBSubnetGroup": {"DBSubnetGroupName": f"trading-prod-replica-{region}-subnets"},
        "VpcSecurityGroups": [{"VpcSecurityGroupId": "sg-0123456789abcdef0", "Status": "active"}],
        "KmsKeyId": f"arn:aws:kms:{region}:{ACCOUNT}:key/1234",
        "InstanceCreateTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "TagList": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
        "ReadReplicaDBInstanceIdentifiers": replicas or [],
    }
    if source:
        found["ReadReplicaSourceDBInstanceIdentifier"] = source
    return {"DBInstances": [found]}


def not_found(stub: Any, identifier: str) -> None:
    stub.add_client_error(
        "describe_db_instances",
        service_error_code="DBInstanceNotFound",
        http_status_code=404,
        expected_params={"DBInstanceIdentifier": identifier},
    )


def describe(stub: Any, identifier: str, answer: dict[str, Any]) -> None:
    stub.add_response(
        "describe_db_instances", answer, expected_params={"DBInstanceIdentifier": identifier}
    )


def ctx(provider: StubbedProvider) -> ExecutionContext:
    return ExecutionContext(
        provider, SETTINGS, target="aws", sleep=lambda _s: None, run_id="failover-test"
    )


def queue_detach(provider: StubbedProvider) -> None:
    euw1 = provider.stub("rds", "eu-west-1")
    replica_of_use1 = arn("us-east-1", USE1)
    describe(euw1, EUW1, instance("eu-west-1", EUW1, source=replica_of_use1))
    not_found(euw1, EUW1_STALE)
    euw1.add_response(
        "modify_db_instance",
        {},
        {
            "DBInstanceIdentifier": EUW1,
            "NewDBInstanceIdentifier": EUW1_STALE,
            "ApplyImmediately": True,
        },
    )
    stale = instance("eu-west-1", EUW1_STALE, source=replica_of_use1)
    describe(euw1, EUW1_STALE, stale)  # renamed and available
    describe(euw1, EUW1_STALE, stale)
    euw1.add_response(
        "add_tags_to_resource",
        {},
        {"ResourceName": arn("eu-west-1", EUW1_STALE), "Tags": ANY},
    )
    euw1.add_response("promote_read_replica", {}, {"DBInstanceIdentifier": EUW1_STALE})
    detached = instance("eu-west-1", EUW1_STALE, tags={DETACHED_TAG: replica_of_use1})
    describe(euw1, EUW1_STALE, detached)  # standalone
    describe(euw1, EUW1_STALE, detached)
    euw1.add_response("stop_db_instance", {}, {"DBInstanceIdentifier": EUW1_STALE})
    describe(euw1, EUW1_STALE, instance("eu-west-1", EUW1_STALE, status="stopped"))


def queue_recreate(provider: StubbedProvider) -> None:
    usw2, euw1 = provider.stub("rds", "us-west-2"), provider.stub("rds", "eu-west-1")
    describe(usw2, USW2, instance("us-west-2", USW2))
    not_found(euw1, EUW1)
    describe(euw1, EUW1_STALE, instance("eu-west-1", EUW1_STALE, status="stopped"))
    euw1.add_response(
        "describe_db_subnet_groups",
        {"DBSubnetGroups": [{"DBSubnetGroupName": "trading-prod-replica-eu-west-1-Subnets"}]},
        {},
    )
    euw1.add_response(
        "create_db_instance_read_replica",
        {},
        {
            "DBInstanceIdentifier": EUW1,
            "SourceDBInstanceIdentifier": arn("us-west-2", USW2),
            "DBInstanceClass": SETTINGS.database.instance_class,
            "SourceRegion": "us-west-2",
            "CopyTagsToSnapshot": True,
            "DeletionProtection": True,
            "MultiAZ": False,
            "DBSubnetGroupName": "trading-prod-replica-eu-west-1-Subnets",
            "VpcSecurityGroupIds": ["sg-0123456789abcdef0"],
            "KmsKeyId": f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234",
        },
    )
    describe(euw1, EUW1, instance("eu-west-1", EUW1, source=arn("us-west-2", USW2)))


def queue_retire_old_writer(provider: StubbedProvider, *, euw1_follows_use1: bool) -> None:
    use1 = provider.stub("rds", "us-east-1")
    not_found(use1, USE1)  # already renamed by an earlier attempt of this step
    replicas = [arn("us-west-2", USW2), arn("eu-west-1", EUW1)]
    describe(use1, USE1_STALE, instance("us-east-1", USE1_STALE, replicas=replicas))
    # Each listed replica looked up where it lives: the promoted us-west-2 writer and the
    # eu-west-1 replica (re-created from us-west-2, or still following us-east-1).
    describe(provider.stub("rds", "us-west-2"), USW2, instance("us-west-2", USW2))
    euw1_source = arn("us-east-1", USE1) if euw1_follows_use1 else arn("us-west-2", USW2)
    describe(
        provider.stub("rds", "eu-west-1"), EUW1, instance("eu-west-1", EUW1, source=euw1_source)
    )
    if euw1_follows_use1:
        return
    use1.add_response("add_tags_to_resource", {}, {"ResourceName": ANY, "Tags": ANY})
    use1.add_response("stop_db_instance", {}, {"DBInstanceIdentifier": USE1_STALE})
    describe(use1, USE1_STALE, instance("us-east-1", USE1_STALE, status="stopped"))


def mutations(context: ExecutionContext, step_id: str) -> list[str]:
    context.begin_step()
    outcome = action_for(PLAN.step(step_id)).run(context, PLAN.step(step_id))
    assert outcome.status == "executed", outcome.detail
    return [
        f"{call.operation} {call.region}"
        for call in context.recorded()
        if not call.operation.startswith("Describe")
    ]


def test_the_plan_re_creates_the_other_replica_before_it_stops_the_old_writer() -> None:
    provider = StubbedProvider()
    queue_detach(provider)
    queue_recreate(provider)
    queue_retire_old_writer(provider, euw1_follows_use1=False)
    context = ctx(provider)
    ids = [s.id for s in PLAN.steps()]
    order = [
        i
        for i in ids
        if i in ("retire-replica-eu-west-1", "replicate-to-eu-west-1", "retire-db-us-east-1")
    ]
    assert order == ["retire-replica-eu-west-1", "replicate-to-eu-west-1", "retire-db-us-east-1"]
    calls = [call for step_id in order for call in mutations(context, step_id)]
    assert calls == [
        "ModifyDBInstance eu-west-1",  # rename the old replica out of the way
        "AddTagsToResource eu-west-1",  # detached-from, stale
        "PromoteReadReplica eu-west-1",  # detach it from us-east-1, data kept
        "StopDBInstance eu-west-1",
        "CreateDBInstanceReadReplica eu-west-1",  # from the new writer in us-west-2
        "AddTagsToResource us-east-1",  # stale
        "StopDBInstance us-east-1",  # only now: no replica follows it any more
    ]
    provider.assert_done()


def test_retire_db_refuses_an_old_writer_that_still_has_a_replica() -> None:
    provider = StubbedProvider()
    queue_retire_old_writer(provider, euw1_follows_use1=True)
    step = PLAN.step("retire-db-us-east-1")
    with pytest.raises(PreconditionFailedError, match=rf"{EUW1} \(eu-west-1\)\); RDS refuses"):
        action_for(step).run(ctx(provider), step)
    provider.assert_done()
