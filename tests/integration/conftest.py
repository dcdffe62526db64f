"""Session-scoped emulator and deployment: one moto server, one deploy per session.

The emulator runs in its own process so in-process moto mocks used by unit tests (which
reset moto's global state) can never wipe what was deployed here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.conftest import Synthesized

from tradedr.emulator.server import emulator_process
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.deploy import DeployResult, deploy_all


@pytest.fixture(scope="session")
def emulator_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with emulator_process(log) as url:
        yield url


@pytest.fixture(scope="session")
def emulator_provider(emulator_url: str) -> Boto3ClientProvider:
    return Boto3ClientProvider(endpoint_url=emulator_url)


@pytest.fixture(scope="session")
def deployed(default_synth: Synthesized, emulator_provider: Boto3ClientProvider) -> DeployResult:
    """The default config (two regions, warm standby) deployed once into the emulator."""
    return deploy_all(
        default_synth.settings, default_synth.stacks, emulator_provider, target="local"
    )
