"""`deploy --diff` and the review of each change set before it executes, checked with
botocore's Stubber against the CloudFormation model: the diff lists adds, modifies,
removes and replacements and executes nothing (no ExecuteChangeSet is queued, so one would
fail the test); a change set that replaces the orders DB is refused without
--allow-replace, and one that needs confirmation and does not get it is not executed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY
from tests.stubbed import StubbedProvider
from typer.testing import CliRunner

from tradedr.config import Settings
from tradedr.infra.synth import StackTemplate
from tradedr.ops import deploy
from tradedr.ops.changes import DeployDeclinedError, ReplaceRefusedError, StackChanges
from tradedr.ops.deploy import Review
from tradedr.ops.deploy_diff import diff_all

pytestmark = pytest.mark.stubbed

REGION = "us-east-1"
NAME = "trading-prod-data-us-east-1"
DB = "OrdersDatabaseInstanceA1B2C3D4"
NEW = {
    "Resources": {
        DB: {"Type": "AWS::RDS::DBInstance", "Properties": {"DBInstanceClass": "db.r7g.large"}},
        "Topic": {"Type": "AWS::SNS::Topic"},
    }
}
DEPLOYED = {"Resources": {DB: {"Type": "AWS::RDS::DBInstance"}, "Old": {"Type": "AWS::SNS::Topic"}}}
CHANGE_SET_ARN = f"arn:aws:cloudformation:{REGION}:111122223333:changeSet/tradedr/abc"


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deploy, "POLL_SECONDS", 0)


def stack(tmp_path: Path) -> StackTemplate:
    path = tmp_path / f"{NAME}.template.json"
    path.write_text(json.dumps(NEW), encoding="utf-8")
    return StackTemplate(NAME, REGION, "data", path, 2, path.stat().st_size)


def deployed_stack() -> dict[str, Any]:
    return {
        "Stacks": [
            {
                "StackName": NAME,
                "StackId": f"arn:aws:cloudformation:{REGION}:111122223333:stack/{NAME}/1",
                "StackStatus": "UPDATE_COMPLETE",
                "CreationTime": "2026-01-01T00:00:00Z",
                "Parameters": [],
                "Outputs": [{"OutputKey": "VpcId", "OutputValue": "vpc-1"}],
            }
        ]
    }


def change(action: str, logical: str, type_: str, replacement: str | None = None) -> Any:
    resource: dict[str, Any] = {
        "Action": action,
        "LogicalResourceId": logical,
        "ResourceType": type_,
    }
    if replacement is not None:
        resource["Replacement"] = replacement
    return {"Type": "Resource", "ResourceChange": resource}


def queue_change_set(cf: Any, *, pages: list[list[Any]]) -> None:
    cf.add_response(
        "create_change_set",
        {"Id": CHANGE_SET_ARN, "StackId": "s"},
        {
            "StackName": NAME,
            "ChangeSetName": ANY,
            "ChangeSetType": "UPDATE",
            "Parameters": [],
            "Capabilities": ANY,
            "Description": ANY,
            "TemplateBody": ANY,
        },
    )
    for index, changes in enumerate(pages):
        answer: dict[str, Any] = {"Status": "CREATE_COMPLETE", "Changes": changes}
        if index + 1 < len(pages):
            answer["NextToken"] = f"page-{index + 1}"
        expected: dict[str, Any] = {"StackName": NAME, "ChangeSetName": ANY}
        if index:
            expected["NextToken"] = f"page-{index}"
        cf.add_response("describe_change_set", answer, expected)
    cf.add_response("delete_change_set", {}, {"StackName": NAME, "ChangeSetName": ANY})


REPLACING = [
    change("Add", "Topic", "AWS::SNS::Topic"),
    change("Modify", DB, "AWS::RDS::DBInstance", "True"),
]
REMOVING = [change("Remove", "Old", "AWS::SNS::Topic")]


def test_diff_lists_every_change_and_executes_nothing(tmp_path: Path) -> None:
    provider = StubbedProvider()
    cf = provider.stub("cloudformation", REGION)
    cf.add_response("describe_stacks", deployed_stack(), {"StackName": NAME})
    cf.add_response("describe_stacks", deployed_stack(), {"StackName": NAME})
    cf.add_response("list_stack_resources", {"StackResourceSummaries": []}, {"StackName": NAME})
    cf.add_response(
        "get_template",
        {"TemplateBody": json.dumps(DEPLOYED)},
        {"StackName": NAME, "TemplateStage": "Original"},
    )
    queue_change_set(cf, pages=[REPLACING, REMOVING])

    [found] = diff_all(Settings(), [stack(tmp_path)], provider, target="aws")

    provider.assert_done()
    assert found.status == "changes"
    assert [(c.action, c.logical_id) for c in found.changes] == [
        ("Add", "Topic"),
        ("Modify", DB),
        ("Remove", "Old"),
    ]
    assert [c.logical_id for c in found.replacements] == [DB]
    assert found.to_dict()["replacements"] == 1
    assert found.summary() == f"{NAME} ({REGION}): 1 add, 1 modify (1 replace), 1 remove"


def queue_apply(cf: Any, pages: list[list[Any]]) -> None:
    cf.add_response("describe_stacks", deployed_stack(), {"StackName": NAME})
    cf.add_response(
        "get_template",
        {"TemplateBody": json.dumps(DEPLOYED)},
        {"StackName": NAME, "TemplateStage": "Original"},
    )
    cf.add_response("describe_stack_events", {"StackEvents": []}, {"StackName": NAME})
    queue_change_set(cf, pages=pages)


def apply(provider: StubbedProvider, tmp_path: Path, review: Review) -> str:
    cf = provider.client("cloudformation", REGION)
    return deploy._apply(cf, provider, stack(tmp_path), NEW, {}, False, lambda _m: None, review)


def test_replacing_the_orders_db_is_refused_without_allow_replace(tmp_path: Path) -> None:
    provider = StubbedProvider()
    queue_apply(provider.stub("cloudformation", REGION), [REPLACING])
    with pytest.raises(ReplaceRefusedError, match=rf"--allow-replace {DB}$"):
        apply(provider, tmp_path, Review(target="aws", confirm=lambda _c: True))
    provider.assert_done()  # the change set was deleted, never executed


def test_allowed_but_not_confirmed_is_not_executed(tmp_path: Path) -> None:
    provider = StubbedProvider()
    queue_apply(provider.stub("cloudformation", REGION), [REPLACING])
    asked: list[StackChanges] = []

    def decline(changes: StackChanges) -> bool:
        asked.append(changes)
        return False

    review = Review(target="local", allow_replace=frozenset({DB}), confirm=decline)
    with pytest.raises(DeployDeclinedError, match="not confirmed"):
        apply(provider, tmp_path, review)
    provider.assert_done()
    assert [c.name for c in asked] == [NAME]  # a replacement in a data stack is asked


@pytest.mark.parametrize(
    ("kind", "changes", "target", "asks"),
    [
        ("data", REMOVING, "local", True),
        ("data", [change("Modify", "Topic", "AWS::SNS::Topic", "False")], "local", False),
        (
            "app",
            [change("Modify", "Asg", "AWS::AutoScaling::AutoScalingGroup", "True")],
            "local",
            False,
        ),
        ("app", [change("Add", "Topic", "AWS::SNS::Topic")], "aws", True),
        ("app", [], "aws", False),
    ],
    ids=["data-remove", "data-modify", "app-replace-local", "any-change-on-aws", "nothing"],
)
def test_what_needs_confirmation(kind: str, changes: list[Any], target: str, asks: bool) -> None:
    from tradedr.ops.changes import from_change_set

    review = from_change_set("s", REGION, kind, [{"Changes": changes}])
    assert review.needs_confirmation(target) is asks


def test_cli_diff_prints_changes_and_json_never_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    from tradedr.cli import app
    from tradedr.ops import service
    from tradedr.ops.changes import from_change_set

    found = from_change_set(NAME, REGION, "data", [{"Changes": [*REPLACING, *REMOVING]}])
    monkeypatch.setattr(service, "deploy_diff", lambda *_a, **_k: [found])
    shown = CliRunner().invoke(app, ["deploy", "--diff"])
    assert shown.exit_code == 0, shown.output
    assert f"~ {DB} (AWS::RDS::DBInstance) REPLACE" in shown.stdout
    assert "- Old (AWS::SNS::Topic)" in shown.stdout
    assert "nothing was executed" in shown.stdout
    as_json = CliRunner().invoke(app, ["deploy", "--diff", "--json"])
    assert json.loads(as_json.stdout)["stacks"][0]["replacements"] == 1

    def deploying(*_a: Any, confirm: Any, **_k: Any) -> Any:
        confirm(found)  # the deployer asks for this data-stack change set
        raise AssertionError("confirm must refuse without --yes under --json")

    monkeypatch.setattr(service, "deploy", deploying)
    refused = CliRunner().invoke(app, ["deploy", "--json"])
    assert refused.exit_code == 2
    assert "needs confirmation: pass --yes (--json does not prompt)" in refused.stderr
