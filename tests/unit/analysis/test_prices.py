"""Price books: the bundled snapshot (nulls kept with their source, rows missing told apart)
and `--live`, the AWS Price List API, checked against the real service model with Stubber."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from botocore.stub import Stubber
from tests.stubbed import StubbedProvider

from tradedr.analysis.prices import (
    COMBINED_ROWS,
    SNAPSHOT_FILE,
    LivePrices,
    SnapshotPrices,
    parse_price_list,
)
from tradedr.errors import AwsOperationError


def test_snapshot_keeps_nulls_and_sources() -> None:
    text = resources.files("tradedr.analysis").joinpath("data", SNAPSHOT_FILE).read_text()
    data = json.loads(text)
    rows = data["prices"]
    # The compilation's 153 rows (58 null), plus the two RDS Extended Support rows tradedr
    # added with their own source (one null: no us-west-2 source).
    assert len(rows) == 155
    assert sum(r["usd"] is None for r in rows) == 59
    assert all(r["source"] for r in rows)
    assert len({(r["key"], r["region"]) for r in rows}) == len(rows)
    price = SnapshotPrices().price("rds.mysql.db.r6g.large.single-az", "us-west-2")
    assert price.usd is None
    assert price.basis == "unavailable"


def test_a_key_without_a_row_is_not_a_sourced_null() -> None:
    prices = SnapshotPrices()
    sourced = prices.price("arc.cluster", "us-east-1")
    assert (sourced.usd, sourced.basis, sourced.source) == (None, "unavailable", "not found")
    assert sourced.has_row
    assert "charged by the hour" in sourced.comment
    missing = prices.price("vpc.public-ipv4", "us-east-1")
    assert (missing.usd, missing.basis, missing.source) == (
        None,
        "no row",
        "no price in the snapshot",
    )
    assert not missing.has_row
    region_missing = prices.price("elb.alb.hour", "eu-west-1")
    assert region_missing.basis == "no row"


def test_a_combined_row_gives_its_null_but_never_its_price() -> None:
    rows = {(r["key"], r["region"]) for r in _rows()}
    for key, combined in COMBINED_ROWS.items():
        assert (key, "us-west-2") not in rows
        assert (combined, "us-west-2") in rows
    price = SnapshotPrices().price("aurora.io.standard", "us-west-2")
    assert price.key == "aurora.io.standard"
    assert (price.usd, price.basis, price.source) == (None, "unavailable", "not found")
    filled = SnapshotPrices(fallback_region="us-east-1").price("aurora.io.standard", "us-west-2")
    assert (filled.usd, filled.basis) == (0.2, "fallback us-east-1")


def test_fallback_fills_a_missing_row_and_labels_it() -> None:
    price = SnapshotPrices(fallback_region="us-east-1").price("elb.alb.hour", "us-west-2")
    assert price.basis == "fallback us-east-1"
    assert price.usd is not None
    assert "us-east-1 price used" in price.comment


def _rows() -> list[dict[str, Any]]:
    text = resources.files("tradedr.analysis").joinpath("data", SNAPSHOT_FILE).read_text()
    rows: list[dict[str, Any]] = json.loads(text)["prices"]
    return rows


def product(usd: str, unit: str = "Hrs") -> str:
    return json.dumps(
        {
            "product": {"attributes": {"instanceType": "t3.large"}},
            "terms": {
                "OnDemand": {
                    "T1": {
                        "priceDimensions": {
                            "D1": {"unit": unit, "beginRange": "0", "pricePerUnit": {"USD": usd}}
                        }
                    }
                }
            },
        }
    )


@pytest.fixture
def pricing() -> tuple[StubbedProvider, Stubber]:
    provider = StubbedProvider()
    return provider, provider.stub("pricing", "us-east-1")


@pytest.mark.stubbed
def test_live_ec2_price_comes_from_get_products(pricing: Any) -> None:
    provider, stubber = pricing
    stubber.add_response(
        "get_products",
        {"PriceList": [product("0.0000", "Hrs"), product("0.0999")], "FormatVersion": "aws_v1"},
        {
            "ServiceCode": "AmazonEC2",
            "FormatVersion": "aws_v1",
            "MaxResults": 100,
            "Filters": [
                {"Type": "TERM_MATCH", "Field": f, "Value": v}
                for f, v in sorted(
                    {
                        "capacitystatus": "Used",
                        "instanceType": "t3.large",
                        "operatingSystem": "Linux",
                        "preInstalledSw": "NA",
                        "regionCode": "us-west-2",
                        "tenancy": "Shared",
                    }.items()
                )
            ],
        },
    )
    live = LivePrices(provider)
    price = live.price("ec2.instance.t3.large", "us-west-2")
    assert price.usd == 0.0999
    assert price.basis == "live"
    assert provider.asked == [("pricing", "us-east-1")]
    assert live.price("ec2.instance.t3.large", "us-west-2") is price  # cached, no second call
    stubber.assert_no_pending_responses()


@pytest.mark.stubbed
def test_items_without_a_live_query_stay_on_the_labelled_snapshot(pricing: Any) -> None:
    provider, _stubber = pricing
    price = LivePrices(provider).price("kms.key", "us-east-1")
    assert price.usd == 1.0
    assert "no live query" in price.basis
    missing = LivePrices(provider).price("lambda.requests", "us-east-1")
    assert missing.basis == "no row (no live query for this item)"
    assert not missing.has_row


@pytest.mark.stubbed
def test_no_matching_product_is_unavailable_not_invented(pricing: Any) -> None:
    provider, stubber = pricing
    stubber.add_response("get_products", {"PriceList": [], "FormatVersion": "aws_v1"})
    price = LivePrices(provider).price("vpc.nat.hour", "us-west-2")
    assert price.usd is None
    assert price.basis == "unavailable"


@pytest.mark.stubbed
def test_api_errors_become_aws_operation_errors(pricing: Any) -> None:
    provider, stubber = pricing
    stubber.add_client_error("get_products", "AccessDeniedException", "no pricing:GetProducts")
    with pytest.raises(AwsOperationError, match="GetProducts"):
        LivePrices(provider).price("elb.alb.hour", "us-east-1")


@pytest.mark.parametrize(
    ("entries", "unit", "expected"),
    [
        ([product("0.10")], "Hrs", 0.10),
        ([product("0.10", "GB")], "Hrs", None),
        ([product("0.00"), product("0.20")], "Hrs", 0.20),
        ([], "Hrs", None),
    ],
)
def test_parse_price_list(entries: list[str], unit: str, expected: float | None) -> None:
    assert parse_price_list(entries, unit) == expected
