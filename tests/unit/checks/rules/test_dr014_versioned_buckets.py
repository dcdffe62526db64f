"""DR014: every bucket is versioned; the message says which kind of bucket it is."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR014"

CASES = [
    Case(
        "versioned",
        [doc({"B": res("AWS::S3::Bucket", {"VersioningConfiguration": {"Status": "Enabled"}})})],
        [],
    ),
    Case(
        "not versioned",
        [doc({"B": res("AWS::S3::Bucket")})],
        [(RULE, "B", "data bucket is not versioned")],
    ),
    Case(
        "suspended",
        [doc({"B": res("AWS::S3::Bucket", {"VersioningConfiguration": {"Status": "Suspended"}})})],
        [(RULE, "B", "data bucket is not versioned")],
    ),
    Case(
        "access-log bucket not versioned",
        [
            doc(
                {
                    "L": res(
                        "AWS::S3::Bucket", {"Tags": [{"Key": "Purpose", "Value": "access-logs"}]}
                    )
                }
            )
        ],
        [(RULE, "L", "log bucket is not versioned")],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
