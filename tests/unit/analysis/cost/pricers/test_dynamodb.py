"""DynamoDB: replicated writes per replica of a global table, a single-region table's writes,
and the provisioned mode that has no row in the snapshot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tradedr.analysis.cost import CostReport

PriceOneStack = Callable[..., CostReport]


def table(billing: str, *regions: str) -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::GlobalTable",
        "Properties": {"BillingMode": billing, "Replicas": [{"Region": r} for r in regions]},
    }


def test_a_global_table_pays_replicated_writes_in_every_replica(
    price_one_stack: PriceOneStack,
) -> None:
    report = price_one_stack({"T": table("PAY_PER_REQUEST", "us-west-2", "us-east-1")})
    for region in ("us-east-1", "us-west-2"):
        keys = [i.price.key for i in report.region(region).items]
        assert keys == ["dynamodb.rwru", "dynamodb.rru", "dynamodb.storage", "dynamodb.pitr"]


@pytest.mark.parametrize(
    ("billing", "key", "has_row"),
    [("PAY_PER_REQUEST", "dynamodb.wru", True), ("PROVISIONED", "dynamodb.provisioned", False)],
)
def test_a_single_region_table(
    price_one_stack: PriceOneStack, billing: str, key: str, has_row: bool
) -> None:
    report = price_one_stack({"T": table(billing)})
    first = report.region("us-east-1").items[0]
    assert first.price.key == key
    assert first.price.has_row is has_row
