"""app-instance-failure: the ALB routes around a failed instance; its replacement only
counts when it was the only one."""

from __future__ import annotations

from typing import Any

from tests.unit.analysis.rto.support import mutated, templates_of

from tradedr.analysis.rto import analyse_rto


def test_with_two_instances_recovery_is_the_target_group_detection(default_synth: Any) -> None:
    scenario = analyse_rto(templates_of(default_synth), samples=2000).scenario(
        "app-instance-failure"
    )
    detection, replace = scenario.components
    assert (detection.name, replace.name) == ("detection", "replace-instance")
    assert not replace.critical
    assert scenario.rto.worst == detection.worst
    assert scenario.met


def test_the_only_instance_must_be_replaced_first(default_synth: Any) -> None:
    def one_instance(type_: str, props: dict[str, Any]) -> None:
        if type_ == "AWS::AutoScaling::AutoScalingGroup":
            props["DesiredCapacity"] = "1"

    report = analyse_rto(mutated(templates_of(default_synth), one_instance), samples=2000)
    scenario = report.scenario("app-instance-failure")
    replace = next(c for c in scenario.components if c.name == "replace-instance")
    assert replace.critical
    assert scenario.rto.typical == scenario.components[0].typical + replace.typical
