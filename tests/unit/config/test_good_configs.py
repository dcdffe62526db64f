"""Good configs: defaults, the shipped files, `init`, `config show --json` and `synth --json`."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT
from tradedr.cli import app
from tradedr.config import Posture, Settings, known_regions, load_config, load_settings
from tradedr.services import example_config_text

EXAMPLES = sorted((ROOT / "examples").glob("*.toml"))


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_defaults_reproduce_the_reference_design() -> None:
    settings = Settings()
    assert settings.primary_region == "us-east-1"
    assert settings.standby_regions == ["us-west-2"]
    assert settings.posture is Posture.WARM_STANDBY
    assert settings.regions["us-east-1"].instance_type == "t3.large"
    assert settings.database.instance_class == "db.r6g.large"
    assert settings.database.multi_az is True
    assert settings.database.allocated_storage_gb == 100
    assert settings.database.backup_retention_days == 7
    assert settings.sessions.billing_mode == "on-demand"
    assert settings.routing.health_check_interval_seconds in (10, 30)


def test_default_cidrs_do_not_overlap() -> None:
    settings = load_settings({"standby_regions": ["us-west-2", "eu-west-1", "ap-south-1"]})
    cidrs = [settings.regions[r].cidr for r in settings.all_regions]
    assert len(set(cidrs)) == 4


def test_repo_tradedr_toml_equals_the_builtin_defaults() -> None:
    assert load_config(ROOT / "tradedr.toml") == Settings()


def test_packaged_example_equals_the_builtin_defaults() -> None:
    assert load_settings(tomllib.loads(example_config_text())) == Settings()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_examples_load(path: Path) -> None:
    assert isinstance(load_config(path), Settings)


def test_reference_baseline_is_the_reference_design_as_written() -> None:
    settings = load_config(ROOT / "examples" / "reference-baseline.toml")
    assert settings.posture is Posture.PILOT_LIGHT
    assert settings.routing.health_check_interval_seconds == 30
    assert settings.routing.health_check_failure_threshold == 3
    for region in settings.all_regions:
        assert settings.nat_gateways(region) == 1
        assert settings.regions[region].instance_type == "t3.large"
    assert settings.capacity("us-west-2")[1] == 0


@pytest.mark.parametrize(
    "partition_arn",
    [
        "arn:aws:acm:{region}:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        "arn:aws-us-gov:acm:{region}:123456789012:certificate/abc-123",
    ],
)
def test_certificate_in_every_region_turns_tls_on(partition_arn: str) -> None:
    regions = ["us-east-1", "us-west-2", "eu-west-1"]
    settings = load_settings(
        {
            "standby_regions": regions[1:],
            "regions": {r: {"certificate_arn": partition_arn.format(region=r)} for r in regions},
        }
    )
    assert settings.tls
    for region in regions:
        assert settings.certificate_arn(region) == partition_arn.format(region=region)
    assert not Settings().tls
    assert Settings().certificate_arn("us-east-1") is None


def test_known_regions_match_boto3() -> None:
    """Read from botocore's data file directly; must agree with boto3's own answer."""
    import boto3

    assert known_regions() == frozenset(boto3.session.Session().get_available_regions("ec2"))


def test_no_config_file_means_builtin_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_config(None) == Settings()


def test_tradedr_toml_in_cwd_is_picked_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tradedr.toml").write_text('environment = "cwd"\n', encoding="utf-8")
    assert load_config(None).environment == "cwd"


def test_init_writes_a_file_that_loads(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "tradedr.toml"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert load_config(target) == Settings()
    assert target.read_text(encoding="utf-8").count("#") > 10  # annotated


def test_init_refuses_to_overwrite_without_force(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "tradedr.toml"
    target.write_text('environment = "mine"\n', encoding="utf-8")
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert target.read_text(encoding="utf-8") == 'environment = "mine"\n'
    forced = runner.invoke(app, ["init", str(target), "--force"])
    assert forced.exit_code == 0
    assert load_config(target) == Settings()


def test_config_show_json_is_the_effective_config(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('environment = "qa"\nposture = "hot-standby"\n', encoding="utf-8")
    result = runner.invoke(app, ["config", "show", "-c", str(config), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["environment"] == "qa"
    assert data["posture"] == "hot-standby"
    assert data["regions"]["us-west-2"]["cidr"] == "10.16.0.0/16"
    assert load_settings(data) == load_config(config)  # round-trips


def test_config_show_prints_toml_and_names_the_defaults_on_stderr(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "config: built-in defaults"
    data = tomllib.loads(result.stdout)
    assert data["database"]["instance_class"] == "db.r6g.large"
    assert load_settings(data) == Settings()
    assert "None" not in result.stdout
    assert "null" not in result.stdout


def test_config_show_fills_in_what_unset_keys_mean(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = runner.invoke(app, ["config", "show"]).stdout
    # Commented out, so loading the output gives the same Settings, but shown.
    assert '# availability_zones = ["us-east-1a", "us-east-1b"]' in text
    assert "# nat_gateways = 2" in text  # the primary of a warm standby: one per zone
    assert "# nat_gateways = 1" in text  # the standby: one
    assert "certificate_arn: not set, so the ALB serves plain HTTP" in text
    assert "max_data_loss_seconds: not set" in text
    assert "rto_seconds = 1800" in text


def test_config_show_names_the_file_it_loaded(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tradedr.toml").write_text('environment = "qa"\n', encoding="utf-8")
    result = runner.invoke(app, ["config", "show"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "config: loaded tradedr.toml"
    assert tomllib.loads(result.stdout)["environment"] == "qa"
    other = tmp_path / "other.toml"
    other.write_text('environment = "dev"\n', encoding="utf-8")
    result = runner.invoke(app, ["config", "show", "-c", str(other), "--json"])
    assert result.stderr.strip() == f"config: loaded {other}"
    assert json.loads(result.stdout)["environment"] == "dev"


ROUND_TRIP_CASES = [
    *EXAMPLES,
    '[tags.extra]\nTeam = "core"\n"a:b c" = "x"\n',
    'posture = "hot-standby"\n[regions.us-east-1]\ncidr = "10.0.0.0/16"\n'
    'availability_zones = ["us-east-1a", "us-east-1c"]\nnat_gateways = 1\n'
    '[regions.us-west-2]\ncidr = "10.16.0.0/16"\n'
    "[failover]\nmax_data_loss_seconds = 30\n"
    '[checks]\nignore_lint_rules = ["W3010"]\n',
]


@pytest.mark.parametrize(
    "case", ROUND_TRIP_CASES, ids=lambda c: c.name if isinstance(c, Path) else None
)
def test_config_show_round_trips_through_load_settings(
    runner: CliRunner, tmp_path: Path, case: Path | str
) -> None:
    if isinstance(case, str):
        config = tmp_path / "c.toml"
        config.write_text(case, encoding="utf-8")
    else:
        config = case
    result = runner.invoke(app, ["config", "show", "-c", str(config)])
    assert result.exit_code == 0, result.output
    shown = load_settings(tomllib.loads(result.stdout))
    assert shown == load_config(config)
    again = tmp_path / "again.toml"
    again.write_text(result.stdout, encoding="utf-8")
    second = runner.invoke(app, ["config", "show", "-c", str(again)])
    assert second.stdout.splitlines()[1:] == result.stdout.splitlines()[1:]  # a fixed point


def test_synth_json_shape(cli_synth: dict[str, Any]) -> None:
    assert set(cli_synth) == {"stacks"}
    assert len(cli_synth["stacks"]) >= 5
    for stack in cli_synth["stacks"]:
        assert set(stack) == {"name", "region", "resources", "bytes", "template"}
        assert isinstance(stack["resources"], int)
        assert stack["resources"] > 0
        assert isinstance(stack["bytes"], int)
        assert stack["bytes"] > 0
        assert Path(stack["template"]).is_file()
        assert Path(stack["template"]).stat().st_size == stack["bytes"]


def test_synth_json_lists_every_stack_in_deployment_order(cli_synth: dict[str, Any]) -> None:
    names = [s["name"] for s in cli_synth["stacks"]]
    assert names[0] == "trading-prod-data-us-west-2"
    assert names[-1] == "trading-prod-global"
    assert {s["region"] for s in cli_synth["stacks"]} == {"us-east-1", "us-west-2"}


def _doc_examples() -> list[str]:
    text = (ROOT / "docs" / "configure.md").read_text(encoding="utf-8")
    return [block.split("```", 1)[0] for block in text.split("```toml\n")[1:]]


@pytest.mark.parametrize("text", _doc_examples())
def test_configure_doc_examples_load(text: str) -> None:
    """docs/configure.md must show configs that the code accepts."""
    assert isinstance(load_settings(tomllib.loads(text)), Settings)


def test_configure_doc_lists_every_setting() -> None:
    text = (ROOT / "docs" / "configure.md").read_text(encoding="utf-8")
    sections = {
        "": Settings,
        "regions": type(Settings().regions.get("us-east-1")),
        "database": type(Settings().database),
        "sessions": type(Settings().sessions),
        "routing": type(Settings().routing),
        "clients": type(Settings().clients),
        "targets": type(Settings().targets),
        "failover": type(Settings().failover),
        "tags": type(Settings().tags),
        "checks": type(Settings().checks),
        "resilience": type(Settings().resilience),
    }
    for section, model in sections.items():
        for field in model.model_fields:
            if section == "" and field in ("regions", "usage", *sections):
                continue
            assert f"`{field}`" in text, f"{section}.{field} missing from docs/configure.md"
