"""Stubber answers for each readiness check, healthy or with the check's own failure.

`queue(provider, name, healthy=...)` queues, in call order, what one check asks the default
deployment (warm-standby, us-east-1 -> us-west-2, RDS MySQL, Route 53 failover); every
request and answer is validated against the real service models.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from botocore.stub import ANY

from tests.stubbed import StubbedProvider
from tradedr.config import load_settings
from tradedr.names import Names

SETTINGS = load_settings({})
NAMES = Names(SETTINGS)
P, S = "us-east-1", "us-west-2"
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/failover"


def replica(provider: StubbedProvider, healthy: bool) -> None:
    identifier = NAMES.db_identifier(S)
    provider.stub("rds", S).add_response(
        "describe_db_instances",
        {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": identifier,
                    "DBInstanceStatus": "available",
                    "ReadReplicaSourceDBInstanceIdentifier": f"arn:aws:rds:{P}:{ACCOUNT}:db:x",
                    "StatusInfos": [
                        {"StatusType": "read replication", "Normal": True, "Status": "replicating"}
                    ],
                }
            ]
        },
        {"DBInstanceIdentifier": identifier},
    )
    provider.stub("cloudwatch", S).add_response(
        "get_metric_statistics",
        {
            "Datapoints": [
                {"Timestamp": NOW - dt.timedelta(minutes=2), "Maximum": 1.0},
                {"Timestamp": NOW - dt.timedelta(minutes=1), "Maximum": 3.0 if healthy else 240.0},
            ]
        },
        {
            "Namespace": "AWS/RDS",
            "MetricName": "ReplicaLag",
            "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": identifier}],
            "StartTime": ANY,
            "EndTime": ANY,
            "Period": 60,
            "Statistics": ["Maximum"],
        },
    )


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:*"},
        {
            "Sid": "Logs",
            "Effect": "Allow",
            "Principal": {"Service": "logs.REGION.amazonaws.com"},
            "Action": "kms:Encrypt*",
        },
    ],
}


def _policy(region: str, extra: bool = False) -> str:
    policy = json.loads(json.dumps(POLICY).replace("REGION", region))
    if extra:
        policy["Statement"].append(
            {"Sid": "Extra", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt"}
        )
    return json.dumps(policy)


def secrets_and_keys(provider: StubbedProvider, healthy: bool) -> None:
    name = NAMES.db_secret(P)
    provider.stub("secretsmanager", P).add_response(
        "describe_secret",
        {
            "Name": name,
            "VersionIdsToStages": {"v" * 32: ["AWSCURRENT"]},
            "ReplicationStatus": [{"Region": S, "Status": "InSync"}],
        },
        {"SecretId": name},
    )
    standby_version = "v" * 32 if healthy else "w" * 32
    provider.stub("secretsmanager", S).add_response(
        "describe_secret",
        {"Name": name, "VersionIdsToStages": {standby_version: ["AWSCURRENT"]}},
        {"SecretId": name},
    )
    for region in (P, S):
        kms = provider.stub("kms", region)
        key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
        kms.add_response(
            "describe_key",
            {"KeyMetadata": {"KeyId": key_id, "KeyState": "Enabled"}},
            {"KeyId": NAMES.kms_alias(region)},
        )
        kms.add_response("get_key_rotation_status", {"KeyRotationEnabled": True}, {"KeyId": key_id})
        kms.add_response(
            "get_key_policy",
            {"Policy": _policy(region, extra=region == S and not healthy)},
            {"KeyId": key_id, "PolicyName": "default"},
        )


def instance_type_and_ami(provider: StubbedProvider, healthy: bool) -> None:
    provider.stub("autoscaling", S).add_response(
        "describe_auto_scaling_groups",
        {
            "AutoScalingGroups": [
                {
                    "AutoScalingGroupName": NAMES.asg(S),
                    "LaunchTemplate": {"LaunchTemplateId": "lt-0abc", "Version": "3"},
                    "MinSize": 1,
                    "MaxSize": 6,
                    "DesiredCapacity": 1,
                    "DefaultCooldown": 300,
                    "AvailabilityZones": ["us-west-2a", "us-west-2b"],
                    "HealthCheckType": "ELB",
                    "CreatedTime": NOW,
                }
            ]
        },
        {"AutoScalingGroupNames": [NAMES.asg(S)]},
    )
    ec2 = provider.stub("ec2", S)
    ec2.add_response(
        "describe_launch_template_versions",
        {
            "LaunchTemplateVersions": [
                {"LaunchTemplateData": {"InstanceType": "t3.large", "ImageId": "ami-0abc1234"}}
            ]
        },
        {"LaunchTemplateId": "lt-0abc", "Versions": ["3"]},
    )
    zones = ["us-west-2a", "us-west-2b"] if healthy else ["us-west-2a"]
    ec2.add_response(
        "describe_instance_type_offerings",
        {
            "InstanceTypeOfferings": [
                {"InstanceType": "t3.large", "LocationType": "availability-zone", "Location": z}
                for z in zones
            ]
        },
        {
            "LocationType": "availability-zone",
            "Filters": [
                {"Name": "instance-type", "Values": ["t3.large"]},
                {"Name": "location", "Values": ["us-west-2a", "us-west-2b"]},
            ],
        },
    )
    ec2.add_response(
        "describe_images",
        {"Images": [{"ImageId": "ami-0abc1234", "State": "available"}]},
        {"ImageIds": ["ami-0abc1234"]},
    )


def service_quotas(provider: StubbedProvider, healthy: bool) -> None:
    ec2 = provider.stub("ec2", S)
    ec2.add_response(
        "describe_instances",
        {"Reservations": [{"Instances": [{"CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2}}]}]},
    )
    ec2.add_response(
        "describe_instance_types",
        {"InstanceTypes": [{"InstanceType": "t3.large", "VCpuInfo": {"DefaultVCpus": 2}}]},
        {"InstanceTypes": ["t3.large"]},
    )
    ec2.add_response("describe_network_interfaces", {"NetworkInterfaces": [{}, {}, {}]})
    ec2.add_response("describe_addresses", {"Addresses": [{}]})
    provider.stub("elbv2", S).add_response(
        "describe_load_balancers", {"LoadBalancers": [{"Type": "application"}]}
    )
    # warm-standby, asg_max 6, desired 1: 5 more t3.large = 10 vCPUs on top of 2 in use.
    vcpus = 32.0 if healthy else 8.0
    quotas = provider.stub("service-quotas", S)
    for service, code, value in (
        ("ec2", "L-1216C47A", vcpus),
        ("vpc", "L-DF5E4CA3", 5000.0),
        ("ec2", "L-0263D0A3", 5.0),
        ("elasticloadbalancing", "L-53DA6B97", 50.0),
    ):
        quotas.add_response(
            "get_service_quota",
            {"Quota": {"ServiceCode": service, "QuotaCode": code, "Value": value}},
            {"ServiceCode": service, "QuotaCode": code},
        )


def failover_permissions(provider: StubbedProvider, healthy: bool) -> None:
    provider.stub("sts", S).add_response(
        "get_caller_identity",
        {
            "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/failover/operator",
            "Account": ACCOUNT,
            "UserId": "AROAEXAMPLE:operator",
        },
    )
    denied = "rds:PromoteReadReplica"

    provider.stub("iam", S).add_response(
        "simulate_principal_policy",
        {
            "EvaluationResults": [
                {
                    "EvalActionName": action,
                    "EvalDecision": "implicitDeny"
                    if action == denied and not healthy
                    else "allowed",
                }
                for action in EXPECTED_ACTIONS
            ],
            "IsTruncated": False,
        },
        {
            "PolicySourceArn": ROLE,
            "ActionNames": EXPECTED_ACTIONS,
            "ContextEntries": [
                {
                    "ContextKeyName": "aws:RequestedRegion",
                    "ContextKeyValues": [S],
                    "ContextKeyType": "string",
                }
            ],
        },
    )


# What the default config's failover plans call in the standby (pinned: a change to the
# plans shows here).
EXPECTED_ACTIONS = [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:UpdateAutoScalingGroup",
    "cloudwatch:GetMetricStatistics",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "rds:AddTagsToResource",
    "rds:DescribeDBInstances",
    "rds:PromoteReadReplica",
    "ssm:GetParameter",
    "ssm:PutParameter",
]


def routing_health(provider: StubbedProvider, healthy: bool) -> None:
    provider.stub("cloudformation", P).add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    "StackName": NAMES.global_stack,
                    "CreationTime": NOW,
                    "StackStatus": "CREATE_COMPLETE",
                    "Outputs": [
                        {"OutputKey": "HealthCheckUSE1", "OutputValue": "hc-use1"},
                        {"OutputKey": "HealthCheckUSW2", "OutputValue": "hc-usw2"},
                    ],
                }
            ]
        },
        {"StackName": NAMES.global_stack},
    )
    route53 = provider.stub("route53", P)
    for check, ok in (("hc-use1", True), ("hc-usw2", healthy)):
        status = "Success: HTTP Status Code 200" if ok else "Failure: HTTP Status Code 503"
        route53.add_response(
            "get_health_check_status",
            {
                "HealthCheckObservations": [
                    {"Region": r, "StatusReport": {"Status": status}}
                    for r in ("us-east-1", "us-west-1", "eu-west-1")
                ]
            },
            {"HealthCheckId": check},
        )


def backup_copies(provider: StubbedProvider, healthy: bool) -> None:
    age = dt.timedelta(hours=3 if healthy else 30)
    points = [
        {
            "RecoveryPointArn": f"arn:aws:backup:{S}:{ACCOUNT}:recovery-point:{i}",
            "ResourceArn": arn,
            "Status": "COMPLETED",
            "CreationDate": NOW - age,
        }
        for i, arn in enumerate(
            (
                f"arn:aws:rds:{P}:{ACCOUNT}:db:{NAMES.db_identifier(P)}",
                f"arn:aws:dynamodb:{P}:{ACCOUNT}:table/{NAMES.sessions_table}",
            )
        )
    ]
    provider.stub("backup", S).add_response(
        "list_recovery_points_by_backup_vault",
        {"RecoveryPoints": points},
        {"BackupVaultName": NAMES.backup_vault(S)},
    )


def stack_drift(provider: StubbedProvider, healthy: bool) -> None:
    stacks = [(NAMES.data_stack(P), P), (NAMES.data_stack(S), S), (NAMES.replica_stack(S), S)]
    for index, (stack, region) in enumerate(stacks):
        cf = provider.stub("cloudformation", region)
        drifted = not healthy and index == 1
        cf.add_response(
            "detect_stack_drift", {"StackDriftDetectionId": f"d-{index}"}, {"StackName": stack}
        )
        base = {
            "StackId": stack,
            "StackDriftDetectionId": f"d-{index}",
            "Timestamp": NOW,
        }
        cf.add_response(
            "describe_stack_drift_detection_status",
            {**base, "DetectionStatus": "DETECTION_IN_PROGRESS"},
            {"StackDriftDetectionId": f"d-{index}"},
        )
        cf.add_response(
            "describe_stack_drift_detection_status",
            {
                **base,
                "DetectionStatus": "DETECTION_COMPLETE",
                "StackDriftStatus": "DRIFTED" if drifted else "IN_SYNC",
            },
            {"StackDriftDetectionId": f"d-{index}"},
        )
        if drifted:
            cf.add_response(
                "describe_stack_resource_drifts",
                {
                    "StackResourceDrifts": [
                        {
                            "StackId": stack,
                            "LogicalResourceId": "DataKey",
                            "ResourceType": "AWS::KMS::Key",
                            "StackResourceDriftStatus": "MODIFIED",
                            "Timestamp": NOW,
                        }
                    ]
                },
                {"StackName": stack, "StackResourceDriftStatusFilters": ["MODIFIED", "DELETED"]},
            )


QUEUES: dict[str, Callable[[StubbedProvider, bool], None]] = {
    "replica": replica,
    "secrets-and-keys": secrets_and_keys,
    "instance-type-and-ami": instance_type_and_ami,
    "service-quotas": service_quotas,
    "failover-permissions": failover_permissions,
    "routing-health": routing_health,
    "backup-copies": backup_copies,
    "stack-drift": stack_drift,
}

# The one-line failure each check gives for its unhealthy answers above.
FAILURES: dict[str, str] = {
    "replica": "lag 240 s (RPO 60 s)",
    "secrets-and-keys": "secret AWSCURRENT differs",
    "instance-type-and-ami": "t3.large not offered in us-west-2b",
    "service-quotas": "quota short at full capacity: EC2 vCPUs 2+10/8",
    "failover-permissions": "denied 1 of 11: rds:PromoteReadReplica (implicitDeny)",
    "routing-health": "unhealthy: us-west-2: unhealthy (0/3)",
    "backup-copies": "orders DB copy is 30.0 h old (RPO 24 h)",
    "stack-drift": f"{NAMES.data_stack(S)}: DataKey modified",
}


def queue(provider: StubbedProvider, name: str, *, healthy: bool) -> None:
    QUEUES[name](provider, healthy)
