"""DR014: data buckets are versioned."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import DrContext, DrRule, bucket_purpose, properties
from tradedr.checks.templates import TemplateDoc


class VersionedBuckets(DrRule):
    id = "DR014"
    title = "Versioning on every bucket"
    description = (
        "Versions are the recovery point for an overwritten or deleted object, and S3 "
        "replication requires them on both sides."
    )
    source = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        for doc in docs:
            for logical, resource in doc.resources.items():
                if resource.get("Type") != "AWS::S3::Bucket":
                    continue
                status = (properties(resource).get("VersioningConfiguration") or {}).get("Status")
                if status != "Enabled":
                    kind = bucket_purpose(doc, logical)
                    yield self.finding(doc, logical, f"{kind} bucket is not versioned")
