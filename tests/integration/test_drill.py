"""The drill end to end on a fresh embedded emulator, as `make run` runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.cli import app

pytestmark = pytest.mark.integration


def test_drill_passes_and_writes_both_reports(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["drill", "--no-data-plane", "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    on_disk = json.loads((tmp_path / "drill-report.json").read_text())
    assert on_disk["steps"] == data["steps"]
    assert (tmp_path / "drill-report.md").read_text().startswith("# DR drill")
    assert data["target"] == "local"
    assert data["passed"] is True
    assert data["total_seconds"] > 0
    assert 0 < data["measured_recovery_seconds"] <= data["total_seconds"]
    steps = data["steps"]
    assert {s["status"] for s in steps} <= {"executed", "not-emulated"}
    assert all(set(s) >= {"name", "region", "status", "seconds"} for s in steps)
    names = [s["name"] for s in steps]
    for expected in (
        "synth",
        "write sample sessions and objects",
        "validate deployment",
        "simulate loss of us-east-1",
        "failover: promote-us-west-2",
        "standby serves: VPC, ALB and targets",
        "restore us-east-1",
        "failback: promote-us-east-1",
        "validate after failback",
    ):
        assert expected in names
    assert names.index("simulate loss of us-east-1") < names.index("failover: promote-us-west-2")
    assert names.index("failover: promote-us-west-2") < names.index("restore us-east-1")
    lost = names.index("simulate loss of us-east-1")
    restored = names.index("restore us-east-1")
    during_outage = steps[lost + 1 : restored]
    assert {s["region"] for s in during_outage} == {"us-west-2"}
    not_emulated = {s["name"] for s in steps if s["status"] == "not-emulated"}
    assert "failover: traffic-to-us-west-2" in not_emulated
    assert "failover: check-lag-us-west-2" in not_emulated
    assert data["data_plane"] is None


def test_without_the_packages_the_control_plane_drill_runs_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No MariaDB/HAProxy (not root, no apt): one line says the data plane was not
    available, the drill still passes, and the data-plane steps stay not-emulated."""
    from moto.moto_api._internal.models import moto_api_backend

    import tradedr.emulator.dataplane.lab

    moto_api_backend.reset()  # the drill's emulator runs in this process (see below)
    monkeypatch.setattr(
        tradedr.emulator.dataplane.lab,
        "available",
        lambda: "mariadbd, haproxy not installed (root: make system-deps)",
    )
    result = CliRunner().invoke(app, ["drill", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "drill-report.json").read_text())
    assert data["passed"] is True
    assert data["data_plane"] is None
    assert data["data_plane_unavailable"] == (
        "mariadbd, haproxy not installed (root: make system-deps)"
    )
    said = [line for line in result.output.splitlines() if "data plane not available" in line]
    assert said, result.output
    assert all("mariadbd, haproxy not installed" in line for line in said)
    steps = {s["name"]: s["status"] for s in data["steps"]}
    for name in (
        "failover: check-lag-us-west-2",
        "failover: traffic-to-us-west-2",
        "failback: catch-up-us-east-1",
        "failback: drain-us-east-1",
    ):
        assert steps[name] == "not-emulated", name
    assert "start the data plane and the workload" not in steps


def test_a_failed_step_fails_the_drill_and_stops_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tradedr.infra.synth

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(tradedr.infra.synth, "synthesize", broken)
    result = CliRunner().invoke(app, ["drill", "--out", str(tmp_path)])
    assert result.exit_code == 1
    data = json.loads((tmp_path / "drill-report.json").read_text())
    assert [(s["name"], s["status"]) for s in data["steps"]] == [("synth", "failed")]
    assert data["measured_recovery_seconds"] is None
    assert "disk full" in (tmp_path / "drill-report.md").read_text()


FAST_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hot-standby-fast.toml"


