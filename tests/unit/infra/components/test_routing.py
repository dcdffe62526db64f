"""Route 53: hosted zone, one health check per serving region with interval/threshold from config,
failover records (latency records for active-active), ALBs as parameters."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Synthesized
from tradedr.config import Posture


def _checks(synth: Synthesized) -> list[dict[str, Any]]:
    return [
        r["Properties"]["HealthCheckConfig"]
        for r in synth.resources(synth.name("global"), "AWS::Route53::HealthCheck").values()
    ]


def _records(synth: Synthesized) -> list[dict[str, Any]]:
    return [
        r["Properties"]
        for r in synth.resources(synth.name("global"), "AWS::Route53::RecordSet").values()
    ]


def test_hosted_zone_for_the_configured_domain(
    default_synth: Synthesized, custom_synth: Synthesized
) -> None:
    assert (
        default_synth.one("trading-prod-global", "AWS::Route53::HostedZone")["Name"]
        == "trading.example.com."
    )
    assert (
        custom_synth.one(custom_synth.name("global"), "AWS::Route53::HostedZone")["Name"]
        == "dr.example.net."
    )


def test_one_health_check_per_app_region_on_the_deep_endpoint(default_synth: Synthesized) -> None:
    checks = _checks(default_synth)
    assert len(checks) == 2
    for check in checks:
        assert check["ResourcePath"] == "/health"
        assert check["Type"] in ("HTTP", "HTTPS")
        assert "Ref" in check["FullyQualifiedDomainName"]


@pytest.mark.parametrize(
    ("fixture", "interval", "threshold"),
    [("default_synth", 10, 3), ("baseline_synth", 30, 3), ("custom_synth", 30, 2)],
)
def test_interval_and_threshold_come_from_config(
    request: pytest.FixtureRequest, fixture: str, interval: int, threshold: int
) -> None:
    synth: Synthesized = request.getfixturevalue(fixture)
    for check in _checks(synth):
        assert check["RequestInterval"] == interval
        assert check["FailureThreshold"] == threshold


def test_custom_health_path_reaches_route53(custom_synth: Synthesized) -> None:
    assert {c["ResourcePath"] for c in _checks(custom_synth)} == {"/healthz"}


def test_failover_records_primary_and_secondary(default_synth: Synthesized) -> None:
    records = {r["Failover"]: r for r in _records(default_synth)}
    assert set(records) == {"PRIMARY", "SECONDARY"}
    assert records["PRIMARY"]["SetIdentifier"] == "us-east-1"
    assert records["PRIMARY"]["AliasTarget"]["DNSName"] == {"Ref": "AlbDnsUSE1"}
    assert records["SECONDARY"]["AliasTarget"]["DNSName"] == {"Ref": "AlbDnsUSW2"}
    for record in records.values():
        assert record["Name"] == "app.trading.example.com"
        assert record["Type"] == "A"
        assert "HealthCheckId" in record
        assert record["AliasTarget"]["EvaluateTargetHealth"] is True


def test_active_active_uses_latency_records(posture_synths: dict[Posture, Synthesized]) -> None:
    synth = posture_synths[Posture.ACTIVE_ACTIVE]
    records = _records(synth)
    assert len(records) == 2
    assert {r["Region"] for r in records} == {"us-east-1", "us-west-2"}
    assert not any("Failover" in r for r in records)
    assert all("HealthCheckId" in r for r in records)


def test_backup_restore_routes_only_to_the_primary(
    posture_synths: dict[Posture, Synthesized],
) -> None:
    """No standby app tier exists to route to until it is rebuilt at failover."""
    synth = posture_synths[Posture.BACKUP_RESTORE]
    assert len(_checks(synth)) == 1
    assert [r.get("Failover") for r in _records(synth)] == ["PRIMARY"]
    assert set(synth.template("trading-prod-global")["Parameters"]) == {"AlbDnsUSE1", "AlbZoneUSE1"}


def test_three_regions_fail_over_to_latency_routed_standbys(
    three_region_synth: Synthesized,
) -> None:
    records = _records(three_region_synth)
    primary = [r for r in records if r.get("Failover") == "PRIMARY"]
    secondary = [r for r in records if r.get("Failover") == "SECONDARY"]
    latency = [r for r in records if "Region" in r]
    assert len(primary) == 1
    assert len(secondary) == 1
    assert {r["Region"] for r in latency} == {"us-west-2", "eu-west-1"}
    assert secondary[0]["AliasTarget"]["DNSName"] == "standby.app.trading.example.com"
    assert all(r["Name"] == "standby.app.trading.example.com" for r in latency)
    assert len(_checks(three_region_synth)) == 3


def test_global_stack_takes_albs_as_parameters(default_synth: Synthesized) -> None:
    params = default_synth.template("trading-prod-global")["Parameters"]
    assert set(params) == {"AlbDnsUSE1", "AlbZoneUSE1", "AlbDnsUSW2", "AlbZoneUSW2"}
    assert all(p["Type"] == "String" for p in params.values())


def test_record_name_from_config(custom_synth: Synthesized) -> None:
    assert {r["Name"] for r in _records(custom_synth)} == {"orders.dr.example.net"}
