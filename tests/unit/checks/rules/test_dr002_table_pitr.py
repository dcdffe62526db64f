"""DR002: point-in-time recovery on every table and every global-table replica."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR002"
PITR = {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}}

CASES = [
    Case("table with pitr", [doc({"T": res("AWS::DynamoDB::Table", PITR)})], []),
    Case(
        "table without pitr",
        [doc({"T": res("AWS::DynamoDB::Table")})],
        [(RULE, "T", "table has no point-in-time recovery")],
    ),
    Case(
        "global table with pitr everywhere",
        [
            doc(
                {
                    "T": res(
                        "AWS::DynamoDB::GlobalTable",
                        {
                            "Replicas": [
                                {"Region": "us-east-1", **PITR},
                                {"Region": "us-west-2", **PITR},
                            ]
                        },
                    )
                }
            )
        ],
        [],
    ),
    Case(
        "global replica without pitr",
        [
            doc(
                {
                    "T": res(
                        "AWS::DynamoDB::GlobalTable",
                        {"Replicas": [{"Region": "us-east-1", **PITR}, {"Region": "us-west-2"}]},
                    )
                }
            )
        ],
        [(RULE, "T", "replica in us-west-2 has no point-in-time recovery")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
