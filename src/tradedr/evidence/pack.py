"""`tradedr evidence pack`: one self-contained package per period for an auditor.

OUT/evidence.html (print-ready, no scripts, no external requests), OUT/evidence.json (the
same facts), the journals (journals/<RUN_ID>/: journal.jsonl, its head, plan.json) and the
drill reports (drills/<n>/) as they were written, and OUT/MANIFEST.sha256 over all of them.
The facts are read from the files only: what a file does not say, the pack says is unknown.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.errors import ConfigError
from tradedr.evidence.requirements import REQUIREMENTS
from tradedr.evidence.runs import DrillRecord, RunRecord, find
from tradedr.evidence.verify import LegacyJournalError, Verification, verify_journal

if TYPE_CHECKING:
    from tradedr.config import Settings

PACK_FORMAT = "tradedr-evidence-pack/1"

SEVERITY = {
    "region-loss": (
        "severe",
        "the whole primary region is treated as lost: every call to it fails (and, when it is "
        "us-east-1, the Route 53 and IAM control planes too), so the recovery may use nothing "
        "there. A region-wide outage is severe but plausible: AWS documents regional service "
        "events (https://aws.amazon.com/premiumsupport/technology/pes/).",
    ),
    "planned": (
        "moderate",
        "a planned switchover: both regions answer, the lag guard waits for zero lag, no data "
        "may be lost",
    ),
}


def _utc(epoch: Any) -> str:
    try:
        moment = datetime.fromtimestamp(float(epoch), UTC)
    except (TypeError, ValueError):
        return "unknown"
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class TimelineRow:
    offset: float | None
    utc: str
    event: str
    region: str
    status: str
    detail: str = ""


@dataclass
class Measure:
    """One measured figure against its target and the impact tolerance."""

    name: str
    measured: float | None
    source: str
    target: float | None
    tolerance: float | None
    verdict: str


@dataclass
class DrillEvidence:
    drill: DrillRecord
    scenario: str
    severity: str
    rationale: str
    timeline: list[TimelineRow]
    measures: list[Measure]
    approvals: list[dict[str, Any]]
    gaps: list[dict[str, str]]
    data_plane: dict[str, Any] | None
    operator: str
    config_hash: str | None

    def as_dict(self) -> dict[str, Any]:
        data = self.drill.data
        return {
            "report": str(self.drill.path),
            "target": data.get("target"),
            "started_at": data.get("started_at"),
            "passed": self.drill.passed,
            "primary_region": data.get("primary_region"),
            "standby_region": data.get("standby_region"),
            "scenario": self.scenario,
            "severity": self.severity,
            "severity_rationale": self.rationale,
            "timeline": [vars(row) for row in self.timeline],
            "measures": [vars(m) for m in self.measures],
            "approvals": self.approvals,
            "gaps": self.gaps,
            "data_plane": self.data_plane,
            "operator": self.operator,
            "config_hash": self.config_hash,
            "run_ids": data.get("run_ids", {}),
        }


@dataclass
class PackResult:
    out: Path
    html_path: Path
    json_path: Path
    manifest_path: Path
    service: str
    impact_tolerance_seconds: int | None
    drills: list[DrillEvidence] = field(default_factory=list)
    runs: list[RunRecord] = field(default_factory=list)
    chains: list[Verification] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    since: datetime | None = None

    @property
    def chains_intact(self) -> bool:
        return all(c.intact for c in self.chains)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": PACK_FORMAT,
            "out": str(self.out),
            "html": str(self.html_path),
            "manifest": str(self.manifest_path),
            "important_business_service": self.service,
            "impact_tolerance_seconds": self.impact_tolerance_seconds,
            "since": self.since.isoformat() if self.since else None,
            "drills": [d.as_dict() for d in self.drills],
            "runs": [_run_summary(r) for r in self.runs],
            "chains": [c.as_dict() for c in self.chains],
            "requirements": [r.as_dict() for r in REQUIREMENTS],
            "warnings": self.warnings,
        }


def _run_summary(run: RunRecord) -> dict[str, Any]:
    provenance = run.provenance()
    return {
        "run_id": run.run_id,
        "kind": run.plan.get("kind"),
        "mode": run.plan.get("mode"),
        "source_region": run.plan.get("source_region"),
        "target_region": run.plan.get("target_region"),
        "target": run.target,
        "status": run.status,
        "started": run.started.isoformat() if run.started else None,
        "operator": (provenance.get("operator") or {}).get("id"),
        "config_hash": provenance.get("config_hash"),
        "templates": provenance.get("templates", {}),
        "approvals": approvals_of(run),
        "steps": [
            {
                "step": e.get("step"),
                "outcome": e.get("outcome"),
                "seconds": e.get("seconds"),
                "request_ids": e.get("request_ids", []),
            }
            for e in run.step_ends()
        ],
    }


def approvals_of(run: RunRecord) -> list[dict[str, Any]]:
    found = []
    for event in run.step_ends():
        approval = event.get("approval")
        if isinstance(approval, dict):
            found.append({"run": run.run_id, "step": event.get("step"), **approval})
    return found


def run_start(run: RunRecord) -> float | None:
    starts = [e for e in run.events if e.get("event") == "run-start"]
    try:
        return float(starts[0]["time"]) if starts else None
    except (KeyError, TypeError, ValueError):
        return None


def timeline_of(run: RunRecord, label: str, origin: float | None = None) -> list[TimelineRow]:
    """Run start, each step's end, run end, from the journal's own times; T+ from `origin`
    (the run's own start unless given)."""
    rows: list[TimelineRow] = []
    origin = run_start(run) if origin is None else origin

    def offset(epoch: Any) -> float | None:
        try:
            return None if origin is None else round(float(epoch) - origin, 3)
        except (TypeError, ValueError):
            return None

    for event in run.events:
        kind = event.get("event")
        if kind == "run-start":
            what = f"{label} run started" + (" (resumed)" if event.get("resumed") else "")
            rows.append(
                TimelineRow(offset(event.get("time")), _utc(event.get("time")), what, "", "", "")
            )
        elif kind == "step-end":
            rows.append(
                TimelineRow(
                    offset(event.get("end")),
                    _utc(event.get("end")),
                    f"{label}: {event.get('step')}",
                    str(run.plan_region(event.get("step"))),
                    str(event.get("outcome")),
                    str(event.get("detail", "")),
                )
            )
        elif kind == "run-end":
            rows.append(
                TimelineRow(
                    offset(event.get("time")),
                    _utc(event.get("time")),
                    f"{label} run ended",
                    "",
                    str(event.get("status")),
                    str(event.get("message", "")),
                )
            )
    # Parallel steps append in the order they finish writing, not always of their end time.
    rows.sort(key=lambda row: row.utc)
    return rows


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dict):
        for key in ("seconds", "value", "total"):
            if isinstance(value.get(key), int | float):
                return float(value[key])
    return None


