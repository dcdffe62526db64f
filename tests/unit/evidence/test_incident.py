"""`evidence incident RUN`: the journal fills what it records; a person fills the rest."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from tests.unit.evidence.runs import write_run
from tradedr.cli import app
from tradedr.evidence.incident import PERSON

STARTED = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
RUN = "failover-20261103T093000Z-ab12"


def test_the_draft_fills_timestamps_regions_duration_data_lost_and_actions(
    tmp_path: Path,
) -> None:
    write_run(tmp_path, RUN, started=STARTED, config="c" * 64, target="aws")
    result = CliRunner().invoke(
        app, ["evidence", "incident", RUN, "--runs-dir", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    fields = {
        section: {f["label"]: f for f in items} for section, items in data["sections"].items()
    }
    assert list(fields) == ["Initial notification", "Intermediate report", "Final report"]
    initial = fields["Initial notification"]
    assert initial["Detected at (UTC)"]["value"].startswith("2026-11-03T09:30:00Z at the latest")
    assert initial["Affected service"]["value"] == "order entry and execution"
    assert initial["Regions affected"]["value"].startswith("us-east-1 (lost or left), us-west-2")
    assert initial["Operator of the failover"]["value"] == "local:tester"
    intermediate = fields["Intermediate report"]
    assert intermediate["Duration so far"]["value"].startswith("3 s from the start")
    assert intermediate["Data lost"]["value"] == (
        "per the lag check before promotion (executed): ReplicaLag 2 s, within the RPO of 60 s"
    )
    assert intermediate["Service restored"]["value"] == (
        "yes: us-west-2 serving since 2026-11-03T09:30:03Z"
    )
    by_person = sorted(
        f["label"] for items in fields.values() for f in items.values() if f["by_person"]
    )
    assert by_person == sorted(
        [
            "Date and time of classification as major",
            "Clients, counterparts and transactions affected",
            "Cause as far as known",
            "Impact on other financial entities or markets",
            "Root cause",
            "Permanent measures and lessons learned",
            "Costs and losses",
        ]
    )
    assert all(
        f["value"] == PERSON for items in fields.values() for f in items.values() if f["by_person"]
    )
    assert [a["step"] for a in data["actions"]] == [
        "check-lag-us-west-2",
        "approve",
        "promote-us-west-2",
    ]
    assert data["actions"][2]["request_ids"] == ["req-promote-us-west-2"]
    assert data["notes"] == []


def test_an_emulator_run_is_marked_a_drill_and_markdown_can_be_written(tmp_path: Path) -> None:
    write_run(tmp_path, RUN, started=STARTED, config="c" * 64)
    out = tmp_path / "incident.md"
    result = CliRunner().invoke(
        app, ["evidence", "incident", str(tmp_path / RUN), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith(f"# Major ICT-related incident: draft from run {RUN}")
    assert "> this run was on the emulator: it is a drill, not an incident" in text
    assert f"| Root cause | **{PERSON}** |" in text


def test_an_unknown_run_is_one_line_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["evidence", "incident", "nope", "--runs-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "RUN nope: no such run" in result.stderr


def test_data_lost_comes_from_the_drills_checker_when_it_had_one(tmp_path: Path) -> None:
    from tests.unit.evidence.runs import write_drill
    from tradedr.config import Settings

    plane = {
        "orders_acknowledged": 1500,
        "acknowledged_lost": ["o-17", "o-18"],
        "lost_window_seconds": 0.4,
    }
    folder = write_drill(tmp_path / "d", Settings(), started=STARTED, data_plane=plane)
    run = next(folder.glob("drill-runs/*"))
    result = CliRunner().invoke(app, ["evidence", "incident", str(run), "--json"])
    assert result.exit_code == 0, result.output
    fields = {
        f["label"]: f["value"] for f in json.loads(result.stdout)["sections"]["Intermediate report"]
    }
    assert fields["Data lost"] == (
        "per the drill's checker: 2 acknowledged order(s) lost, lost window 0.4 s, of 1500 "
        "acknowledged"
    )
