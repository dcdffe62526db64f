"""DR007: every taggable resource carries the required tags."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import TAGS, Case, doc, findings_of, params, res
from tradedr.checks.rules import DrContext

RULE = "DR007"

CASES = [
    Case("all tags", [doc({"B": res("AWS::S3::Bucket", {"Tags": TAGS})})], []),
    Case(
        "missing tags",
        [doc({"B": res("AWS::S3::Bucket", {"Tags": TAGS[:3]})})],
        [(RULE, "B", "missing tags: DisasterRecovery, CostCenter, ManagedBy, Owner, BackupPolicy")],
    ),
    Case(
        "the context names the tags",
        [doc({"B": res("AWS::S3::Bucket", {"Tags": [{"Key": "Owner", "Value": "x"}]})})],
        [(RULE, "B", "missing tags: Team")],
        DrContext(required_tags=("Owner", "Team")),
    ),
    Case("untaggable type ignored", [doc({"P": res("AWS::S3::BucketPolicy")})], []),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
