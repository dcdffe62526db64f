"""What `tradedr assess` reports: gaps with their evidence and fix, what works well, the
region-loss RTO and RPO per data store, and the cost of the templates and of the fixes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Impact = Literal["high", "medium", "low"]
IMPACTS: tuple[Impact, ...] = ("high", "medium", "low")


@dataclass(frozen=True)
class Evidence:
    """Where a gap shows: the file and line, the stack and the resource."""

    file: str
    line: int | None
    stack: str
    resource: str
    detail: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Fix:
    """The change that closes a gap: a snippet in `language` (yaml, cdk-python, toml)."""

    summary: str
    snippet: str
    language: str = "yaml"


@dataclass
class Gap:
    id: str
    title: str
    impact: Impact
    why: str
    fix: Fix
    source: str  # public documentation for the why
    evidence: list[Evidence] = field(default_factory=list)
    rules: tuple[str, ...] = ()  # the DR rules whose findings make it
    closing_monthly_usd: float | None = None  # what the fix adds per month (None: unpriced)
    closing_basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["evidence"] = [{**asdict(e), "location": e.location} for e in self.evidence]
        return data


@dataclass(frozen=True)
class Strength:
    """Something the templates already do right, with where."""

    title: str
    evidence: str


@dataclass
class StoreRpo:
    store: str
    rpo_seconds: float | None
    basis: str
    source: str
    met: bool | None


@dataclass
class Figures:
    """The numbers, each with its source (a template property or a cited assumption)."""

    rto_p50_seconds: float | None = None
    rto_p99_seconds: float | None = None
    rto_target_seconds: int | None = None
    rto_components: list[dict[str, Any]] = field(default_factory=list)
    rpo: list[StoreRpo] = field(default_factory=list)
    monthly_usd: float | None = None
    standby_monthly_usd: float | None = None
    prices: str = ""
    priced_types: dict[str, int] = field(default_factory=dict)
    not_priced: dict[str, int] = field(default_factory=dict)
    free_types: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@dataclass
class AssessReport:
    directory: str
    templates: list[dict[str, Any]]
    topology: dict[str, Any]
    topology_toml: str
    inferred: bool
    gaps: list[Gap]
    strengths: list[Strength]
    figures: Figures
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {impact: sum(1 for g in self.gaps if g.impact == impact) for impact in IMPACTS}

    @property
    def high_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.impact == "high"]

    @property
    def closing_high_monthly_usd(self) -> float:
        return round(sum(g.closing_monthly_usd or 0.0 for g in self.high_gaps), 2)

    def to_dict(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "summary": {
                **self.counts(),
                "gaps": len(self.gaps),
                "monthly_usd": self.figures.monthly_usd,
                "closing_high_monthly_usd": self.closing_high_monthly_usd,
                "rto_p50_seconds": self.figures.rto_p50_seconds,
                "rto_p99_seconds": self.figures.rto_p99_seconds,
            },
            "topology": {**self.topology, "inferred": self.inferred},
            "templates": self.templates,
            "gaps": [g.to_dict() for g in self.gaps],
            "works_well": [asdict(s) for s in self.strengths],
            "figures": asdict(self.figures),
            "notes": self.notes,
        }
