"""cfn-lint rules turned off per config: `[checks] ignore_lint_rules = ["W3010"]` (W3010 on
deliberately pinned availability zones). A listed rule's findings become acknowledgments
naming the config; other rules keep theirs; rule ids are validated."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tradedr.checks.lint import CONFIG_IGNORE_REASON, run_lint
from tradedr.checks.runner import check_templates
from tradedr.checks.templates import TemplateDoc
from tradedr.config import Settings, load_settings
from tradedr.errors import ConfigError

PINNED_SUBNET: dict[str, Any] = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": {"Ref": "Vpc"},
                "CidrBlock": "10.0.0.0/24",
                "AvailabilityZone": "us-east-1a",
            },
        },
    },
}


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    (tmp_path / "pinned.template.json").write_text(json.dumps(PINNED_SUBNET))
    return tmp_path


def _lint(directory: Path, ignore: list[str]) -> tuple[list[Any], list[Any]]:
    from tradedr.checks.templates import load_directory

    docs: list[TemplateDoc] = load_directory(directory, regions=["us-east-1"])
    return run_lint(docs, lambda _doc: ["us-east-1"], ignore=ignore)


def test_a_pinned_zone_gives_w3010(templates: Path) -> None:
    findings, acknowledged = _lint(templates, [])
    assert "W3010" in {f.rule for f in findings}
    assert acknowledged == []


def test_a_listed_rule_disappears_and_is_acknowledged(templates: Path) -> None:
    findings, acknowledged = _lint(templates, ["W3010"])
    assert "W3010" not in {f.rule for f in findings}
    assert [(a.rule, a.resource, a.reason) for a in acknowledged] == [
        ("W3010", "Subnet", CONFIG_IGNORE_REASON)
    ]


def test_other_rules_are_untouched(templates: Path) -> None:
    before, _ = _lint(templates, [])
    after, _ = _lint(templates, ["E3001"])
    assert [f.rule for f in after] == [f.rule for f in before]


def test_check_templates_takes_the_list(templates: Path) -> None:
    report = check_templates(
        templates, regions=["us-east-1"], packs=[], ignore_lint_rules=["W3010"]
    )
    assert "W3010" not in {f.rule for f in report.findings}
    assert "W3010" in {a.rule for a in report.acknowledged}


def test_the_config_field_loads_from_toml() -> None:
    text = '[checks]\nignore_lint_rules = ["W3010", "I3011"]\n'
    settings = load_settings(tomllib.loads(text))
    assert settings.checks.ignore_lint_rules == ["W3010", "I3011"]
    assert Settings().checks.ignore_lint_rules == []


@pytest.mark.parametrize("bad", ["w3010", "W301", "W30100", "X3010", "AwsSolutions-IAM5", ""])
def test_a_bad_rule_id_is_one_line_naming_the_field(bad: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({"checks": {"ignore_lint_rules": [bad]}})
    assert "checks.ignore_lint_rules" in raised.value.message
    assert "not a cfn-lint rule id" in raised.value.message


def test_a_repeated_rule_is_refused() -> None:
    with pytest.raises(ConfigError, match="more than once"):
        load_settings({"checks": {"ignore_lint_rules": ["W3010", "W3010"]}})


def test_an_unknown_checks_key_is_refused() -> None:
    with pytest.raises(ConfigError, match="ignore_lint_rule"):
        load_settings({"checks": {"ignore_lint_rule": ["W3010"]}})


def test_check_templates_with_a_named_config_uses_its_list(
    templates: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check --templates DIR -c FILE` reads the list from FILE; without -c a stray
    ./tradedr.toml decides nothing."""
    from typer.testing import CliRunner

    from tradedr.cli import app

    config = tmp_path / "named.toml"
    config.write_text('[checks]\nignore_lint_rules = ["W3010"]\n')
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tradedr.toml").write_text("this is = not [valid toml")
    args = ["check", "--templates", str(templates), "--packs", "", "--json"]
    runner = CliRunner()
    plain = json.loads(runner.invoke(app, args).stdout)
    named = json.loads(runner.invoke(app, [*args, "-c", str(config)]).stdout)
    assert "W3010" in {f["rule"] for f in plain["findings"]}
    assert "W3010" not in {f["rule"] for f in named["findings"]}


def _engine_versions(resource: str, name: str) -> set[str]:
    """The versions cfn-lint's bundled data lists in `name` for an RDS resource type."""
    import re

    import cfnlint

    data = Path(cfnlint.__file__).parent / "data" / "schemas" / "extensions" / resource / name
    return set(re.findall(r'"(\d+\.\d+\.[\w.]+)"', data.read_text()))


@pytest.mark.parametrize(
    ("resource", "version"),
    [
        ("aws_rds_dbinstance", "MYSQL_DEFAULT_VERSION"),
        ("aws_rds_dbcluster", "AURORA_DEFAULT_VERSION"),
    ],
)
def test_the_default_engine_versions_are_current_per_cfn_lint(resource: str, version: str) -> None:
    import tradedr.config as config

    default = getattr(config, version)
    assert default in _engine_versions(resource, "engine_version.json")
    assert default not in _engine_versions(resource, "engine_version_deprecated.json")


def test_a_deprecated_engine_version_is_a_deploy_blocking_error(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "Db": {
                "Type": "AWS::RDS::DBInstance",
                "Properties": {
                    "Engine": "mysql",
                    "EngineVersion": "8.0.39",
                    "DBInstanceClass": "db.r6g.large",
                    "AllocatedStorage": "100",
                },
            }
        }
    }
    (tmp_path / "db.template.json").write_text(json.dumps(template))
    report = check_templates(tmp_path, regions=["us-east-1"], packs=[])
    blockers = [f for f in report.findings if f.rule == "W3691"]
    assert [(f.severity, f.resource) for f in blockers] == [("error", "Db")]
    assert "a deploy blocker" in blockers[0].message
    assert not report.passed


def test_the_default_config_has_no_deprecated_engine(tmp_path: Path) -> None:
    from tradedr.checks.runner import check_config

    report = check_config(load_settings({}), tmp_path / "cdk.out", packs=[])
    assert [f for f in report.findings if f.rule == "W3691"] == []
