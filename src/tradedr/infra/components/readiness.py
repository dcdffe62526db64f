"""Readiness on a schedule: `tradedr readiness`'s checks as a Lambda in the first standby.

Opt-in (`[readiness] schedule`). The function's code is the readiness package's own modules
(`tradedr/readiness/`: the facts, the model, every check, the runner and
`lambda_handler.py`), inlined at synth with a small importer: the scheduled run and the CLI
run the same code. Those modules use only the standard library and boto3
(`tests/unit/infra/components/test_readiness.py` holds them to it and runs the bundle
without tradedr installed); infra reads them as text and imports none of them. The
deployment's facts (names, sizes, objectives) travel in the function's environment.

The role is read-only and scoped to the deployment's resources where the API allows it;
drift detection reads each resource of the data stacks with the caller's permissions, so
the role can read (describe, get, list) the types those stacks hold. The failover
permissions check needs tradedr's plan model and is `not-applicable` in the function.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

import tradedr
from tradedr.infra.components.compliance import acknowledge
from tradedr.infra.components.vpc_function import Egress, vpc_function
from tradedr.templates.markers import ROLE_VARIABLE

ROLE = "readiness"
NAMESPACE = "tradedr/Readiness"
# Custom metrics each run publishes: `CheckPassed` for every check but the failover
# permissions (not applicable in the function), and `Ready`.
PUBLISHED_METRICS = 8
TIMEOUT = cdk.Duration.minutes(10)
READINESS = Path(tradedr.__file__).parent / "readiness"
# The modules inlined, in the readiness package (the CLI-only service, plan_calls and
# __init__ docstring are left out).
BUNDLED: tuple[str, ...] = (
    "facts",
    "model",
    "runner",
    "lambda_handler",
    "checks/__init__",
    "checks/replica",
    "checks/secrets_keys",
    "checks/capacity",
    "checks/quotas",
    "checks/permissions",
    "checks/routing_health",
    "checks/backups",
    "checks/drift",
)
PACKAGES = ("tradedr", "tradedr.readiness", "tradedr.readiness.checks")
# What the service quotas check reads (servicequotas resources are service/quota-code).
QUOTAS = (
    ("ec2", "L-1216C47A"),
    ("vpc", "L-DF5E4CA3"),
    ("ec2", "L-0263D0A3"),
    ("elasticloadbalancing", "L-53DA6B97"),
)
# Read-only calls drift detection makes on the data stacks' resource types with the
# function's role (each type's describe/get/list).
DRIFT_READS = (
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeNatGateways",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSecurityGroupRules",
    "ec2:DescribeFlowLogs",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcEndpoints",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
    "kms:ListAliases",
    "logs:DescribeLogGroups",
    "logs:ListTagsForResource",
    "s3:GetBucketPolicy",
    "s3:GetBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketLogging",
    "s3:GetBucketTagging",
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "rds:DescribeDBSubnetGroups",
    "rds:ListTagsForResource",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:ListTagsOfResource",
    "backup:DescribeBackupVault",
    "backup:GetBackupPlan",
    "backup:GetBackupSelection",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "iam:GetRole",
    "iam:GetRolePolicy",
    "iam:ListRolePolicies",
    "iam:ListAttachedRolePolicies",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "lambda:GetFunction",
    "config:DescribeConfigRules",
    "sns:GetTopicAttributes",
)


def _module_name(relative: str) -> str:
    parts = relative.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["tradedr", "readiness", *parts])


def bundled_sources() -> dict[str, str]:
    """Module name -> source of every inlined module."""
    return {_module_name(m): (READINESS / f"{m}.py").read_text(encoding="utf-8") for m in BUNDLED}


_LOADER = '''
import importlib.abc
import importlib.util
import sys

_PACKAGES = {packages!r}


class _Bundled(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports the inlined tradedr readiness modules from _SOURCES."""

    def find_spec(self, name, path=None, target=None):
        if name in _SOURCES or name in _PACKAGES:
            package = name in _PACKAGES
            return importlib.util.spec_from_loader(name, self, is_package=package)
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if module.__name__ in _PACKAGES:
            module.__path__ = []
        source = _SOURCES.get(module.__name__, "")
        exec(compile(source, "<tradedr " + module.__name__ + ">", "exec"), module.__dict__)


sys.meta_path.insert(0, _Bundled())

