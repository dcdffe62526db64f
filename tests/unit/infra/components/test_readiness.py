"""Readiness on a schedule (`[readiness] schedule`): the function runs the readiness
package's own check modules, inlined; they import nothing of tradedr beyond themselves, the
bundle runs in a fresh interpreter that cannot import tradedr's config or CDK, and the
handler publishes one metric per check. The template holds the function, its schedule, a
read-only role and the alarm on the alarm topic."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import Synthesized, synth_config
from tests.stubbed import StubbedProvider
from tests.unit.readiness import stubs
from tradedr.infra.components.readiness import (
    BUNDLED,
    READINESS,
    bundle_source,
    bundled_sources,
    schedule_seconds,
)
from tradedr.infra.readiness_facts import readiness_facts

ALLOWED_ROOTS = {"__future__", "boto3", "botocore", *sys.stdlib_module_names}


def test_the_bundled_modules_import_only_the_stdlib_boto3_and_each_other() -> None:
    bundled = set(bundled_sources())
    for relative in BUNDLED:
        tree = ast.parse((READINESS / f"{relative}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if name.startswith("tradedr"):
                    assert name in bundled, f"{relative} imports {name}, which is not inlined"
                else:
                    assert name.split(".")[0] in ALLOWED_ROOTS, f"{relative} imports {name}"


def test_every_check_module_is_inlined() -> None:
    modules = {p.stem for p in (READINESS / "checks").glob("*.py")}
    assert {f"checks/{m}" for m in modules} <= set(BUNDLED)


_RUN_BUNDLE = r"""
import json, os, sys
from botocore.exceptions import ClientError

class Denied:
    def __init__(self, service, calls):
        self.service, self.calls = service, calls
    def __getattr__(self, operation):
        if operation == "get_paginator":
            return lambda name: Denied(self.service, self.calls)
        def call(*args, **kwargs):
            self.calls.append((self.service, operation))
            if operation == "put_metric_data":
                return {}
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, operation)
        return call

class Provider:
    def __init__(self):
        self.calls = []
    def client(self, service, region):
        return Denied(service, self.calls)

