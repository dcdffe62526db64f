"""DR009: every data store is encrypted with a customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import (
    DrContext,
    DrRule,
    bucket_purpose,
    is_cluster_member,
    is_replica_db,
    is_true,
    properties,
)
from tradedr.checks.templates import TemplateDoc
from tradedr.templates.values import describe


def _key_set(value: Any) -> bool:
    return value not in (None, "", "alias/aws/s3", "alias/aws/rds", "alias/aws/dynamodb")


class CustomerManagedKeys(DrRule):
    id = "DR009"
    title = "Customer-managed key on every data store"
    description = (
        "A CMK per region keeps key policy, rotation and cross-region replica encryption in "
        "our hands (AWS-owned keys cannot be shared with a standby or audited). Log sinks "
        "that AWS delivers to with SSE-S3 only are exempt."
    )
    source = "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#customer-cmk"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        for doc in docs:
            for logical, resource in doc.resources.items():
                message = self._problem(doc, logical, resource)
                if message:
                    yield self.finding(doc, logical, message)

    def _problem(self, doc: TemplateDoc, logical: str, resource: dict[str, Any]) -> str | None:
        kind = resource.get("Type")
        props = properties(resource)
        if kind in ("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"):
            if is_cluster_member(resource):
                return None  # encryption is the cluster's
            if is_replica_db(props):
                return None if _key_set(props.get("KmsKeyId")) else "replica names no KMS key"
            if not is_true(props.get("StorageEncrypted")):
                return "storage is not encrypted"
            return None if _key_set(props.get("KmsKeyId")) else "encrypted with the AWS-managed key"
        if kind == "AWS::DynamoDB::Table":
            sse = props.get("SSESpecification") or {}
            ok = is_true(sse.get("SSEEnabled")) and _key_set(sse.get("KMSMasterKeyId"))
            return None if ok else "table is not encrypted with a customer-managed key"
        if kind == "AWS::DynamoDB::GlobalTable":
            sse = props.get("SSESpecification") or {}
            if str(sse.get("SSEType", "")).upper() != "KMS" or not is_true(sse.get("SSEEnabled")):
                return "global table is not encrypted with KMS"
            for replica in props.get("Replicas") or []:
                spec = (replica or {}).get("SSESpecification") or {}
                if not _key_set(spec.get("KMSMasterKeyId")):
                    return f"replica in {_region(replica)} names no KMS key"
            return None
        if kind == "AWS::S3::Bucket":
            if bucket_purpose(doc, logical) == "log":
                return None
            rules = (props.get("BucketEncryption") or {}).get(
                "ServerSideEncryptionConfiguration"
            ) or []
            for rule in rules:
                default = (rule or {}).get("ServerSideEncryptionByDefault") or {}
                if default.get("SSEAlgorithm") in ("aws:kms", "aws:kms:dsse") and _key_set(
                    default.get("KMSMasterKeyID")
                ):
                    return None
            return "bucket is not encrypted with a customer-managed key"
        if kind == "AWS::Backup::BackupVault":
            return None if _key_set(props.get("EncryptionKeyArn")) else "vault uses the AWS key"
        if kind == "AWS::SecretsManager::Secret":
            return None if _key_set(props.get("KmsKeyId")) else "secret uses the AWS-managed key"
        return None


def _region(replica: Any) -> str:
    """The replica's region in words (a parameter's name, never a raw intrinsic)."""
    value = replica.get("Region") if isinstance(replica, dict) else None
    return describe(value, what="region") if value is not None else "an unnamed region"
