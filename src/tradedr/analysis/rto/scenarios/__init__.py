"""The failure scenarios, one module each, and their registry.

A new scenario is one new module here that defines `SCENARIO = ScenarioDefinition(NAME,
build)` (`build(templates, warnings) -> RecoveryGraph`), plus its line in `REGISTRY`.
`REGISTRY` is the order the scenarios are built, evaluated (one seeded random stream, drawn
in this order) and reported; a test fails when a module here is missing from it.
"""

from __future__ import annotations

from tradedr.analysis.rto.model import ScenarioDefinition
from tradedr.analysis.rto.scenarios import (
    app_instance_failure,
    az_loss,
    db_instance_failure,
    region_loss,
)

REGISTRY: tuple[ScenarioDefinition, ...] = (
    region_loss.SCENARIO,
    az_loss.SCENARIO,
    db_instance_failure.SCENARIO,
    app_instance_failure.SCENARIO,
)
SCENARIOS: tuple[str, ...] = tuple(definition.name for definition in REGISTRY)

__all__ = ["REGISTRY", "SCENARIOS", "ScenarioDefinition"]
