"""az-loss: the ALB drops the lost zone's node while the orders DB fails over in the
Region; instances in the surviving zone keep serving."""

from __future__ import annotations

from typing import Any

from tests.unit.analysis.rto.support import component, mutated, templates_of

from tradedr.analysis.rto import RtoReport, analyse_rto


def test_an_aurora_reader_in_another_zone_takes_over(arc_report: RtoReport) -> None:
    failover = component(arc_report, "az-loss", "db-failover")
    assert failover["assumptions"] == ["aurora-cluster-failover"]
    assert ".PromotionTier=" in failover["source"]


def test_replacing_capacity_is_off_the_recovery_path_while_a_zone_still_serves(
    default_synth: Any,
) -> None:
    scenario = analyse_rto(templates_of(default_synth), samples=2000).scenario("az-loss")
    components = {c.name: c for c in scenario.components}
    assert not components["replace-capacity"].critical
    assert components["verification"].after == ["alb-node-dns", "app-reconnect"]


def test_a_single_instance_puts_its_replacement_on_the_recovery_path(default_synth: Any) -> None:
    def one_instance(type_: str, props: dict[str, Any]) -> None:
        if type_ == "AWS::AutoScaling::AutoScalingGroup":
            props["DesiredCapacity"] = "1"

    report = analyse_rto(mutated(templates_of(default_synth), one_instance), samples=2000)
    components = {c.name: c for c in report.scenario("az-loss").components}
    assert components["replace-capacity"].critical
    assert "replace-capacity" in components["verification"].after
