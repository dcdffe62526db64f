"""Where prices come from: the bundled dated snapshot, or the AWS Price List API (`--live`).

A price the source does not have stays missing (`usd=None`): the cost model then marks the
line "price unavailable" and leaves it out of the totals. Two kinds of missing are kept
apart: a row whose `usd` is null (a source was looked for and not found: basis
"unavailable", the row's source and comment) and no row at all for the key and region
(nothing in the snapshot: basis "no row", source "no price in the snapshot"). Filling a gap
from another region happens only when the caller names that region, and every such line
says so.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any, Protocol

from tradedr.errors import AwsOperationError

SNAPSHOT_FILE = "prices-2026-11-28.json"

UNAVAILABLE = "unavailable"  # a row says no source gave this price (`usd: null`)
NO_ROW = "no row"  # the snapshot has no row at all for this key and region
NO_ROW_SOURCE = "no price in the snapshot"

# Rows of the compilation that cover several keys at once, read for a key that has no row of
# its own in that region. Only their null (with its source) stands for the key: a price in a
# combined row has a combined unit ("GB-month / million requests") and is never used.
COMBINED_ROWS: dict[str, str] = {
    "aurora.storage.standard": "aurora.storage-io",
    "aurora.storage.io-optimized": "aurora.storage-io",
    "aurora.io.standard": "aurora.storage-io",
    "aurora.io.io-optimized": "aurora.storage-io",
    "ebs.gp3.iops": "ebs.gp3.iops-throughput",
    "ebs.gp3.throughput": "ebs.gp3.iops-throughput",
}


@dataclass(frozen=True)
class Price:
    key: str
    region: str
    usd: float | None
    unit: str
    source: str
    source_date: str | None
    basis: str  # "snapshot", "live", "fallback <region>", "unavailable", "no row"
    comment: str = ""

    @property
    def available(self) -> bool:
        return self.usd is not None

    @property
    def has_row(self) -> bool:
        """False when the snapshot has no row for this key and region (nothing was sourced),
        as opposed to a row whose price is null (sourced as "not found")."""
        return not self.basis.startswith(NO_ROW)


class PriceBook(Protocol):
    currency: str
    price_date: str
    description: str

    def price(self, key: str, region: str) -> Price: ...


@cache
def _snapshot_data() -> dict[str, Any]:
    text = resources.files("tradedr.analysis").joinpath("data", SNAPSHOT_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


class SnapshotPrices:
    """The bundled snapshot; `fallback_region` fills nulls from that region, labelled."""

    def __init__(self, *, fallback_region: str | None = None) -> None:
        data = _snapshot_data()
        self.currency = str(data["currency"])
        self.price_date = str(data["price_date"])
        self.fallback_region = fallback_region
        self.description = f"bundled snapshot {SNAPSHOT_FILE} ({self.price_date})"
        if fallback_region:
            self.description += f"; missing prices filled from {fallback_region}, labelled"
        self._rows: dict[tuple[str, str], dict[str, Any]] = {
            (row["key"], row["region"]): row for row in data["prices"]
        }

    def _row(self, key: str, region: str) -> dict[str, Any] | None:
        return self._rows.get((key, region)) or self._rows.get((key, "all"))

    def price(self, key: str, region: str) -> Price:
        row = self._row(key, region)
        if row is not None and row.get("usd") is not None:
            return _price(row, region, "snapshot")
        if self.fallback_region and self.fallback_region != region:
            other = self._row(key, self.fallback_region)
            if other is not None and other.get("usd") is not None:
                return replace(
                    _price(other, region, f"fallback {self.fallback_region}"),
                    comment=f"no {region} price in the snapshot; {self.fallback_region} price used",
                )
        if row is None and key in COMBINED_ROWS:
            row = self._row(COMBINED_ROWS[key], region)
        if row is None:
            return Price(
                key,
                region,
                None,
                "",
                NO_ROW_SOURCE,
                None,
                NO_ROW,
                f"the snapshot has no row for {key} in {region}",
            )
        return Price(
            key,
            region,
            None,
            str(row.get("unit", "")),
            str(row.get("source", "")),
            None,
            UNAVAILABLE,
            str(row.get("comment", "")),
        )


def _price(row: dict[str, Any], region: str, basis: str) -> Price:
    return Price(
        key=row["key"],
        region=region,
        usd=float(row["usd"]),
        unit=str(row.get("unit", "")),
        source=str(row.get("source", "")),
        source_date=row.get("source_date"),
        basis=basis,
        comment=str(row.get("comment", "")),
    )


# Live: AWS Price List API ------------------------------------------------------------------


@dataclass(frozen=True)
class LiveQuery:
    service_code: str
    filters: dict[str, str]
    unit: str


def live_query(key: str, region: str) -> LiveQuery | None:
    """GetProducts filters for the prices that matter most; others stay on the snapshot."""
    parts = key.split(".")
    if key.startswith("ec2.instance."):
        return LiveQuery(
            "AmazonEC2",
            {
                "instanceType": key.removeprefix("ec2.instance."),
                "regionCode": region,
                "operatingSystem": "Linux",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
            },
            "Hrs",
        )
    if key.startswith("rds.mysql."):
        deployment = "Multi-AZ" if parts[-1] == "multi-az" else "Single-AZ"
        return LiveQuery(
            "AmazonRDS",
            {
                "instanceType": ".".join(parts[2:-1]),
                "regionCode": region,
                "databaseEngine": "MySQL",
                "deploymentOption": deployment,
            },
            "Hrs",
        )
    simple: dict[str, LiveQuery] = {
        "elb.alb.hour": LiveQuery("AWSELB", {"productFamily": "Load Balancer-Application"}, "Hrs"),
        "elb.alb.lcu": LiveQuery(
            "AWSELB", {"productFamily": "Load Balancer-Application"}, "LCU-Hrs"
        ),
        "vpc.nat.hour": LiveQuery("AmazonEC2", {"productFamily": "NAT Gateway"}, "Hrs"),
        "vpc.nat.gb": LiveQuery("AmazonEC2", {"productFamily": "NAT Gateway"}, "GB"),
        "ebs.gp3.storage": LiveQuery(
            "AmazonEC2", {"productFamily": "Storage", "volumeApiName": "gp3"}, "GB-Mo"
        ),
    }
    query = simple.get(key)
    if query is None:
        return None
    return LiveQuery(query.service_code, {**query.filters, "regionCode": region}, query.unit)


def parse_price_list(price_list: list[str], unit: str) -> float | None:
    """First non-zero on-demand USD price whose unit matches (first tier of tiered prices)."""
    for entry in price_list:
        product = json.loads(entry)
        for term in product.get("terms", {}).get("OnDemand", {}).values():
            dimensions = sorted(
                term.get("priceDimensions", {}).values(),
                key=lambda d: float(d.get("beginRange", "0") or 0),
            )
            for dim in dimensions:
                if dim.get("unit") != unit:
                    continue
                usd = float(dim.get("pricePerUnit", {}).get("USD", "0"))
                if usd > 0:
                    return usd
    return None


class LivePrices:
    """Price List API through a ClientProvider; snapshot for items without a live query."""

    PRICING_REGION = "us-east-1"  # the Price List API endpoint; prices are for any region

    def __init__(self, provider: Any, *, snapshot: SnapshotPrices | None = None) -> None:
        self.provider = provider
        self.snapshot = snapshot or SnapshotPrices()
        self.currency = "USD"
        self.price_date = dt.date.today().isoformat()
        self.description = "AWS Price List API (GetProducts); snapshot for items it is not asked"
        self._cache: dict[tuple[str, str], Price] = {}

    def price(self, key: str, region: str) -> Price:
        if (key, region) in self._cache:
            return self._cache[(key, region)]
        query = live_query(key, region)
        if query is None:
            fallback = self.snapshot.price(key, region)
            result = replace(fallback, basis=f"{fallback.basis} (no live query for this item)")
        else:
            result = self._ask(key, region, query)
        self._cache[(key, region)] = result
        return result

    def _ask(self, key: str, region: str, query: LiveQuery) -> Price:
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.provider.client("pricing", self.PRICING_REGION)
        filters = [
            {"Type": "TERM_MATCH", "Field": field, "Value": value}
            for field, value in sorted(query.filters.items())
        ]
        price_list: list[str] = []
        token: str | None = None
        try:
            for _ in range(5):
                kwargs: dict[str, Any] = {
                    "ServiceCode": query.service_code,
                    "Filters": filters,
                    "FormatVersion": "aws_v1",
                    "MaxResults": 100,
                }
                if token:
                    kwargs["NextToken"] = token
                response = client.get_products(**kwargs)
                price_list.extend(response.get("PriceList", []))
                token = response.get("NextToken")
                if not token:
                    break
        except (ClientError, BotoCoreError) as exc:
            raise AwsOperationError(f"Price List API GetProducts failed for {key}: {exc}") from None
        usd = parse_price_list(price_list, query.unit)
        source = f"AWS Price List API GetProducts {query.service_code} " + ", ".join(
            f"{k}={v}" for k, v in sorted(query.filters.items())
        )
        if usd is None:
            return Price(
                key,
                region,
                None,
                query.unit,
                source,
                self.price_date,
                "unavailable",
                "the Price List API returned no matching on-demand price",
            )
        return Price(key, region, usd, query.unit, source, self.price_date, "live")
