"""DR per posture: every posture synthesizes; what it changes is only the standby side."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture


@pytest.mark.parametrize("posture", list(Posture))
def test_every_posture_synthesizes_data_and_global(
    posture_synths: dict[Posture, Synthesized], posture: Posture
) -> None:
    synth = posture_synths[posture]
    assert synth.settings.posture is posture
    for region in ("us-east-1", "us-west-2"):
        assert synth.has_stack("data", region)
    assert synth.has_stack("app", "us-east-1")
    assert synth.has_stack("global")


@pytest.mark.parametrize("posture", [p for p in Posture if p is not Posture.BACKUP_RESTORE])
def test_replicating_postures_have_replica_and_standby_app(
    posture_synths: dict[Posture, Synthesized], posture: Posture
) -> None:
    synth = posture_synths[posture]
    assert synth.has_stack("replica", "us-west-2")
    assert synth.has_stack("app", "us-west-2")
    assert len(synth.stacks) == 6


def test_backup_restore_has_no_replica_and_no_standby_app(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    synth = posture_synths[Posture.BACKUP_RESTORE]
    assert not synth.has_stack("replica", "us-west-2")
    assert not synth.has_stack("app", "us-west-2")
    assert [s.kind for s in synth.stacks] == ["data", "data", "app", "global"]
    # the standby still holds the vault that receives backup copies
    assert synth.resources(synth.name("data", "us-west-2"), "AWS::Backup::BackupVault")


def test_three_regions_have_a_replica_in_each_standby(three_region_synth: Synthesized) -> None:
    for standby in ("us-west-2", "eu-west-1"):
        stack = three_region_synth.name("replica", standby)
        (db,) = three_region_synth.resources(stack, "AWS::RDS::DBInstance").values()
        assert "trading-tri-orders-primary-use1" in str(
            db["Properties"]["SourceDBInstanceIdentifier"]
        )
        assert three_region_synth.has_stack("app", standby)
    assert len(three_region_synth.stacks) == 9  # data, replica and app per standby


def test_three_regions_table_replicates_everywhere(three_region_synth: Synthesized) -> None:
    table = three_region_synth.one("trading-tri-data-us-east-1", "AWS::DynamoDB::GlobalTable")
    assert {r["Region"] for r in table["Replicas"]} == {"us-east-1", "us-west-2", "eu-west-1"}


@pytest.mark.parametrize("posture", list(Posture))
def test_posture_never_changes_the_primary(
    posture_synths: dict[Posture, Synthesized], posture: Posture
) -> None:
    synth = posture_synths[posture]
    db = synth.one(synth.name("data", "us-east-1"), "AWS::RDS::DBInstance")
    asg = synth.one(synth.name("app", "us-east-1"), "AWS::AutoScaling::AutoScalingGroup")
    assert db["MultiAZ"] is True
    assert db["DBInstanceClass"] == "db.r6g.large"
    assert (asg["MinSize"], asg["DesiredCapacity"], asg["MaxSize"]) == ("2", "2", "6")


@pytest.mark.parametrize("posture", list(Posture))
def test_posture_is_recorded_in_the_tags(
    posture_synths: dict[Posture, Synthesized], posture: Posture
) -> None:
    synth = posture_synths[posture]
    vpc = synth.one(synth.name("data", "us-west-2"), "AWS::EC2::VPC")
    values = {t["Key"]: t["Value"] for t in vpc["Tags"]}
    assert values["DisasterRecovery"] == f"{posture.value}:standby"


def test_baseline_example_is_pilot_light_with_standby_at_zero(baseline_synth: Synthesized) -> None:
    assert baseline_synth.settings.posture is Posture.PILOT_LIGHT
    asg = baseline_synth.one("trading-baseline-app-us-west-2", "AWS::AutoScaling::AutoScalingGroup")
    assert (asg["MinSize"], asg["DesiredCapacity"]) == ("0", "0")
    assert baseline_synth.has_stack("replica", "us-west-2")