def _verdict(measured: float | None, target: float | None, tolerance: float | None) -> str:
    if measured is None:
        return "not measured"
    parts = []
    if target is not None:
        parts.append(
            "within target" if measured <= target else f"MISSED target by {measured - target:.1f} s"
        )
    if tolerance is None:
        parts.append("no impact tolerance set")
    else:
        parts.append(
            "within impact tolerance"
            if measured <= tolerance
            else f"BREACHED impact tolerance by {measured - tolerance:.1f} s"
        )
    return "; ".join(parts)


def measures_of(drill: DrillRecord, settings: Settings) -> list[Measure]:
    """RTO and RPO: the data plane's client-seen figures when the drill had them, else the
    control plane's recovery (and no RPO: nothing measured the data lost)."""
    data = drill.data
    tolerance = settings.resilience.impact_tolerance_seconds
    tol = float(tolerance) if tolerance is not None else None
    rto_target = float(settings.targets.rto_seconds)
    then = data.get("rto_seconds")
    if isinstance(then, int | float) and float(then) != rto_target:
        timing_note_then = f" (the RTO target at the drill was {then} s)"
    else:
        timing_note_then = ""
    rpo_target = float(settings.targets.rpo_seconds)
    plane = data.get("data_plane") if isinstance(data.get("data_plane"), dict) else None
    emulated = data.get("target") == "local"
    timing_note = " on the emulator: the plan's own work, not AWS's timings" if emulated else ""
    timing_note += timing_note_then
    client = _number(plane.get("client_unavailable_seconds")) if plane else None
    if client is not None:
        rto = Measure(
            "RTO",
            client,
            "data plane: client_unavailable_seconds" + timing_note,
            rto_target,
            tol,
            _verdict(client, rto_target, tol),
        )
    else:
        control = _number(data.get("measured_recovery_seconds"))
        rto = Measure(
            "RTO",
            control,
            "control plane: simulated loss -> standby verified serving" + timing_note,
            rto_target,
            tol,
            _verdict(control, rto_target, tol),
        )
    if emulated and rto.measured is not None:
        rto.verdict += "; measured on the emulator, so no evidence of AWS's timings"
    lost = _number(plane.get("lost_window_seconds")) if plane else None
    if lost is not None:
        rpo = Measure(
            "RPO",
            lost,
            "data plane: lost_window_seconds (span of acknowledged orders lost)",
            rpo_target,
            None,
            _verdict(lost, rpo_target, None).replace("; no impact tolerance set", ""),
        )
    else:
        rpo = Measure(
            "RPO",
            None,
            "not measured: this drill report has no data-plane figures (no client history, no "
            "lost-order checker)",
            rpo_target,
            None,
            "not measured",
        )
    return [rto, rpo]


