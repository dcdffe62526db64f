"""Reading templates from a directory: JSON, YAML short forms, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradedr.checks.templates import load_directory
from tradedr.cli import app
from tradedr.errors import TemplateError

YAML_SHORT_FORMS = """
Parameters:
  Env:
    Type: String
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Env}-objects"
  Copy:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !GetAtt Bucket.Arn
      Name: !Join ["-", [!Ref Env, "bucket"]]
"""


def test_yaml_short_form_intrinsics_become_long_form(tmp_path: Path) -> None:
    (tmp_path / "stack.yaml").write_text(YAML_SHORT_FORMS)
    [doc] = load_directory(tmp_path)
    props = doc.resources["Bucket"]["Properties"]
    assert props["BucketName"] == {"Fn::Sub": "${Env}-objects"}
    assert doc.resources["Copy"]["Properties"]["Value"] == {"Fn::GetAtt": ["Bucket", "Arn"]}
    assert doc.stack == "stack"


def test_cdk_assembly_files_are_skipped_and_regions_read(default_synth: object) -> None:
    outdir = default_synth.stacks[0].template_path.parent  # type: ignore[attr-defined]
    docs = load_directory(outdir)
    assert {d.stack for d in docs} == {s.name for s in default_synth.stacks}  # type: ignore[attr-defined]
    assert {d.region for d in docs} == {"us-east-1", "us-west-2"}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.json", '{"Resources": {', "not valid JSON or YAML"),
        ("broken.yaml", "Resources:\n  B: [unclosed\n", "not valid JSON or YAML"),
        ("notes.yaml", "just: a mapping\n", "not a CloudFormation template"),
        ("list.json", "[1, 2]", "not a CloudFormation template"),
        ("empty.json", '{"Resources": {}}', "declares no resources"),
    ],
)
def test_bad_templates_exit_2_with_one_line(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(TemplateError, match=expected) as info:
        load_directory(tmp_path)
    assert "\n" not in info.value.message
    result = CliRunner().invoke(app, ["check", "--templates", str(tmp_path)])
    assert result.exit_code == 2
    assert expected in result.output


def test_directory_without_templates_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no CloudFormation templates"):
        load_directory(tmp_path)


def test_unknown_pack_is_bad_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--packs", "AwsSolutions,SOC2"])
    assert result.exit_code == 2
    assert "unknown nag pack SOC2" in result.output
