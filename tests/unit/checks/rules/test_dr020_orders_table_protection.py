"""DR020: the orders MRSC table has PITR on every replica and is retained."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import RETAIN, Case, doc, findings_of, params, res

RULE = "DR020"
PITR = {"PointInTimeRecoveryEnabled": True}


def table(pitr: tuple[bool, ...] = (True, True, True), mode: str = "STRONG", **attrs: Any) -> Any:
    regions = ("us-east-1", "us-east-2", "us-west-2")
    replicas = [
        {"Region": r, **({"PointInTimeRecoverySpecification": PITR} if on else {})}
        for r, on in zip(regions, pitr, strict=True)
    ]
    return res(
        "AWS::DynamoDB::GlobalTable",
        {"MultiRegionConsistency": mode, "Replicas": replicas},
        **attrs,
    )


CASES = [
    Case("PITR everywhere and retained", [doc({"T": table(**RETAIN)})], []),
    Case("an MREC table is not the orders store", [doc({"T": table(mode="EVENTUAL")})], []),
    Case(
        "one replica without PITR",
        [doc({"T": table((True, False, True), **RETAIN)})],
        [(RULE, "T", "orders replica in us-east-2 without point-in-time recovery")],
    ),
    Case(
        "not retained",
        [doc({"T": table()})],
        [
            (RULE, "T", "orders table DeletionPolicy is 'Delete', not Retain"),
            (RULE, "T", "orders table UpdateReplacePolicy is 'Delete', not Retain"),
        ],
    ),
    Case(
        "snapshot on replace is not retain",
        [doc({"T": table(DeletionPolicy="Retain", UpdateReplacePolicy="Snapshot")})],
        [(RULE, "T", "orders table UpdateReplacePolicy is 'Snapshot', not Retain")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
