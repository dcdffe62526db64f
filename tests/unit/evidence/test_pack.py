"""`evidence pack` from drill reports and journals: what it measures against what, what it
copies, and a manifest whose sums verify (and catch a changed file)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.evidence.runs import write_drill
from tradedr.cli import app
from tradedr.config import Settings, load_settings
from tradedr.evidence.manifest import check_manifest, file_sha256
from tradedr.evidence.pack import build_pack

STARTED = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


def pack_json(runs: Path, out: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        app, ["evidence", "pack", "--runs", str(runs), "--out", str(out), "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_manifest_lists_every_file_and_its_sums_verify(tmp_path: Path) -> None:
    write_drill(tmp_path / "runs" / "drill", Settings(), started=STARTED)
    data = pack_json(tmp_path / "runs", tmp_path / "pack")
    pack = tmp_path / "pack"
    listed = {
        line.split("  ", 1)[1]: line.split("  ", 1)[0]
        for line in (pack / "MANIFEST.sha256").read_text().splitlines()
    }
    run_id = f"failover-{STARTED:%Y%m%dT%H%M%S}Z-ab12"
    assert set(listed) == {
        "evidence.html",
        "evidence.json",
        "drills/01-drill/drill-report.json",
        f"journals/{run_id}/journal.jsonl",
        f"journals/{run_id}/journal.head.json",
        f"journals/{run_id}/plan.json",
    }
    assert all(file_sha256(pack / name) == digest for name, digest in listed.items())
    assert data["chains"][0]["intact"] is True
    verified = CliRunner().invoke(app, ["evidence", "verify", str(pack)])
    assert verified.exit_code == 0, verified.output
    assert "6 files, every SHA-256 matches" in verified.stdout


def test_a_changed_file_in_the_pack_fails_verify_naming_it(tmp_path: Path) -> None:
    write_drill(tmp_path / "runs" / "drill", Settings(), started=STARTED)
    pack_json(tmp_path / "runs", tmp_path / "pack")
    report = tmp_path / "pack" / "drills" / "01-drill" / "drill-report.json"
    report.write_text(report.read_text().replace('"passed": true', '"passed": false'))
    assert check_manifest(tmp_path / "pack").mismatched == ["drills/01-drill/drill-report.json"]
    result = CliRunner().invoke(app, ["evidence", "verify", str(tmp_path / "pack")])
    assert result.exit_code == 1
    assert "BROKEN: changed: drills/01-drill/drill-report.json" in result.stdout


@pytest.mark.parametrize(
    ("data_plane", "rto", "rto_source", "rpo"),
    [
        (None, 1.5, "control plane", None),
        (
            {"client_unavailable_seconds": 42.0, "lost_window_seconds": 0.0, "duplicates": 0},
            42.0,
            "data plane: client_unavailable_seconds",
            0.0,
        ),
        ({"client_unavailable_seconds": {"seconds": 7.5}}, 7.5, "data plane", None),
    ],
    ids=["control-plane-only", "data-plane", "data-plane-nested"],
)
def test_rto_and_rpo_come_from_the_data_plane_when_the_drill_had_it(
    tmp_path: Path, data_plane: dict | None, rto: float, rto_source: str, rpo: float | None
) -> None:
    settings = load_settings({"resilience": {"impact_tolerance_seconds": 3600}})
    write_drill(tmp_path / "runs" / "d", settings, started=STARTED, data_plane=data_plane)
    result = build_pack(settings, runs=tmp_path / "runs", out=tmp_path / "pack")
    measures = {m.name: m for m in result.drills[0].measures}
    assert measures["RTO"].measured == rto
    assert measures["RTO"].source.startswith(rto_source)
    assert measures["RTO"].tolerance == 3600
    assert measures["RTO"].verdict.startswith("within target; within impact tolerance")
    assert "emulator" in measures["RTO"].verdict
    assert measures["RPO"].measured == rpo
    assert measures["RPO"].verdict == ("not measured" if rpo is None else "within target")


def test_a_breached_tolerance_says_by_how_much(tmp_path: Path) -> None:
    settings = load_settings(
        {"targets": {"rto_seconds": 10}, "resilience": {"impact_tolerance_seconds": 20}}
    )
    plane = {"client_unavailable_seconds": 31.5}
    write_drill(tmp_path / "runs" / "d", settings, started=STARTED, data_plane=plane)
    result = build_pack(settings, runs=tmp_path / "runs", out=tmp_path / "pack")
    verdict = result.drills[0].measures[0].verdict
    assert verdict.startswith("MISSED target by 21.5 s; BREACHED impact tolerance by 11.5 s")


def test_the_pack_carries_timeline_approvals_gaps_and_requirements(tmp_path: Path) -> None:
    write_drill(tmp_path / "runs" / "d", Settings(), started=STARTED)
    data = pack_json(tmp_path / "runs", tmp_path / "pack")
    drill = data["drills"][0]
    events = [row["event"] for row in drill["timeline"]]
    assert events == [
        "detected: loss of us-east-1",
        "failover run started",
        "failover: check-lag-us-west-2",
        "failover: approve",
        "failover: promote-us-west-2",
        "failover run ended",
        "recovered: the standby verified serving",
    ]
    assert [row["offset"] for row in drill["timeline"]] == [None, 0.0, 1.0, 2.0, 3.0, 4.0, None]
    assert drill["approvals"][0]["by"] == "local:tester"
    assert [g["step"] for g in drill["gaps"]] == ["failover: traffic-to-us-west-2"]
    assert drill["severity"] == "severe"
    provisions = {(r["regime"].split(" ")[0], r["provision"]) for r in data["requirements"]}
    assert ("UK", "Chapter 4, 4.1") in provisions
    assert all(r["source"].startswith("http") for r in data["requirements"])
    assert {r["checked"] for r in data["requirements"]} <= {"verified", "secondary", "not verified"}
    html = (tmp_path / "pack" / "evidence.html").read_text()
    for table in ("timeline", "rto-rpo", "approvals", "gaps", "requirements", "chains"):
        assert f'data-table="{table}"' in html
    assert "<script" not in html
    assert "@media print" in html


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("nonempty", "exists and is not an empty directory"),
        ("norun", "no drill report and no run journal found"),
        ("since", "--since 'last year': not a date (use YYYY-MM-DD)"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path: Path, setup: str, says: str) -> None:
    (tmp_path / "runs").mkdir()
    if setup == "nonempty":
        write_drill(tmp_path / "runs" / "d", Settings(), started=STARTED)
        (tmp_path / "pack").mkdir()
        (tmp_path / "pack" / "stray").write_text("x")
    args = ["evidence", "pack", "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "pack")]
    if setup == "since":
        args += ["--since", "last year"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_since_leaves_older_drills_out(tmp_path: Path) -> None:
    write_drill(tmp_path / "runs" / "old", Settings(), started=STARTED - timedelta(days=100))
    write_drill(tmp_path / "runs" / "new", Settings(), started=STARTED)
    since = (STARTED - timedelta(days=10)).date().isoformat()
    data = pack_json(tmp_path / "runs", tmp_path / "pack", "--since", since)
    assert [d["report"].split("/")[-2] for d in data["drills"]] == ["new"]
    assert len(data["runs"]) == 1


def test_a_broken_journal_is_packed_and_shown_and_pack_exits_1(tmp_path: Path) -> None:
    folder = write_drill(tmp_path / "runs" / "d", Settings(), started=STARTED)
    journal = next(folder.glob("drill-runs/*/journal.jsonl"))
    items = journal.read_text().splitlines()
    journal.write_text("".join(f"{line}\n" for line in items[:2] + items[3:]))
    result = CliRunner().invoke(
        app, ["evidence", "pack", "--runs", str(tmp_path / "runs"), "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 1
    assert "BROKEN at entry 3: entry 3 is missing" in result.stderr
    html = (tmp_path / "p" / "evidence.html").read_text()
    assert "BROKEN at entry 3" in html
