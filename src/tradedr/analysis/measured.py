"""Assumptions replaced by durations measured in plan runs on real AWS.

`tradedr failover` and `tradedr drill --target aws` journal every step with its start and
end. Steps whose action is exactly one modelled operation become samples for that
assumption; best / typical / worst are the minimum / median / maximum over the runs given.
Runs on the embedded emulator are never used: its timings say nothing about AWS.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tradedr.errors import ConfigError
from tradedr.ops.plans import ActionKind, Plan, Step

# Step action -> the assumption it measures, when the step is that operation and no more.
# A switchover is not a failover (it synchronizes first), so only unplanned Aurora steps
# count; scaling steps mix launch, boot and health checks and measure no single assumption.
MEASURES: dict[ActionKind, str] = {
    ActionKind.AURORA_GLOBAL_FAILOVER: "aurora-global-failover",
    ActionKind.PROMOTE_REPLICA: "rds-replica-promotion",
    ActionKind.SET_ROUTING_CONTROL: "routing-control-update",
    ActionKind.VERIFY_HEALTH: "verification",
}


@dataclass
class Measurements:
    samples: dict[str, list[float]] = field(default_factory=dict)
    runs: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def overrides(self) -> dict[str, tuple[float, float, float]]:
        return {
            key: (min(values), statistics.median(values), max(values))
            for key, values in sorted(self.samples.items())
        }

    def notes(self) -> list[str]:
        counted = ", ".join(f"{key} x{len(v)}" for key, v in sorted(self.samples.items()))
        lines = [f"measured in {len(self.runs)} run(s) on AWS: {counted or 'no usable step'}"]
        thin = sorted(key for key, values in self.samples.items() if len(values) < 5)
        if thin:
            lines.append(
                "fewer than 5 samples for " + ", ".join(thin) + ": the p99 rests on the "
                "observed range only; run more drills before trusting it"
            )
        return lines + self.skipped


def _run_dirs(paths: Iterable[Path]) -> list[Path]:
    """A run directory (plan.json + journal.jsonl), or a runs directory holding several."""
    found: list[Path] = []
    for path in paths:
        if (path / "journal.jsonl").is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(p.parent for p in path.glob("*/journal.jsonl")))
        else:
            raise ConfigError(f"--measured {path}: not a run directory or a runs directory")
    if not found:
        raise ConfigError(
            "--measured: no runs (journal.jsonl) under " + ", ".join(str(p) for p in paths)
        )
    return found


def _measures(plan: Plan, step: Step) -> str | None:
    key = MEASURES.get(step.action)
    if key == "aurora-global-failover" and (plan.mode != "unplanned" or step.params.get("planned")):
        return None
    return key


def collect(paths: Iterable[Path]) -> Measurements:
    measured = Measurements()
    for run_dir in _run_dirs(list(paths)):
        try:
            plan = Plan.load(run_dir / "plan.json")
            events = [
                json.loads(line)
                for line in (run_dir / "journal.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()
            ]
        except (OSError, ValueError) as exc:
            raise ConfigError(f"--measured {run_dir}: unreadable run ({exc})") from None
        targets = {e.get("target") for e in events if e.get("event") == "run-start"}
        if targets != {"aws"}:
            shown = ", ".join(sorted(str(t) for t in targets)) or "none"
            measured.skipped.append(
                f"run {run_dir.name} skipped: target {shown}, not AWS (emulator timings say "
                "nothing about AWS)"
            )
            continue
        measured.runs.append(run_dir.name)
        steps = {step.id: step for step in plan.steps()}
        for event in events:
            if event.get("event") != "step-end" or event.get("outcome") != "executed":
                continue
            step = steps.get(str(event.get("step")))
            key = _measures(plan, step) if step is not None else None
            if key is not None:
                measured.samples.setdefault(key, []).append(float(event["seconds"]))
    return measured
