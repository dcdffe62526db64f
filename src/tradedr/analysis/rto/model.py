"""The RTO model: components, their dependency order, and one scenario's evaluation.

A scenario is a small graph of components: a component starts when everything it waits
for (`after`) has finished, so work that runs in parallel (DNS shift, replica promotion)
overlaps instead of adding up. RTO is the finish time of the last critical component;
components marked non-critical (e.g. scaling a warm standby to full size while it already
serves) are shown but do not count. A seeded Monte Carlo gives p50/p99.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, ItemsView, Sequence
from dataclasses import dataclass, field, fields
from graphlib import TopologicalSorter
from typing import TYPE_CHECKING, Any

import numpy as np

from tradedr.analysis import assumptions

if TYPE_CHECKING:
    from tradedr.analysis.templates import TemplateSet

Sampler = Callable[[np.random.Generator, int], np.ndarray]


def triangular(best: float, typical: float, worst: float) -> Sampler:
    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        if worst <= best:
            return np.full(n, float(best))
        return rng.triangular(best, min(max(typical, best), worst), worst, n)

    return sample


def summed(*samplers: Sampler) -> Sampler:
    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        total = np.zeros(n)
        for s in samplers:
            total = total + s(rng, n)
        return total

    return sample


def assumed_sampler(key: str) -> Sampler:
    """A triangular draw over the named assumption's best / typical / worst."""
    return triangular(*assumptions.get(key).range)


@dataclass
class Component:
    """One step of a recovery, with where its numbers come from."""

    name: str
    best: float
    typical: float
    worst: float
    sampler: Sampler
    source: str
    sources: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    critical: bool = True
    note: str = ""

    def values(self, which: str) -> float:
        return float(getattr(self, which))


@dataclass(frozen=True)
class Stats:
    """A scenario's recovery time in seconds: the deterministic best / typical / worst
    paths, and the Monte Carlo median and 99th percentile."""

    best: float
    typical: float
    worst: float
    p50: float
    p99: float

    def to_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    # Read access by key for callers that still index the statistics like the dict they
    # used to be (`stats["p99"]`); new code reads the attributes.
    def __getitem__(self, key: str) -> float:
        if key not in self.to_dict():
            raise KeyError(key)
        return float(getattr(self, key))

    def items(self) -> ItemsView[str, float]:
        return self.to_dict().items()


def dependency_order(components: Sequence[Component]) -> list[Component]:
    """`components` sorted so that each comes after every component it waits for.

    Among the components whose dependencies are all placed, the one declared first goes
    next, so the order is deterministic and a declaration that is already in dependency
    order is kept as it is (the Monte Carlo draws in this order). Unknown or duplicate
    names are errors; a cycle raises `graphlib.CycleError`.
    """
    rank: dict[str, int] = {}
    for index, component in enumerate(components):
        if component.name in rank:
            raise ValueError(f"component {component.name!r} is declared twice")
        rank[component.name] = index
    for component in components:
        unknown = [dep for dep in component.after if dep not in rank]
        if unknown:
            raise ValueError(f"component {component.name!r} waits for unknown {unknown}")
    sorter = TopologicalSorter({c.name: c.after for c in components})
    sorter.prepare()
    ready: list[int] = []
    ordered: list[Component] = []
    while sorter.is_active():
        for name in sorter.get_ready():
            heapq.heappush(ready, rank[name])
        component = components[heapq.heappop(ready)]
        ordered.append(component)
        sorter.done(component.name)
    return ordered


@dataclass
class RecoveryGraph:
    """What a scenario builder declares: the components of one recovery, in any order that
    reads well; they are kept in dependency order (see `dependency_order`)."""

    name: str
    description: str
    components: list[Component]
    # What published figure is missing when the p99 misses the target (said, never tuned).
    missing_figure: str = ""

    def __post_init__(self) -> None:
        self.components = dependency_order(self.components)

    def evaluate(self, rng: np.random.Generator, samples: int, target_seconds: int) -> Scenario:
        point = {}
        for which in ("best", "typical", "worst"):
            ends = self._finish({c.name: np.array([c.values(which)]) for c in self.components})
            point[which] = round(float(ends[0]), 1)
        typical = {c.name: np.array([c.typical]) for c in self.components}
        starts = {k: float(v[0]) for k, v in self._start_times(typical).items()}
        drawn = {c.name: c.sampler(rng, samples) for c in self.components}
        finish = self._finish(drawn)
        rto = Stats(
            best=point["best"],
            typical=point["typical"],
            worst=point["worst"],
            p50=round(float(np.percentile(finish, 50)), 1),
            p99=round(float(np.percentile(finish, 99)), 1),
        )
        return Scenario(
            self.name,
            self.description,
            list(self.components),
            rto,
            starts,
            target_seconds,
            self.missing_figure,
        )

    def _start_times(self, durations: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        ends: dict[str, np.ndarray] = {}
        starts: dict[str, np.ndarray] = {}
        for c in self.components:  # dependency order: every `after` has an end already
            start = np.zeros_like(durations[c.name])
            for dep in c.after:
                start = np.maximum(start, ends[dep])
            starts[c.name] = start
            ends[c.name] = start + durations[c.name]
        return starts

    def _finish(self, durations: dict[str, np.ndarray]) -> np.ndarray:
        starts = self._start_times(durations)
        finish = np.zeros_like(next(iter(durations.values())))
        for c in self.components:
            if c.critical:
                finish = np.maximum(finish, starts[c.name] + durations[c.name])
        return finish


@dataclass(frozen=True)
class Scenario:
    """One evaluated scenario: its components, recovery time statistics, the typical start
    of each component, and the RTO target it is held against (met: p99 within it)."""

    name: str
    description: str
    components: list[Component]
    rto: Stats
    starts: dict[str, float]
    target_seconds: int
    missing_figure: str = ""

    @property
    def met(self) -> bool:
        return self.rto.p99 <= self.target_seconds

    @property
    def over_target_seconds(self) -> float:
        """How far the p99 misses the target (0 when met)."""
        return round(max(self.rto.p99 - self.target_seconds, 0.0), 1)

    def to_dict(self) -> dict[str, Any]:
        shortfall: dict[str, Any] = {}
        if self.missing_figure:
            shortfall = {
                "over_target_seconds": self.over_target_seconds,
                "missing_figure": self.missing_figure if not self.met else "",
            }
        return {
            "name": self.name,
            "description": self.description,
            "rto_seconds": self.rto.to_dict(),
            "target_seconds": self.target_seconds,
            "met": self.met,
            **shortfall,
            "components": [
                {
                    "name": c.name,
                    "seconds": {"best": c.best, "typical": c.typical, "worst": c.worst},
                    "source": c.source,
                    "sources": c.sources or [c.source],
                    "assumptions": c.assumptions,
                    "after": c.after,
                    "critical": c.critical,
                    "start_typical": round(self.starts.get(c.name, 0.0), 1),
                    "note": c.note,
                }
                for c in self.components
            ],
        }


Builder = Callable[["TemplateSet", list[str]], RecoveryGraph]


@dataclass(frozen=True)
class ScenarioDefinition:
    """A registered scenario: its name and the builder that reads the templates (and may
    add warnings) into a `RecoveryGraph` of that name."""

    name: str
    build: Builder
