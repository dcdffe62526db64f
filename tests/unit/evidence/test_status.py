"""`evidence status`: overdue (exit 1, one line each) after the drill interval and after a
config change; on time otherwise."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.unit.evidence.runs import write_drill
from tradedr.cli import app
from tradedr.config import Settings, load_settings
from tradedr.evidence.status import add_months, cadence

NOW = datetime.now(UTC)


def status(runs: Path, *extra: str) -> tuple[int, list[str], str]:
    result = CliRunner().invoke(app, ["evidence", "status", "--runs", str(runs), *extra])
    overdue = [line for line in result.stderr.splitlines() if line.startswith("overdue:")]
    return result.exit_code, overdue, result.stdout


@pytest.mark.parametrize(
    ("age_days", "config", "expected"),
    [
        (
            400,
            None,
            "region-loss us-east-1 -> us-west-2: the last passing drill ({date}, local) is "
            "older than 12 months",
        ),
        (
            30,
            "f" * 64,
            "region-loss us-east-1 -> us-west-2: the config changed since the last passing "
            "drill ({date}): config hash ffffffffffff then,",
        ),
    ],
    ids=["older-than-12-months", "config-changed"],
)
def test_overdue_exits_1_with_one_line(
    tmp_path: Path, age_days: int, config: str | None, expected: str
) -> None:
    started = (NOW - timedelta(days=age_days)).replace(microsecond=0)
    write_drill(tmp_path / "drill", Settings(), started=started, config=config)
    code, overdue, _ = status(tmp_path)
    assert code == 1
    assert len(overdue) == 1
    assert expected.format(date=started.date().isoformat()) in overdue[0]


def test_a_recent_drill_of_the_current_config_is_on_time(tmp_path: Path) -> None:
    write_drill(tmp_path / "drill", Settings(), started=NOW - timedelta(days=30))
    code, overdue, out = status(tmp_path)
    assert (code, overdue) == (0, [])
    assert "region-loss" in out
    assert "ok" in out


def test_no_drill_at_all_is_overdue(tmp_path: Path) -> None:
    code, overdue, _ = status(tmp_path)
    assert code == 1
    assert overdue == [
        "overdue: region-loss us-east-1 -> us-west-2: no passing drill found; run `tradedr drill`"
    ]


def test_a_failed_drill_does_not_count_and_aws_only_skips_emulator_drills(
    tmp_path: Path,
) -> None:
    write_drill(tmp_path / "failed", Settings(), started=NOW - timedelta(days=3), passed=False)
    assert cadence(Settings(), runs=tmp_path).rows[0].last_passed is None
    write_drill(tmp_path / "ok", Settings(), started=NOW - timedelta(days=5))
    assert cadence(Settings(), runs=tmp_path).rows[0].last_passed is not None
    assert cadence(Settings(), runs=tmp_path, aws_only=True).rows[0].last_passed is None


def test_the_interval_comes_from_config(tmp_path: Path) -> None:
    settings = load_settings({"resilience": {"drill_interval_months": 1}})
    write_drill(tmp_path / "drill", settings, started=NOW - timedelta(days=45))
    report = cadence(settings, runs=tmp_path)
    assert report.interval_months == 1
    assert len(report.lines()) == 1
    assert "is older than 1 months" in report.lines()[0]


def test_json_says_overdue(tmp_path: Path) -> None:
    write_drill(tmp_path / "drill", Settings(), started=NOW - timedelta(days=400))
    result = CliRunner().invoke(app, ["evidence", "status", "--runs", str(tmp_path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["overdue"] is True
    assert data["rows"][0]["target"] == "local"


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (datetime(2025, 1, 31, tzinfo=UTC), 1, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2025, 3, 15, tzinfo=UTC), 12, datetime(2026, 3, 15, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2025, 2, 28, tzinfo=UTC)),
    ],
)
def test_add_months(start: datetime, months: int, due: datetime) -> None:
    assert add_months(start, months) == due