namespace = {"__name__": "index"}
exec(compile(open(sys.argv[1]).read(), "index.py", "exec"), namespace)
provider = Provider()
report = namespace["handler"](None, None, provider)
tradedr = sorted(m for m in sys.modules if m.split(".")[0] == "tradedr")
print(json.dumps({
    "statuses": {c["check"]: c["status"] for c in report["checks"]},
    "tradedr_modules": tradedr,
    "loaders": sorted({type(sys.modules[m].__loader__).__name__ for m in tradedr}),
    "pydantic": "pydantic" in sys.modules,
    "cdk": "aws_cdk" in sys.modules,
    "metrics": provider.calls[-1],
}))
"""


def test_the_bundle_runs_without_tradedr(tmp_path: Any) -> None:
    index = tmp_path / "index.py"
    index.write_text(bundle_source())
    runner = tmp_path / "run.py"
    runner.write_text(_RUN_BUNDLE)
    facts = readiness_facts(stubs.SETTINGS, stubs.S)
    env = {"READINESS_FACTS": json.dumps(facts), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-I", str(runner), str(index)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["pydantic"] is False
    assert result["cdk"] is False
    assert result["loaders"] == ["_Bundled"]
    assert "tradedr.config" not in result["tradedr_modules"]
    assert result["metrics"] == ["cloudwatch", "put_metric_data"]
    statuses = result["statuses"]
    assert statuses.pop("failover-permissions") == "not-applicable"
    assert set(statuses.values()) == {"error"}  # every call was denied: an error, not a pass


@pytest.mark.stubbed
def test_the_handler_publishes_a_metric_per_check(monkeypatch: pytest.MonkeyPatch) -> None:
    import tradedr.readiness.model as model
    from tradedr.readiness import lambda_handler

    monkeypatch.setattr(model, "_utcnow", lambda: stubs.NOW)
    monkeypatch.setattr(model.time, "sleep", lambda _s: None)
    monkeypatch.setenv(
        lambda_handler.FACTS_VARIABLE, json.dumps(readiness_facts(stubs.SETTINGS, stubs.S))
    )
    provider = StubbedProvider()
    measured = [n for n in stubs.QUEUES if n != "failover-permissions"]
    for name in measured:
        stubs.queue(provider, name, healthy=name != "backup-copies")
    provider.stub("cloudwatch", stubs.S).add_response(
        "put_metric_data",
        {},
        {
            "Namespace": "tradedr/Readiness",
            "MetricData": [
                {
                    "MetricName": "CheckPassed",
                    "Dimensions": [{"Name": "Check", "Value": name}],
                    "Value": 0.0 if name == "backup-copies" else 1.0,
                    "Unit": "Count",
                }
                for name in measured
            ]
            + [{"MetricName": "Ready", "Value": 0.0, "Unit": "Count"}],
        },
    )
    report = lambda_handler.handler(None, None, provider)
    provider.assert_done()
    assert report["exit_code"] == 1


@pytest.mark.parametrize(
    ("schedule", "seconds"),
    [("rate(30 minutes)", 1800), ("rate(1 hour)", 3600), ("cron(0/30 * * * ? *)", 3600)],
)
def test_schedule_seconds(schedule: str, seconds: int) -> None:
    assert schedule_seconds(schedule) == seconds


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_config(tmp_path_factory, {"readiness": {"schedule": "rate(30 minutes)"}})


def test_the_first_standby_holds_the_function_schedule_and_alarm(scheduled: Synthesized) -> None:
    app = scheduled.name("app", "us-west-2")
    functions = [
        res["Properties"]
        for stack, _, res in scheduled.all_resources("AWS::Lambda::Function")
        if res["Properties"].get("Environment", {}).get("Variables", {}).get("TRADEDR_ROLE")
        == "readiness"
        and stack == app
    ]
    [function] = functions
    assert function["FunctionName"] == "trading-prod-readiness-usw2"
    assert function["Code"]["ZipFile"] == bundle_source()
    facts = json.loads(function["Environment"]["Variables"]["READINESS_FACTS"])
    assert facts == readiness_facts(scheduled.settings, "us-west-2")
    rules = [
        r["Properties"]
        for r in scheduled.resources(app, "AWS::Events::Rule").values()
        if r["Properties"].get("ScheduleExpression") == "rate(30 minutes)"
    ]
    assert len(rules) == 1
    [alarm] = [
        a["Properties"]
        for a in scheduled.resources(app, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("Namespace") == "tradedr/Readiness"
    ]
    assert (alarm["MetricName"], alarm["Statistic"], alarm["Period"]) == ("Ready", "Minimum", 1800)
    assert alarm["TreatMissingData"] == "breaching"
    assert alarm["AlarmActions"]
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    # Nowhere else: not in the primary, not twice.
    assert not [
        s
        for s, _, res in scheduled.all_resources("AWS::Lambda::Function")
        if s != app and "readiness" in str(res["Properties"].get("FunctionName", ""))
    ]


def test_the_role_reads_only(scheduled: Synthesized) -> None:
    app = scheduled.name("app", "us-west-2")
    [policy] = [
        res["Properties"]["PolicyDocument"]
        for logical, res in scheduled.resources(app, "AWS::IAM::ManagedPolicy").items()
        if logical.startswith("ReadinessRolePolicy")
    ] or [
        res["Properties"]["PolicyDocument"]
        for logical, res in scheduled.resources(app, "AWS::IAM::Policy").items()
        if logical.startswith("ReadinessRolePolicy")
    ]
    actions = {
        action
        for statement in policy["Statement"]
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }
    writes = {
        a for a in actions if not a.split(":")[1].startswith(("Describe", "Get", "List", "Detect"))
    }
    # Writes: its own logs and network interfaces, its metrics, its environment key.
    assert writes == {
        "cloudwatch:PutMetricData",
        "ec2:AssignPrivateIpAddresses",
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:UnassignPrivateIpAddresses",
        "kms:Decrypt",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    }
    for statement in policy["Statement"]:
        if statement["Resource"] == "*":
            assert statement.get("Condition"), statement["Sid"]


def test_a_backup_restore_config_is_refused() -> None:
    from tradedr.config import load_settings
    from tradedr.errors import ConfigError

    with pytest.raises(ConfigError, match=r"readiness\.schedule: the scheduled checks"):
        load_settings(
            {
                "posture": "backup-restore",
                "targets": {"rpo_seconds": 3600},
                "readiness": {"schedule": "rate(30 minutes)"},
            }
        )


@pytest.mark.parametrize("schedule", ["every 30 minutes", "rate(30 minute)", "rate(1 hours)"])
def test_a_bad_schedule_names_the_field(schedule: str) -> None:
    from tradedr.config import load_settings
    from tradedr.errors import ConfigError

    with pytest.raises(ConfigError, match=r"readiness\.schedule"):
        load_settings({"readiness": {"schedule": schedule}})


def test_the_published_metric_count_matches_the_checks() -> None:
    from tradedr.infra.components.readiness import PUBLISHED_METRICS
    from tradedr.readiness.checks import CHECKS

    assert len(CHECKS) - 1 + 1 == PUBLISHED_METRICS  # no permissions metric, plus Ready


def test_the_cost_report_prices_the_scheduled_checks(scheduled: Synthesized) -> None:
    from tradedr.analysis.cost import analyse_cost
    from tradedr.analysis.prices import SnapshotPrices
    from tradedr.analysis.templates import TemplateSet

    report = analyse_cost(
        TemplateSet.from_synth(scheduled.settings, scheduled.stacks), SnapshotPrices()
    )
    lines = [i for i in report.region("us-west-2").items if "readiness" in i.charge]
    hours = scheduled.settings.usage.hours_per_month
    runs = hours * 2  # rate(30 minutes)
    assert [(i.unit, i.quantity) for i in lines] == [
        ("GB-seconds", pytest.approx(runs * 600 * 256 / 1024)),
        ("million requests", pytest.approx(runs / 1_000_000)),
    ]
    [metrics] = [i for i in report.region("us-west-2").items if "tradedr/Readiness" in i.charge]
    assert (metrics.unit, metrics.quantity) == ("metric-month", 8)
    assert metrics.priced
    # The bundled snapshot has no Lambda price: the lines say so rather than guess.
    assert all(i.price.usd is None for i in lines)
    alarms = [
        i
        for i in report.region("us-west-2").items
        if "readiness" in i.resource.lower() and i.unit == "alarm metric-month"
    ]
    assert alarms, "the readiness alarm is priced"
