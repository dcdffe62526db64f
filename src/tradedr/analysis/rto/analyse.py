"""`analyse_rto`: every registered scenario built from the templates and evaluated on one
seeded random stream, plus the RPO entries; `RtoReport` is what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tradedr.analysis import assumptions
from tradedr.analysis.rto.latency import WriteLatencyCost, write_latency_costs
from tradedr.analysis.rto.model import Scenario
from tradedr.analysis.rto.readers import mrsc_table
from tradedr.analysis.rto.rpo import RpoEntry, rpo_entries
from tradedr.analysis.rto.scenarios import REGISTRY, region_loss
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
    # Region loss with each standby as the new writer (only with two or more standbys):
    # (standby, its evaluated scenario), in config order.
    region_loss_by_standby: list[tuple[str, Scenario]] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return (
            all(s.met for s in self.scenarios)
            and all(r.met for r in self.rpo)
            and all(s.met for _, s in self.region_loss_by_standby)
        )

    @property
    def slowest_standby(self) -> str | None:
        """The standby whose region-loss recovery has the highest p99 (the first in config
        order on a tie; `standbys_tied` says when every standby is the same)."""
        if not self.region_loss_by_standby:
            return None
        return max(self.region_loss_by_standby, key=lambda item: item[1].rto.p99)[0]

    @property
    def standbys_tied(self) -> bool:
        return len({s.rto.p99 for _, s in self.region_loss_by_standby}) == 1

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
            **self._by_standby(),
        }

    def _by_standby(self) -> dict[str, Any]:
        if not self.region_loss_by_standby:
            return {}
        return {
            "region_loss_by_standby": [
                {
                    "standby": standby,
                    "rto_seconds": scenario.rto.to_dict(),
                    "met": scenario.met,
                    "description": scenario.description,
                }
                for standby, scenario in self.region_loss_by_standby
            ],
            "slowest_standby": self.slowest_standby,
            "standbys_tied": self.standbys_tied,
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
        count = samples or assumptions.MONTE_CARLO_SAMPLES
        scenarios = [graph.evaluate(rng, count, target) for graph in graphs]
        rpo = rpo_entries(templates, warnings)
        # Each standby on its own stream from the same seed: identical recoveries draw
        # identical figures, so "slowest" reflects the templates, not sampling noise.
        standbys = templates.settings.standby_regions
        first_seed = assumptions.MONTE_CARLO_SEED if seed is None else seed
        by_standby = (
            [
                (
                    standby,
                    region_loss.build_to(templates, [], standby).evaluate(
                        np.random.default_rng(first_seed), count, target
                    ),
                )
                for standby in standbys
            ]
            if len(standbys) > 1 and mrsc_table(templates) is None
            else []
        )
    for key in replaced:
        warnings.append(f"assumption {key} replaced by measured figures {replaced[key].range}")
    report = RtoReport(
        templates.settings,
        scenarios,
        rpo,
        warnings,
        dict(replaced),
        write_latency_costs(templates),
        by_standby,
    )
    if by_standby:
        slowest = report.slowest_standby
        p99 = {standby: scenario.rto.p99 for standby, scenario in by_standby}
        warnings.append(
            "region loss to each standby: "
            + ", ".join(f"{s} p99 {v:.0f} s" for s, v in p99.items())
            + (
                "; every standby recovers alike (same components)"
                if report.standbys_tied
                else f"; slowest: {slowest}"
            )
        )
    return report
