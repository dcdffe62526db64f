"""DR001: stateful resources, secrets included, keep Retain or Snapshot policies."""

from __future__ import annotations

import pytest

from tests.unit.checks.rules.fragments import RETAIN, Case, doc, findings_of, params, res

RULE = "DR001"
KEEP = "; use Retain or Snapshot so its data outlives the stack"
SECRET = "AWS::SecretsManager::Secret"

CASES = [
    Case("retained bucket", [doc({"B": res("AWS::S3::Bucket", **RETAIN)})], []),
    Case(
        "snapshot db",
        [
            doc(
                {
                    "D": res(
                        "AWS::RDS::DBInstance",
                        DeletionPolicy="Snapshot",
                        UpdateReplacePolicy="Snapshot",
                    )
                }
            )
        ],
        [],
    ),
    Case(
        "aurora member exempt",
        [doc({"I": res("AWS::RDS::DBInstance", {"DBClusterIdentifier": "c"})})],
        [],
    ),
    Case(
        "default delete table",
        [doc({"T": res("AWS::DynamoDB::Table")})],
        [
            (RULE, "T", f"AWS::DynamoDB::Table has DeletionPolicy Delete{KEEP}"),
            (RULE, "T", f"AWS::DynamoDB::Table has UpdateReplacePolicy Delete{KEEP}"),
        ],
    ),
    Case(
        "replace deletes key",
        [doc({"K": res("AWS::KMS::Key", DeletionPolicy="Retain")})],
        [(RULE, "K", f"AWS::KMS::Key has UpdateReplacePolicy Delete{KEEP}")],
    ),
    Case(
        "non-stateful type ignored",
        [doc({"Q": res("AWS::SNS::Topic")})],
        [],
    ),
    # A database's master secret is state as well.
    Case("retained secret", [doc({"MasterSecret": res(SECRET, **RETAIN)})], []),
    Case(
        "secret deleted with its stack",
        [doc({"MasterSecret": res(SECRET, DeletionPolicy="Delete", UpdateReplacePolicy="Retain")})],
        [(RULE, "MasterSecret", f"{SECRET} has DeletionPolicy Delete{KEEP}")],
    ),
    Case(
        "secret without policies",
        [doc({"MasterSecret": res(SECRET)})],
        [
            (RULE, "MasterSecret", f"{SECRET} has DeletionPolicy Delete{KEEP}"),
            (RULE, "MasterSecret", f"{SECRET} has UpdateReplacePolicy Delete{KEEP}"),
        ],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
