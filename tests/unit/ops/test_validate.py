"""Real-AWS-only paths of validate, checked with botocore's Stubber.

The emulator cannot produce these answers (global-table replicas, alarm states, replica
lag datapoints, certificates); Stubber validates every request against the real service
model, so the calls are right even though no account is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import ANY
from tests.stubbed import StubbedProvider

from tradedr.config import Settings
from tradedr.emulator.backend import Capability, EmulatorBackend
from tradedr.names import Names
from tradedr.ops.backend import AwsBackend
from tradedr.ops.validate import FAIL, NOT_EMULATED, OK, _Validator

pytestmark = pytest.mark.stubbed

SETTINGS = Settings()
NAMES = Names(SETTINGS)


@pytest.fixture
def provider() -> Iterator[StubbedProvider]:
    stubbed = StubbedProvider()
    yield stubbed
    stubbed.assert_done()


def _validator(provider: StubbedProvider) -> _Validator:
    return _Validator(SETTINGS, provider, {}, AwsBackend())


def _table(replicas: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "Table": {
            "TableName": NAMES.sessions_table,
            "TableStatus": "ACTIVE",
            "Replicas": replicas,
        }
    }


@pytest.mark.parametrize(
    ("replicas", "status"),
    [
        ([{"RegionName": "us-west-2", "ReplicaStatus": "ACTIVE"}], OK),
        ([{"RegionName": "us-west-2", "ReplicaStatus": "CREATING"}], FAIL),
        ([], FAIL),
        ([{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}], FAIL),
    ],
)
def test_global_table_replicas_on_aws(
    provider: StubbedProvider, replicas: list[dict[str, str]], status: str
) -> None:
    provider.stub("dynamodb", "us-east-1").add_response(
        "describe_table", _table(replicas), {"TableName": NAMES.sessions_table}
    )
    validator = _validator(provider)
    validator.dynamodb()
    replica_checks = [c for c in validator.checks if c.name == "dynamodb-replica"]
    assert [(c.region, c.status) for c in replica_checks] == [("us-west-2", status)]


def _alarm(name: str, state: str) -> dict[str, Any]:
    return {"AlarmName": name, "StateValue": state}


@pytest.mark.parametrize(
    ("alarms", "status", "detail"),
    [
        ([_alarm("a", "OK"), _alarm("b", "INSUFFICIENT_DATA")], OK, "2 alarms"),
        ([_alarm("a", "OK"), _alarm("b", "ALARM")], FAIL, "in ALARM: b"),
        ([], FAIL, "no alarms"),
    ],
)
def test_alarms_on_aws(
    provider: StubbedProvider, alarms: list[dict[str, Any]], status: str, detail: str
) -> None:
    provider.stub("cloudwatch", "us-west-2").add_response(
        "describe_alarms",
        {"MetricAlarms": alarms},
        {"AlarmNamePrefix": f"{SETTINGS.prefix}-us-west-2-"},
    )
    validator = _validator(provider)
    validator.alarms("us-west-2")
    (check,) = validator.checks
    assert check.status == status
    assert detail in check.detail


@pytest.mark.parametrize(
    ("extra", "status", "detail"),
    [
        (
            frozenset(),
            NOT_EMULATED,
            f"no alarms named {SETTINGS.prefix}-us-west-2-*: moto's CloudFormation does not "
            "create CloudWatch alarms",
        ),
        # A data plane whose stacks do create alarms: a missing alarm fails as on AWS.
        (frozenset({Capability.ALARMS}), FAIL, f"no alarms named {SETTINGS.prefix}-us-west-2-*"),
    ],
)
def test_missing_alarms_ask_the_backend(
    provider: StubbedProvider, extra: frozenset[Capability], status: str, detail: str
) -> None:
    provider.stub("cloudwatch", "us-west-2").add_response(
        "describe_alarms",
        {"MetricAlarms": []},
        {"AlarmNamePrefix": f"{SETTINGS.prefix}-us-west-2-"},
    )
    validator = _Validator(SETTINGS, provider, {}, EmulatorBackend(extra))
    validator.alarms("us-west-2")
    (check,) = validator.checks
    assert (check.status, check.detail) == (status, detail)


@pytest.mark.parametrize(
    ("datapoints", "status"),
    [([5.0], OK), ([2.0, 45.0], FAIL), ([], FAIL)],
)
def test_replica_lag_on_aws(
    provider: StubbedProvider, datapoints: list[float], status: str
) -> None:
    region = "us-west-2"
    identifier = NAMES.db_identifier(region)
    provider.stub("rds", region).add_response(
        "describe_db_instances",
        {
            "DBInstances": [
                {
                    "DBInstanceIdentifier": identifier,
                    "DBInstanceStatus": "available",
                    "ReadReplicaSourceDBInstanceIdentifier": "arn:aws:rds:us-east-1:1:db:p",
                }
            ]
        },
        {"DBInstanceIdentifier": identifier},
    )
    now = dt.datetime.now(dt.UTC)
    provider.stub("cloudwatch", region).add_response(
        "get_metric_statistics",
        {
            "Datapoints": [
                {"Timestamp": now - dt.timedelta(minutes=len(datapoints) - i), "Maximum": value}
                for i, value in enumerate(datapoints)
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
    validator = _validator(provider)
    validator.rds_replica(region)
    lag = next(c for c in validator.checks if c.name == "rds-replica-lag")
    assert lag.status == status


CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/abc"


@pytest.mark.parametrize(
    ("domain", "alternatives", "status", "ok"),
    [
        (NAMES.record_fqdn, [], "ISSUED", True),
        ("*.trading.example.com", [], "ISSUED", True),
        ("example.org", [NAMES.record_fqdn], "ISSUED", True),
        ("other.trading.example.com", [], "ISSUED", False),
        ("*.example.com", [], "ISSUED", False),  # a wildcard covers one label only
        (NAMES.record_fqdn, [], "EXPIRED", False),
        (NAMES.record_fqdn, [], "PENDING_VALIDATION", False),
    ],
    ids=[
        "exact",
        "wildcard",
        "alternative-name",
        "other-name",
        "wildcard-too-high",
        "expired",
        "pending",
    ],
)
def test_certificate_names_the_public_record(
    provider: StubbedProvider, domain: str, alternatives: list[str], status: str, ok: bool
) -> None:
    provider.stub("acm", "us-east-1").add_response(
        "describe_certificate",
        {
            "Certificate": {
                "CertificateArn": CERTIFICATE,
                "DomainName": domain,
                "SubjectAlternativeNames": [domain, *alternatives],  # ACM lists the domain too
                "Status": status,
            }
        },
        {"CertificateArn": CERTIFICATE},
    )
    validator = _validator(provider)
    validator.certificate("us-east-1", CERTIFICATE)
    [check] = validator.checks
    assert check.name == "certificate"
    assert check.status == (OK if ok else FAIL), check.detail
    assert NAMES.record_fqdn in check.detail
