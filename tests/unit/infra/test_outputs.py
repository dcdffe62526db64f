"""Stack outputs: every identifier the operations side needs, and nothing empty."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized

EXPECTED = {
    "trading-prod-data-us-east-1": [
        "VpcId",
        "KmsKeyArn",
        "BucketName",
        "BackupVaultName",
        "DbIdentifier",
        "DbEndpoint",
        "DbArn",
        "DbSecretArn",
        "TableName",
        "TableArn",
    ],
    "trading-prod-data-us-west-2": ["VpcId", "KmsKeyArn", "BucketName", "BackupVaultName"],
    "trading-prod-replica-us-west-2": ["DbIdentifier", "DbEndpoint", "DbArn"],
    "trading-prod-app-us-east-1": [
        "AlbDnsName",
        "AlbArn",
        "AlbHostedZoneId",
        "TargetGroupArn",
        "AsgName",
        "DbEndpointParameter",
        "AlarmTopicArn",
        "DashboardName",
    ],
    "trading-prod-app-us-west-2": [
        "AlbDnsName",
        "AlbArn",
        "AlbHostedZoneId",
        "TargetGroupArn",
        "AsgName",
        "DbEndpointParameter",
        "AlarmTopicArn",
        "DashboardName",
    ],
    "trading-prod-global": ["HostedZoneId", "RecordName", "HealthCheckUSE1", "HealthCheckUSW2"],
}


@pytest.mark.parametrize(
    ("stack", "key"), [(stack, key) for stack, keys in EXPECTED.items() for key in keys]
)
def test_output_present_with_value_and_description(
    default_synth: Synthesized, stack: str, key: str
) -> None:
    output = default_synth.outputs(stack)[key]
    assert output["Value"] not in ("", None, [])
    assert output.get("Description")


def test_outputs_resolve_to_resources_of_their_own_stack(default_synth: Synthesized) -> None:
    for stack, keys in EXPECTED.items():
        resources = default_synth.template(stack)["Resources"]
        for key in keys:
            value = default_synth.outputs(stack)[key]["Value"]
            if isinstance(value, dict) and "Ref" in value:
                assert value["Ref"] in resources, f"{stack}.{key}"
            elif isinstance(value, dict) and "Fn::GetAtt" in value:
                assert value["Fn::GetAtt"][0] in resources, f"{stack}.{key}"


def test_replica_outputs_the_stable_identifier(default_synth: Synthesized) -> None:
    outputs = default_synth.outputs("trading-prod-replica-us-west-2")
    assert outputs["DbIdentifier"]["Value"] == "trading-prod-orders-replica-usw2"


def test_three_regions_output_a_health_check_per_region(three_region_synth: Synthesized) -> None:
    outputs = three_region_synth.outputs("trading-tri-global")
    assert {"HealthCheckUSE1", "HealthCheckUSW2", "HealthCheckEUW1"} <= set(outputs)
