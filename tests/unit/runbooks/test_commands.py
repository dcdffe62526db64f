"""Every command a runbook shows works when pasted: `aws ...` against botocore's models,
`tradedr ...` through the real CLI parser, operational commands with an explicit target."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Synthesized
from tests.unit.runbooks.commands import (
    check_aws,
    check_text,
    check_tradedr,
    commands,
    logical_lines,
)
from tradedr.runbooks.render import RUNBOOKS
from tradedr.runbooks.service import generate_runbooks

# default, examples/hot-standby-fast.toml, TLS on both regions, three regions (eu-west-1).
CONFIGS = ("default", "fast_ga", "tls", "three_region")


def _render(synth: Synthesized, outdir: Path) -> dict[str, str]:
    paths = generate_runbooks(synth.settings, outdir, stacks=synth.stacks)
    return {p.name: p.read_text() for p in paths}


@pytest.fixture(scope="module", params=CONFIGS)
def runbooks(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, str]]:
    config = str(request.param)
    synth: Synthesized = request.getfixturevalue(f"{config}_synth")
    return config, _render(synth, tmp_path_factory.mktemp(f"runbooks-{config}"))


def test_every_command_of_every_runbook_works_when_pasted(
    runbooks: tuple[str, dict[str, str]],
) -> None:
    config, texts = runbooks
    assert set(texts) == {rb.filename for rb in RUNBOOKS} | {"README.md"}
    problems: list[str] = []
    checked = 0
    for name, text in sorted(texts.items()):
        found, count = check_text(text)
        problems += [f"{config}/{name}: {p}" for p in found]
        checked += count
    assert not problems, "\n".join(problems)
    assert checked >= 60, f"{config}: only {checked} commands found; is the extractor blind?"


def test_runbooks_name_the_target_journal_and_real_outputs(
    runbooks: tuple[str, dict[str, str]],
) -> None:
    _, texts = runbooks
    joined = "\n".join(texts.values())
    assert "under `runs/`" not in joined
    assert "Outputs[0]" not in joined
    assert "2030-01-01" not in joined
    failover = texts["regional-failover.md"]
    if "recovery is a restore" not in failover:
        assert ".tradedr/runs/" in failover
        assert "--target aws --dry-run" in failover
        assert "--target aws" in texts["regional-failback.md"]
    restore = texts["backup-and-restore.md"]
    assert '--db-subnet-group-name "$SUBNET_GROUP"' in restore
    assert "--vpc-security-group-ids $SECURITY_GROUPS" in restore
    assert '--value "$ENDPOINT"' in restore
    assert "Endpoint" in restore


def test_outage_runbook_checks_health_from_outside(
    tmp_path: Path, default_synth: Synthesized
) -> None:
    outage = _render(default_synth, tmp_path)["incident-primary-region-outage.md"]
    assert "curl -sS" in outage
    assert "--namespace AWS/Route53 --metric-name HealthCheckStatus" in outage
    assert "only in\nus-east-1 CloudWatch" in outage
    assert "do not wait for them" in outage  # the primary is us-east-1 here
    assert "OutputKey=='HealthCheckUSE1'" in outage
    assert "list-health-checks" not in outage


def test_outage_curl_uses_https_with_tls(tmp_path: Path, tls_synth: Synthesized) -> None:
    outage = _render(tls_synth, tmp_path)["incident-primary-region-outage.md"]
    assert "https://app.trading.example.com/health" in outage


def test_the_restore_follows_the_multi_az_setting(
    tmp_path: Path, default_synth: Synthesized
) -> None:
    restore = _render(default_synth, tmp_path)["backup-and-restore.md"]
    flag = "--multi-az" if default_synth.settings.database.multi_az else "--no-multi-az"
    assert f"{flag} --region" in restore


# The checker itself must reject what the tools would reject --------------------------

BAD_AWS = [
    ("aws rds describe-db-instancez --region us-east-1", "no operation"),
    ("aws rdz describe-db-instances", "unknown service"),
    (
        "aws cloudwatch get-metric-statistics --bogus-flag x --namespace AWS/RDS "
        "--metric-name ReplicaLag --statistics Maximum --period 60 "
        '--start-time "$(date -u -d \'-3 hours\' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)"',
        "no parameter --bogus-flag",
    ),
    (
        "aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name ReplicaLag "
        "--statistics Maximum --period 60 --start-time 2026-01-01T00:00:00Z "
        "--end-time 2030-01-01T00:00:00Z",
        "datapoints requested",
    ),
    (
        "aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name ReplicaLag "
        "--statistics Maximum --period 60 "
        '--start-time "$(date -u -d \'-25 hours\' +%FT%TZ)" --end-time "$(date -u +%FT%TZ)"',
        "1500 datapoints",
    ),
    (
        "aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name ReplicaLag "
        "--statistics Maximum --period 60 --start-time yesterday --end-time now",
        "not a timestamp",
    ),
    (
        "aws cloudwatch get-metric-statistics --namespace AWS/RDS --metric-name ReplicaLag "
        "--statistics Maximal --period 60 --start-time 2026-01-01T00:00:00Z "
        "--end-time 2026-01-01T01:00:00Z",
        "is not one of",
    ),
    ("aws rds describe-db-instances --db-instance-identifier", "needs a value"),
    ("aws ssm put-parameter --name /x --overwrite", "missing required --value"),
    ("aws rds wait db-instance-availabel --db-instance-identifier x", "no waiter"),
    ("aws cloudtrail lookup-events --max-results 500", "above the maximum 50"),
    ("aws rds restore-db-instance-to-point-in-time --no-bogus", "no parameter --no-bogus"),
]


@pytest.mark.parametrize(("line", "why"), BAD_AWS)
def test_checker_rejects_a_bad_aws_command(line: str, why: str) -> None:
    (command,) = commands(f"```bash\n{line}\n```\n", "aws")
    problems = check_aws(command)
    assert any(why in p for p in problems), problems


GOOD_AWS = [
    "aws rds describe-db-instances --db-instance-identifier x --region us-east-1 "
    '--query "DBInstances[0].Endpoint.Address" --output text --no-cli-pager',
    "aws s3api get-bucket-replication --bucket b --region us-east-1",
    "aws rds wait db-instance-available --db-instance-identifier x --region us-east-1",
    "aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier a "
    "--target-db-instance-identifier b --use-latest-restorable-time --no-multi-az",
    "aws route53-recovery-cluster get-routing-control-state --routing-control-arn arn "
    "--region us-west-2",
    "aws cloudwatch describe-alarms --max-items 5",
    "aws ssm put-parameter --cli-input-json file://p.json",
]


@pytest.mark.parametrize("line", GOOD_AWS)
def test_checker_accepts_a_good_aws_command(line: str) -> None:
    (command,) = commands(f"```bash\n{line}\n```\n", "aws")
    assert check_aws(command) == []


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("tradedr failover --to us-west-2", "without an explicit --target"),
        ("tradedr failback --dry-run", "without an explicit --target"),
        ("tradedr backup now", "without an explicit --target"),
        ("tradedr failover --to us-west-2 --target moon", "moon"),
        ("tradedr failover --target aws --no-such-flag", "no-such-flag"),
        ("tradedr no-such-command", "no-such-command"),
    ],
)
def test_checker_rejects_a_bad_tradedr_command(line: str, why: str) -> None:
    (command,) = commands(f"```bash\n{line}\n```\n", "tradedr")
    problems = check_tradedr(command)
    assert any(why in p for p in problems), problems


@pytest.mark.parametrize(
    "line",
    [
        "tradedr failover --to us-west-2 --target aws --dry-run",
        "tradedr fence --region us-east-1 --target aws",
        "tradedr check",
        "tradedr rto --json",
    ],
)
def test_checker_accepts_a_good_tradedr_command(line: str) -> None:
    (command,) = commands(f"```bash\n{line}\n```\n", "tradedr")
    assert check_tradedr(command) == []


def test_a_planted_bad_command_fails_a_rendered_runbook(
    tmp_path: Path, default_synth: Synthesized
) -> None:
    text = _render(default_synth, tmp_path)["regional-failover.md"]
    assert check_text(text)[0] == []
    planted = text + (
        "\n```bash\naws rds describe-db-instancez --region us-east-1\n"
        "aws cloudwatch get-metric-statistics --bogus-flag x\n"
        "tradedr failover --to us-west-2\n```\n"
    )
    problems, _ = check_text(planted)
    assert len(problems) >= 3, problems
    inline = text + "\nThen run `tradedr failback` by hand.\n"
    assert any("--target" in p for p in check_text(inline)[0])


def test_extractor_handles_continuations_substitutions_and_pipes() -> None:
    block = (
        "```bash\n"
        "# a comment\n"
        "ID=$(aws cloudformation describe-stacks --stack-name s \\\n"
        "  --query \"Stacks[0].Outputs[?OutputKey=='K'].OutputValue\" --output text)\n"
        'aws route53 get-health-check-status --health-check-id "$ID" | jq .\n'
        "aws logs filter-log-events --log-group-name g "
        "--start-time $(( ($(date +%s) - 900) * 1000 ))\n"
        "```\n"
    )
    inner = block.split("\n", 1)[1].rsplit("```", 1)[0]
    assert len(list(logical_lines(inner))) == 3
    found = commands(block, "aws")
    assert [c.words[1:3] for c in found] == [
        ("cloudformation", "describe-stacks"),
        ("route53", "get-health-check-status"),
        ("logs", "filter-log-events"),
    ]
    assert all(check_aws(c) == [] for c in found)
