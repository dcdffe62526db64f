"""A deployed-looking environment in moto (in-process), built straight with boto3.

Plans, the executor and failover only need what the stacks would have created under
their stable names: the orders DB and its cross-region replica, an ASG behind a target
group in each region, and the SSM parameter each app reads its DB endpoint from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import boto3

from tradedr.config import Settings
from tradedr.names import Names
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.failover import db_writers
from tradedr.ops.steps import endpoint_parameter


@dataclass
class Environment:
    settings: Settings
    provider: Boto3ClientProvider
    runs_dir: Path

    @property
    def names(self) -> Names:
        return Names(self.settings)

    def writers(self) -> list[tuple[str, str]]:
        return db_writers(self.provider, self.settings)

    def capacity(self, region: str) -> int:
        group = boto3.client("autoscaling", region_name=region).describe_auto_scaling_groups(
            AutoScalingGroupNames=[self.names.asg(region)]
        )["AutoScalingGroups"][0]
        return int(group["DesiredCapacity"])

    def endpoint(self, region: str) -> str:
        return str(
            boto3.client("ssm", region_name=region).get_parameter(
                Name=endpoint_parameter(self.settings)
            )["Parameter"]["Value"]
        )

    def db(self, region: str, identifier: str) -> dict:
        return boto3.client("rds", region_name=region).describe_db_instances(
            DBInstanceIdentifier=identifier
        )["DBInstances"][0]


def build_environment(settings: Settings, runs_dir: Path) -> Environment:
    names = Names(settings)
    primary = settings.primary_region
    endpoints: dict[str, str] = {}
    rds = boto3.client("rds", region_name=primary)
    created = rds.create_db_instance(
        DBInstanceIdentifier=names.db_identifier(primary),
        Engine="mysql",
        DBInstanceClass=settings.database.instance_class,
        AllocatedStorage=100,
        MasterUsername="orders_admin",
        MasterUserPassword="not-a-real-password-1",
        MultiAZ=True,
    )["DBInstance"]
    endpoints[primary] = created["Endpoint"]["Address"]
    for standby in settings.standby_regions:
        replica = boto3.client("rds", region_name=standby).create_db_instance_read_replica(
            DBInstanceIdentifier=names.db_identifier(standby),
            SourceDBInstanceIdentifier=created["DBInstanceArn"],
            DBInstanceClass=settings.database.instance_class,
        )["DBInstance"]
        endpoints[standby] = replica["Endpoint"]["Address"]
    for region in settings.all_regions:
        ec2 = boto3.client("ec2", region_name=region)
        vpc = ec2.create_vpc(CidrBlock=settings.regions[region].cidr)["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(
            VpcId=vpc,
            CidrBlock=settings.regions[region].cidr.replace("0.0/16", "1.0/24"),
            AvailabilityZone=f"{region}a",
        )["Subnet"]["SubnetId"]
        image = "ami-12c6146b"  # one of moto's built-in images
        ec2.create_launch_template(
            LaunchTemplateName=f"lt-{region}",
            LaunchTemplateData={"ImageId": image, "InstanceType": "t3.large"},
        )
        elb = boto3.client("elbv2", region_name=region)
        group = elb.create_target_group(
            Name=names.target_group(region), Protocol="HTTP", Port=80, VpcId=vpc
        )["TargetGroups"][0]["TargetGroupArn"]
        minimum, desired, maximum = settings.capacity(region)
        boto3.client("autoscaling", region_name=region).create_auto_scaling_group(
            AutoScalingGroupName=names.asg(region),
            LaunchTemplate={"LaunchTemplateName": f"lt-{region}", "Version": "$Latest"},
            MinSize=minimum,
            DesiredCapacity=desired,
            MaxSize=maximum,
            VPCZoneIdentifier=subnet,
            TargetGroupARNs=[group],
        )
        boto3.client("ssm", region_name=region).put_parameter(
            Name=endpoint_parameter(settings), Value=endpoints[region], Type="String"
        )
    return Environment(settings, Boto3ClientProvider(), runs_dir)


def journal(runs_dir: Path, run_id: str) -> list[dict]:
    from tradedr.ops.executor import Journal

    return Journal(runs_dir / run_id / "journal.jsonl").events()


def successful_ends(events: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for event in events:
        if event["event"] == "step-end" and event["outcome"] in (
            "executed",
            "skipped",
            "not-emulated",
        ):
            counts[event["step"]] = counts.get(event["step"], 0) + 1
    return counts
