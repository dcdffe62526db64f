"""`tradedr evidence incident RUN`: a DORA-style major-incident notification, pre-filled
from a failover's journal, in three sections (initial notification, intermediate report,
final report).

Only what the journal records is filled in: timestamps, the affected service and regions,
the duration, the data lost as the lag check measured it, the actions taken and who took
them. What only a person knows (classification, clients affected, root cause, ...) is marked
`TO BE COMPLETED BY A PERSON`, never guessed. The deadlines of the reports are set by the
competent authority's rules and are not stated here as law (see evidence/requirements.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradedr.errors import ConfigError
from tradedr.evidence.runs import RunRecord, read_run

if TYPE_CHECKING:
    from tradedr.config import Settings

PERSON = "TO BE COMPLETED BY A PERSON"


@dataclass
class Field:
    label: str
    value: str
    by_person: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "value": self.value, "by_person": self.by_person}


@dataclass
class IncidentDraft:
    run_id: str
    target: str
    sections: dict[str, list[Field]]
    actions: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "target": self.target,
            "sections": {k: [f.as_dict() for f in v] for k, v in self.sections.items()},
            "actions": self.actions,
            "notes": self.notes,
        }

    def markdown(self) -> str:
        lines = [f"# Major ICT-related incident: draft from run {self.run_id}", ""]
        lines += [f"> {note}" for note in self.notes]
        if self.notes:
            lines.append("")
        for title, fields in self.sections.items():
            lines += [f"## {title}", "", "| field | value |", "|---|---|"]
            for item in fields:
                value = f"**{item.value}**" if item.by_person else item.value
                lines.append(f"| {item.label} | {value.replace('|', '/')} |")
            lines.append("")
        lines += [
            "## Actions taken (from the journal)",
            "",
            "| UTC end | step | region | outcome | request ids |",
            "|---|---|---|---|---|",
        ]
        for action in self.actions:
            ids = ", ".join(action["request_ids"][:3]) + (
                ", ..." if len(action["request_ids"]) > 3 else ""
            )
            lines.append(
                f"| {action['end']} | {action['step']} | {action['region']} | "
                f"{action['outcome']} | {ids} |"
            )
        return "\n".join(lines) + "\n"


def _utc(epoch: Any) -> str:
    try:
        return (
            datetime.fromtimestamp(float(epoch), UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z")
        )
    except (TypeError, ValueError):
        return "unknown"


def _checker(run: RunRecord) -> str | None:
    """The data-plane checker's verdict when the run was a drill's and the drill report has
    one (drill-report.json beside drill-runs/, `data_plane`)."""
    import json

    report = run.directory.parent.parent / "drill-report.json"
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    plane = data.get("data_plane") if isinstance(data, dict) else None
    if not isinstance(plane, dict) or run.run_id not in (data.get("run_ids") or {}).values():
        return None
    lost = plane.get("acknowledged_lost")
    count = len(lost) if isinstance(lost, list) else lost
    return (
        f"per the drill's checker: {count} acknowledged order(s) lost, lost window "
        f"{plane.get('lost_window_seconds')} s, of {plane.get('orders_acknowledged')} acknowledged"
    )


def _data_lost(run: RunRecord) -> str:
    checked = _checker(run)
    if checked is not None:
        return checked
    for event in run.step_ends():
        step = run.plan_step(event.get("step"))
        if step.get("action") != "check-replica-lag":
            continue
        outcome = event.get("outcome")
        if outcome == "not-emulated":
            return "not measured: the replica-lag check was not emulated"
        return f"per the lag check before promotion ({outcome}): {event.get('detail', '')}"
    return "not measured: the plan had no replica-lag check"


def draft_incident(settings: Settings, directory: Path) -> IncidentDraft:
    try:
        run = read_run(directory)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{directory}: not a readable run ({type(exc).__name__})") from None
    plan = run.plan
    ends = run.step_ends()
    starts = [e for e in run.events if e.get("event") == "run-start"]
    if not starts:
        raise ConfigError(f"{run.journal}: the journal has no run-start; nothing to draft from")
    began = float(starts[0]["time"])
    finished = max((float(e["end"]) for e in ends if "end" in e), default=None)
    provenance = run.provenance()
    operator = str((provenance.get("operator") or {}).get("id") or "unrecorded")
    notes = []
    if plan.get("kind") != "failover":
        notes.append(
            f"run {run.run_id} is a {plan.get('kind')}, not a failover: check that it is the "
            "run of the incident"
        )
    if run.target == "local":
        notes.append(
            "this run was on the emulator: it is a drill, not an incident; the draft shows "
            "what a real failover's journal fills in"
        )
    failed = [e for e in ends if e.get("outcome") == "failed"]
    status = run.status
    restored = (
        f"yes: {plan.get('target_region')} serving since {_utc(finished)}"
        if status == "completed"
        else f"no: the run {status}" + (f" at step {failed[-1].get('step')}" if failed else "")
    )
    duration = (
        f"{finished - began:,.0f} s from the start of the failover to its last step"
        if finished
        else "unknown"
    )
    service = settings.resilience.important_business_service
    affected = Field("Affected service", service)
    regions = Field(
        "Regions affected",
        f"{plan.get('source_region')} (lost or left), {plan.get('target_region')} (took over)",
    )
    detected = Field(
        "Detected at (UTC)",
        f"{_utc(began)} at the latest (the failover started); the first alarm: {PERSON}",
    )
    sections = {
        "Initial notification": [
            Field("Incident reference", run.run_id),
            Field("Date and time of classification as major", PERSON, True),
            detected,
            affected,
            regions,
            Field(
                "Description",
                f"{plan.get('mode')} failover of {settings.prefix} from "
                f"{plan.get('source_region')} to {plan.get('target_region')}",
            ),
            Field("Clients, counterparts and transactions affected", PERSON, True),
            Field("Cause as far as known", PERSON, True),
            Field("Operator of the failover", operator),
        ],
        "Intermediate report": [
            Field("Service restored", restored),
            Field("Duration so far", duration),
            Field("Data lost", _data_lost(run)),
            Field("Actions taken", f"{len(ends)} steps, listed below with their request ids"),
            Field("Config hash of the deployment", str(provenance.get("config_hash") or "")),
            Field("Impact on other financial entities or markets", PERSON, True),
        ],
        "Final report": [
            Field("Root cause", PERSON, True),
            Field("Total duration", duration),
            Field(
                "Impact tolerance",
                "not set"
                if settings.resilience.impact_tolerance_seconds is None
                else f"{settings.resilience.impact_tolerance_seconds:,} s for {service}",
            ),
            Field("Permanent measures and lessons learned", PERSON, True),
            Field("Costs and losses", PERSON, True),
        ],
    }
    actions = [
        {
            "end": _utc(e.get("end")),
            "step": e.get("step"),
            "region": run.plan_region(e.get("step")),
            "outcome": e.get("outcome"),
            "request_ids": list(e.get("request_ids") or []),
        }
        for e in ends
    ]
    return IncidentDraft(run.run_id, run.target, sections, actions, notes)