def gaps_of(drill: DrillRecord) -> list[dict[str, str]]:
    return [
        {
            "step": str(step.get("name")),
            "region": str(step.get("region")),
            "status": str(step.get("status")),
            "detail": str(step.get("detail", "")),
        }
        for step in drill.data.get("steps", [])
        if step.get("status") in ("failed", "not-emulated")
    ]


def drill_evidence(drill: DrillRecord, settings: Settings) -> DrillEvidence:
    data = drill.data
    scenario = str(data.get("scenario") or "region-loss")
    severity, rationale = SEVERITY.get(scenario, ("unrated", "no rationale recorded"))
    timeline: list[TimelineRow] = []
    approvals: list[dict[str, Any]] = []
    failover = drill.runs.get("failover")
    origin = run_start(failover) if failover is not None else None
    primary = data.get("primary_region")
    timeline.append(
        TimelineRow(
            None,
            "",
            f"detected: loss of {primary}",
            str(primary or ""),
            "simulated",
            "the drill cut every call to the region just before the failover started; "
            "detection is immediate on a drill, so its time is not a measure of alarms",
        )
    )
    recovery = _number(data.get("measured_recovery_seconds"))
    for label in ("failover", "failback"):
        run = drill.runs.get(label)
        if run is None:
            continue
        timeline += timeline_of(run, label, origin)
        approvals += approvals_of(run)
        if label == "failover" and recovery is not None:
            timeline.append(
                TimelineRow(
                    None,
                    "",
                    "recovered: the standby verified serving",
                    str(data.get("standby_region", "")),
                    "measured",
                    f"{recovery:.3f} s after the simulated loss of {primary} (its VPC, load "
                    "balancer and targets checked)",
                )
            )
    operator = "unrecorded"
    config: str | None = None
    if failover is not None:
        provenance = failover.provenance()
        operator = str((provenance.get("operator") or {}).get("id") or "unrecorded")
        config = provenance.get("config_hash")
    plane = data.get("data_plane") if isinstance(data.get("data_plane"), dict) else None
    return DrillEvidence(
        drill,
        f"{scenario}: loss of {data.get('primary_region')}, "
        f"recovery in {data.get('standby_region')}",
        severity,
        rationale,
        timeline,
        measures_of(drill, settings),
        approvals,
        gaps_of(drill),
        plane,
        operator,
        config,
    )


def _fresh_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConfigError(
            f"--out {out}: exists and is not an empty directory; a pack goes into a new "
            "directory so its manifest lists the pack and nothing else"
        )


def build_pack(
    settings: Settings, *, runs: Path, out: Path, since: datetime | None = None
) -> PackResult:
    from tradedr.evidence.html import render_pack
    from tradedr.evidence.manifest import write_manifest
    from tradedr.fileio import private_dir, write_private

    found = find(runs, since=since)
    if not found.drills and not found.runs:
        when = f" since {since.date().isoformat()}" if since else ""
        raise ConfigError(f"--runs {runs}: no drill report and no run journal found{when}")
    _fresh_out(out)
    private_dir(out)
    result = PackResult(
        out,
        out / "evidence.html",
        out / "evidence.json",
        out / "MANIFEST.sha256",
        settings.resilience.important_business_service,
        settings.resilience.impact_tolerance_seconds,
        since=since,
        warnings=list(found.problems),
    )
    result.runs = found.runs
    for index, drill in enumerate(found.drills, start=1):
        result.drills.append(drill_evidence(drill, settings))
        target = private_dir(out / "drills" / f"{index:02d}-{drill.path.parent.name}")
        for name in ("drill-report.json", "drill-report.md"):
            if (drill.path.parent / name).is_file():
                shutil.copy2(drill.path.parent / name, target / name)
        missing = set((drill.data.get("run_ids") or {}).values()) - {
            r.run_id for r in drill.runs.values()
        }
        for run_id in sorted(missing):
            result.warnings.append(f"{drill.path}: journal of run {run_id} not found under {runs}")
    for run in found.runs:
        target = private_dir(out / "journals" / run.run_id)
        for name in ("journal.jsonl", "journal.head.json", "plan.json"):
            if (run.directory / name).is_file():
                shutil.copy2(run.directory / name, target / name)
        try:
            result.chains.append(verify_journal(run.journal))
        except LegacyJournalError as exc:
            result.warnings.append(exc.message)
    write_private(result.json_path, json.dumps(result.as_dict(), indent=2, default=str) + "\n")
    write_private(result.html_path, render_pack(result))
    write_manifest(out)
    return result
