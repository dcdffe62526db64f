"""Failover and failback on the emulator, deployed from the real templates.

Each test gets its own emulator process and deployment: failover changes roles, and the
session-wide deployment other integration tests share must not see that.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.conftest import Synthesized
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.emulator.server import STATE_ENV, emulator_process
from tradedr.names import Names
from tradedr.ops.actions import action_for
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.deploy import deploy_all
from tradedr.ops.failback import failback
from tradedr.ops.failover import db_writers, failover
from tradedr.ops.faults import FaultInjectingProvider
from tradedr.ops.plans import failed_region_violations
from tradedr.ops.run import RunOptions
from tradedr.ops.steps import endpoint_parameter
from tradedr.ops.validate import FAIL, stack_outputs, validate_deployment

pytestmark = pytest.mark.integration
PRIMARY, STANDBY = "us-east-1", "us-west-2"


@dataclass
class Deployment:
    url: str
    provider: Boto3ClientProvider
    synth: Synthesized

    @property
    def names(self) -> Names:
        return Names(self.synth.settings)

    def capacity(self, region: str) -> int:
        group = self.provider.client("autoscaling", region).describe_auto_scaling_groups(
            AutoScalingGroupNames=[self.names.asg(region)]
        )["AutoScalingGroups"][0]
        return int(group["DesiredCapacity"])

    def parameter(self, region: str) -> str:
        return str(
            self.provider.client("ssm", region).get_parameter(
                Name=endpoint_parameter(self.synth.settings)
            )["Parameter"]["Value"]
        )

    def failed_checks(self) -> list[str]:
        settings = self.synth.settings
        report = validate_deployment(
            settings, self.provider, stack_outputs(settings, self.provider), target="local"
        )
        return [f"{c.name} {c.region}: {c.detail}" for c in report.checks if c.status == FAIL]


@pytest.fixture
def deployment(default_synth: Synthesized, tmp_path: Path) -> Iterator[Deployment]:
    with emulator_process(tmp_path / "emulator.log") as url:
        provider = Boto3ClientProvider(endpoint_url=url)
        result = deploy_all(default_synth.settings, default_synth.stacks, provider, target="local")
        assert result.ok, result.failure
        yield Deployment(url, provider, default_synth)


def test_unplanned_failover_under_region_loss_then_failback(
    deployment: Deployment, tmp_path: Path
) -> None:
    settings, names = deployment.synth.settings, deployment.names
    assert deployment.failed_checks() == []
    lossy = FaultInjectingProvider(deployment.provider)
    lossy.lose_region(PRIMARY)

    # The emulator has no health checkers to confirm the loss: the operator declares it.
    result = failover(
        settings,
        lossy,
        RunOptions(runs_dir=tmp_path / "runs"),
        to_region=STANDBY,
        assume_region_lost=True,
    )

    assert result.status == "completed", result.message
    assert result.plan.mode == "unplanned"
    touched = {entry[2] for entry in lossy.log.injected}
    assert touched <= {PRIMARY}, "only the probe may knock on the lost region"
    # Only the reachability probe, retried over its window; nothing from the plan or lock.
    assert {entry[1:] for entry in lossy.log.injected} == {("rds", PRIMARY, "DescribeDBInstances")}
    assert len(lossy.log.injected) >= 2
    # Every call a step made is one its action declared (ExecutionContext.call refuses any
    # other), and the plan declares none in the lost region: so no step called it.
    declared = {
        step.id: {f"{c.service}:{c.region}:{c.operation}" for c in action_for(step).calls(step)}
        for step in result.plan.steps()
    }
    made = [(r.step_id, call) for r in result.records for call in r.calls]
    assert ("promote-us-west-2", f"rds:{STANDBY}:PromoteReadReplica") in made
    assert [(step, call) for step, call in made if call not in declared[step]] == []
    assert [(step, call) for step, call in made if f":{PRIMARY}:" in call] == []
    assert failed_region_violations(result.plan, PRIMARY) == []
    writers = db_writers(deployment.provider, settings, [STANDBY])
    assert writers == [(STANDBY, names.db_identifier(STANDBY))]
    assert deployment.capacity(STANDBY) == settings.regions[STANDBY].asg_desired
    statuses = {r.step_id: r.status for r in result.records}
    assert statuses["promote-us-west-2"] == "executed"
    assert statuses["traffic-to-us-west-2"] == "not-emulated"

    lossy.restore_region()
    back = failback(settings, lossy, RunOptions(runs_dir=tmp_path / "runs"))

    assert back.status == "completed", back.message
    assert db_writers(deployment.provider, settings) == [(PRIMARY, names.db_identifier(PRIMARY))]
    assert deployment.capacity(PRIMARY) == settings.regions[PRIMARY].asg_desired
    assert deployment.capacity(STANDBY) == settings.standby_capacity(STANDBY)[1]
    assert deployment.parameter(STANDBY).startswith(names.db_identifier(STANDBY))
    assert deployment.failed_checks() == []


def use_emulator(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI find this test's emulator as the running one."""
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    (state_dir / "emulator.json").write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "port": int(url.rsplit(":", 1)[1]),
                "endpoint_url": url,
                "started_at": time.time(),
                "log_file": "",
            }
        )
    )
    monkeypatch.setenv(STATE_ENV, str(state_dir))


