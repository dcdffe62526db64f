"""`tradedr evidence status`: when the last drill passed, per scenario and region pair,
and what is overdue.

Overdue (exit 1): no passing drill, the last one older than `[resilience]
drill_interval_months`, or the config changed since it (its config hash, from the drill's
failover journal, differs from the current config's). DORA, Regulation SCI and FINRA all
ask for a yearly test, and DORA and FINRA for one after a material change too.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.evidence.provenance import config_hash
from tradedr.evidence.runs import DrillRecord, find

if TYPE_CHECKING:
    from tradedr.config import Settings

SCENARIO = "region-loss"


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass
class Cadence:
    """One scenario and region pair."""

    scenario: str
    pair: str
    last_passed: datetime | None
    target: str | None
    due: datetime | None
    drill: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return bool(self.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "pair": self.pair,
            "last_passed": self.last_passed.isoformat() if self.last_passed else None,
            "target": self.target,
            "due": self.due.isoformat() if self.due else None,
            "drill": self.drill,
            "overdue": self.overdue,
            "problems": self.problems,
        }


@dataclass
class CadenceReport:
    interval_months: int
    config_hash: str
    rows: list[Cadence]
    aws_only: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return any(row.overdue for row in self.rows)

    def lines(self) -> list[str]:
        """One line per thing overdue."""
        return [problem for row in self.rows for problem in row.problems]

    def as_dict(self) -> dict[str, Any]:
        return {
            "interval_months": self.interval_months,
            "config_hash": self.config_hash,
            "aws_only": self.aws_only,
            "overdue": self.overdue,
            "rows": [row.as_dict() for row in self.rows],
            "notes": self.notes,
        }


def _scenario(drill: DrillRecord) -> str:
    return str(drill.data.get("scenario") or SCENARIO)


def cadence(
    settings: Settings, *, runs: Path, now: datetime | None = None, aws_only: bool = False
) -> CadenceReport:
    now = now or datetime.now(UTC)
    interval = settings.resilience.drill_interval_months
    current = config_hash(settings)
    found = find(runs)
    drills = [d for d in found.drills if d.data.get("prefix") in (None, settings.prefix)]
    if aws_only:
        drills = [d for d in drills if d.data.get("target") == "aws"]
    pairs = {f"{settings.primary_region} -> {s}": None for s in settings.standby_regions}
    for drill in drills:
        pairs.setdefault(drill.pair, None)
    rows = []
    for pair in pairs:
        keys = {(_scenario(d), d.pair) for d in drills if d.pair == pair} or {(SCENARIO, pair)}
        for scenario, _ in sorted(keys):
            rows.append(_row(scenario, pair, drills, now, interval, current))
    notes = list(found.problems)
    if not aws_only and any(r.target == "local" for r in rows):
        notes.append(
            "drills on the emulator count here; they prove the plan and the data-plane safety, "
            "not AWS's timings (--aws-only counts drills on AWS only)"
        )
    return CadenceReport(interval, current, rows, aws_only, notes)


def _row(
    scenario: str,
    pair: str,
    drills: list[DrillRecord],
    now: datetime,
    interval: int,
    current: str,
) -> Cadence:
    passed = [
        d for d in drills if d.pair == pair and _scenario(d) == scenario and d.passed and d.started
    ]
    label = f"{scenario} {pair}"
    if not passed:
        row = Cadence(scenario, pair, None, None, None, None)
        row.problems.append(f"{label}: no passing drill found; run `tradedr drill`")
        return row
    last = max(passed, key=lambda d: d.started or now)
    assert last.started is not None
    due = add_months(last.started, interval)
    row = Cadence(
        scenario, pair, last.started, str(last.data.get("target")), due, str(last.path.parent)
    )
    when = last.started.date().isoformat()
    if now > due:
        row.problems.append(
            f"{label}: the last passing drill ({when}, {row.target}) is older than {interval} "
            f"months (due {due.date().isoformat()})"
        )
    then = last.config_hash
    if then is None:
        row.problems.append(
            f"{label}: the last passing drill ({when}) recorded no config hash, so a change "
            "since cannot be ruled out; drill again"
        )
    elif then != current:
        row.problems.append(
            f"{label}: the config changed since the last passing drill ({when}): config hash "
            f"{then[:12]} then, {current[:12]} now"
        )
    return row
