"""Monitoring: an encrypted alarm topic per app region, the alarms ops relies on, a dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture

APP_STACKS = ["trading-prod-app-us-east-1", "trading-prod-app-us-west-2"]


def _alarms(synth: Synthesized, stack: str) -> dict[str, dict[str, Any]]:
    return {
        r["Properties"]["AlarmName"]: r["Properties"]
        for r in synth.resources(stack, "AWS::CloudWatch::Alarm").values()
    }


@pytest.mark.parametrize("stack", APP_STACKS)
def test_alarm_topic_encrypted_with_email_subscription(
    default_synth: Synthesized, stack: str
) -> None:
    topic = default_synth.one(stack, "AWS::SNS::Topic")
    assert "KmsMasterKeyId" in topic
    subscription = default_synth.one(stack, "AWS::SNS::Subscription")
    assert subscription["Protocol"] == "email"
    assert subscription["Endpoint"] == "oncall@example.com"


def test_alarm_email_from_config(custom_synth: Synthesized) -> None:
    subscription = custom_synth.one(custom_synth.name("app", "eu-west-1"), "AWS::SNS::Subscription")
    assert subscription["Endpoint"] == "dr-team@example.org"


@pytest.mark.parametrize(
    ("region", "metric"),
    [
        ("us-east-1", "UnHealthyHostCount"),
        ("us-east-1", "CPUUtilization"),
        ("us-east-1", "ThrottledRequests"),
        ("us-east-1", "HTTPCode_ELB_5XX_Count"),
        ("us-east-1", "FreeStorageSpace"),
        ("us-east-1", "ReplicationLatency"),
        ("us-west-2", "UnHealthyHostCount"),
        ("us-west-2", "CPUUtilization"),
        ("us-west-2", "ThrottledRequests"),
        ("us-west-2", "ReplicaLag"),
    ],
)
def test_required_alarms_exist(default_synth: Synthesized, region: str, metric: str) -> None:
    metrics = {
        a["MetricName"] for a in _alarms(default_synth, f"trading-prod-app-{region}").values()
    }
    assert metric in metrics


@pytest.mark.parametrize("stack", APP_STACKS)
def test_every_alarm_notifies_the_topic(default_synth: Synthesized, stack: str) -> None:
    (topic_id,) = default_synth.resources(stack, "AWS::SNS::Topic")
    for name, alarm in _alarms(default_synth, stack).items():
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], name
        assert alarm["OKActions"] == [{"Ref": topic_id}], name
        assert alarm["AlarmName"].startswith("trading-prod-"), name


def test_replica_lag_threshold_from_config(custom_synth: Synthesized) -> None:
    alarms = _alarms(custom_synth, custom_synth.name("app", "eu-central-1"))
    (lag,) = [a for a in alarms.values() if a["MetricName"] == "ReplicaLag"]
    assert lag["Threshold"] == 45
    assert lag["Dimensions"] == [
        {"Name": "DBInstanceIdentifier", "Value": "orders-qa-2-orders-replica-euc1"}
    ]


def test_s3_replication_alarm_per_standby(three_region_synth: Synthesized) -> None:
    alarms = _alarms(three_region_synth, "trading-tri-app-us-east-1")
    s3 = [a for a in alarms.values() if a["Namespace"] == "AWS/S3"]
    assert len(s3) == 2
    assert all(a["Threshold"] == 900 for a in s3)


def test_pilot_light_standby_skips_the_unhealthy_hosts_alarm(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    """With no instances the alarm could never mean anything; the others still watch."""
    synth = posture_synths[Posture.PILOT_LIGHT]
    metrics = {a["MetricName"] for a in _alarms(synth, "trading-prod-app-us-west-2").values()}
    assert "UnHealthyHostCount" not in metrics
    assert "ReplicaLag" in metrics


@pytest.mark.parametrize("stack", APP_STACKS)
def test_dashboard_per_region(default_synth: Synthesized, stack: str) -> None:
    dashboard = default_synth.one(stack, "AWS::CloudWatch::Dashboard")
    region = stack.removeprefix("trading-prod-app-")
    assert dashboard["DashboardName"] == f"trading-prod-{region}"
    assert "DashboardBody" in dashboard


def test_sessions_replication_alarm_lives_where_dynamodb_emits_the_metric(
    three_region_synth: Synthesized,
) -> None:
    """ReplicationLatency is emitted in the writing region, one series per receiving region."""
    alarms = _alarms(three_region_synth, "trading-tri-app-us-east-1").values()
    receiving = sorted(
        dim["Value"]
        for a in alarms
        if a["MetricName"] == "ReplicationLatency" and a["Namespace"] == "AWS/DynamoDB"
        for dim in a["Dimensions"]
        if dim["Name"] == "ReceivingRegion"
    )
    assert receiving == ["eu-west-1", "us-west-2"]
    for a in alarms:
        if a["Namespace"] == "AWS/DynamoDB" and a["MetricName"] == "ReplicationLatency":
            assert a["Statistic"] == "Maximum"
    standby = _alarms(three_region_synth, "trading-tri-app-us-west-2").values()
    assert not [a for a in standby if a["MetricName"] == "ReplicationLatency"]
