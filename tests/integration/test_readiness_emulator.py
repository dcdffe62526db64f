"""`tradedr readiness --target local` on the deployed default config: the checks moto can
answer (the secret and key equivalence, the instance type and AMI) really run and pass;
the others are `not-emulated`, each with moto's reason, never `pass`."""

from __future__ import annotations

import pytest
from tests.conftest import Synthesized

from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.deploy import DeployResult
from tradedr.readiness.service import readiness_with

pytestmark = pytest.mark.integration


def test_readiness_on_the_emulator(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    assert deployed.ok, deployed.failure
    report = readiness_with(default_synth.settings, emulator_provider, emulated=True)
    statuses = {v.check: v.status.value for v in report.verdicts}
    assert statuses == {
        "replica": "not-emulated",
        "secrets-and-keys": "pass",
        "instance-type-and-ami": "pass",
        "service-quotas": "not-emulated",
        "failover-permissions": "not-emulated",
        "routing-health": "not-emulated",
        "backup-copies": "not-emulated",
        "stack-drift": "not-emulated",
    }, [v.line for v in report.verdicts]
    assert all(v.detail.startswith("moto ") for v in report.verdicts if v.status == "not-emulated")
    assert report.exit_code == 0