def test_cli_planned_failover_dry_run_then_run_then_failback(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_emulator(deployment.url, tmp_path, monkeypatch)
    runs = str(tmp_path / "runs")
    runner = CliRunner()

    dry = runner.invoke(
        app, ["failover", "--to", STANDBY, "--dry-run", "--json", "--runs-dir", runs]
    )
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["status"] == "dry-run"
    assert deployment.capacity(STANDBY) == 1

    declined = runner.invoke(app, ["failover", "--to", STANDBY, "--runs-dir", runs], input="n\n")
    assert declined.exit_code == 1
    assert "not approved" in declined.output
    run_id = declined.output.split("--resume ")[1].split()[0]

    resumed = runner.invoke(
        app, ["failover", "--resume", run_id, "--yes", "--json", "--runs-dir", runs]
    )
    assert resumed.exit_code == 0, resumed.output
    data = json.loads(resumed.stdout)
    assert data["status"] == "completed"
    # The lag check guards the promotion still to come, so the resume ran it again.
    previous = {s["step"] for s in data["steps"] if s["previous_run"]}
    assert previous == set()
    settings, names = deployment.synth.settings, deployment.names
    assert deployment.capacity(PRIMARY) == 0
    assert db_writers(deployment.provider, settings) == [(STANDBY, names.db_identifier(STANDBY))]

    # Right after a correct failover, validate checks the current roles and passes.
    checked = runner.invoke(app, ["validate", "--json", "--runs-dir", runs])
    assert checked.exit_code == 0, checked.output
    checks = json.loads(checked.stdout)["checks"]
    by_name = {(c["name"], c["region"]): c for c in checks}
    roles = by_name[("roles", "all")]["detail"]
    assert roles.startswith(f"assumed roles: writer {STANDBY} (RDS: ")
    assert f"latest completed run {run_id} (failover {PRIMARY} -> {STANDBY})" in roles
    assert ("rds-replica", STANDBY) not in by_name  # the promoted writer is no replica
    assert by_name[("rds", STANDBY)]["status"] == "ok"
    stale = by_name[("rds-stale", PRIMARY)]["detail"]
    assert stale.startswith(f"{names.db_identifier(PRIMARY)}-stale-")
    assert stale.endswith("stopped: stale, to be cleaned up by failback or destroy")
    assert "fenced at 0" in by_name[("asg", PRIMARY)]["detail"]

    back = runner.invoke(app, ["failback", "--yes", "--json", "--runs-dir", runs])
    assert back.exit_code == 0, back.output
    assert db_writers(deployment.provider, settings) == [(PRIMARY, names.db_identifier(PRIMARY))]
    assert deployment.failed_checks() == []


def test_cli_failover_without_a_running_emulator_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(STATE_ENV, str(tmp_path / "nothing-here"))
    result = CliRunner().invoke(app, ["failover", "--to", STANDBY, "--yes"])
    assert result.exit_code == 2
    assert "tradedr emulator start" in result.output
