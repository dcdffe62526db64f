"""DR005 and DR006 in template mode: a primary/standby pair placed by assess.toml, and a
directory where one alarm watches one of two databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tradedr.checks.runner import read_for_rules, run_rules
from tradedr.cli import app
from tradedr.templates.topology import load_topology

PRIMARY = """\
AWSTemplateFormatVersion: 2010-09-09
Resources:
  OrdersDb:
    Type: AWS::RDS::DBInstance
    DeletionPolicy: Snapshot
    UpdateReplacePolicy: Snapshot
    Properties:
      Engine: mysql
      DBInstanceClass: db.r6g.large
      AllocatedStorage: "100"
      MultiAZ: true
"""
STANDBY = """\
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.1.0.0/16
"""
HEALTH_CHECK = """\
  Check:
    Type: AWS::Route53::HealthCheck
    Properties:
      HealthCheckConfig:
        Type: HTTPS
        FullyQualifiedDomainName: trade.example.com
        RequestInterval: 30
        FailureThreshold: 3
"""
TOPOLOGY = """\
posture = "warm-standby"
[targets]
rto_seconds = 60
[[stacks]]
template = "primary.yaml"
region = "us-east-1"
role = "primary"
[[stacks]]
template = "standby.yaml"
region = "us-west-2"
role = "standby"
pair = "primary.yaml"
"""


def pair(tmp_path: Path, *, health_check: bool) -> Path:
    (tmp_path / "primary.yaml").write_text(PRIMARY + (HEALTH_CHECK if health_check else ""))
    (tmp_path / "standby.yaml").write_text(STANDBY)
    (tmp_path / "assess.toml").write_text(TOPOLOGY)
    return tmp_path


def findings(directory: Path, rule: str) -> list[tuple[str, str, str, int | None]]:
    docs, context, _ = read_for_rules(directory, topology=load_topology(directory / "assess.toml"))
    return [
        (Path(f.file).name, f.resource, f.message, f.line)
        for f in run_rules(docs, context)
        if f.rule == rule
    ]


def test_a_primary_database_without_a_replica_in_the_standby_gets_dr005(tmp_path: Path) -> None:
    assert findings(pair(tmp_path, health_check=False), "DR005") == [
        ("primary.yaml", "OrdersDb", "no read replica in us-west-2", 3)
    ]


def test_a_30s_x_3_health_check_against_a_60s_target_gets_dr006(tmp_path: Path) -> None:
    assert findings(pair(tmp_path, health_check=True), "DR006") == [
        (
            "primary.yaml",
            "Check",
            "detection 30 s x 3 + 60 s DNS = 150 s exceeds the RTO target of 60 s",
            12,  # the line `Check:` is on
        )
    ]


def test_without_a_target_dr006_checks_only_ranges(tmp_path: Path) -> None:
    directory = pair(tmp_path, health_check=True)
    (directory / "assess.toml").write_text(TOPOLOGY.replace("rto_seconds = 60", ""))
    assert findings(directory, "DR006") == []


def test_the_check_cli_takes_the_topology(tmp_path: Path) -> None:
    directory = pair(tmp_path, health_check=True)
    result = CliRunner().invoke(
        app,
        [
            "check",
            "--templates",
            str(directory),
            "--topology",
            str(directory / "assess.toml"),
            "--packs",
            "",
            "--json",
        ],
    )
    assert result.exit_code == 1, result.output
    rules = {f["rule"] for f in json.loads(result.stdout)["findings"]}
    assert {"DR005", "DR006"} <= rules


def test_without_a_topology_the_pair_is_inferred_and_noted(tmp_path: Path) -> None:
    directory = pair(tmp_path, health_check=False)
    (directory / "assess.toml").unlink()
    _docs, context, notes = read_for_rules(directory)
    assert notes == [
        "topology inferred (pass --topology assess.toml to confirm or correct it): "
        "primary.yaml -> us-east-1 primary; standby.yaml -> us-west-2 standby"
    ]
    assert (context.primary_region, context.standby_regions) == ("us-east-1", ("us-west-2",))


ALARMED = """\
Resources:
  OrdersDb:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, DBInstanceClass: db.t3.micro, AllocatedStorage: "20"}
  ReportsDb:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql, DBInstanceClass: db.t3.micro, AllocatedStorage: "20"}
  OrdersCpu:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/RDS
      MetricName: CPUUtilization
      Dimensions: [{Name: DBInstanceIdentifier, Value: !Ref OrdersDb}]
      Statistic: Average
      Period: 300
      EvaluationPeriods: 1
      Threshold: 80
      ComparisonOperator: GreaterThanThreshold
"""


def test_one_alarm_on_one_of_two_databases_reports_the_other(tmp_path: Path) -> None:
    (tmp_path / "dbs.yaml").write_text(ALARMED)
    docs, context, _ = read_for_rules(tmp_path)
    cpu: list[Any] = [
        (f.resource, f.line)
        for f in run_rules(docs, context)
        if f.rule == "DR012" and "CPUUtilization" in f.message
    ]
    assert cpu == [("ReportsDb", 5)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[stacks]]\ntemplate = "a.yaml"\nregion = "moon"\n', "not an AWS region"),
        ('posture = "lukewarm"\n', "posture"),
        ("[targets]\nrto_seconds = -1\n", "targets.rto_seconds"),
        ("colour = 1\n", "unknown setting"),
    ],
)
def test_a_bad_topology_file_is_one_line_naming_the_field(
    tmp_path: Path, text: str, message: str
) -> None:
    from tradedr.errors import ConfigError

    path = tmp_path / "assess.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_topology(path)
    assert "\n" not in info.value.message


def test_the_tag_policy_is_the_topologys_and_a_warning_for_foreign_templates(
    tmp_path: Path,
) -> None:
    (tmp_path / "t.yaml").write_text(
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n"
        "      CidrBlock: 10.0.0.0/16\n      Tags: [{Key: Owner, Value: me}]\n"
    )
    docs, context, _ = read_for_rules(tmp_path)
    [default] = [f for f in run_rules(docs, context) if f.rule == "DR007"]
    assert default.severity == "warning"
    assert default.message.startswith("missing tags: Name, Environment")
    (tmp_path / "assess.toml").write_text(
        '[tags]\nrequired = ["Owner", "Team"]\nseverity = "error"\n'
    )
    docs, context, _ = read_for_rules(tmp_path, topology=load_topology(tmp_path / "assess.toml"))
    assert [(f.severity, f.message) for f in run_rules(docs, context) if f.rule == "DR007"] == [
        ("error", "missing tags: Team")
    ]
