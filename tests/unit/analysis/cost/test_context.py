"""The line-item builder: keyword-only, quantity in the key's unit, global lines priced at the
primary's prices."""

from __future__ import annotations

import inspect

import pytest
from tests.conftest import unvalidated_active_active

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.prices import SnapshotPrices
from tradedr.analysis.templates import Resource, TemplateSet
from tradedr.config import Posture, load_settings


@pytest.fixture
def ctx() -> PricingContext:
    return PricingContext(TemplateSet(load_settings({}), []), SnapshotPrices())


def test_every_argument_of_the_builder_is_keyword_only() -> None:
    params = list(inspect.signature(PricingContext.add).parameters.values())[1:]
    assert params
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)


def test_the_builder_rejects_positional_arguments(ctx: PricingContext) -> None:
    with pytest.raises(TypeError):
        ctx.add("us-east-1", "alb", "x", "ALB hours", 1.0, keys.ALB_HOUR)  # type: ignore[call-arg]


def test_a_line_counts_in_its_key_unit_and_names_its_resource(ctx: PricingContext) -> None:
    alb = Resource("trading-prod-app-us-east-1", "us-east-1", "Alb", "AWS::X::Y", {})
    item = ctx.add(
        region="us-east-1",
        component="alb",
        resource=alb,
        charge="ALB hours",
        quantity=730,
        key=keys.ALB_HOUR,
    )
    assert item.unit == "ALB-hour" == item.price.unit
    assert item.service == "Elastic Load Balancing"
    assert item.resource == "trading-prod-app-us-east-1/Alb"
    assert ctx.regions["us-east-1"].items == [item]


def test_global_lines_are_priced_in_the_primary_region(ctx: PricingContext) -> None:
    item = ctx.add(
        region="global",
        component="route53",
        resource="queries",
        charge="q",
        quantity=1,
        key=keys.ROUTE53_ZONE,
    )
    assert item.region == "global"
    assert item.price.region == "us-east-1"
    assert list(ctx.regions) == ["us-east-1", "us-west-2", "global"]


@pytest.mark.parametrize(
    ("posture", "region", "share"),
    [
        (Posture.WARM_STANDBY, "us-east-1", 1.0),
        (Posture.WARM_STANDBY, "us-west-2", 0.05),
        (Posture.ACTIVE_ACTIVE, "us-west-2", 0.5),
    ],
)
def test_traffic_share(posture: Posture, region: str, share: float) -> None:
    settings = (
        unvalidated_active_active()
        if posture is Posture.ACTIVE_ACTIVE
        else load_settings({"posture": posture.value})
    )
    ctx = PricingContext(TemplateSet(settings, []), SnapshotPrices())
    assert ctx.traffic_share(region) == share
