"""`tradedr fence` on the emulator after an unplanned failover: the stale primary's region
is fenced, the region of the promoted writer never is (it was, before issue 11: the stale
primary counted as "another writer", so fencing us-west-2 stopped the live region).

Own emulator and deployment, like test_failover_emulator: failover changes roles.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import Synthesized
from tests.integration.test_failover_emulator import PRIMARY, STANDBY, Deployment

from tradedr.emulator.server import emulator_process
from tradedr.errors import TradedrError
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.deploy import deploy_all
from tradedr.ops.failover import db_writers, failover_plan
from tradedr.ops.faults import FaultInjectingProvider
from tradedr.ops.fence import fence
from tradedr.ops.run import RunOptions, run_plan

pytestmark = pytest.mark.integration


@pytest.fixture
def deployment(default_synth: Synthesized, tmp_path: Path) -> Iterator[Deployment]:
    with emulator_process(tmp_path / "emulator.log") as url:
        provider = Boto3ClientProvider(endpoint_url=url)
        result = deploy_all(default_synth.settings, default_synth.stacks, provider, target="local")
        assert result.ok, result.failure
        yield Deployment(url, provider, default_synth)


def test_fence_refuses_the_promoted_writers_region_and_fences_the_stale_primary(
    deployment: Deployment, tmp_path: Path
) -> None:
    settings, names = deployment.synth.settings, deployment.names
    runs = tmp_path / "runs"
    lossy = FaultInjectingProvider(deployment.provider)
    lossy.lose_region(PRIMARY)
    plan = failover_plan(settings, to_region=STANDBY, mode="unplanned")
    result = run_plan(plan, settings, lossy, RunOptions(target="local", runs_dir=runs))
    assert result.status == "completed", result.message
    lossy.restore_region()
    # us-east-1 was never fenced: it still writes, next to the promoted us-west-2 writer.
    new_writer = (STANDBY, names.db_identifier(STANDBY))
    stale_writer = (PRIMARY, names.db_identifier(PRIMARY))
    assert sorted(db_writers(deployment.provider, settings)) == sorted([new_writer, stale_writer])
    live_capacity = deployment.capacity(STANDBY)
    assert live_capacity == settings.regions[STANDBY].asg_desired

    with pytest.raises(TradedrError) as refused:
        fence(settings, deployment.provider, RunOptions(runs_dir=runs), region=STANDBY)
    message = refused.value.message
    assert refused.value.exit_code == 1
    assert "\n" not in message
    assert f"refusing to fence {STANDBY}: it holds the authoritative orders-DB writer" in message
    assert names.db_identifier(STANDBY) in message
    assert "promoted from" in message
    assert f"{names.db_identifier(PRIMARY)} in {PRIMARY} (never promoted)" in message
    # The live region is untouched: its writer still writes, its app still serves.
    assert deployment.capacity(STANDBY) == live_capacity
    assert new_writer in db_writers(deployment.provider, settings)
    assert deployment.parameter(STANDBY).startswith(names.db_identifier(STANDBY))

    fenced = fence(settings, deployment.provider, RunOptions(runs_dir=runs), region=PRIMARY)
    assert fenced.status == "completed", fenced.message
    assert deployment.capacity(PRIMARY) == 0
    assert db_writers(deployment.provider, settings) == [new_writer]
    assert deployment.capacity(STANDBY) == live_capacity
