"""Automatic regional failover: a region-loss detector in the first standby region.

Opt-in (`[failover] automatic = true`). Every minute EventBridge starts the detector, which
probes the primary in rounds (`autofailover_handler.py`, inline, boto3 + stdlib only). It
fails the Aurora global database over to its own secondary cluster only when the primary's
health URL fails *and* the primary writer cannot be confirmed through the primary region's
RDS API for `probe_failures` consecutive rounds, and only when the secondary's measured
replication lag is within `max_data_loss_seconds`. Traffic then follows the routing's own
health checks; nothing here touches DNS or the accelerator.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from tradedr.infra.components.vpc_function import Egress, vpc_function
from tradedr.templates.markers import DETECTOR_ROLE, ROLE_VARIABLE

HANDLER_SOURCE = Path(__file__).with_name("autofailover_handler.py")
ROLE = DETECTOR_ROLE
SCHEDULE = "rate(1 minute)"
# One invocation per scheduled minute: it probes for (almost) the whole minute, then ends
# before the next one starts.
TIMEOUT = cdk.Duration.seconds(60)


def handler_source() -> str:
    return HANDLER_SOURCE.read_text(encoding="utf-8")


@dataclass(frozen=True)
class ProbeSettings:
    """How the detector decides that the primary region is lost (from `[failover]`)."""

    interval_seconds: int
    failures: int
    timeout_seconds: int
    max_data_loss_seconds: int


class RegionLossDetector(Construct):
    """The detector function (standby private subnets; out only HTTPS, plus HTTP when the
    primary's health URL is plain http), its role (limited to the named clusters, the alarm
    topic and its key), its log group and the one-minute schedule."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        key: kms.IKey,
        topic: sns.ITopic,
        function_name: str,
        primary_region: str,
        primary_health_url: str,
        primary_cluster_id: str,
        global_cluster_id: str,
        target_cluster_id: str,
        probe: ProbeSettings,
        witness_accelerator: str | None = None,
        witness_route53: bool = False,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        partition, account = stack.partition, stack.account
        global_cluster_arn = f"arn:{partition}:rds::{account}:global-cluster:{global_cluster_id}"
        target_cluster_arn = (
            f"arn:{partition}:rds:{stack.region}:{account}:cluster:{target_cluster_id}"
        )
        primary_cluster_arn = (
            f"arn:{partition}:rds:{primary_region}:{account}:cluster:{primary_cluster_id}"
        )

        def statements(log_group: logs.ILogGroup) -> list[iam.PolicyStatement]:
            return [
                iam.PolicyStatement(
                    sid="FailOverToThisRegion",
                    actions=["rds:FailoverGlobalCluster"],
                    resources=[global_cluster_arn, target_cluster_arn],
                ),
                iam.PolicyStatement(
                    sid="ReadTheGlobalCluster",
                    actions=["rds:DescribeGlobalClusters"],
                    resources=[global_cluster_arn],
                ),
                iam.PolicyStatement(
                    sid="ReadPrimaryAndTargetClusters",
                    actions=["rds:DescribeDBClusters"],
                    resources=[primary_cluster_arn, target_cluster_arn],
                ),
                *(
                    [
                        # The accelerator's own view of the primary (its edge health checks),
                        # read through the Global Accelerator API (us-west-2 only, which has
                        # no resource-level permissions for listing): read-only.
                        iam.PolicyStatement(
                            sid="AcceleratorWitness",
                            actions=[
                                "globalaccelerator:ListAccelerators",
                                "globalaccelerator:ListListeners",
                                "globalaccelerator:ListEndpointGroups",
                                "globalaccelerator:DescribeEndpointGroup",
                            ],
                            resources=["*"],
                        )
                    ]
                    if witness_accelerator
                    else []
                ),
                *(
                    [
                        # Route 53's checkers' view of the primary, through the Route 53 API
                        # (one endpoint, us-east-1): find the primary's check, read its status.
                        iam.PolicyStatement(
                            sid="Route53Witness",
                            actions=["route53:ListHealthChecks", "route53:GetHealthCheckStatus"],
                            resources=["*"],
                        ),
                    ]
                    if witness_route53
                    else []
                ),
                iam.PolicyStatement(
                    sid="AlertOnTheAlarmTopic",
                    actions=["sns:Publish"],
                    resources=[topic.topic_arn],
                ),
                # The alarm topic is encrypted with the region's CMK: publishing needs a key.
                iam.PolicyStatement(
                    sid="TopicKeyThroughSns",
                    actions=["kms:Decrypt", "kms:GenerateDataKey"],
                    resources=[key.key_arn],
                    conditions={
                        "StringEquals": {"kms:ViaService": f"sns.{stack.region}.amazonaws.com"}
                    },
                ),
            ]

        # Out: the primary's ALB (the health URL: HTTP on 80, or HTTPS on 443 when the ALBs
        # serve TLS) and HTTPS to the AWS APIs, through the NAT gateways every app region
        # has. Nothing connects to the function.
        if primary_health_url.startswith("https://"):
            egress = [Egress(443, "HTTPS to the primary's ALB and the RDS, CloudWatch, SNS APIs")]
            security_group_description = "Region-loss detector: HTTPS to the primary and AWS APIs"
        else:
            egress = [
                Egress(80, "HTTP health probe of the primary's ALB"),
                Egress(443, "HTTPS to the RDS, CloudWatch and SNS APIs"),
            ]
            security_group_description = (
                "Region-loss detector: HTTP probe of the primary, HTTPS to AWS APIs"
            )
        parts = vpc_function(
            self,
            vpc=vpc,
            key=key,
            function_name=function_name,
            description=f"Fails {global_cluster_id} over to {target_cluster_id} when "
            f"{primary_region} is confirmed lost",
            role_description=f"Region-loss detector {function_name}: fails over "
            f"{global_cluster_id}",
            security_group_description=security_group_description,
            egress=egress,
            statements=statements,
            unscoped_actions=["cloudwatch:GetMetricData"],
            handler="index.handler",
            source=handler_source(),
            environment={
                ROLE_VARIABLE: ROLE,
                "PRIMARY_REGION": primary_region,
                "PRIMARY_HEALTH_URL": primary_health_url,
                "PRIMARY_CLUSTER_ID": primary_cluster_id,
                "GLOBAL_CLUSTER_ID": global_cluster_id,
                "TARGET_CLUSTER_ID": target_cluster_id,
                "PROBE_INTERVAL_SECONDS": str(probe.interval_seconds),
                "PROBE_FAILURES": str(probe.failures),
                "PROBE_TIMEOUT_SECONDS": str(probe.timeout_seconds),
                "MAX_DATA_LOSS_SECONDS": str(probe.max_data_loss_seconds),
                "ALARM_TOPIC_ARN": topic.topic_arn,
                **({"WITNESS_ACCELERATOR": witness_accelerator} if witness_accelerator else {}),
                **({"WITNESS_ROUTE53": "true"} if witness_route53 else {}),
            },
            timeout=TIMEOUT,
            dead_letter_reason=(
                "The detector runs on a one-minute schedule and keeps no work in its events: "
                "a failed or dropped invocation is superseded by the next minute's, so a "
                "dead-letter queue would only collect stale schedule events."
            ),
            wildcard_reason=(
                "cloudwatch:GetMetricData, ec2:Describe*, route53:ListHealthChecks and the "
                "Global Accelerator list and describe calls have no usable resource type, "
                "and Lambda names the function's network interfaces itself, so those "
                "statements need a wildcard; they read only metrics and health states."
            ),
            # A missed minute is replaced by the next one; a stale retry must not run late.
            retry_attempts=0,
            max_event_age=cdk.Duration.seconds(60),
        )
        self.security_group = parts.security_group
        self.log_group = parts.log_group
        self.role = parts.role
        self.function = parts.function
        self.rule = events.Rule(
            self,
            "Schedule",
            description=f"Starts the region-loss detector {function_name} every minute",
            schedule=events.Schedule.expression(SCHEDULE),
            targets=[targets.LambdaFunction(self.function, retry_attempts=0)],
        )
