# ruff: noqa: N803 - the fake keeps boto3's CamelCase keyword names
"""Deploy service: ordering, parameters, change sets, no-op, failure and resume.

The AWS path (change sets, termination protection, staging bucket) runs against a small
in-memory CloudFormation fake that behaves like the real API for the calls we make; the
emulator path is covered end to end in tests/integration.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tradedr.config import Settings
from tradedr.errors import TemplateError
from tradedr.infra.synth import StackTemplate
from tradedr.ops.deploy import TEMPLATE_BODY_LIMIT, deploy_all, deployment_order, stack_parameters

SOURCES = "tradedr:parameter-sources"
EVENT_IDS = (str(n) for n in itertools.count(1))


def _template(
    outputs: dict[str, str] | None = None, params: dict[str, tuple[str, str]] | None = None
) -> dict[str, Any]:
    """`params` maps parameter -> (source stack, output), written into Metadata as the
    stacks do."""
    return {
        "Metadata": {
            SOURCES: {p: {"stack": s, "output": o} for p, (s, o) in (params or {}).items()}
        },
        "Parameters": {p: {"Type": "String"} for p in params or {}},
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}},
        "Outputs": {k: {"Value": v} for k, v in (outputs or {}).items()},
    }


def _stack(
    tmp_path: Path,
    name: str,
    region: str,
    kind: str,
    template: dict[str, Any],
    deps: list[str] | None = None,
) -> StackTemplate:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(template), encoding="utf-8")
    return StackTemplate(name, region, kind, path, 1, path.stat().st_size, deps or [])


class FakeCloudFormation:
    """Just enough CloudFormation: stacks, change sets, events, resources."""

    def __init__(self, fail: dict[str, tuple[str, str]] | None = None) -> None:
        self.stacks: dict[str, dict[str, Any]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.fail = fail if fail is not None else {}  # stack -> (logical id, reason)
        self.change_sets: dict[str, dict[str, Any]] = {}

    def _record(self, name: str, kwargs: dict[str, Any]) -> None:
        self.calls.append((name, kwargs))

    def describe_stacks(self, StackName: str) -> dict[str, Any]:
        if StackName not in self.stacks:
            raise ClientError(
                {
                    "Error": {
                        "Code": "ValidationError",
                        "Message": f"Stack with id {StackName} does not exist",
                    }
                },
                "DescribeStacks",
            )
        s = self.stacks[StackName]
        return {
            "Stacks": [
                {
                    "StackName": StackName,
                    "StackStatus": s["status"],
                    "Parameters": [
                        {"ParameterKey": k, "ParameterValue": v} for k, v in s["params"].items()
                    ],
                    "Outputs": [
                        {"OutputKey": k, "OutputValue": o["Value"]}
                        for k, o in s["template"].get("Outputs", {}).items()
                    ],
                    "EnableTerminationProtection": s.get("protected", False),
                }
            ]
        }

    def get_template(self, StackName: str, TemplateStage: str) -> dict[str, Any]:
        return {"TemplateBody": json.dumps(self.stacks[StackName]["template"])}

    def create_change_set(self, **kwargs: Any) -> dict[str, Any]:
        self._record("create_change_set", kwargs)
        name = kwargs["StackName"]
        if kwargs["ChangeSetType"] == "CREATE":
            self.stacks[name] = {
                "status": "REVIEW_IN_PROGRESS",
                "template": {},
                "params": {},
                "events": [],
            }
        body = kwargs.get("TemplateBody") or self.staged[kwargs["TemplateURL"]]
        self.change_sets[kwargs["ChangeSetName"]] = {
            "stack": name,
            "template": json.loads(body),
            "params": {p["ParameterKey"]: p["ParameterValue"] for p in kwargs["Parameters"]},
            "type": kwargs["ChangeSetType"],
        }
        return {"Id": kwargs["ChangeSetName"]}

    staged: dict[str, str] = {}

    def describe_change_set(self, StackName: str, ChangeSetName: str) -> dict[str, Any]:
        return {"Status": "CREATE_COMPLETE", "Changes": [{}]}

    def delete_change_set(self, StackName: str, ChangeSetName: str) -> None:
        self.change_sets.pop(ChangeSetName, None)

    def execute_change_set(self, StackName: str, ChangeSetName: str) -> None:
        self._record("execute_change_set", {"StackName": StackName})
        cs = self.change_sets.pop(ChangeSetName)
        stack = self.stacks[StackName]
        now = dt.datetime.now(dt.UTC)
        if StackName in self.fail:
            logical, reason = self.fail[StackName]
            stack["status"] = (
                "ROLLBACK_COMPLETE" if cs["type"] == "CREATE" else "UPDATE_ROLLBACK_COMPLETE"
            )
            stack["events"] = [
                {
                    "EventId": next(EVENT_IDS),
                    "LogicalResourceId": StackName,
                    "ResourceStatus": stack["status"],
                    "Timestamp": now,
                },
                {
                    "EventId": next(EVENT_IDS),
                    "LogicalResourceId": logical,
                    "ResourceStatus": "CREATE_FAILED",
                    "ResourceStatusReason": reason,
                    "Timestamp": now,
                },
            ] + stack["events"]
            return
        stack.update(
            status="CREATE_COMPLETE" if cs["type"] == "CREATE" else "UPDATE_COMPLETE",
            template=cs["template"],
            params=cs["params"],
            events=[
                {
                    "EventId": next(EVENT_IDS),
                    "LogicalResourceId": StackName,
                    "ResourceStatus": "CREATE_COMPLETE",
                    "Timestamp": now,
                }
            ]
            + stack["events"],
        )

    def describe_stack_events(self, StackName: str) -> dict[str, Any]:
        if StackName not in self.stacks:
            self.describe_stacks(StackName)  # raises the API's ValidationError
        return {"StackEvents": self.stacks[StackName]["events"]}

    def delete_stack(self, StackName: str) -> None:
        self._record("delete_stack", {"StackName": StackName})
        del self.stacks[StackName]

    def update_termination_protection(
        self, StackName: str, EnableTerminationProtection: bool
    ) -> None:
        self._record("update_termination_protection", {"StackName": StackName})
        self.stacks[StackName]["protected"] = EnableTerminationProtection

    def get_paginator(self, name: str) -> Any:
        fake = self

        class Paginator:
            def paginate(self, StackName: str) -> list[dict[str, Any]]:
                resources = fake.stacks[StackName]["template"].get("Resources", {})
                return [
                    {
                        "StackResourceSummaries": [
                            {"LogicalResourceId": lid, "PhysicalResourceId": f"{lid}-id"}
                            for lid in resources
                        ]
                    }
                ]

        return Paginator()


class FakeS3:
    def __init__(self, cf: FakeCloudFormation) -> None:
        self.cf = cf
        self.buckets: set[str] = set()
        self.blocked: set[str] = set()

    def head_bucket(self, Bucket: str) -> None:
        if Bucket not in self.buckets:
            raise ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, "HeadBucket")

    def create_bucket(self, Bucket: str, **_: Any) -> None:
        self.buckets.add(Bucket)

    def put_public_access_block(self, Bucket: str, PublicAccessBlockConfiguration: Any) -> None:
        assert all(PublicAccessBlockConfiguration.values())
        self.blocked.add(Bucket)

    def put_object(self, Bucket: str, Key: str, Body: bytes) -> None:
        host = "s3.amazonaws.com"
        self.cf.staged[f"https://{Bucket}.{host}/{Key}"] = Body.decode()


class FakeProvider:
    def __init__(self, fail: dict[str, tuple[str, str]] | None = None) -> None:
        self.cf: dict[str, FakeCloudFormation] = {}
        self.fail = fail if fail is not None else {}

    def cloudformation(self, region: str) -> FakeCloudFormation:
        return self.cf.setdefault(region, FakeCloudFormation(self.fail))

    def client(self, service: str, region: str) -> Any:
        if service == "cloudformation":
            return self.cloudformation(region)
        if service == "s3":
            return FakeS3(self.cloudformation(region))
        if service == "sts":
            return type(
                "Sts", (), {"get_caller_identity": lambda self: {"Account": "111122223333"}}
            )()
        raise AssertionError(f"unexpected client {service}")


@pytest.fixture
def two_region_stacks(tmp_path: Path) -> list[StackTemplate]:
    return [
        _stack(tmp_path, "t-data-us-west-2", "us-west-2", "data", _template()),
        _stack(
            tmp_path, "t-data-us-east-1", "us-east-1", "data", _template(), ["t-data-us-west-2"]
        ),
        _stack(
            tmp_path,
            "t-app-us-east-1",
            "us-east-1",
            "app",
            _template({"AlbDnsName": "e.elb", "AlbHostedZoneId": "ZE"}),
            ["t-data-us-east-1"],
        ),
        _stack(
            tmp_path,
            "t-app-us-west-2",
            "us-west-2",
            "app",
            _template({"AlbDnsName": "w.elb", "AlbHostedZoneId": "ZW"}),
            ["t-data-us-east-1"],
        ),
        _stack(
            tmp_path,
            "t-global",
            "us-east-1",
            "global",
            _template(
                params={
                    "AlbDnsUSE1": ("t-app-us-east-1", "AlbDnsName"),
                    "AlbZoneUSE1": ("t-app-us-east-1", "AlbHostedZoneId"),
                    "AlbDnsUSW2": ("t-app-us-west-2", "AlbDnsName"),
                    "AlbZoneUSW2": ("t-app-us-west-2", "AlbHostedZoneId"),
                }
            ),
            ["t-app-us-east-1", "t-app-us-west-2"],
        ),
    ]


@pytest.mark.parametrize(
    ("deps", "expected"),
    [
        ({"a": [], "b": ["a"], "c": ["b"]}, ["a", "b", "c"]),
        ({"c": ["b"], "b": ["a"], "a": []}, ["a", "b", "c"]),
        ({"g": ["x", "y"], "x": [], "y": ["x"]}, ["x", "y", "g"]),
        ({"a": ["missing"]}, ["a"]),
    ],
)
def test_deployment_order_follows_dependencies(
    tmp_path: Path, deps: dict[str, list[str]], expected: list[str]
) -> None:
    stacks = [_stack(tmp_path, n, "us-east-1", "data", _template(), d) for n, d in deps.items()]
    assert [s.name for s in deployment_order(stacks)] == expected


def test_dependency_cycle_is_a_template_error(tmp_path: Path) -> None:
    stacks = [
        _stack(tmp_path, "a", "us-east-1", "data", _template(), ["b"]),
        _stack(tmp_path, "b", "us-east-1", "data", _template(), ["a"]),
    ]
    with pytest.raises(TemplateError, match="cycle"):
        deployment_order(stacks)


def test_global_parameters_come_from_app_outputs(two_region_stacks: list[StackTemplate]) -> None:
    outputs = {
        "t-app-us-east-1": {"AlbDnsName": "e.elb", "AlbHostedZoneId": "ZE"},
        "t-app-us-west-2": {"AlbDnsName": "w.elb", "AlbHostedZoneId": "ZW"},
    }
    values = stack_parameters(two_region_stacks[-1].load(), outputs)
    assert values == {
        "AlbDnsUSE1": "e.elb",
        "AlbZoneUSE1": "ZE",
        "AlbDnsUSW2": "w.elb",
        "AlbZoneUSW2": "ZW",
    }


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            _template(params={"AlbDnsUSE1": ("t-app-us-east-1", "AlbDnsName")}),
            "needs output AlbDnsName of t-app-us-east-1",
        ),
        (_template(params={"X": ("t-app-us-east-1", "NoSuchOutput")}), "NoSuchOutput"),
        ({"Parameters": {"Mystery": {"Type": "String"}}}, "no default and no source"),
    ],
)
def test_unresolvable_parameters_are_template_errors(
    two_region_stacks: list[StackTemplate], template: dict[str, Any], message: str
) -> None:
    with pytest.raises(TemplateError, match=message):
        stack_parameters(template, {})


def test_parameters_with_defaults_are_left_alone(two_region_stacks: list[StackTemplate]) -> None:
    template = {"Parameters": {"Ami": {"Type": "String", "Default": "/aws/service/ami"}}}
    assert stack_parameters(template, {}) == {}


def test_aws_target_uses_change_sets_with_untransformed_templates(
    two_region_stacks: list[StackTemplate],
) -> None:
    provider = FakeProvider()
    result = deploy_all(Settings(), two_region_stacks, provider, target="aws")
    assert result.ok
    assert [s.status for s in result.stacks] == ["created"] * 5
    assert result.outputs["t-app-us-west-2"]["AlbDnsName"] == "w.elb"
    east = provider.cloudformation("us-east-1")
    sent = [
        json.loads(kw["TemplateBody"]) for name, kw in east.calls if name == "create_change_set"
    ]
    assert sent[0] == two_region_stacks[1].load()  # no emulator transforms for AWS
    global_params = east.stacks["t-global"]["params"]
    assert global_params["AlbZoneUSW2"] == "ZW"
    protected = [
        kw["StackName"] for name, kw in east.calls if name == "update_termination_protection"
    ]
    assert protected == ["t-data-us-east-1"]


def test_redeploy_without_changes_is_a_noop(two_region_stacks: list[StackTemplate]) -> None:
    provider = FakeProvider()
    deploy_all(Settings(), two_region_stacks, provider, target="aws")
    calls_before = sum(len(cf.calls) for cf in provider.cf.values())
    again = deploy_all(Settings(), two_region_stacks, provider, target="aws")
    assert [s.status for s in again.stacks] == ["unchanged"] * 5
    assert sum(len(cf.calls) for cf in provider.cf.values()) == calls_before


def test_failure_names_first_failing_resource_and_stops(
    two_region_stacks: list[StackTemplate],
) -> None:
    provider = FakeProvider(fail={"t-app-us-east-1": ("Alb", "Resource limit exceeded")})
    messages: list[str] = []
    result = deploy_all(
        Settings(), two_region_stacks, provider, target="aws", progress=messages.append
    )
    assert not result.ok
    failure = result.failure
    assert failure is not None
    assert (failure.name, failure.failed_resource, failure.reason) == (
        "t-app-us-east-1",
        "Alb",
        "Resource limit exceeded",
    )
    assert [s.status for s in result.stacks][3:] == ["skipped", "skipped"]
    assert any("FAILED at Alb" in m for m in messages)


def test_rerun_after_failed_create_recreates_and_resumes(
    two_region_stacks: list[StackTemplate],
) -> None:
    provider = FakeProvider(fail={"t-app-us-east-1": ("Alb", "boom")})
    deploy_all(Settings(), two_region_stacks, provider, target="aws")
    provider.fail.clear()
    result = deploy_all(Settings(), two_region_stacks, provider, target="aws")
    assert [s.status for s in result.stacks] == [
        "unchanged",
        "unchanged",
        "created",
        "created",
        "created",
    ]
    east = provider.cloudformation("us-east-1")
    assert ("delete_stack", {"StackName": "t-app-us-east-1"}) in east.calls


def test_large_template_goes_through_staging_bucket(tmp_path: Path) -> None:
    big = _template()
    big["Resources"].update(
        {
            f"Topic{i}": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x" * 100}}
            for i in range(600)
        }
    )
    stack = _stack(tmp_path, "t-data-us-east-1", "us-east-1", "data", big)
    assert stack.template_path.stat().st_size > TEMPLATE_BODY_LIMIT
    provider = FakeProvider()
    result = deploy_all(Settings(), [stack], provider, target="aws")
    assert result.ok
    (call,) = [
        kw for name, kw in provider.cloudformation("us-east-1").calls if name == "create_change_set"
    ]
    assert "TemplateBody" not in call
    assert call["TemplateURL"].startswith(
        "https://tradedr-staging-111122223333-us-east-1.s3.amazonaws.com/"
    )


def test_failed_update_reports_its_own_failure_not_an_older_one(
    two_region_stacks: list[StackTemplate], tmp_path: Path
) -> None:
    provider = FakeProvider()
    east = provider.cloudformation("us-east-1")
    # An old failure in the stack's history, from before this deploy.
    deploy_all(Settings(), two_region_stacks, provider, target="aws")
    east.stacks["t-app-us-east-1"]["events"].append(
        {
            "EventId": "ancient",
            "LogicalResourceId": "OldThing",
            "ResourceStatus": "UPDATE_FAILED",
            "ResourceStatusReason": "long ago",
            "Timestamp": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        }
    )
    changed = _template({"AlbDnsName": "e2.elb", "AlbHostedZoneId": "ZE"})
    stacks = [
        _stack(tmp_path, s.name, s.region, s.kind, changed, s.dependencies)
        if s.name == "t-app-us-east-1"
        else s
        for s in two_region_stacks
    ]
    provider.fail["t-app-us-east-1"] = ("Listener", "port in use")
    result = deploy_all(Settings(), stacks, provider, target="aws")
    failure = result.failure
    assert failure is not None
    assert (failure.failed_resource, failure.reason) == ("Listener", "port in use")
    assert east.stacks["t-app-us-east-1"]["status"] == "UPDATE_ROLLBACK_COMPLETE"
