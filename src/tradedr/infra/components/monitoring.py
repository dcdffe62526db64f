"""Alarms, the alarm topic and a dashboard for one region, wired by metric names only."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct


@dataclass(frozen=True)
class AlarmSpec:
    """One alarm: what it watches and when it fires."""

    key: str
    metric: cloudwatch.Metric
    threshold: float
    comparison: cloudwatch.ComparisonOperator
    evaluation_periods: int = 3
    missing_data: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING
    description: str = ""


def alarm_topic(
    scope: Construct, construct_id: str, *, topic_name: str, alarm_email: str, key: kms.IKey
) -> sns.Topic:
    """The region's encrypted, TLS-only alarm topic with the on-call e-mail subscribed.

    Created before the app tier, because the Auto Scaling group notifies it too.
    """
    topic = sns.Topic(scope, construct_id, topic_name=topic_name, master_key=key, enforce_ssl=True)
    topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
    return topic


class RegionMonitoring(Construct):
    """One alarm per spec on the region's alarm topic, and a dashboard."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        topic: sns.ITopic,
        alarms: list[AlarmSpec],
        alarm_name_prefix: str,
        dashboard_name: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = topic
        action = cw_actions.SnsAction(self.topic)
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        for spec in alarms:
            alarm = cloudwatch.Alarm(
                self,
                f"Alarm-{spec.key}",
                alarm_name=f"{alarm_name_prefix}-{spec.key}",
                alarm_description=spec.description or spec.key,
                metric=spec.metric,
                threshold=spec.threshold,
                comparison_operator=spec.comparison,
                evaluation_periods=spec.evaluation_periods,
                treat_missing_data=spec.missing_data,
            )
            alarm.add_alarm_action(action)
            alarm.add_ok_action(action)
            self.alarms[spec.key] = alarm
        self.dashboard = cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=dashboard_name, default_interval=cdk.Duration.hours(3)
        )
        self.dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(
                title="Alarms", alarms=list(self.alarms.values()), width=24
            )
        )
        for spec in alarms:
            self.dashboard.add_widgets(
                cloudwatch.GraphWidget(title=spec.key, left=[spec.metric], width=12)
            )


def metric(
    namespace: str,
    name: str,
    dimensions: dict[str, str],
    statistic: str = "Sum",
    period_seconds: int = 60,
) -> cloudwatch.Metric:
    """A CloudWatch metric by name, so alarms need no reference to the resource's stack."""
    return cloudwatch.Metric(
        namespace=namespace,
        metric_name=name,
        dimensions_map=dimensions,
        statistic=statistic,
        period=cdk.Duration.seconds(period_seconds),
    )