def arc_variant(tmp_path: Path) -> Path:
    """The fast example with ARC routing controls (and so without automatic failover)."""
    text = FAST_EXAMPLE.read_text(encoding="utf-8")
    assert 'traffic = "global-accelerator"' in text
    text = text.replace('traffic = "global-accelerator"', 'traffic = "arc"')
    before, _, after = text.partition("[failover]")
    text = before + after[after.index("\n[") + 1 :]
    path = tmp_path / "hot-standby-fast-arc.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("variant", "traffic_steps"),
    [
        ("example", ("dial-to-us-west-2", "dial-down-us-east-1")),
        ("arc", ("route-to-us-west-2",)),
    ],
)
def test_fast_failover_drill_reports_the_real_aws_only_steps_as_not_emulated(
    tmp_path: Path, variant: str, traffic_steps: tuple[str, ...]
) -> None:
    """Aurora global switchover/failover, the accelerator's traffic dials and ARC routing
    controls have no emulator API: the drill runs everything else and says so, and exits 0
    (every emulated step passed). The example's region-loss detector deploys (moto creates
    the function and its schedule, never runs them) and takes no part in the drill."""
    from moto.moto_api._internal.models import moto_api_backend

    # The drill's emulator runs in this process, and moto keeps its state across emulator
    # instances: clear what an earlier drill in this session left (account-wide singletons
    # such as the AWS Config recorder would otherwise collide).
    moto_api_backend.reset()
    config = FAST_EXAMPLE if variant == "example" else arc_variant(tmp_path)
    result = CliRunner().invoke(
        app,
        ["drill", "--no-data-plane", "-c", str(config), "--out", str(tmp_path / "out"), "--json"],
    )
    assert result.exit_code == 0, result.output
    steps = {s["name"]: s["status"] for s in json.loads(result.stdout)["steps"]}
    back = {"route-to-us-west-2": "route-to-us-east-1", "dial-to-us-west-2": "dial-to-us-east-1"}
    for name in (
        "failover: failover-db-us-west-2",
        "failback: switchover-us-east-1",
        *(f"failover: {step}" for step in traffic_steps),
        *(f"failback: {back[step]}" for step in traffic_steps if step in back),
    ):
        assert steps[name] == "not-emulated", name
    assert steps["failover: scale-us-west-2"] == "executed"
    assert steps["deploy trading-fast-app-us-west-2"] == "executed"
    assert "failover: promote-us-west-2" not in steps
    assert set(steps.values()) <= {"executed", "not-emulated"}
    if variant == "example":
        assert_detector_deployed_but_idle()


def assert_detector_deployed_but_idle() -> None:
    """moto (in this process) holds the detector function and its schedule rule; it never
    fires the rule, so the detector never ran: the drill's failover was its own."""
    from moto.awslambda.models import lambda_backends
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.events.models import events_backends

    function = lambda_backends[DEFAULT_ACCOUNT_ID]["us-west-2"].get_function(
        "trading-fast-region-loss-usw2"
    )
    assert function.environment_vars["TRADEDR_ROLE"] == "auto-failover-detector"
    assert function.reserved_concurrency == 1
    bus = events_backends[DEFAULT_ACCOUNT_ID]["us-west-2"].event_buses["default"]
    rules = list(bus.rules.values())
    assert [r.scheduled_expression for r in rules] == ["rate(1 minute)"]


