"""Template structure of the default config."""

from __future__ import annotations

import pytest
from tests.conftest import Synthesized


def test_default_synthesizes_data_replica_app_and_global_stacks(default_synth: Synthesized) -> None:
    names = [s.name for s in default_synth.stacks]
    assert names == [
        "trading-prod-data-us-west-2",
        "trading-prod-data-us-east-1",
        "trading-prod-app-us-east-1",
        "trading-prod-replica-us-west-2",
        "trading-prod-app-us-west-2",
        "trading-prod-global",
    ]


@pytest.mark.parametrize(
    ("stack", "type_", "count"),
    [
        ("trading-prod-data-us-east-1", "AWS::RDS::DBInstance", 1),
        ("trading-prod-data-us-east-1", "AWS::DynamoDB::GlobalTable", 1),
        ("trading-prod-replica-us-west-2", "AWS::RDS::DBInstance", 1),
        ("trading-prod-app-us-east-1", "AWS::AutoScaling::AutoScalingGroup", 1),
        ("trading-prod-global", "AWS::Route53::HealthCheck", 2),
    ],
)
def test_key_resources_present(
    default_synth: Synthesized, stack: str, type_: str, count: int
) -> None:
    assert len(default_synth.resources(stack, type_)) == count
