"""The public corpus (tests/fixtures/corpus, sources in SOURCES.md): every template is read,
every resource seen, SAM and Fn::ForEach expanded, and what is not a template skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradedr.templates import read_directory, read_template
from tradedr.templates.transforms import LANGUAGE_EXTENSIONS, SAM

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"

# file -> (resources after transforms, resources as written). Counted by hand from the
# files: a ForEach over four names makes four tables; SAM adds roles, permissions, APIs.
COUNTS = {
    "VPCFlowLogsCloudWatch.cfn.yaml": (3, 3),
    "VPCFlowLogsS3.cfn.yaml": (3, 3),
    "aurora-global-primary.yml": (24, 24),
    "aurora-global-standby.yml": (15, 15),
    "codepipeline-unquoted-dates.yaml": (4, 4),
    "config-rules.yaml": (12, 12),
    "dynamodb-global-table.yml": (2, 2),
    "dynamodb-secondary-indexes.yaml": (1, 1),
    "elb-autoscaled-instances.yaml": (4, 4),
    "foreach-ddb.yaml": (4, 1),
    "foreach-s3-outputs.yaml": (3, 1),
    "lambda-sample.yaml": (2, 2),
    "rds-mysql-read-replica.yaml": (4, 4),
    "rds-snapshot-on-delete.yaml": (1, 1),
    "regional-vpc.yaml": (13, 13),
    "route53-failover.yml": (2, 2),
    "s3-compliant-bucket.yaml": (8, 8),
    "s3-replication-destination.yaml": (4, 4),
    "s3-replication-source.yaml": (4, 4),
    "sam-apigw-lambda-dynamodb.yaml": (7, 2),
    "sam-getfromjson.yml": (2, 1),
    "sam-sqs-lambda-ddb.yaml": (6, 4),
    "vpc-flow-logs-main.yaml": (2, 2),
    "vpc-managed-nat.yaml": (26, 26),
}
NOT_TEMPLATES = {"buildspec-app-build.yml", "checkov-config.yaml"}


@pytest.fixture(scope="module")
def corpus() -> object:
    return read_directory(CORPUS)


def test_the_corpus_is_big_enough_and_documented() -> None:
    assert len(COUNTS) >= 20
    sources = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    for name in [*COUNTS, *NOT_TEMPLATES]:
        assert f"`{name}`" in sources, f"{name} has no source line in SOURCES.md"


@pytest.mark.parametrize(("name", "counts"), sorted(COUNTS.items()))
def test_every_resource_is_seen(corpus: object, name: str, counts: tuple[int, int]) -> None:
    template = next(t for t in corpus.templates if t.path.name == name)  # type: ignore[attr-defined]
    expanded, written = counts
    assert (len(template.resources), len(template.written["Resources"])) == (expanded, written)
    assert template.notes == ()  # every transform it declares was applied
    for logical in template.resources:
        assert template.line_of(logical), f"{name}: {logical} has no line"


def test_non_templates_are_skipped_with_a_note(corpus: object) -> None:
    skipped = {s.path.name for s in corpus.skipped}  # type: ignore[attr-defined]
    assert skipped == NOT_TEMPLATES
    assert all("skipped: not a CloudFormation template" in n for n in corpus.notes)  # type: ignore[attr-defined]
    assert {t.path.name for t in corpus.templates} == set(COUNTS)  # type: ignore[attr-defined]


def test_sam_simple_table_becomes_a_dynamodb_table() -> None:
    template = read_template(CORPUS / "sam-apigw-lambda-dynamodb.yaml")
    assert template.transforms == (SAM,)
    assert template.resources["DynamoDBTable"]["Type"] == "AWS::DynamoDB::Table"
    assert template.written["Resources"]["DynamoDBTable"]["Type"] == "AWS::Serverless::SimpleTable"
    # the generated role points at the function it was made for, the implicit API at the
    # function whose Api event made it
    assert template.expanded_from("LambdaFunctionRole") == "LambdaFunction"
    assert template.expanded_from("ServerlessRestApi") == "LambdaFunction"
    assert template.line_of("LambdaFunctionRole") == template.line_of("LambdaFunction")


def test_foreach_copies_point_at_their_loop() -> None:
    template = read_template(CORPUS / "foreach-ddb.yaml")
    assert template.transforms == (LANGUAGE_EXTENSIONS,)
    tables = {k for k, v in template.resources.items() if v["Type"] == "AWS::DynamoDB::Table"}
    assert tables == {"DynamoDBPoints", "DynamoDBScore", "DynamoDBName", "DynamoDBLeaderboard"}
    assert {template.expanded_from(t) for t in tables} == {"Fn::ForEach::Tables"}
    assert {template.line_of(t) for t in tables} == {8}


def test_unquoted_dates_read_as_text() -> None:
    """`AWSTemplateFormatVersion: 2010-09-09` and `Version: 2012-10-17`, unquoted."""
    assert read_template(CORPUS / "route53-failover.yml").body["AWSTemplateFormatVersion"] == (
        "2010-09-09"
    )
    template = read_template(CORPUS / "codepipeline-unquoted-dates.yaml")
    policy = template.resources["EventRole"]["Properties"]["AssumeRolePolicyDocument"]
    assert policy["Version"] == "2012-10-17"
    assert isinstance(policy["Version"], str)


def test_nested_templates_come_before_their_parent(corpus: object) -> None:
    names = [t.path.name for t in corpus.templates]  # type: ignore[attr-defined]
    parent = names.index("vpc-flow-logs-main.yaml")
    assert names.index("VPCFlowLogsCloudWatch.cfn.yaml") < parent
    assert names.index("VPCFlowLogsS3.cfn.yaml") < parent


def test_check_over_the_corpus_never_crashes_and_locates_findings() -> None:
    """All gates, cdk-nag included: findings (exit 1), never a traceback or exit 2/3."""
    import json

    from typer.testing import CliRunner

    from tradedr.cli import app

    result = CliRunner().invoke(app, ["check", "--templates", str(CORPUS), "--json"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    sources = {f["source"] for f in data["findings"]}
    assert {"tradedr", "cfn-lint", "cdk-nag:AwsSolutions"} <= sources
    assert not [f for f in data["findings"] if f["rule"] == "NAG-INCLUDE"]
    dr = [f for f in data["findings"] if f["source"] == "tradedr"]
    assert all(Path(f["file"]).parent == CORPUS for f in dr)
    assert all(f["line"] for f in dr)
    # SAM's SimpleTable reached the data-store rules; ForEach's copies did too.
    tables = {(Path(f["file"]).name, f["resource"]) for f in dr if f["rule"] == "DR002"}
    assert ("sam-apigw-lambda-dynamodb.yaml", "DynamoDBTable") in tables
    assert ("foreach-ddb.yaml", "DynamoDBLeaderboard") in tables
    # no message, tradedr's or cfn-lint's, prints a raw intrinsic
    assert not [
        f["message"]
        for f in data["findings"]
        if "{'Ref'" in f["message"] or "{'Fn::" in f["message"]
    ]
