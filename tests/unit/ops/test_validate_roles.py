"""validate right after a failover on real AWS, checked with botocore's Stubber: the roles
come from the database (the promoted writer outranks nothing else running), the old
primary's renamed instance is named stale, its fenced app and missing replica pass, and
the promoted writer is never checked as a replica."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.stubbed import StubbedProvider

from tradedr.config import Settings
from tradedr.names import Names
from tradedr.ops.actions.base import PROMOTED_TAG
from tradedr.ops.actions.promote_replica import PROMOTED_AT_TAG
from tradedr.ops.backend import AwsBackend
from tradedr.ops.roles import LatestRun, current_roles
from tradedr.ops.validate import OK, _Validator

pytestmark = pytest.mark.stubbed

SETTINGS = Settings()
NAMES = Names(SETTINGS)
PRIMARY, STANDBY = "us-east-1", "us-west-2"
OLD = NAMES.db_identifier(PRIMARY)
NEW = NAMES.db_identifier(STANDBY)
STALE = f"{OLD}-stale-202601020304"
PARAMETER = f"/{SETTINGS.prefix}/orders-db/endpoint"


def instance(identifier: str, region: str, **extra: Any) -> dict[str, Any]:
    return {
        "DBInstanceIdentifier": identifier,
        "DBInstanceArn": f"arn:aws:rds:{region}:111122223333:db:{identifier}",
        "DBInstanceStatus": "available",
        "MultiAZ": False,
        "Endpoint": {"Address": f"{identifier}.x.{region}.rds.amazonaws.com"},
        "InstanceCreateTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        **extra,
    }


PROMOTED = instance(
    NEW,
    STANDBY,
    ReadReplicaSourceDBInstanceIdentifier=f"arn:aws:rds:{PRIMARY}:111122223333:db:{OLD}",
    TagList=[
        {"Key": PROMOTED_TAG, "Value": f"arn:aws:rds:{PRIMARY}:111122223333:db:{OLD}"},
        {"Key": PROMOTED_AT_TAG, "Value": "2026-01-02T03:05:00+00:00"},
    ],
)
RETIRED = instance(
    STALE, PRIMARY, DBInstanceStatus="stopped", TagList=[{"Key": "tradedr:stale", "Value": STALE}]
)


def queue_roles(provider: StubbedProvider) -> None:
    # read_rds_evidence: every instance and the endpoint parameter, per region.
    provider.stub("rds", PRIMARY).add_response(
        "describe_db_instances", {"DBInstances": [RETIRED]}, {}
    )
    provider.stub("ssm", PRIMARY).add_response(
        "get_parameter",
        {"Parameter": {"Name": PARAMETER, "Value": PROMOTED["Endpoint"]["Address"]}},
        {"Name": PARAMETER},
    )
    provider.stub("rds", STANDBY).add_response(
        "describe_db_instances", {"DBInstances": [PROMOTED]}, {}
    )
    provider.stub("ssm", STANDBY).add_response(
        "get_parameter",
        {"Parameter": {"Name": PARAMETER, "Value": PROMOTED["Endpoint"]["Address"]}},
        {"Name": PARAMETER},
    )
    # stale_instances: every instance, per region.
    provider.stub("rds", PRIMARY).add_response(
        "describe_db_instances", {"DBInstances": [RETIRED]}, {}
    )
    provider.stub("rds", STANDBY).add_response(
        "describe_db_instances", {"DBInstances": [PROMOTED]}, {}
    )


def test_the_roles_after_a_failover_are_read_from_the_database() -> None:
    provider = StubbedProvider()
    queue_roles(provider)

    roles = current_roles(SETTINGS, provider)

    provider.assert_done()
    assert roles.writer == STANDBY
    assert roles.problems == []
    assert roles.standbys(SETTINGS) == [PRIMARY]
    assert [(s.region, s.identifier, s.status) for s in roles.stale] == [
        (PRIMARY, STALE, "stopped")
    ]
    assert roles.describe(SETTINGS).startswith(
        f"assumed roles: writer {STANDBY} (RDS: {NEW} in {STANDBY} (promoted from "
    )


def asg(region: str, sizes: tuple[int, int, int], in_service: int) -> dict[str, Any]:
    return {
        "AutoScalingGroups": [
            {
                "AutoScalingGroupName": NAMES.asg(region),
                "MinSize": sizes[0],
                "DesiredCapacity": sizes[1],
                "MaxSize": sizes[2],
                "DefaultCooldown": 300,
                "AvailabilityZones": [f"{region}a"],
                "HealthCheckType": "ELB",
                "CreatedTime": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                "Instances": [
                    {
                        "InstanceId": f"i-{n:017x}",
                        "AvailabilityZone": f"{region}a",
                        "LifecycleState": "InService",
                        "HealthStatus": "Healthy",
                        "ProtectedFromScaleIn": False,
                    }
                    for n in range(in_service)
                ],
            }
        ]
    }


def test_validate_checks_after_a_failover_pass_against_the_current_roles() -> None:
    provider = StubbedProvider()
    queue_roles(provider)
    roles = current_roles(SETTINGS, provider)
    roles.run = LatestRun("failover-x", "failover", PRIMARY, STANDBY)
    validator = _Validator(SETTINGS, provider, {}, AwsBackend(), roles=roles)
    rds_new = provider.stub("rds", STANDBY)
    rds_new.add_response(
        "describe_db_instances", {"DBInstances": [PROMOTED]}, {"DBInstanceIdentifier": NEW}
    )
    provider.stub("rds", PRIMARY).add_client_error(
        "describe_db_instances",
        service_error_code="DBInstanceNotFound",
        http_status_code=404,
        expected_params={"DBInstanceIdentifier": OLD},
    )
    sizing = SETTINGS.regions[STANDBY]
    active = (sizing.asg_min, sizing.asg_desired, sizing.asg_max)
    provider.stub("autoscaling", STANDBY).add_response(
        "describe_auto_scaling_groups",
        asg(STANDBY, active, active[1]),
        {"AutoScalingGroupNames": [NAMES.asg(STANDBY)]},
    )
    provider.stub("autoscaling", PRIMARY).add_response(
        "describe_auto_scaling_groups",
        asg(PRIMARY, (0, 0, 6), 0),
        {"AutoScalingGroupNames": [NAMES.asg(PRIMARY)]},
    )

    validator.rds_primary(STANDBY)
    validator.rds_replica(PRIMARY)
    validator.rds_stale()
    validator.asg(STANDBY)
    validator.asg(PRIMARY)

    provider.assert_done()
    checks = {(c.name, c.region): c for c in validator.checks}
    assert all(c.status == OK for c in validator.checks), validator.checks
    assert "writer" in checks[("rds", STANDBY)].detail
    assert "failback restores the Multi-AZ primary" in checks[("rds", STANDBY)].detail
    assert checks[("rds-replica", PRIMARY)].detail.startswith(
        f"no replica yet: the former writer was retired as {STALE}"
    )
    assert checks[("rds-stale", PRIMARY)].detail == (
        f"{STALE} stopped: stale, to be cleaned up by failback or destroy"
    )
    assert "fenced at 0" in checks[("asg", PRIMARY)].detail
    assert ("rds-replica", STANDBY) not in checks  # the promoted writer is no replica


def test_a_second_running_writer_fails_the_roles_check() -> None:
    provider = StubbedProvider()
    unfenced = instance(OLD, PRIMARY)
    provider.stub("rds", PRIMARY).add_response(
        "describe_db_instances", {"DBInstances": [unfenced]}, {}
    )
    provider.stub("ssm", PRIMARY).add_response(
        "get_parameter",
        {"Parameter": {"Name": PARAMETER, "Value": unfenced["Endpoint"]["Address"]}},
        {"Name": PARAMETER},
    )
    provider.stub("rds", STANDBY).add_response(
        "describe_db_instances", {"DBInstances": [PROMOTED]}, {}
    )
    provider.stub("ssm", STANDBY).add_response(
        "get_parameter",
        {"Parameter": {"Name": PARAMETER, "Value": PROMOTED["Endpoint"]["Address"]}},
        {"Name": PARAMETER},
    )
    provider.stub("rds", PRIMARY).add_response(
        "describe_db_instances", {"DBInstances": [unfenced]}, {}
    )
    provider.stub("rds", STANDBY).add_response(
        "describe_db_instances", {"DBInstances": [PROMOTED]}, {}
    )

    roles = current_roles(SETTINGS, provider)

    assert roles.writer == STANDBY  # the promoted one is authoritative
    assert len(roles.problems) == 1
    assert roles.problems[0].startswith("more than one writer takes writes")
    assert "tradedr fence --region REGION" in roles.problems[0]
