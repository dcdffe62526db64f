"""Recovery time and data loss per failure scenario, read from the synthesized templates.

- `model`: components, their dependency order (`graphlib`), a scenario's evaluation and
  its `Stats`;
- `components`: one builder per kind of recovery step; `readers`: the template lookups;
- `scenarios/`: one module per failure scenario, listed in `scenarios.REGISTRY`;
- `rpo`: data loss per store; `analyse`: `analyse_rto` and the `RtoReport`.
"""

from tradedr.analysis.rto.analyse import RtoReport, analyse_rto
from tradedr.analysis.rto.model import Component, RecoveryGraph, Scenario, Stats
from tradedr.analysis.rto.rpo import RpoEntry, backup_interval_seconds
from tradedr.analysis.rto.scenarios import SCENARIOS
from tradedr.templates.markers import DETECTOR_ROLE

__all__ = [
    "DETECTOR_ROLE",
    "SCENARIOS",
    "Component",
    "RecoveryGraph",
    "RpoEntry",
    "RtoReport",
    "Scenario",
    "Stats",
    "analyse_rto",
    "backup_interval_seconds",
]
