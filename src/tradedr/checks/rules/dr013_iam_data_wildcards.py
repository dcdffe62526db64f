"""DR013: IAM policies grant data actions only on named resources, never on "*"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule

# Actions that read or change data (not describe/list of control-plane metadata).
_DATA_ACTION = re.compile(
    r"^(\*|s3:(\*|.*Object.*|Replicate.*)|dynamodb:(\*|.*Item|Query|Scan|.*Export.*)"
    r"|rds-db:(\*|connect)|rds-data:.*|secretsmanager:(\*|GetSecretValue)"
    r"|kms:(\*|Decrypt|GenerateDataKey.*|ReEncrypt.*)|ssm:(\*|GetParameter.*)"
    r"|sqs:(\*|.*Message.*)|sns:(\*|Publish)|[a-z0-9-]+:\*)$",
    re.I,
)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def policy_documents(resource: dict[str, Any], props: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        document = props.get("PolicyDocument")
        if isinstance(document, dict):
            yield document
        return
    for policy in props.get("Policies") or []:
        document = (policy or {}).get("PolicyDocument")
        if isinstance(document, dict):
            yield document


class NoWildcardDataAccess(ResourceRule):
    id = "DR013"
    title = "No wildcard resources on data actions"
    description = (
        "A role that can read every bucket, table or secret turns one compromised instance "
        "into a breach of every region's data; data actions must name resource ARNs."
    )
    source = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"
    )
    types = frozenset(
        {
            "AWS::IAM::Policy",
            "AWS::IAM::ManagedPolicy",
            "AWS::IAM::Role",
            "AWS::IAM::User",
            "AWS::IAM::Group",
        }
    )

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        for document in policy_documents(resource, props):
            for statement in _list(document.get("Statement")):
                if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                    continue
                resources = _list(statement.get("Resource", []))
                if "*" not in resources:
                    continue
                data_actions = [
                    str(a)
                    for a in _list(statement.get("Action", []))
                    if isinstance(a, str) and _DATA_ACTION.match(a)
                ]
                if data_actions:
                    yield f'data actions {", ".join(sorted(data_actions))} on Resource "*"'
