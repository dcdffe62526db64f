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
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.rotation import (
    ENI_ARN,
    RUNTIME,
    network_interface_statements,
    token_text,
)
from tradedr.infra.components.security import scoped_role

HANDLER_SOURCE = Path(__file__).with_name("autofailover_handler.py")
ROLE = "auto-failover-detector"
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
    """The detector function (standby private subnets, HTTP/HTTPS out only), its role
    (limited to the named clusters, the alarm topic and its key), its log group and the
    one-minute schedule."""

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
        # Out: HTTP to the primary's ALB (the health URL), HTTPS to the AWS APIs; through the
        # NAT gateways every app region has. Nothing connects to the function.
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description="Region-loss detector: HTTP probe of the primary, HTTPS to AWS APIs",
            allow_all_outbound=False,
        )
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP health probe of the primary's ALB"
        )
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to the RDS, CloudWatch and SNS APIs"
        )
        subnets = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=logs.RetentionDays.ONE_YEAR,
            encryption_key=key,
            removal_policy=cdk.RemovalPolicy.RETAIN,
        )
        statements = [
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
            # No resource type exists for these: "*" pinned to this region.
            iam.PolicyStatement(
                sid="NoResourceTypeActions",
                actions=[
                    "cloudwatch:GetMetricData",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeSubnets",
                ],
                resources=["*"],
                conditions={"StringEquals": {"aws:RequestedRegion": stack.region}},
            ),
            iam.PolicyStatement(
                sid="AlertOnTheAlarmTopic", actions=["sns:Publish"], resources=[topic.topic_arn]
            ),
            # The alarm topic is encrypted with the region's CMK: publishing needs a data key.
            iam.PolicyStatement(
                sid="TopicKeyThroughSns",
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"sns.{stack.region}.amazonaws.com"}
                },
            ),
            # Lambda decrypts the CMK-encrypted environment on the role's behalf.
            iam.PolicyStatement(
                sid="OwnEnvironmentThroughLambda",
                actions=["kms:Decrypt"],
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"lambda.{stack.region}.amazonaws.com"}
                },
            ),
            iam.PolicyStatement(
                sid="OwnLogGroup",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            ),
            *network_interface_statements(
                stack, security_group=self.security_group, subnet_ids=subnets.subnet_ids
            ),
        ]
        self.role = scoped_role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Region-loss detector {function_name}: fails over {global_cluster_id}",
            statements=statements,
        )
        policy = self.node.find_child("RolePolicy")
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=function_name,
            description=f"Fails {global_cluster_id} over to {target_cluster_id} when "
            f"{primary_region} is confirmed lost",
            runtime=RUNTIME,
            handler="index.handler",
            code=lambda_.Code.from_inline(handler_source()),
            role=self.role.without_policy_updates(),
            timeout=TIMEOUT,
            memory_size=256,
            # Never two detectors at once: two concurrent failover calls would race.
            reserved_concurrent_executions=1,
            # A missed minute is replaced by the next one; a stale retry must not run late.
            retry_attempts=0,
            max_event_age=cdk.Duration.seconds(60),
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=subnets.subnets),
            security_groups=[self.security_group],
            environment={
                "TRADEDR_ROLE": ROLE,
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
            },
            environment_encryption=key,
            log_group=self.log_group,
        )
        acknowledge(
            self.function,
            rules=["NIST.800.53.R5-LambdaDLQ"],
            reason=(
                "The detector runs on a one-minute schedule and keeps no work in its events: "
                "a failed or dropped invocation is superseded by the next minute's, so a "
                "dead-letter queue would only collect stale schedule events."
            ),
        )
        acknowledge(
            policy,
            rules=[
                "AwsSolutions-IAM5[Resource::*]",
                f"AwsSolutions-IAM5[Resource::{token_text(ENI_ARN)}]",
            ],
            reason=(
                "cloudwatch:GetMetricData and ec2:Describe* have no resource type, and Lambda "
                "names the function's network interfaces itself, so those statements need a "
                "wildcard; they are pinned to this region and read only metrics."
            ),
        )
        self.rule = events.Rule(
            self,
            "Schedule",
            description=f"Starts the region-loss detector {function_name} every minute",
            schedule=events.Schedule.expression(SCHEDULE),
            targets=[targets.LambdaFunction(self.function, retry_attempts=0)],
        )
