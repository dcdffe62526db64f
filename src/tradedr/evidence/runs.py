"""What `evidence pack` and `evidence status` read: drill reports and run journals.

`--runs DIR` may be a runs directory (`.tradedr/runs`: one directory per run, each with
plan.json and journal.jsonl), a drill's `--out` directory (drill-report.json beside
drill-runs/), or a directory holding several of either; it is searched a few levels deep.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tradedr.errors import ConfigError

MAX_DEPTH = 4


@dataclass
class RunRecord:
    """One run of a plan: its directory, plan, journal events (chain fields included)."""

    run_id: str
    directory: Path
    plan: dict[str, Any]
    events: list[dict[str, Any]]

    @property
    def journal(self) -> Path:
        return self.directory / "journal.jsonl"

    @property
    def started(self) -> datetime | None:
        for event in self.events:
            if event.get("event") == "run-start" and "time" in event:
                return datetime.fromtimestamp(float(event["time"]), UTC)
        return None

    @property
    def status(self) -> str:
        ends = [e for e in self.events if e.get("event") == "run-end"]
        return str(ends[-1].get("status", "?")) if ends else "unfinished"

    @property
    def target(self) -> str:
        starts = [e for e in self.events if e.get("event") == "run-start"]
        return str(starts[0].get("target", "?")) if starts else "?"

    def provenance(self) -> dict[str, Any]:
        """The last run-start's provenance (a resume gathers it again)."""
        found: dict[str, Any] = {}
        for event in self.events:
            if event.get("event") == "run-start" and isinstance(event.get("provenance"), dict):
                found = event["provenance"]
        return found

    @property
    def config_hash(self) -> str | None:
        value = self.provenance().get("config_hash")
        return str(value) if value else None

    def plan_step(self, step_id: Any) -> dict[str, Any]:
        for group in self.plan.get("groups", []):
            for step in group.get("steps", []):
                if step.get("id") == step_id:
                    return dict(step)
        return {}

    def plan_region(self, step_id: Any) -> str:
        return str(self.plan_step(step_id).get("region", ""))

    def step_ends(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == "step-end"]


@dataclass
class DrillRecord:
    """One drill report (drill-report.json) and the runs of its failover and failback."""

    path: Path
    data: dict[str, Any]
    runs: dict[str, RunRecord] = field(default_factory=dict)

    @property
    def started(self) -> datetime | None:
        text = self.data.get("started_at")
        if not isinstance(text, str):
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    @property
    def passed(self) -> bool:
        return bool(self.data.get("passed"))

    @property
    def pair(self) -> str:
        return f"{self.data.get('primary_region', '?')} -> {self.data.get('standby_region', '?')}"

    @property
    def config_hash(self) -> str | None:
        for name in ("failover", "failback"):
            run = self.runs.get(name)
            if run is not None and run.config_hash:
                return run.config_hash
        value = self.data.get("config_hash")
        return str(value) if value else None


@dataclass
class Found:
    drills: list[DrillRecord]
    runs: list[RunRecord]
    problems: list[str]


def read_run(directory: Path) -> RunRecord:
    """A run directory, read without judging its chain (that is `verify`'s job)."""
    plan = json.loads((directory / "plan.json").read_text(encoding="utf-8"))
    events = []
    journal = directory / "journal.jsonl"
    if journal.is_file():
        for line in journal.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
    return RunRecord(directory.name, directory, plan, events)


def find(root: Path, *, since: datetime | None = None) -> Found:
    """Every drill report and run journal under `root` (started at or after `since`)."""
    if not root.is_dir():
        raise ConfigError(f"--runs {root}: no such directory")
    runs: dict[str, RunRecord] = {}
    reports: list[Path] = []
    problems: list[str] = []
    for path in _walk(root, 0):
        if path.name == "plan.json":
            try:
                run = read_run(path.parent)
            except (OSError, ValueError) as exc:
                problems.append(f"{path.parent}: not a readable run ({type(exc).__name__})")
                continue
            runs.setdefault(run.run_id, run)
        elif path.name == "drill-report.json":
            reports.append(path)
    drills = []
    for path in sorted(reports):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{path}: not a readable drill report ({type(exc).__name__})")
            continue
        if not isinstance(data, dict):
            problems.append(f"{path}: not a drill report")
            continue
        linked = {
            name: runs[run_id]
            for name, run_id in (data.get("run_ids") or {}).items()
            if run_id in runs
        }
        drills.append(DrillRecord(path, data, linked))
    if since is not None:
        drills = [d for d in drills if d.started is not None and d.started >= since]
        kept = [r for r in runs.values() if r.started is not None and r.started >= since]
    else:
        kept = list(runs.values())
    kept.sort(key=lambda r: (r.started or datetime.min.replace(tzinfo=UTC), r.run_id))
    drills.sort(key=lambda d: (d.started or datetime.min.replace(tzinfo=UTC), str(d.path)))
    return Found(drills, kept, problems)


def _walk(directory: Path, depth: int) -> list[Path]:
    found: list[Path] = []
    try:
        entries = sorted(directory.iterdir())
    except OSError:
        return found
    for entry in entries:
        if entry.is_symlink():
            continue
        if entry.is_file() and entry.name in ("plan.json", "drill-report.json"):
            found.append(entry)
        elif entry.is_dir() and depth < MAX_DEPTH:
            found += _walk(entry, depth + 1)
    return found
