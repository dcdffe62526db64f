"""Active-active on DynamoDB MRSC (examples/active-active-mrsc.toml): the orders table,
full capacity in every region, and an accelerator serving every region."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from tests.conftest import MRSC_EXAMPLE, Synthesized, synth_config

REGIONS = ["us-east-1", "us-east-2", "us-west-2"]
DATA = "trading-mrsc-data-us-east-1"


def _orders(synth: Synthesized, stack: str = DATA) -> dict[str, Any]:
    tables = [
        res
        for res in synth.resources(stack, "AWS::DynamoDB::GlobalTable").values()
        if res["Properties"].get("TableName", "").endswith("-orders-mrsc")
    ]
    assert len(tables) == 1
    return tables[0]


def test_orders_table_is_strong_protected_and_retained(mrsc_synth: Synthesized) -> None:
    table = _orders(mrsc_synth)
    props = table["Properties"]
    assert props["TableName"] == "trading-mrsc-orders-mrsc"
    assert props["MultiRegionConsistency"] == "STRONG"
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert "TimeToLiveSpecification" not in props  # MRSC has no TTL
    assert "GlobalTableWitnesses" not in props  # three replicas, no witness
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")
    replicas = {r["Region"]: r for r in props["Replicas"]}
    assert sorted(replicas) == sorted(REGIONS)
    for region, replica in replicas.items():
        assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert replica["DeletionProtectionEnabled"] is True
        key = replica["SSESpecification"]["KMSMasterKeyId"]
        if region == "us-east-1":
            assert key == {"Fn::GetAtt": ["DataKey2A0DE9E6", "Arn"]}
        else:
            assert f":kms:{region}:" in key["Fn::Sub"], key  # that region's own CMK


def test_no_database_instance_replica_stack_or_secret(mrsc_synth: Synthesized) -> None:
    assert mrsc_synth.all_resources("AWS::RDS::DBInstance") == []
    assert mrsc_synth.all_resources("AWS::RDS::DBCluster") == []
    assert mrsc_synth.all_resources("AWS::SecretsManager::Secret") == []
    assert not any(mrsc_synth.has_stack("replica", r) for r in REGIONS)
    outputs = mrsc_synth.outputs(DATA)
    assert outputs["OrdersTableName"]["Value"] == {"Ref": next(iter(_logical(mrsc_synth)))}


def _logical(synth: Synthesized) -> list[str]:
    return [
        logical
        for logical, res in synth.resources(DATA, "AWS::DynamoDB::GlobalTable").items()
        if res["Properties"]["TableName"].endswith("-orders-mrsc")
    ]


def test_app_tier_at_full_capacity_in_every_region(mrsc_synth: Synthesized) -> None:
    sizes = {
        region: mrsc_synth.one(mrsc_synth.name("app", region), "AWS::AutoScaling::AutoScalingGroup")
        for region in REGIONS
    }
    for props in sizes.values():
        assert (props["MinSize"], props["DesiredCapacity"], props["MaxSize"]) == ("2", "2", "6")


def test_instances_may_use_only_their_own_orders_replica(mrsc_synth: Synthesized) -> None:
    for region in REGIONS:
        stack = mrsc_synth.name("app", region)
        policy = mrsc_synth.one(stack, "AWS::IAM::ManagedPolicy")["PolicyDocument"]
        ddb = next(s for s in policy["Statement"] if "dynamodb:PutItem" in s["Action"])
        resources = [r["Fn::Sub"] for r in ddb["Resource"]]
        assert any(r.endswith(":table/trading-mrsc-orders-mrsc") for r in resources)
        assert all(f":dynamodb:{region}:" in r for r in resources)
        assert not any("secretsmanager" in str(s["Action"]) for s in policy["Statement"])


def test_accelerator_serves_every_region_fast(mrsc_synth: Synthesized) -> None:
    groups = mrsc_synth.resources("trading-mrsc-traffic", "AWS::GlobalAccelerator::EndpointGroup")
    by_region = {g["Properties"]["EndpointGroupRegion"]: g["Properties"] for g in groups.values()}
    assert sorted(by_region) == sorted(REGIONS)
    for props in by_region.values():
        assert props["TrafficDialPercentage"] == 100
        assert props["HealthCheckIntervalSeconds"] == 10
        assert props["ThresholdCount"] == 1  # routing.health_check_failure_threshold
    listener = mrsc_synth.one("trading-mrsc-traffic", "AWS::GlobalAccelerator::Listener")
    assert listener["ClientAffinity"] == "NONE"


def test_alarms_watch_the_orders_table_not_a_database(mrsc_synth: Synthesized) -> None:
    for region in REGIONS:
        alarms = mrsc_synth.resources(mrsc_synth.name("app", region), "AWS::CloudWatch::Alarm")
        metrics = {
            (a["Properties"]["Namespace"], a["Properties"]["MetricName"]) for a in alarms.values()
        }
        assert ("AWS/DynamoDB", "SystemErrors") in metrics
        assert not any(ns == "AWS/RDS" for ns, _ in metrics)


def test_two_replicas_and_a_witness(tmp_path_factory: Any) -> None:
    data = tomllib.loads(MRSC_EXAMPLE.read_text(encoding="utf-8"))
    data["standby_regions"] = ["us-west-2"]
    data["regions"].pop("us-east-2")
    data["database"]["witness_region"] = "us-east-2"
    synth = synth_config(tmp_path_factory, data)
    props = _orders(synth)["Properties"]
    assert props["GlobalTableWitnesses"] == [{"Region": "us-east-2"}]
    assert sorted(r["Region"] for r in props["Replicas"]) == ["us-east-1", "us-west-2"]
    assert not synth.has_stack("app", "us-east-2")  # a witness holds no data and serves nothing


def test_instances_run_the_reference_app_on_the_mrsc_store(mrsc_synth: Synthesized) -> None:
    for region in REGIONS:
        stack = mrsc_synth.name("app", region)
        template = mrsc_synth.one(stack, "AWS::EC2::LaunchTemplate")["LaunchTemplateData"]
        text = json.dumps(template["UserData"])
        assert "Environment=TRADEDR_STORE=dynamodb-mrsc" in text
        assert "Environment=TRADEDR_ORDERS_TABLE=trading-mrsc-orders-mrsc" in text
        assert "TRADEDR_DB_SECRET_ID" not in text
