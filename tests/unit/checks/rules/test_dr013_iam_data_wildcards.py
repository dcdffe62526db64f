"""DR013: data actions in IAM policies name resources, never "*"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.checks.rules.fragments import Case, doc, findings_of, params, res

RULE = "DR013"


def document(action: str | list[str], resource: str, effect: str = "Allow") -> dict[str, Any]:
    return {"Statement": [{"Effect": effect, "Action": action, "Resource": resource}]}


CASES = [
    Case(
        "named resources",
        [
            doc(
                {
                    "P": res(
                        "AWS::IAM::ManagedPolicy",
                        {"PolicyDocument": document(["s3:GetObject"], "arn:aws:s3:::b/*")},
                    )
                }
            )
        ],
        [],
    ),
    Case(
        "wildcard data access",
        [
            doc(
                {
                    "R": res(
                        "AWS::IAM::Role",
                        {
                            "Policies": [
                                {
                                    "PolicyName": "p",
                                    "PolicyDocument": document(["dynamodb:GetItem"], "*"),
                                }
                            ]
                        },
                    )
                }
            )
        ],
        [(RULE, "R", 'data actions dynamodb:GetItem on Resource "*"')],
    ),
    Case(
        "several data actions, sorted",
        [
            doc(
                {
                    "P": res(
                        "AWS::IAM::Policy",
                        {"PolicyDocument": document(["s3:PutObject", "s3:GetObject"], "*")},
                    )
                }
            )
        ],
        [(RULE, "P", 'data actions s3:GetObject, s3:PutObject on Resource "*"')],
    ),
    Case(
        "describe on * is not data",
        [
            doc(
                {
                    "P": res(
                        "AWS::IAM::Policy",
                        {"PolicyDocument": document("ec2:DescribeInstances", "*")},
                    )
                }
            )
        ],
        [],
    ),
    Case(
        "a deny is not access",
        [
            doc(
                {
                    "P": res(
                        "AWS::IAM::Policy",
                        {"PolicyDocument": document("s3:GetObject", "*", effect="Deny")},
                    )
                }
            )
        ],
        [],
    ),
]


@pytest.mark.parametrize("case", params(CASES))
def test_findings(case: Case) -> None:
    assert findings_of(RULE, case) == case.findings
