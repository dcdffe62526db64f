"""Cost-related sizing: what the analyses price comes straight from config, nothing oversized."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture


def test_reference_baseline_sizes(baseline_synth: Synthesized) -> None:
    """The reference design: 2 x t3.large, db.r6g.large Multi-AZ, 100 GB, one NAT, on-demand."""
    asg = baseline_synth.one("trading-baseline-app-us-east-1", "AWS::AutoScaling::AutoScalingGroup")
    assert (asg["MinSize"], asg["DesiredCapacity"], asg["MaxSize"]) == ("2", "2", "4")
    launch = baseline_synth.one("trading-baseline-app-us-east-1", "AWS::EC2::LaunchTemplate")
    assert launch["LaunchTemplateData"]["InstanceType"] == "t3.large"
    db = baseline_synth.one("trading-baseline-data-us-east-1", "AWS::RDS::DBInstance")
    assert (db["DBInstanceClass"], db["MultiAZ"], db["AllocatedStorage"]) == (
        "db.r6g.large",
        True,
        "100",
    )
    table = baseline_synth.one("trading-baseline-data-us-east-1", "AWS::DynamoDB::GlobalTable")
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    for region in ("us-east-1", "us-west-2"):
        nats = baseline_synth.resources(f"trading-baseline-data-{region}", "AWS::EC2::NatGateway")
        assert len(nats) == 1


def test_database_storage_is_gp3(default_synth: Synthesized) -> None:
    db = default_synth.one("trading-prod-data-us-east-1", "AWS::RDS::DBInstance")
    assert db["StorageType"] == "gp3"


def test_root_volumes_are_small_gp3(default_synth: Synthesized) -> None:
    for _, _, res in default_synth.all_resources("AWS::EC2::LaunchTemplate"):
        (mapping,) = res["Properties"]["LaunchTemplateData"]["BlockDeviceMappings"]
        assert mapping["Ebs"]["VolumeSize"] <= 50


@pytest.mark.parametrize(
    ("posture", "standby_instances"),
    [
        (Posture.PILOT_LIGHT, 0),
        (Posture.WARM_STANDBY, 1),
        (Posture.HOT_STANDBY, 2),
        (Posture.ACTIVE_ACTIVE, 2),
    ],
)
def test_standby_instance_count_grows_with_posture(
    posture_synths: dict[Posture, Synthesized], posture: Posture, standby_instances: int
) -> None:
    synth = posture_synths[posture]
    asg = synth.one(synth.name("app", "us-west-2"), "AWS::AutoScaling::AutoScalingGroup")
    assert int(asg["DesiredCapacity"]) == standby_instances


def test_backup_restore_standby_runs_nothing_billable_by_the_hour(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    synth = posture_synths[Posture.BACKUP_RESTORE]
    standby = [n for n, t in synth.templates.items() if n.endswith("us-west-2")]
    for stack in standby:
        for type_ in (
            "AWS::EC2::NatGateway",
            "AWS::RDS::DBInstance",
            "AWS::AutoScaling::AutoScalingGroup",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
        ):
            assert not synth.resources(stack, type_), (stack, type_)


def test_replica_class_matches_the_primary(default_synth: Synthesized) -> None:
    """A smaller replica would be cheaper but could not take the primary's load at failover."""
    primary = default_synth.one("trading-prod-data-us-east-1", "AWS::RDS::DBInstance")
    replica = default_synth.one("trading-prod-replica-us-west-2", "AWS::RDS::DBInstance")
    assert replica["DBInstanceClass"] == primary["DBInstanceClass"]


def test_log_retention_is_bounded(default_synth: Synthesized) -> None:
    for _, _, res in default_synth.all_resources("AWS::Logs::LogGroup"):
        assert res["Properties"].get("RetentionInDays"), "unbounded log retention"


def test_backup_retention_from_config(custom_synth: Synthesized) -> None:
    plan = custom_synth.one("orders-qa-2-data-eu-west-1", "AWS::Backup::BackupPlan")
    (rule,) = plan["BackupPlan"]["BackupPlanRule"]
    assert rule["Lifecycle"]["DeleteAfterDays"] == 14
