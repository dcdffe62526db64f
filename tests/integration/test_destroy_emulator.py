"""`destroy --delete-data` on the emulator (issue 11): after a failover it snapshots every
writable orders DB whatever its name or role (the promoted standby and the old writer the
failover renamed `<id>-stale-<stamp>`), and a destroy that fails puts deletion protection
back on every instance it turned it off on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.integration import test_failover_emulator
from tests.integration.test_failover_emulator import PRIMARY, STANDBY, Deployment

from tradedr.errors import AwsOperationError
from tradedr.ops.actions.base import replication_source
from tradedr.ops.destroy import destroy_all
from tradedr.ops.failover import failover
from tradedr.ops.faults import Fault, FaultInjectingProvider
from tradedr.ops.run import RunOptions

pytestmark = pytest.mark.integration
# The failover tests' emulator and deployment, one per test (failover changes roles).
deployment = test_failover_emulator.deployment


def _instances(deployment: Deployment, region: str) -> dict[str, dict[str, Any]]:
    rds = deployment.provider.client("rds", region)
    return {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}


def _snapshot_sources(deployment: Deployment, region: str) -> dict[str, str]:
    """Manual snapshot id -> the instance it was taken of."""
    rds = deployment.provider.client("rds", region)
    found = rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"]
    return {s["DBSnapshotIdentifier"]: s["DBInstanceIdentifier"] for s in found}


def test_delete_data_after_a_failover_snapshots_every_writer(
    deployment: Deployment, tmp_path: Path
) -> None:
    settings, names = deployment.synth.settings, deployment.names
    result = failover(
        settings, deployment.provider, RunOptions(runs_dir=tmp_path), to_region=STANDBY
    )
    assert result.status == "completed", result.message
    (stale,) = [i for i in _instances(deployment, PRIMARY) if "-stale-" in i]
    assert stale.startswith(names.db_identifier(PRIMARY))
    promoted = names.db_identifier(STANDBY)
    assert replication_source(_instances(deployment, STANDBY)[promoted]) is None

    destroyed = destroy_all(settings, deployment.provider, target="local", delete_data=True)

    # The renamed stale writer belongs to no stack on AWS (a stack's DB keeps its stable
    # name): destroy snapshots it and deletes it before any data stack.
    assert f"rds instance {stale} ({PRIMARY})" in destroyed.deleted
    assert stale not in _instances(deployment, PRIMARY)
    assert set(_snapshot_sources(deployment, PRIMARY).values()) == {stale}
    assert set(_snapshot_sources(deployment, STANDBY).values()) == {promoted}
    snapshots = [b for b in destroyed.final_backups if b.startswith("rds snapshot")]
    assert len(snapshots) == 2, destroyed.final_backups
    assert any(stale in b and f"({PRIMARY})" in b for b in snapshots)
    assert any(promoted in b and f"({STANDBY})" in b for b in snapshots)
    assert_stale_went_before_the_data_stacks(destroyed, [f"rds instance {stale} ({PRIMARY})"])


def assert_stale_went_before_the_data_stacks(destroyed: Any, deleted: list[str]) -> None:
    """destroy deletes the stale instances before any data stack (that the data stacks then
    go is the CLI test's below)."""
    order = destroyed.deleted
    stacks = [
        i
        for i, d in enumerate(order)
        if not d.startswith("rds instance") and ("-data-" in d or "-replica-" in d)
    ]
    first_data = stacks[0] if stacks else len(order)
    for item in deleted:
        assert order.index(item) < first_data, order


def test_delete_data_after_failover_and_failback_deletes_the_stale_writers(
    deployment: Deployment, tmp_path: Path
) -> None:
    """Issue 16: the renamed stale DBs of a failover and its failback stayed in the VPC and
    the destroy failed on DependencyViolation."""
    from tradedr.ops.failback import failback

    settings = deployment.synth.settings
    runs = RunOptions(runs_dir=tmp_path)
    assert failover(settings, deployment.provider, runs, to_region=STANDBY).status == "completed"
    assert failback(settings, deployment.provider, runs).status == "completed"
    stale = {
        (region, i)
        for region in (PRIMARY, STANDBY)
        for i in _instances(deployment, region)
        if "-stale-" in i
    }
    assert {region for region, _ in stale} == {PRIMARY, STANDBY}

    destroyed = destroy_all(settings, deployment.provider, target="local", delete_data=True)

    for region, identifier in stale:
        assert f"rds instance {identifier} ({region})" in destroyed.deleted
        assert identifier in _snapshot_sources(deployment, region).values()
        assert identifier not in _instances(deployment, region)
    assert_stale_went_before_the_data_stacks(
        destroyed, [f"rds instance {identifier} ({region})" for region, identifier in stale]
    )


def _protection(deployment: Deployment, region: str) -> bool:
    identifier = deployment.names.db_identifier(region)
    return bool(_instances(deployment, region)[identifier]["DeletionProtection"])


def _protect(deployment: Deployment) -> None:
    """Deletion protection as the templates set it (the emulator drops it on create)."""
    for region in (PRIMARY, STANDBY):
        deployment.provider.client("rds", region).modify_db_instance(
            DBInstanceIdentifier=deployment.names.db_identifier(region),
            DeletionProtection=True,
            ApplyImmediately=True,
        )
        assert _protection(deployment, region)


def test_a_failed_stack_delete_restores_deletion_protection(deployment: Deployment) -> None:
    settings, names = deployment.synth.settings, deployment.names
    _protect(deployment)
    # The stateless stacks first, so the first DeleteStack in the standby is the replica
    # stack's, the first stateful one, after protection is lifted.
    assert destroy_all(settings, deployment.provider, target="local", delete_data=False).ok
    failing = FaultInjectingProvider(
        deployment.provider,
        [Fault("5xx", "cloudformation", STANDBY, "DeleteStack", times=None)],
    )
    said: list[str] = []

    result = destroy_all(settings, failing, target="local", delete_data=True, progress=said.append)

    assert not result.ok
    assert [f.split(":")[0] for f in result.failed] == [names.replica_stack(STANDBY)]
    assert result.deleted == []
    assert sorted(result.reprotected) == [
        f"{PRIMARY} {names.db_identifier(PRIMARY)}",
        f"{STANDBY} {names.db_identifier(STANDBY)}",
    ]
    for region in (PRIMARY, STANDBY):
        assert f"{names.db_identifier(region)}: deletion protection off" in said
        assert _protection(deployment, region), "a surviving instance is left unprotected"


def test_an_error_midway_restores_deletion_protection(deployment: Deployment) -> None:
    settings, names = deployment.synth.settings, deployment.names
    _protect(deployment)
    # The stateless stacks first, so the first DeleteStack in the standby is its replica
    # stack's, after protection is lifted.
    assert destroy_all(settings, deployment.provider, target="local", delete_data=False).ok
    # A timeout is no ClientError: it leaves destroy_all as an exception, not a result.
    failing = FaultInjectingProvider(
        deployment.provider,
        [Fault("timeout", "cloudformation", STANDBY, "DeleteStack", times=None)],
    )
    said: list[str] = []

    with pytest.raises(AwsOperationError, match="destroy:"):
        destroy_all(settings, failing, target="local", delete_data=True, progress=said.append)

    for region in (PRIMARY, STANDBY):
        identifier = names.db_identifier(region)
        assert f"{identifier}: deletion protection off" in said
        assert f"{identifier}: deletion protection restored" in said
        assert _protection(deployment, region)


def _stacks(deployment: Deployment, region: str) -> list[str]:
    cf = deployment.provider.client("cloudformation", region)
    return [
        s["StackName"]
        for s in cf.describe_stacks()["Stacks"]
        if s["StackStatus"] != "DELETE_COMPLETE"
    ]


def test_cli_destroy_delete_data_after_failover_and_failback_leaves_no_instance_or_stack(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16 end to end: the data stacks go too. The stacks delete their DB instances by
    the physical id CloudFormation recorded at create time (the stable name), not by the
    `-stale-` name a plan renamed the instance to, and take one destroy already deleted as
    deleted; before the emulator did the same, DeleteStack failed on DBInstanceNotFound."""
    import json

    from typer.testing import CliRunner

    from tradedr.cli import app
    from tradedr.ops.failback import failback

    settings = deployment.synth.settings
    runs = RunOptions(runs_dir=tmp_path / "runs")
    assert failover(settings, deployment.provider, runs, to_region=STANDBY).status == "completed"
    assert failback(settings, deployment.provider, runs).status == "completed"
    instances = {region: _instances(deployment, region) for region in (PRIMARY, STANDBY)}
    stale = {(r, i) for r, found in instances.items() for i in found if "-stale-" in i}
    writable = {(r, i) for r, i in stale if replication_source(instances[r][i]) is None}
    # The old writer of each run (the failover's in PRIMARY, the failback's in STANDBY).
    assert {r for r, _ in writable} == {PRIMARY, STANDBY}, stale
    test_failover_emulator.use_emulator(deployment.url, tmp_path, monkeypatch)

    result = CliRunner().invoke(app, ["destroy", "--delete-data", "--yes", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["failed"] == [], data
    assert data["ok"], data
    for region in (PRIMARY, STANDBY):
        assert _instances(deployment, region) == {}, region
        assert _stacks(deployment, region) == [], region
    for region, identifier in writable:
        assert f"rds instance {identifier} ({region})" in data["deleted"]
        assert identifier in _snapshot_sources(deployment, region).values(), (region, identifier)
