"""Reading a directory: dependency order, lines, skipped files, macros left as written."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.templates import read_directory

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"

EXPORTER = """\
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
Outputs:
  VpcId:
    Value: !Ref Vpc
    Export: {Name: !Sub "${AWS::StackName}-vpc"}
"""
IMPORTER = """\
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !ImportValue z-network-vpc
"""


def test_an_exporter_comes_before_its_importer_whatever_the_names(tmp_path: Path) -> None:
    (tmp_path / "a-app.yaml").write_text(IMPORTER)
    (tmp_path / "z-network.yaml").write_text(EXPORTER)
    found = read_directory(tmp_path)
    assert [t.path.name for t in found.templates] == ["z-network.yaml", "a-app.yaml"]
    assert found.templates[0].exports == {"z-network-vpc"}
    assert found.templates[1].line_of("Group") == 2


def test_a_macro_it_cannot_run_is_a_note_and_the_template_is_read(tmp_path: Path) -> None:
    (tmp_path / "m.yaml").write_text("Transform: Count\n" + IMPORTER)
    found = read_directory(tmp_path)
    assert list(found.templates[0].resources) == ["Group"]
    assert found.notes == [
        "m.yaml: transform Count is a macro tradedr cannot run offline; "
        "its resources are read as written"
    ]


def test_rto_and_cost_read_every_template_of_the_corpus() -> None:
    runner = CliRunner()
    rto = runner.invoke(app, ["rto", "--templates", str(CORPUS), "--json"])
    assert rto.exit_code in (0, 1), rto.output  # 1: a target missed, as for any templates
    assert "Traceback" not in rto.output
    cost = runner.invoke(app, ["cost", "--templates", str(CORPUS), "--json"])
    assert cost.exit_code == 0, cost.output
    data = json.loads(cost.stdout)
    priced = {item["resource"].split("/")[0] for r in data["regions"] for item in r["items"]}
    # YAML, SAM-expanded and ForEach-expanded templates are priced, not only *.template.json
    assert {"aurora-global-primary", "sam-sqs-lambda-ddb", "foreach-ddb"} <= priced
    assert "AWS::SQS::Queue" in data["not_modelled"]
    # single-region tables (SAM's SimpleTable among them) and standalone volumes are priced
    assert not {"AWS::DynamoDB::Table", "AWS::EC2::Volume"} & set(data["not_modelled"])
