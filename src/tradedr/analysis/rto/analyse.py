"""`analyse_rto`: every registered scenario built from the templates and evaluated on one
seeded random stream, plus the RPO entries; `RtoReport` is what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tradedr.analysis import assumptions
from tradedr.analysis.rto.latency import WriteLatencyCost, write_latency_costs
from tradedr.analysis.rto.model import Scenario
from tradedr.analysis.rto.rpo import RpoEntry, rpo_entries
from tradedr.analysis.rto.scenarios import REGISTRY
from tradedr.analysis.templates import TemplateSet
from tradedr.config import Settings


@dataclass
class RtoReport:
    settings: Settings
    scenarios: list[Scenario]
    rpo: list[RpoEntry]
    warnings: list[str]
    overrides: dict[str, assumptions.Assumption] = field(default_factory=dict)
    write_latency: list[WriteLatencyCost] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return all(s.met for s in self.scenarios) and all(r.met for r in self.rpo)

    def assumptions_used(self) -> dict[str, assumptions.Assumption]:
        keys = sorted({k for s in self.scenarios for c in s.components for k in c.assumptions})
        return {k: self.overrides.get(k) or assumptions.ASSUMPTIONS[k] for k in keys}

    def scenario(self, name: str) -> Scenario:
        return next(s for s in self.scenarios if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        targets = self.settings.targets
        return {
            "posture": self.settings.posture.value,
            "scenarios": [s.to_dict() for s in self.scenarios],
            "rpo": [r.to_dict() for r in self.rpo],
            "targets": {
                "rto_seconds": targets.rto_seconds,
                "rpo_seconds": targets.rpo_seconds,
                "objects_rpo_seconds": targets.objects_rpo_seconds,
                "backup_rpo_seconds": targets.backup_rpo_seconds,
            },
            "monte_carlo": {
                "samples": assumptions.MONTE_CARLO_SAMPLES,
                "seed": assumptions.MONTE_CARLO_SEED,
            },
            # Every assumption a component rests on, with its published source (or the
            # user's measurement when overridden): the report carries its own evidence.
            "assumptions": {
                key: {
                    "best": a.best,
                    "typical": a.typical,
                    "worst": a.worst,
                    "what": a.what,
                    "source": a.source,
                }
                for key, a in self.assumptions_used().items()
            },
            "assumption_overrides": {
                key: {"best": a.best, "typical": a.typical, "worst": a.worst, "source": a.source}
                for key, a in self.overrides.items()
            },
            **(
                {"write_latency": [c.to_dict() for c in self.write_latency]}
                if self.write_latency
                else {}
            ),
            "warnings": self.warnings,
            "met": self.met,
        }


def analyse_rto(
    templates: TemplateSet,
    *,
    samples: int | None = None,
    seed: int | None = None,
    overrides: dict[str, tuple[float, float, float]] | None = None,
) -> RtoReport:
    """RTO per scenario and RPO per store for the templates of one config.

    Every duration is either read from a template property or taken from
    `tradedr.analysis.assumptions`. `overrides` replaces named assumptions with figures the
    user measured (for instance Aurora global failover times from drills on real AWS); the
    report lists them.
    """
    with assumptions.overridden(overrides or {}) as replaced:
        warnings: list[str] = []
        graphs = [definition.build(templates, warnings) for definition in REGISTRY]
        rng = np.random.default_rng(assumptions.MONTE_CARLO_SEED if seed is None else seed)
        target = templates.settings.targets.rto_seconds
        scenarios = [
            graph.evaluate(rng, samples or assumptions.MONTE_CARLO_SAMPLES, target)
            for graph in graphs
        ]
        rpo = rpo_entries(templates, warnings)
    for key in replaced:
        warnings.append(f"assumption {key} replaced by measured figures {replaced[key].range}")
    return RtoReport(
        templates.settings,
        scenarios,
        rpo,
        warnings,
        dict(replaced),
        write_latency_costs(templates),
    )
