"""The Aurora cluster's master secret is retained like the RDS path's (issue 11)."""

from __future__ import annotations

from tests.conftest import Synthesized


def test_aurora_master_secret_is_retained(fast_ga_synth: Synthesized) -> None:
    secrets = fast_ga_synth.all_resources("AWS::SecretsManager::Secret")
    assert secrets, "the Aurora config synthesizes a master secret"
    for stack, logical, secret in secrets:
        assert secret.get("DeletionPolicy") == "Retain", (stack, logical)
        assert secret.get("UpdateReplacePolicy") == "Retain", (stack, logical)


def test_rds_master_secret_is_retained(default_synth: Synthesized) -> None:
    for stack, logical, secret in default_synth.all_resources("AWS::SecretsManager::Secret"):
        assert (secret.get("DeletionPolicy"), secret.get("UpdateReplacePolicy")) == (
            "Retain",
            "Retain",
        ), (stack, logical)
