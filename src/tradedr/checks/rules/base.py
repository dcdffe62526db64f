"""What every DR rule is: an id, a title, a severity, a description, a source link and a
`check` over the whole template set (some rules compare regions), yielding findings."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tradedr.checks.findings import Finding, Severity
from tradedr.checks.templates import TemplateDoc
from tradedr.config import REQUIRED_TAG_KEYS, Posture

SOURCE = "tradedr"

# Types whose loss is data loss: they must survive stack deletion and replacement.
STATEFUL_TYPES = frozenset(
    {
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::DynamoDB::Table",
        "AWS::DynamoDB::GlobalTable",
        "AWS::S3::Bucket",
        "AWS::KMS::Key",
        "AWS::Backup::BackupVault",
        "AWS::EFS::FileSystem",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::Logs::LogGroup",
    }
)
_REGION = re.compile(r"\b([a-z]{2}(?:-gov)?-[a-z]+-\d)\b")


@dataclass(frozen=True)
class DrContext:
    """What the rules know about the environment; unknown fields skip the rules needing them."""

    posture: Posture | None = None
    primary_region: str | None = None
    standby_regions: tuple[str, ...] = ()
    rto_seconds: int | None = None
    required_tags: tuple[str, ...] = REQUIRED_TAG_KEYS
    extra: dict[str, Any] = field(default_factory=dict)


class DrRule(ABC):
    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity] = "error"
    description: ClassVar[str]
    source: ClassVar[str]

    @abstractmethod
    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        """Yield one finding per offending resource (or parameter/output)."""

    def finding(self, doc: TemplateDoc, resource: str, message: str) -> Finding:
        return Finding(SOURCE, self.id, self.severity, doc.stack, resource, message)


class ResourceRule(DrRule):
    """A rule that looks at resources of some types one at a time."""

    types: ClassVar[frozenset[str]]

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        for doc in docs:
            for logical, resource in doc.resources.items():
                if resource.get("Type") in self.types:
                    for message in self.problems(resource, properties(resource), context):
                        yield self.finding(doc, logical, message)

    @abstractmethod
    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        """Messages for what is wrong with this resource; nothing when it is fine."""


def properties(resource: dict[str, Any]) -> dict[str, Any]:
    props = resource.get("Properties")
    return props if isinstance(props, dict) else {}


def is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def text_of(value: Any) -> str:
    """A best-effort literal view of a value, intrinsics included (for ARNs and regions)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((name, arg),) = value.items()
        if name == "Fn::Sub":
            return text_of(arg[0] if isinstance(arg, list) and arg else arg)
        if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            sep, parts = arg
            if isinstance(parts, list):
                return str(sep).join(text_of(p) for p in parts)
        if name == "Ref":
            return f"${{{arg}}}"
        if name == "Fn::GetAtt":
            return f"${{{'.'.join(arg) if isinstance(arg, list) else arg}}}"
    return ""


def region_in(value: Any) -> str | None:
    match = _REGION.search(text_of(value))
    return match.group(1) if match else None


def is_cluster_member(resource: dict[str, Any]) -> bool:
    """An Aurora instance: its data lives in the cluster volume, not in the instance."""
    return resource.get("Type") == "AWS::RDS::DBInstance" and "DBClusterIdentifier" in properties(
        resource
    )


def is_replica_db(props: dict[str, Any]) -> bool:
    return "SourceDBInstanceIdentifier" in props or "SourceDBClusterIdentifier" in props


def docs_in_region(docs: Sequence[TemplateDoc], region: str) -> list[TemplateDoc]:
    return [d for d in docs if d.region == region]


_LOG_PRINCIPALS = (
    "logging.s3.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "logdelivery.elasticloadbalancing.amazonaws.com",
)


def bucket_purpose(doc: TemplateDoc, logical: str) -> str:
    """ "log" for access-log sinks, "audit" for CloudTrail buckets, else "data".

    tradedr tags its log buckets (`Purpose`); other templates are told apart by who the
    bucket policy lets write: log delivery services (or an ELB account) make a log sink,
    CloudTrail an audit bucket.
    """
    tags = properties(doc.resources.get(logical, {})).get("Tags")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and tag.get("Key") == "Purpose":
            if tag.get("Value") == "access-logs":
                return "log"
            if tag.get("Value") == "audit-logs":
                return "audit"
    writers: list[str] = []
    for resource in doc.resources.values():
        if resource.get("Type") != "AWS::S3::BucketPolicy":
            continue
        target = properties(resource).get("Bucket")
        if target != {"Ref": logical} and text_of(target) != f"${{{logical}}}":
            continue
        document = properties(resource).get("PolicyDocument") or {}
        for statement in document.get("Statement") or []:
            if isinstance(statement, dict) and statement.get("Effect") == "Allow":
                writers.append(repr(statement.get("Principal")))
    joined = " ".join(writers)
    if any(p in joined for p in _LOG_PRINCIPALS) or (":iam::" in joined and "root" in joined):
        return "log"
    if "cloudtrail.amazonaws.com" in joined:
        return "audit"
    return "data"
