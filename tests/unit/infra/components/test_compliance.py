"""Acknowledging a finding in code (compliance.acknowledge) needs a real reason."""

from __future__ import annotations

import pytest

from tradedr.infra.components.compliance import acknowledge


def test_short_reason_is_rejected() -> None:
    import aws_cdk as cdk

    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match="too short"):
        acknowledge(stack, rules=["AwsSolutions-S1"], reason="because")
