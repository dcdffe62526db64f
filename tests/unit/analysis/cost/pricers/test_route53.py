"""Route 53: hosted zone, health checks and their surcharges, alias queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradedr.analysis.cost import CostReport, analyse_cost
from tradedr.analysis.prices import SnapshotPrices
from tradedr.analysis.templates import TemplateSet

PriceOneStack = Callable[..., CostReport]


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


def test_https_health_checks_are_priced_with_their_surcharge(
    tls_synth: Any, default_synth: Any
) -> None:
    """Certificates turn the Route 53 checks into HTTPS checks, which cost more."""

    def surcharges(synth: Any) -> list[str]:
        data = analyse_cost(templates_of(synth), SnapshotPrices()).to_dict()
        [global_] = [r for r in data["regions"] if r["region"] == "global"]
        return [i["resource"] for i in global_["items"] if i["charge"].endswith("HTTPS surcharge")]

    assert len(surcharges(tls_synth)) == 2
    assert surcharges(default_synth) == []


def test_every_optional_feature_adds_one_surcharge(price_one_stack: PriceOneStack) -> None:
    check = {
        "Type": "AWS::Route53::HealthCheck",
        "Properties": {
            "HealthCheckConfig": {
                "Type": "HTTPS_STR_MATCH",
                "RequestInterval": 10,
                "MeasureLatency": True,
            }
        },
    }
    report = price_one_stack({"Check": check}, kind="global")
    lines = report.region("global").items
    assert [(i.charge, i.unit, i.price.key) for i in lines] == [
        ("Route 53 health check Check", "health check-month", "route53.health-check.aws"),
        (
            "Route 53 health check fast interval (10 s) surcharge",
            "feature-month",
            "route53.health-check.fast",
        ),
        ("Route 53 health check HTTPS surcharge", "feature-month", "route53.health-check.https"),
        (
            "Route 53 health check string matching surcharge",
            "feature-month",
            "route53.health-check.string-match",
        ),
        (
            "Route 53 health check latency measurement surcharge",
            "feature-month",
            "route53.health-check.latency",
        ),
        ("Route 53 alias queries to the ALBs", "million queries", "route53.alias-queries"),
    ]
    assert all(i.priced for i in lines)


def test_a_zone_is_a_hosted_zone_month_and_no_global_stack_means_no_queries(
    price_one_stack: PriceOneStack,
) -> None:
    report = price_one_stack({"Zone": {"Type": "AWS::Route53::HostedZone", "Properties": {}}})
    [zone] = report.region("global").items
    assert (zone.unit, zone.monthly) == ("hosted zone-month", 0.5)
