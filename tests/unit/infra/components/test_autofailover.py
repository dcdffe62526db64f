"""The region-loss detector (automatic failover), read from the synthesized templates."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Synthesized
from tradedr.checks.rules.base import text_of
from tradedr.config import Posture

DETECTOR_ROLE = "auto-failover-detector"
ENV_CONTRACT = {
    "TRADEDR_ROLE",
    "PRIMARY_REGION",
    "PRIMARY_HEALTH_URL",
    "PRIMARY_CLUSTER_ID",
    "GLOBAL_CLUSTER_ID",
    "TARGET_CLUSTER_ID",
    "PROBE_INTERVAL_SECONDS",
    "PROBE_FAILURES",
    "PROBE_TIMEOUT_SECONDS",
    "MAX_DATA_LOSS_SECONDS",
    "ALARM_TOPIC_ARN",
}


def detectors(synth: Synthesized) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (stack, logical, res)
        for stack, logical, res in synth.all_resources("AWS::Lambda::Function")
        if (res["Properties"].get("Environment") or {}).get("Variables", {}).get("TRADEDR_ROLE")
        == DETECTOR_ROLE
    ]


def the_detector(synth: Synthesized) -> tuple[str, str, dict[str, Any]]:
    [found] = detectors(synth)
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_statements(synth: Synthesized, stack: str) -> list[dict[str, Any]]:
    """Statements of the detector role's managed policy."""
    _, _, function = the_detector(synth)
    role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    [policy_ref] = synth.template(stack)["Resources"][role]["Properties"]["ManagedPolicyArns"]
    policy = synth.template(stack)["Resources"][policy_ref["Ref"]]
    statements: list[dict[str, Any]] = policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def test_only_in_the_first_standby_app_stack_when_automatic(
    fast_ga_synth: Synthesized, fast_three_region_synth: Synthesized
) -> None:
    for synth in (fast_ga_synth, fast_three_region_synth):
        stack, _, _ = the_detector(synth)
        assert stack == synth.name("app", "us-west-2")
        assert "RegionLossDetectorName" in synth.outputs(stack)


@pytest.mark.parametrize("fixture", ["default_synth", "fast_arc_synth", "three_region_synth"])
def test_never_without_automatic_failover(fixture: str, request: pytest.FixtureRequest) -> None:
    synth: Synthesized = request.getfixturevalue(fixture)
    assert not synth.settings.failover.automatic
    assert detectors(synth) == []
    for stack in synth.templates:
        assert "RegionLossDetectorName" not in synth.outputs(stack)


