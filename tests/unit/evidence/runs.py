"""Drill reports and run journals written as tradedr writes them, for the evidence tests."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.evidence.provenance import Operator, Provenance, config_hash
from tradedr.ops.executor import Journal

PLAN: dict[str, Any] = {
    "kind": "failover",
    "mode": "unplanned",
    "prefix": "trading-prod",
    "source_region": "us-east-1",
    "target_region": "us-west-2",
    "rpo_seconds": 60,
    "rto_seconds": 1800,
    "groups": [
        {
            "name": "g",
            "steps": [
                {"id": "check-lag-us-west-2", "action": "check-replica-lag", "region": "us-west-2"},
                {"id": "approve", "action": "manual-approval", "region": "us-west-2"},
                {"id": "promote-us-west-2", "action": "promote-replica", "region": "us-west-2"},
            ],
        }
    ],
}


def write_run(
    runs: Path,
    run_id: str,
    *,
    started: datetime,
    config: str,
    target: str = "local",
    lag_detail: str = "ReplicaLag 2 s, within the RPO of 60 s",
) -> Path:
    directory = runs / run_id
    directory.mkdir(parents=True)
    (directory / "plan.json").write_text(json.dumps(PLAN))
    journal = Journal(directory / "journal.jsonl")
    journal.provenance = Provenance(Operator("local:tester", "local-user"), config, {})
    epoch = started.timestamp()
    journal.append("run-start", run_id=run_id, target=target, **journal.provenance.run_start())
    # the chain's utc is the wall clock; the journal's own "time" is what reports read
    for offset, (step, outcome, detail, extra) in enumerate(
        [
            ("check-lag-us-west-2", "executed", lag_detail, {}),
            (
                "approve",
                "executed",
                "approved by the operator",
                {"approval": {"by": "local:tester", "at": "2026-01-01T00:00:01Z", "mode": "x"}},
            ),
            ("promote-us-west-2", "executed", "promoted", {}),
        ],
        start=1,
    ):
        journal.append("step-start", step=step, action="x", region="us-west-2", attempt=1)
        journal.append(
            "step-end",
            step=step,
            outcome=outcome,
            start=epoch + offset - 0.5,
            end=epoch + offset,
            detail=detail,
            request_ids=[f"req-{step}"],
            **extra,
        )
    journal.append("run-end", status="completed")
    _retime(directory / "journal.jsonl", epoch)
    return directory


def _retime(path: Path, epoch: float) -> None:
    """Set run-start's `time` to `epoch` (tests of old drills) and re-chain the lines."""
    from tradedr.evidence.chain import Chain, genesis
    from tradedr.ops.executor import line_checksum

    lines = path.read_text().splitlines()
    chain = Chain(path.parent.name, 0, genesis(path.parent.name))
    out = []
    for index, line in enumerate(lines):
        event = json.loads(line)
        event.pop("sum")
        if event["event"] == "run-start":
            event["time"] = epoch
        elif event["event"] == "run-end":
            event["time"] = epoch + 4
        event["prev"] = chain.head
        event["seq"] = index + 1
        event["sum"] = line_checksum(event)
        text = json.dumps(event)
        out.append(text)
        chain.advance(text)
    path.write_text("".join(f"{line}\n" for line in out))
    chain.write_head(path)


def write_drill(
    folder: Path,
    settings: Settings,
    *,
    started: datetime,
    config: str | None = None,
    passed: bool = True,
    data_plane: dict[str, Any] | None = None,
) -> Path:
    """A drill's --out directory: drill-report.json and drill-runs/<failover run>."""
    run_id = f"failover-{started:%Y%m%dT%H%M%S}Z-ab12"
    write_run(
        folder / "drill-runs",
        run_id,
        started=started,
        config=config if config is not None else config_hash(settings),
    )
    report: dict[str, Any] = {
        "target": "local",
        "prefix": settings.prefix,
        "primary_region": "us-east-1",
        "standby_region": "us-west-2",
        "started_at": started.isoformat(timespec="seconds"),
        "passed": passed,
        "steps": [
            {
                "name": "failover: check-lag-us-west-2",
                "region": "us-west-2",
                "status": "executed",
                "seconds": 0.1,
                "detail": "lag 2 s",
            },
            {
                "name": "failover: traffic-to-us-west-2",
                "region": "us-west-2",
                "status": "not-emulated",
                "seconds": 0.0,
                "detail": "no DNS on the emulator",
            },
        ],
        "measured_recovery_seconds": 1.5,
        "rto_seconds": 1800,
        "run_ids": {"failover": run_id},
    }
    if data_plane is not None:
        report["data_plane"] = data_plane
    (folder / "drill-report.json").write_text(json.dumps(report))
    return folder
