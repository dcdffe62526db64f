"""A configured engine version cfn-lint's data calls deprecated: one warning naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.config import config_warnings, load_settings
from tradedr.config.deprecations import deprecated_versions


@pytest.mark.parametrize(
    ("database", "warned"),
    [
        ({}, False),
        ({"engine_version": "8.0.39"}, True),
        ({"engine_version": "8.4.7"}, False),
        ({"engine": "aurora-mysql-global"}, False),
        ({"engine": "aurora-mysql-global", "engine_version": "8.0.mysql_aurora.3.01.0"}, True),
    ],
)
def test_deprecated_versions_warn(database: dict[str, str], warned: bool) -> None:
    warnings = config_warnings(load_settings({"database": database}))
    assert len(warnings) == int(warned)
    if warned:
        assert warnings[0].startswith("database.engine_version: ")
        assert "deprecated" in warnings[0]
        assert "\n" not in warnings[0]


def test_the_data_is_cfn_lints() -> None:
    assert "8.0.39" in deprecated_versions("aws_rds_dbinstance", "mysql")
    assert "8.4.7" not in deprecated_versions("aws_rds_dbinstance", "mysql")
    assert deprecated_versions("aws_rds_dbinstance", "no-such-engine") == frozenset()


def test_the_cli_prints_the_warning_on_stderr(tmp_path: Path) -> None:
    from tradedr.cli import app

    config = tmp_path / "tradedr.toml"
    config.write_text('[database]\nengine_version = "8.0.39"\n')
    result = CliRunner().invoke(app, ["config", "show", "-c", str(config), "--json"])
    assert result.exit_code == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(lines) == 1
    assert lines[0].startswith("warning: database.engine_version: '8.0.39' (mysql)")