def test_the_scheduled_readiness_function_deploys_and_is_reported_not_emulated(
    tmp_path: Path,
) -> None:
    """With `[readiness] schedule`, the drill deploys the function in the first standby and
    says it never runs there (moto fires no schedules)."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    config = tmp_path / "tradedr.toml"
    config.write_text('[readiness]\nschedule = "rate(30 minutes)"\n')
    # The control-plane drill: this test is about the function's stack, not the data plane.
    result = CliRunner().invoke(
        app,
        ["drill", "-c", str(config), "--no-data-plane", "--out", str(tmp_path / "out"), "--json"],
    )
    assert result.exit_code == 0, result.output
    steps = {s["name"]: s for s in json.loads(result.stdout)["steps"]}
    readiness = steps["scheduled readiness checks"]
    assert readiness["status"] == "not-emulated"
    assert readiness["detail"].startswith(
        "trading-prod-readiness-usw2 deployed with its rate(30 minutes) rule; moto fires no "
        "schedules"
    )
    assert steps["deploy trading-prod-app-us-west-2"]["status"] == "executed"


MRSC_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "active-active-mrsc.toml"


def test_mrsc_drill_passes_with_the_mrsc_checks_not_emulated(tmp_path: Path) -> None:
    """examples/active-active-mrsc.toml on the emulator: the drill deploys three regions with
    no database instance, takes us-east-1 out and returns it. moto has no MRSC (each replica
    is a plain table) and no Global Accelerator, so the table checks and the dials are
    not-emulated, never executed; every survivor's verification really runs."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    result = CliRunner().invoke(
        app, ["drill", "-c", str(MRSC_EXAMPLE), "--out", str(tmp_path / "out"), "--json"]
    )
    assert result.exit_code == 0, result.output
    steps = {s["name"]: s["status"] for s in json.loads(result.stdout)["steps"]}
    for name in (
        "failover: check-orders-replicas-us-east-2",
        "failover: dial-down-us-east-1",
        "failback: check-orders-replicas-us-east-1",
        "failback: dial-up-us-east-1",
    ):
        assert steps[name] == "not-emulated", name
    for name in (
        "failover: verify-us-east-2",
        "failover: verify-us-west-2",
        "failback: verify-us-east-1",
        "validate deployment",
    ):
        assert steps[name] == "executed", name
    assert not [s for s in steps if "promote" in s or "scale-" in s]  # nothing to promote
    assert set(steps.values()) <= {"executed", "not-emulated"}


def test_three_region_drill_passes_and_every_standby_follows_the_writer(tmp_path: Path) -> None:
    """us-east-1 + us-west-2 + eu-west-1: eu-west-1's replica is re-created from the new
    writer in the failover and again from the home writer in the failback, and the last
    validation checks every region's role against the current writer."""
    import subprocess
    import sys

    config = tmp_path / "tri.toml"
    config.write_text(
        'environment = "tri"\nstandby_regions = ["us-west-2", "eu-west-1"]\n', encoding="utf-8"
    )
    # Its own process: a fresh in-process emulator, whatever the tests before left; a short
    # --out, since the data plane's MariaDB sockets live under it (108-byte socket paths).
    import shutil
    import tempfile

    out = Path(tempfile.mkdtemp(prefix="tri-", dir="/tmp"))
    tradedr = Path(sys.executable).parent / "tradedr"
    try:
        result = subprocess.run(
            [str(tradedr), "drill", "-c", str(config), "--out", str(out), "--json"],
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
    finally:
        shutil.rmtree(out, ignore_errors=True)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout)
    assert data["passed"] is True
    status = {s["name"]: s["status"] for s in data["steps"]}
    for plan in ("failover", "failback"):
        for step in ("retire-replica", "replicate-to", "repoint-replica"):
            assert status[f"{plan}: {step}-eu-west-1"] == "executed", (plan, step)
    names = [s["name"] for s in data["steps"]]
    assert names.index("failback: replicate-to-eu-west-1") < names.index(
        "failback: retire-db-us-west-2"
    )
    final = next(s for s in data["steps"] if s["name"] == "validate after failback")
    assert "0 failed" in final["detail"]
    assert "assumed roles: writer us-east-1" in final["detail"]
    writer = "arn:aws:rds:us-east-1:123456789012:db:trading-tri-orders-primary-use1"
    for region, replica in (("us-west-2", "usw2"), ("eu-west-1", "euw1")):
        assert (
            f"{region}: trading-tri-orders-replica-{replica} available, source {writer}"
            in final["detail"]
        )
