"""moto's CloudFormation made to delete as AWS's does (issue 16): a stack's DB instance
keeps the physical id it was created with across an out-of-band rename, DeleteStack
deletes by it and takes an instance already gone as deleted, and a stack's route tables go
with it so its VPC can."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tradedr.emulator import moto_patches

REGION = "us-east-1"
DB = "orders-primary"
STALE = "orders-primary-stale-1"

DB_TEMPLATE = {
    "Resources": {
        "Orders": {
            "Type": "AWS::RDS::DBInstance",
            "Properties": {
                "DBInstanceIdentifier": DB,
                "DBInstanceClass": "db.t3.micro",
                "Engine": "mysql",
                "AllocatedStorage": "20",
                "MasterUsername": "admin",
                "MasterUserPassword": "not-a-secret-1",
            },
        }
    }
}
VPC_TEMPLATE = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.9.0.0/16"}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.9.0.0/24"},
        },
        "Routes": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"RouteTableId": {"Ref": "Routes"}, "SubnetId": {"Ref": "Subnet"}},
        },
    }
}


@pytest.fixture
def aws() -> Iterator[None]:
    moto_patches.apply()
    with mock_aws():
        yield


def _stack(name: str, template: dict[str, Any]) -> Any:
    cf = boto3.client("cloudformation", region_name=REGION)
    cf.create_stack(StackName=name, TemplateBody=json.dumps(template))
    return cf


def _physical_id(cf: Any, stack: str, logical_id: str) -> str:
    found = cf.describe_stack_resource(StackName=stack, LogicalResourceId=logical_id)
    return str(found["StackResourceDetail"]["PhysicalResourceId"])


def _db_ids(rds: Any) -> list[str]:
    return [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]]


def _gone(cf: Any, stack: str) -> bool:
    """Deleted (a stack that failed to delete says DELETE_FAILED, or raised already)."""
    try:
        statuses = [s["StackStatus"] for s in cf.describe_stacks(StackName=stack)["Stacks"]]
    except ClientError as exc:
        return "does not exist" in str(exc)
    return statuses == ["DELETE_COMPLETE"]


def test_apply_is_idempotent(aws: None) -> None:
    moto_patches.apply()
    cf = _stack("data", DB_TEMPLATE)
    assert _physical_id(cf, "data", "Orders") == DB


def test_a_renamed_instance_keeps_its_physical_id_and_a_deleted_one_deletes(aws: None) -> None:
    cf = _stack("data", DB_TEMPLATE)
    rds = boto3.client("rds", region_name=REGION)
    rds.modify_db_instance(
        DBInstanceIdentifier=DB, NewDBInstanceIdentifier=STALE, ApplyImmediately=True
    )
    assert _physical_id(cf, "data", "Orders") == DB  # moto alone said STALE
    rds.delete_db_instance(DBInstanceIdentifier=STALE, SkipFinalSnapshot=True)

    cf.delete_stack(StackName="data")  # moto alone failed on DBInstanceNotFound (STALE)

    assert _gone(cf, "data")


def test_delete_stack_deletes_the_instance_under_the_recorded_name(aws: None) -> None:
    """As on AWS: after a rename, the stack's delete goes to the stable name, which a plan
    may have given a new instance, and leaves the renamed one alone."""
    cf = _stack("data", DB_TEMPLATE)
    rds = boto3.client("rds", region_name=REGION)
    rds.modify_db_instance(
        DBInstanceIdentifier=DB, NewDBInstanceIdentifier=STALE, ApplyImmediately=True
    )
    # As a failback does: a new instance under the stable name, a replica of the renamed one.
    rds.create_db_instance_read_replica(DBInstanceIdentifier=DB, SourceDBInstanceIdentifier=STALE)

    cf.delete_stack(StackName="data")

    assert _gone(cf, "data")
    assert _db_ids(rds) == [STALE]


def test_delete_stack_deletes_its_route_tables_and_vpc(aws: None) -> None:
    cf = _stack("net", VPC_TEMPLATE)
    vpc = _physical_id(cf, "net", "Vpc")
    table = _physical_id(cf, "net", "Routes")

    cf.delete_stack(StackName="net")  # moto alone kept the table: DependencyViolation

    assert _gone(cf, "net")
    ec2 = boto3.client("ec2", region_name=REGION)
    tables = ec2.describe_route_tables()["RouteTables"]
    assert table not in [t["RouteTableId"] for t in tables]
    assert vpc not in [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
