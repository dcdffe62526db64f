"""The lag guard on the real data plane: replication lag injected by pausing the replica's
SQL thread; the unplanned failover refuses without --allow-data-loss, and with it the
orders lost are exactly the acknowledged ones the replica had not applied, matched against
the client history. One data plane for the module (slow: real processes)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import synth_config

from tradedr.emulator.dataplane.lab import Lab, LabOptions, available
from tradedr.emulator.server import emulator_process
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.deploy import deploy_all
from tradedr.ops.failover import failover
from tradedr.ops.faults import FaultInjectingProvider
from tradedr.ops.run import RunOptions

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(available() is not None, reason=f"no data plane: {available()}"),
]

PRIMARY, STANDBY = "us-east-1", "us-west-2"
RPO = 3  # seconds: a 6 s pause of the replica is above it
PAUSE = 6.0


@pytest.fixture(scope="module")
def emulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An emulator of this module's own: the session's holds the default deployment, and
    both declare the account-wide `RDSOSMetrics` log group, which cannot exist twice."""
    with emulator_process(tmp_path_factory.mktemp("lagguard-emulator") / "emulator.log") as url:
        yield url


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, emulator_url: str) -> Iterator[tuple[Lab, Any]]:
    synth = synth_config(
        tmp_path_factory, {"environment": "lagguard", "targets": {"rpo_seconds": RPO}}
    )
    base = Boto3ClientProvider(endpoint_url=emulator_url)
    deployed = deploy_all(synth.settings, synth.stacks, base, target="local")
    assert all(s.status in ("created", "updated", "unchanged") for s in deployed.stacks)
    running = Lab(
        settings=synth.settings,
        templates=synth.templates,
        outputs=deployed.outputs,
        emulator_url=emulator_url,
        root=tmp_path_factory.mktemp("lab") / "lab",
        options=LabOptions(warmup_seconds=3.0),
    )
    try:
        running.start()
        provider = FaultInjectingProvider(running.provider(base))
        yield running, provider
    finally:
        running.stop()


def test_failover_refuses_a_lagging_replica_then_reports_exactly_the_lost_orders(
    lab: tuple[Lab, Any], tmp_path: Path
) -> None:
    running, provider = lab
    assert running.plane is not None
    assert running.workload is not None
    settings = running.settings
    _start_early_in_a_minute()
    running.inject_lag(STANDBY, PAUSE)
    paused_at = running.marks["lag injected"]
    provider.lose_region(PRIMARY)
    running.lose(PRIMARY)
    loss_at = running.loss_at
    assert loss_at is not None
    options = RunOptions(target="local", runs_dir=tmp_path / "runs")

    refused = failover(settings, provider, options, to_region=STANDBY, assume_region_lost=True)
    assert refused.status == "stopped"
    check = next(r for r in refused.records if r.step_id == f"check-lag-{STANDBY}")
    assert check.status == "failed"
    assert "above the RPO" in refused.message or "above the RPO" in check.detail
    assert all(r.action != "promote-replica" for r in refused.records)
    replica = running.plane.instance(settings.prefix + "-orders-replica-usw2")
    assert replica is not None
    assert replica.server.source is not None

    accepted = failover(
        settings,
        provider,
        options,
        to_region=STANDBY,
        assume_region_lost=True,
        allow_data_loss=True,
    )
    assert accepted.status == "completed", accepted.message
    statuses = {r.step_id: r.status for r in accepted.records}
    assert statuses[f"check-lag-{STANDBY}"] == "executed"
    assert statuses[f"promote-{STANDBY}"] == "executed"
    status, _ = running.read_writer("after failover")
    assert status == "executed"
    history = running.workload.stop()
    read_at, present = running.reads["after failover"]
    # Acknowledged before the writer was read (a few answers still arrive after the loss
    # began: in flight when the processes were killed, and just as lost).
    acked = [r for r in history if r.acked and r.acked_at is not None and r.acked_at < read_at]
    lost = {r.client_order_id for r in acked if r.client_order_id not in present}

    # What the replica had not applied is what was committed after its SQL thread stopped.
    committed_after = {
        r.client_order_id for r in acked if r.committed_at and r.committed_at > paused_at + 0.2
    }
    assert len(lost) >= 0.5 * PAUSE * running.options.rate
    assert committed_after <= lost
    assert all(
        r.committed_at and r.committed_at >= paused_at - 0.2
        for r in acked
        if r.client_order_id in lost
    )

    # The checker reports the same orders, one by one, and passes only with the flag.
    from tradedr.emulator.dataplane.checker import check as run_checker

    result = run_checker(
        history,
        roles=running.plane.roles,
        reads={"after failover": running.reads["after failover"]},
        final_rows=[],
        loss_at=loss_at,
        phases=[],
        allow_data_loss=True,
    )
    assert set(result.lost_ids["after failover"]) == lost
    assert result.acknowledged_lost["after failover"] == len(lost)
    assert 0 < result.lost_window_seconds <= loss_at - paused_at + 0.5
    assert result.split_brain_writes == 0
    assert result.passed is True
    # The stale writer kept them: bring the region back and read its data.
    running.restore(PRIMARY)
    stale = running.plane.instance(settings.prefix + "-orders-primary-use1")
    assert stale is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not stale.server.running():
        time.sleep(0.2)
    on_stale = {str(r["client_order_id"]) for r in stale.server.orders()}
    assert lost <= on_stale


def _start_early_in_a_minute() -> None:
    """Lag datapoints are dated to the start of their minute, as CloudWatch's 60 s periods
    are, and the guard counts only a period covering its step's start. Injecting the lag,
    losing the region and reaching the lag check take some seconds; begun late in a minute,
    the check can start in the next one before its first datapoint is published, and then
    refuses on "lag unknown" (also safe, but not the refusal this test is about)."""
    into = time.time() % 60
    if into > 30:
        time.sleep(61 - into)
