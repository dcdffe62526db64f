"""The scheduled function's entry point: the same checks, on the facts in its environment.

Inlined into the function with the check modules (`infra/components/readiness.py`); boto3,
botocore and the standard library only. Each run publishes, in namespace
`tradedr/Readiness`, `CheckPassed` per check (1 pass, 0 fail or error; nothing for a check
that does not apply) and `Ready` (1 when the whole run passed); the stack's alarm on `Ready`
notifies the alarm topic, and treats a missing run as not ready.
"""

from __future__ import annotations

import os
from typing import Any

from tradedr.readiness.facts import ReadinessFacts
from tradedr.readiness.model import ReadinessContext, ReadinessReport, Status
from tradedr.readiness.runner import run_checks

NAMESPACE = "tradedr/Readiness"
FACTS_VARIABLE = "READINESS_FACTS"
# Three drift detections poll within the function's timeout.
DRIFT_TIMEOUT_SECONDS = 180.0
_MEASURED = (Status.PASS, Status.FAIL, Status.ERROR)


class Boto3Clients:
    """One boto3 client per (service, region), created on first use."""

    def __init__(self) -> None:
        self._clients: dict[tuple[str, str], Any] = {}

    def client(self, service: str, region: str) -> Any:
        import boto3

        key = (service, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(service, region_name=region)
        return self._clients[key]


def metric_data(report: ReadinessReport) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = [
        {
            "MetricName": "CheckPassed",
            "Dimensions": [{"Name": "Check", "Value": v.check}],
            "Value": 1.0 if v.status is Status.PASS else 0.0,
            "Unit": "Count",
        }
        for v in report.verdicts
        if v.status in _MEASURED
    ]
    data.append({"MetricName": "Ready", "Value": float(report.passed), "Unit": "Count"})
    return data


def handler(event: Any, context: Any, provider: Any = None) -> dict[str, Any]:
    facts = ReadinessFacts.from_json(os.environ[FACTS_VARIABLE])
    clients = provider or Boto3Clients()
    ctx = ReadinessContext(facts, clients, drift_timeout_seconds=DRIFT_TIMEOUT_SECONDS)
    report = run_checks(ctx, emulated=False)
    for verdict in report.verdicts:
        print(verdict.line)
    clients.client("cloudwatch", facts.standby).put_metric_data(
        Namespace=NAMESPACE, MetricData=metric_data(report)
    )
    return report.to_dict()
