"""Fixtures for the plan, executor and failover tests: a moto environment per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from moto import mock_aws
from tests.unit.ops.moto_env import Environment, build_environment

from tradedr.config import Settings, load_settings


@pytest.fixture
def settings() -> Settings:
    return load_settings({})


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> Iterator[Environment]:
    with mock_aws():
        yield build_environment(settings, tmp_path / "runs")
