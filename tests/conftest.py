"""Shared fixtures: synthesize once per session, never once per test."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_VALIDATION", "false")
# No test may reach AWS: poison the credential chain so a stray real call fails fast.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from tradedr.config import Posture, Settings, load_settings
from tradedr.infra.synth import StackTemplate, synthesize


class Synthesized:
    """The templates of one config, keyed by stack name, plus lookup helpers."""

    def __init__(self, settings: Settings, stacks: list[StackTemplate]) -> None:
        self.settings = settings
        self.stacks = stacks
        self.templates: dict[str, dict[str, Any]] = {s.name: s.load() for s in stacks}

    def template(self, name: str) -> dict[str, Any]:
        return self.templates[name]

    def resources(self, stack: str, type_: str) -> dict[str, dict[str, Any]]:
        return {
            logical: res
            for logical, res in self.templates[stack]["Resources"].items()
            if res["Type"] == type_
        }

    def all_resources(self, type_: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (stack, logical, res)
            for stack, template in self.templates.items()
            for logical, res in template["Resources"].items()
            if res["Type"] == type_
        ]


def synth_config(tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]) -> Synthesized:
    settings = load_settings(data)
    outdir: Path = tmp_path_factory.mktemp("cdk")
    return Synthesized(settings, synthesize(settings, outdir))


@pytest.fixture(scope="session")
def default_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_config(tmp_path_factory, {})


@pytest.fixture(scope="session")
def posture_synths(tmp_path_factory: pytest.TempPathFactory) -> dict[Posture, Synthesized]:
    return {p: synth_config(tmp_path_factory, {"posture": p.value}) for p in Posture}


@pytest.fixture(scope="session")
def three_region_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_config(
        tmp_path_factory,
        {"standby_regions": ["us-west-2", "eu-west-1"], "environment": "tri"},
    )
