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


MRSC_CONFIG = {
    "posture": "active-active",
    "standby_regions": ["us-west-2"],
    "database": {"engine": "dynamodb-mrsc", "witness_region": "us-east-2"},
    "routing": {"traffic": "global-accelerator"},
    "usage": {"orders_writes_millions": 7, "orders_reads_millions": 30, "orders_storage_gb": 4},
}


def test_an_mrsc_table_pays_replicated_writes_in_every_replica_and_the_witness(
    price_one_stack: PriceOneStack,
) -> None:
    mrsc = {
        "Type": "AWS::DynamoDB::GlobalTable",
        "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "MultiRegionConsistency": "STRONG",
            "Replicas": [{"Region": "us-east-1"}, {"Region": "us-west-2"}],
            "GlobalTableWitnesses": [{"Region": "us-east-2"}],
        },
    }
    report = price_one_stack({"T": mrsc}, kind="data", config=MRSC_CONFIG)
    for region in ("us-east-1", "us-west-2"):
        items = {i.price.key: i.quantity for i in report.region(region).items}
        # every order write lands in every replica; reads split across the two regions
        assert items == {
            "dynamodb.rwru": 7,
            "dynamodb.rru": 15,
            "dynamodb.storage": 4,
            "dynamodb.pitr": 4,
        }
    (witness,) = report.region("us-east-2").items
    assert (witness.price.key, witness.quantity) == ("dynamodb.rwru", 7)
    assert "witness" in witness.charge
