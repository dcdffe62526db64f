"""db-instance-failure: Aurora promotes a reader, Multi-AZ RDS its standby, and a
single-AZ instance is restored to a point in time."""

from __future__ import annotations

from typing import Any

from tests.unit.analysis.rto.support import component, mutated, templates_of

from tradedr.analysis.rto import RtoReport, analyse_rto


def test_an_aurora_reader_is_promoted(arc_report: RtoReport) -> None:
    failover = component(arc_report, "db-instance-failure", "db-failover")
    assert failover["assumptions"] == ["aurora-cluster-failover"]
    assert ".PromotionTier=" in failover["source"]


def test_multi_az_rds_fails_over_to_its_standby(default_synth: Any) -> None:
    report = analyse_rto(templates_of(default_synth), samples=2000)
    failover = component(report, "db-instance-failure", "db-failover")
    assert failover["assumptions"] == ["rds-multi-az-failover"]
    assert ".MultiAZ=" in failover["source"]


def test_a_single_az_instance_is_restored(default_synth: Any) -> None:
    def single_az(type_: str, props: dict[str, Any]) -> None:
        if type_ == "AWS::RDS::DBInstance" and not props.get("SourceDBInstanceIdentifier"):
            props["MultiAZ"] = False

    report = analyse_rto(mutated(templates_of(default_synth), single_az), samples=2000)
    scenario = report.scenario("db-instance-failure")
    assert scenario.rto.typical >= 1800
    assert component(report, "db-instance-failure", "db-failover")["assumptions"] == [
        "rds-point-in-time-restore"
    ]
    assert not scenario.met
    assert not report.met