def test_never_without_automatic_failover_in_any_posture(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    for synth in posture_synths.values():
        assert detectors(synth) == []


def test_environment_contract(fast_ga_synth: Synthesized) -> None:
    stack, _, function = the_detector(fast_ga_synth)
    env = function["Properties"]["Environment"]["Variables"]
    assert set(env) == ENV_CONTRACT | {"WITNESS_ACCELERATOR"}
    prefix = fast_ga_synth.settings.prefix
    assert env["PRIMARY_REGION"] == "us-east-1"
    assert env["PRIMARY_CLUSTER_ID"] == f"{prefix}-orders-use1"
    assert env["GLOBAL_CLUSTER_ID"] == f"{prefix}-orders-global"
    assert env["TARGET_CLUSTER_ID"] == f"{prefix}-orders-usw2"
    failover = fast_ga_synth.settings.failover
    assert env["PROBE_INTERVAL_SECONDS"] == str(failover.probe_interval_seconds)
    assert env["PROBE_FAILURES"] == str(failover.probe_failures)
    assert env["PROBE_TIMEOUT_SECONDS"] == str(failover.probe_timeout_seconds)
    assert env["MAX_DATA_LOSS_SECONDS"] == "1"
    # The primary ALB's DNS name, from the primary app stack's output, plus the health path.
    assert env["PRIMARY_HEALTH_URL"] == {
        "Fn::Join": ["", ["http://", {"Ref": "PrimaryAlbDnsName"}, "/health"]]
    }
    sources = fast_ga_synth.template(stack)["Metadata"]["tradedr:parameter-sources"]
    assert sources["PrimaryAlbDnsName"] == {
        "stack": fast_ga_synth.name("app", "us-east-1"),
        "output": "AlbDnsName",
    }
    topic = env["ALARM_TOPIC_ARN"]["Ref"]
    assert fast_ga_synth.template(stack)["Resources"][topic]["Type"] == "AWS::SNS::Topic"
    # With the accelerator in front, its health checks are the third, independent view.
    assert env["WITNESS_ACCELERATOR"] == f"{prefix}-accelerator"


def test_function_settings(fast_ga_synth: Synthesized) -> None:
    stack, _logical, function = the_detector(fast_ga_synth)
    props = function["Properties"]
    assert props["Timeout"] == 60
    assert props["ReservedConcurrentExecutions"] == 1
    assert props["Handler"] == "index.handler"
    assert "def handler(" in props["Code"]["ZipFile"]
    assert "KmsKeyArn" in props
    # Private subnets of the standby's VPC, behind its own security group.
    subnets = props["VpcConfig"]["SubnetIds"]
    assert len(subnets) == 2
    assert all("privateSubnet" in json.dumps(s) for s in subnets)
    [group] = props["VpcConfig"]["SecurityGroupIds"]
    sg = fast_ga_synth.template(stack)["Resources"][group["Fn::GetAtt"][0]]["Properties"]
    assert sorted(r["FromPort"] for r in sg["SecurityGroupEgress"]) == [80, 443]
    assert all(r["FromPort"] == r["ToPort"] for r in sg["SecurityGroupEgress"])
    assert "SecurityGroupIngress" not in sg


def test_invoked_every_minute(fast_ga_synth: Synthesized) -> None:
    stack, logical, _ = the_detector(fast_ga_synth)
    [rule] = fast_ga_synth.resources(stack, "AWS::Events::Rule").values()
    assert rule["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    assert rule["Properties"]["State"] == "ENABLED"
    [target] = rule["Properties"]["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": [logical, "Arn"]}
    [permission] = fast_ga_synth.resources(stack, "AWS::Lambda::Permission").values()
    assert permission["Properties"]["Principal"] == "events.amazonaws.com"


def test_log_group_encrypted_with_retention(fast_ga_synth: Synthesized) -> None:
    stack, _, function = the_detector(fast_ga_synth)
    group = function["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
    props = fast_ga_synth.template(stack)["Resources"][group]["Properties"]
    assert props["RetentionInDays"] == 365
    assert "KmsKeyId" in props


def test_iam_scoped_to_the_named_clusters(fast_ga_synth: Synthesized) -> None:
    stack, _, _ = the_detector(fast_ga_synth)
    statements = policy_statements(fast_ga_synth, stack)
    actions = [a for s in statements for a in as_list(s["Action"])]
    assert not any(a in ("*", "rds:*") or a.endswith(":*") for a in actions)
    by_action = {a: s for s in statements for a in as_list(s["Action"])}
    prefix = fast_ga_synth.settings.prefix
    arn = "arn:${AWS::Partition}:rds:%s:${AWS::AccountId}:%s"
    global_cluster = arn % ("", f"global-cluster:{prefix}-orders-global")
    target = arn % ("us-west-2", f"cluster:{prefix}-orders-usw2")
    primary = arn % ("us-east-1", f"cluster:{prefix}-orders-use1")

    def arns(action: str) -> set[str]:
        return {text_of(r) for r in as_list(by_action[action]["Resource"])}

    assert arns("rds:FailoverGlobalCluster") == {global_cluster, target}
    assert arns("rds:DescribeGlobalClusters") == {global_cluster}
    assert arns("rds:DescribeDBClusters") == {primary, target}
    assert by_action["sns:Publish"]["Resource"] == {"Ref": "AlarmTopicD01E77F9"}
    # GetMetricData has no resource type: "*", pinned to this region; the accelerator
    # witness reads through the one Global Accelerator endpoint (us-west-2): "*", read-only.
    wildcard = {s["Sid"]: s for s in statements if s["Resource"] == "*"}
    assert set(as_list(wildcard["NoResourceTypeActions"]["Action"])) == {
        "cloudwatch:GetMetricData",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
    }
    condition = wildcard["NoResourceTypeActions"]["Condition"]["StringEquals"]
    assert condition["aws:RequestedRegion"] == "us-west-2"
    witness = set(as_list(wildcard["AcceleratorWitness"]["Action"]))
    assert witness <= {
        f"globalaccelerator:{a}"
        for a in (
            "ListAccelerators",
            "ListListeners",
            "ListEndpointGroups",
            "DescribeEndpointGroup",
        )
    }
    assert set(wildcard) == {"NoResourceTypeActions", "AcceleratorWitness"}


def test_standby_app_stack_deploys_after_the_primary_app_stack(
    fast_ga_synth: Synthesized, default_synth: Synthesized
) -> None:
    deps = {s.name: set(s.dependencies) for s in fast_ga_synth.stacks}
    assert fast_ga_synth.name("app", "us-east-1") in deps[fast_ga_synth.name("app", "us-west-2")]
    # Without the detector nothing flows between the app stacks.
    default_deps = {s.name: set(s.dependencies) for s in default_synth.stacks}
    assert (
        default_synth.name("app", "us-east-1")
        not in default_deps[default_synth.name("app", "us-west-2")]
    )


def test_route53_is_the_witness_with_dns_failover(fast_dns_auto_synth: Synthesized) -> None:
    stack, _, function = the_detector(fast_dns_auto_synth)
    env = function["Properties"]["Environment"]["Variables"]
    assert set(env) == ENV_CONTRACT | {"WITNESS_ROUTE53"}
    assert env["WITNESS_ROUTE53"] == "true"
    statements = {s["Sid"]: s for s in policy_statements(fast_dns_auto_synth, stack)}
    assert set(as_list(statements["Route53Witness"]["Action"])) == {
        "route53:ListHealthChecks",
        "route53:GetHealthCheckStatus",
    }
    assert "AcceleratorWitness" not in statements
