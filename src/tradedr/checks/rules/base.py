"""What every DR rule is: an id, a title, a severity, a description, a source link and a
`check` over the whole template set (some rules compare regions), yielding findings."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tradedr.checks.findings import Finding, Severity
from tradedr.checks.templates import TemplateDoc
from tradedr.config import REQUIRED_TAG_KEYS, Posture
from tradedr.templates.markers import ACCESS_LOGS, AUDIT_LOGS, PURPOSE_TAG
from tradedr.templates.values import describe, references, region_in, text_of

__all__ = [
    "SOURCE",
    "STATEFUL_TYPES",
    "DrContext",
    "DrRule",
    "ResourceRule",
    "as_int",
    "bucket_purpose",
    "describe",
    "docs_in_region",
    "is_cluster_member",
    "is_replica_db",
    "is_true",
    "properties",
    "references",
    "region_in",
    "text_of",
]

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


@dataclass(frozen=True)
class DrContext:
    """What the rules know about the environment; unknown fields skip the rules needing them."""

    posture: Posture | None = None
    primary_region: str | None = None
    standby_regions: tuple[str, ...] = ()
    rto_seconds: int | None = None
    required_tags: tuple[str, ...] = REQUIRED_TAG_KEYS
    # "error" for tradedr's own stacks; foreign templates get the tag policy as a warning.
    tag_severity: Severity = "error"
    # template file name -> the file names of the templates that stand by for it (pairs)
    pairs: dict[str, tuple[str, ...]] = field(default_factory=dict)
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

    def finding(
        self, doc: TemplateDoc, resource: str, message: str, *, severity: Severity | None = None
    ) -> Finding:
        """A finding on `resource` of `doc`, located at its file and declaration line."""
        return Finding(
            SOURCE,
            self.id,
            severity or self.severity,
            doc.stack,
            resource,
            message,
            file=str(doc.path),
            line=doc.line_of(resource),
        )


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
        if isinstance(tag, dict) and tag.get("Key") == PURPOSE_TAG:
            if tag.get("Value") == ACCESS_LOGS:
                return "log"
            if tag.get("Value") == AUDIT_LOGS:
                return "audit"
    writers: list[str] = []
    for resource in doc.resources.values():
        if resource.get("Type") != "AWS::S3::BucketPolicy":
            continue
        if not _names_bucket(properties(resource).get("Bucket"), doc, logical):
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


def _names_bucket(target: Any, doc: TemplateDoc, logical: str) -> bool:
    """Whether a policy's `Bucket` is `logical`: by `Ref`, or by its name, written as a
    literal, `!Sub` or `!Join` (`!Sub "${AWS::StackName}-logs"` on both sides)."""
    if logical in references(target) and text_of(target) in (f"${{{logical}}}", ""):
        return True
    name = text_of(properties(doc.resources.get(logical, {})).get("BucketName"))
    return bool(name) and text_of(target) == name