from tradedr.readiness.lambda_handler import handler  # noqa: E402
'''


def bundle_source() -> str:
    """The function's inline code: the readiness modules and the importer that serves them."""
    sources = bundled_sources()
    header = (
        "# tradedr readiness checks, inlined from the tradedr package at synth\n"
        f"_SOURCES = {json.dumps(sources, indent=0, sort_keys=True)}\n"
    )
    return header + _LOADER.format(packages=PACKAGES)


class ReadinessSchedule(Construct):
    """The readiness function (standby private subnets, out only HTTPS to the AWS APIs), its
    read-only role, its log group and its EventBridge schedule."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        key: kms.IKey,
        function_name: str,
        schedule: str,
        facts: dict[str, object],
        regions: Sequence[str],
    ) -> None:
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        partition, account, here = stack.partition, stack.account, stack.region
        primary, standby = str(facts["primary"]), str(facts["standby"])

        def arn(service: str, region: str, resource: str) -> str:
            return f"arn:{partition}:{service}:{region}:{account}:{resource}"

        stacks: list[list[str]] = facts["data_stacks"]  # type: ignore[assignment]
        db_ids: dict[str, str] = facts["db_identifiers"]  # type: ignore[assignment]
        clusters: dict[str, str] = facts["db_clusters"]  # type: ignore[assignment]
        aliases: dict[str, str] = facts["kms_aliases"]  # type: ignore[assignment]
        aurora = bool(facts["aurora"])
        secret = str(facts["db_secret"])
        key_arns = [arn("kms", r, "key/*") for r in (primary, standby)]
        stack_arns = [arn("cloudformation", r, f"stack/{name}/*") for name, r in stacks]
        health_checks = f"arn:{partition}:route53:::healthcheck/*"
        home = str(facts["control_plane_region"])
        routing_stacks = [(str(facts["global_stack"]), primary)]
        if facts["traffic"] != "dns-failover":
            routing_stacks.append((str(facts["traffic_stack"]), home))
        accelerator = facts["traffic"] == "global-accelerator"

        def statements(log_group: logs.ILogGroup) -> list[iam.PolicyStatement]:
            database = (
                [
                    iam.PolicyStatement(
                        sid="ReadTheSecondaryCluster",
                        actions=["rds:DescribeDBClusters"],
                        resources=[arn("rds", standby, f"cluster:{clusters[standby]}")],
                    ),
                    iam.PolicyStatement(
                        sid="ReadTheGlobalCluster",
                        actions=["rds:DescribeGlobalClusters"],
                        resources=[
                            f"arn:{partition}:rds::{account}:global-cluster:"
                            f"{facts['global_cluster']}"
                        ],
                    ),
                ]
                if aurora
                else [
                    iam.PolicyStatement(
                        sid="ReadTheReplica",
                        actions=["rds:DescribeDBInstances"],
                        resources=[arn("rds", standby, f"db:{db_ids[standby]}")],
                    )
                ]
            )
            endpoint_health = (
                [
                    iam.PolicyStatement(
                        sid="AcceleratorEndpointHealth",
                        actions=["globalaccelerator:DescribeEndpointGroup"],
                        resources=["*"],
                        conditions={"StringEquals": {"aws:RequestedRegion": home}},
                    )
                ]
                if accelerator
                else []
            )
            return [
                *database,
                *endpoint_health,
                iam.PolicyStatement(
                    sid="ReadTheSecretInBothRegions",
                    actions=["secretsmanager:DescribeSecret"],
                    resources=[
                        arn("secretsmanager", r, f"secret:{secret}-??????")
                        for r in (primary, standby)
                    ],
                ),
                iam.PolicyStatement(
                    sid="ReadTheDataKeysByAlias",
                    actions=["kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:GetKeyPolicy"],
                    resources=key_arns,
                    conditions={
                        "ForAnyValue:StringEquals": {
                            "kms:ResourceAliases": [aliases[primary], aliases[standby]]
                        }
                    },
                ),
                iam.PolicyStatement(
                    sid="ReadTheQuotas",
                    actions=["servicequotas:GetServiceQuota"],
                    resources=[arn("servicequotas", here, f"{s}/{c}") for s, c in QUOTAS],
                ),
                iam.PolicyStatement(
                    sid="ReadTheStandbyVault",
                    actions=["backup:ListRecoveryPointsByBackupVault"],
                    resources=[arn("backup", standby, f"backup-vault:{facts['backup_vault']}")],
                ),
                iam.PolicyStatement(
                    sid="ReadRoutingStacks",
                    actions=["cloudformation:DescribeStacks"],
                    resources=[arn("cloudformation", r, f"stack/{n}/*") for n, r in routing_stacks],
                ),
                iam.PolicyStatement(
                    sid="ReadHealthCheckStatus",
                    actions=["route53:GetHealthCheckStatus"],
                    resources=[health_checks],
                ),
                iam.PolicyStatement(
                    sid="DetectDriftOnDataStacks",
                    actions=[
                        "cloudformation:DetectStackDrift",
                        "cloudformation:DetectStackResourceDrift",
                        "cloudformation:DescribeStackResourceDrifts",
                    ],
                    resources=stack_arns,
                ),
                # No resource type: detection status, and the reads drift detection makes
                # of each resource of the data stacks, in the deployment's regions (IAM's
                # own calls are made in us-east-1).
                iam.PolicyStatement(
                    sid="DriftDetectionReads",
                    actions=["cloudformation:DescribeStackDriftDetectionStatus", *DRIFT_READS],
                    resources=["*"],
                    conditions={
                        "StringEquals": {"aws:RequestedRegion": sorted({*regions, "us-east-1"})}
                    },
                ),
                iam.PolicyStatement(
                    sid="PublishReadinessMetrics",
                    actions=["cloudwatch:PutMetricData"],
                    resources=["*"],
                    conditions={"StringEquals": {"cloudwatch:namespace": NAMESPACE}},
                ),
            ]

        parts = vpc_function(
            self,
            vpc=vpc,
            key=key,
            function_name=function_name,
            description="tradedr readiness: could this standby take over now (read-only)",
            role_description=f"Readiness checks {function_name}: read-only",
            security_group_description="Readiness checks: HTTPS to the AWS APIs only",
            egress=[Egress(443, "HTTPS to the AWS APIs")],
            statements=statements,
            unscoped_actions=[
                "cloudwatch:GetMetricStatistics",
                "autoscaling:DescribeAutoScalingGroups",
                "ec2:DescribeLaunchTemplateVersions",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeAddresses",
                "elasticloadbalancing:DescribeLoadBalancers",
                "servicequotas:GetAWSDefaultServiceQuota",
            ],
            handler="index.handler",
            source=bundle_source(),
            environment={
                ROLE_VARIABLE: ROLE,
                "READINESS_FACTS": json.dumps(facts, sort_keys=True, separators=(",", ":")),
            },
            timeout=TIMEOUT,
            dead_letter_reason=(
                "The checks run on a schedule and keep no work in their events: a failed or "
                "dropped run is superseded by the next one, and a missing run breaches the "
                "readiness alarm, so a dead-letter queue would only hold stale events."
            ),
            wildcard_reason=(
                "EC2, Auto Scaling, ELB and CloudWatch describe calls, drift detection status "
                "and the reads drift detection makes have no usable resource type, and Lambda "
                "names the function's network interfaces itself; every such statement is "
                "read-only and pinned to the deployment's regions."
            ),
            retry_attempts=0,
        )

        def text(service: str, region: str, resource: str) -> str:
            """How cdk-nag names such an ARN in a finding."""
            return f"arn:<AWS::Partition>:{service}:{region}:<AWS::AccountId>:{resource}"

        patterned = [
            *(text("kms", r, "key/*") for r in (primary, standby)),
            *(text("cloudformation", r, f"stack/{name}/*") for name, r in stacks),
            *(text("cloudformation", r, f"stack/{name}/*") for name, r in routing_stacks),
            "arn:<AWS::Partition>:route53:::healthcheck/*",
        ]
        acknowledge(
            self.node.find_child("RolePolicy"),
            rules=[f"AwsSolutions-IAM5[Resource::{a}]" for a in patterned],
            reason=(
                "Key ids, stack ids and health check ids are generated by AWS, so these "
                "read-only statements name them by pattern: the keys only through the "
                "deployment's aliases, the stacks by their names."
            ),
        )
        self.security_group = parts.security_group
        self.log_group = parts.log_group
        self.role = parts.role
        self.function = parts.function
        self.rule = events.Rule(
            self,
            "Schedule",
            description=f"Starts the readiness checks {function_name} on {schedule}",
            schedule=events.Schedule.expression(schedule),
            targets=[targets.LambdaFunction(self.function, retry_attempts=0)],
        )


_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


def schedule_seconds(schedule: str) -> int:
    """The interval of a `rate(...)` schedule; a cron schedule counts as hourly."""
    if schedule.startswith("rate(") and schedule.endswith(")"):
        amount, unit = schedule[5:-1].split()
        return int(amount) * _UNITS[unit.rstrip("s")]
    return 3600
