"""DR011: S3 replication rules turn on Replication Time Control and its metrics."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR011"
RTC_RULE = {
    "Id": "to-us-west-2",
    "Status": "Enabled",
    "Destination": {
        "Bucket": "arn:aws:s3:::objects-us-west-2",
        "ReplicationTime": {"Status": "Enabled", "Time": {"Minutes": 15}},
        "Metrics": {"Status": "Enabled"},
    },
}


def bucket(*rules: dict[str, Any]) -> dict[str, Any]:
    return res("AWS::S3::Bucket", {"ReplicationConfiguration": {"Role": "r", "Rules": list(rules)}})


CASES = [
    Case("rtc on", [doc({"B": bucket(RTC_RULE)})], []),
    Case("no replication", [doc({"B": res("AWS::S3::Bucket")})], []),
    Case(
        "rtc off",
        [doc({"B": bucket({"Id": "x", "Destination": {"Bucket": "arn:aws:s3:::b"}})})],
        [(RULE, "B", "replication rule x lacks RTC and its metrics")],
    ),
    Case(
        "rtc without metrics",
        [
            doc(
                {
                    "B": bucket(
                        {
                            "Id": "y",
                            "Destination": {
                                "Bucket": "arn:aws:s3:::b",
                                "ReplicationTime": {"Status": "Enabled"},
                            },
                        }
                    )
                }
            )
        ],
        [(RULE, "B", "replication rule y lacks RTC and its metrics")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
