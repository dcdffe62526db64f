"""The fault-injecting provider: region loss, global control planes, targeted faults."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from moto import mock_aws

from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.faults import Fault, FaultInjectingProvider, make_error


@pytest.fixture
def provider():
    with mock_aws():
        yield FaultInjectingProvider(Boto3ClientProvider())


@pytest.mark.parametrize(
    ("lost", "service", "region", "fails"),
    [
        ("us-east-1", "rds", "us-east-1", True),
        ("us-east-1", "rds", "us-west-2", False),
        ("us-east-1", "route53", "us-west-2", True),  # Route 53's control plane is us-east-1
        ("us-east-1", "iam", "eu-west-1", True),
        ("us-west-2", "route53", "us-west-2", True),  # the client's own region is lost
        ("us-west-2", "route53", "eu-west-1", False),
        ("us-west-2", "globalaccelerator", "eu-west-1", True),
        ("eu-west-1", "ssm", "us-east-1", False),
    ],
)
def test_region_loss(provider, lost: str, service: str, region: str, fails: bool) -> None:
    provider.lose_region(lost)
    assert provider.unreachable(service, region) is fails


def test_lost_region_calls_raise_connection_errors_until_restored(provider) -> None:
    provider.lose_region("us-east-1")
    with pytest.raises(EndpointConnectionError):
        provider.client("ssm", "us-east-1").describe_parameters()
    with pytest.raises(EndpointConnectionError):
        provider.client("route53", "us-west-2").list_hosted_zones()
    provider.client("ssm", "us-west-2").describe_parameters()  # other regions answer
    provider.restore_region()
    provider.client("ssm", "us-east-1").describe_parameters()
    assert [entry[0] for entry in provider.log.injected] == ["connection", "connection"]


def test_fault_fires_the_given_number_of_times(provider) -> None:
    provider.faults.append(
        Fault("throttle", service="ssm", operation="DescribeParameters", times=2)
    )
    ssm = provider.client("ssm", "us-west-2")
    for _ in range(2):
        with pytest.raises(ClientError, match="Throttling"):
            ssm.describe_parameters()
    ssm.describe_parameters()
    assert provider.faults[0].fired == 2


def test_fault_aimed_at_a_step_fires_only_inside_it(provider) -> None:
    provider.faults.append(
        Fault("access-denied", operation="DescribeParameters", step="mine", times=None)
    )
    ssm = provider.client("ssm", "us-west-2")
    ssm.describe_parameters()
    provider.set_step("mine")
    with pytest.raises(ClientError, match="AccessDenied"):
        ssm.describe_parameters()
    provider.set_step("other")
    ssm.describe_parameters()


def test_non_api_attributes_pass_through(provider) -> None:
    client = provider.client("rds", "us-west-2")
    assert client.meta.region_name == "us-west-2"
    assert client.can_paginate("describe_db_instances")


@pytest.mark.parametrize(
    ("kind", "expected", "code", "status"),
    [
        ("throttle", ClientError, "Throttling", 400),
        ("5xx", ClientError, "ServiceUnavailable", 503),
        ("access-denied", ClientError, "AccessDenied", 403),
        ("validation", ClientError, "ValidationError", 400),
        ("timeout", ReadTimeoutError, None, None),
        ("connection", EndpointConnectionError, None, None),
    ],
)
def test_made_errors_look_like_botocore_ones(kind, expected, code, status) -> None:
    error = make_error(kind, "rds", "us-east-1", "PromoteReadReplica")
    assert isinstance(error, expected)
    if code:
        assert error.response["Error"]["Code"] == code
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
        assert error.operation_name == "PromoteReadReplica"


def test_wrapped_clients_still_reach_moto(provider) -> None:
    provider.client("ssm", "us-west-2").put_parameter(Name="/x", Value="1", Type="String")
    got = boto3.client("ssm", region_name="us-west-2").get_parameter(Name="/x")
    assert got["Parameter"]["Value"] == "1"
