"""DR005: postures that keep data replicas have one of every data store in every standby."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import (
    DrContext,
    DrRule,
    bucket_purpose,
    properties,
    region_in,
    text_of,
)
from tradedr.checks.templates import TemplateDoc


class StandbyReplicas(DrRule):
    id = "DR005"
    title = "A replica of every data store in every standby region"
    description = (
        "Pilot-light and above promise recovery from live replicas: each standby region "
        "needs an RDS read replica, a DynamoDB global-table replica and an S3 replication "
        "rule. Backup-restore is exempt. Needs the posture (from config or DisasterRecovery "
        "tags); skipped when it is unknown."
    )
    source = "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        if context.posture is None or not context.posture.replicates_data:
            return
        primary_docs = [d for d in docs if d.region == context.primary_region] or list(docs)
        for standby in context.standby_regions:
            in_standby = [d for d in docs if d.region == standby]
            has_db_replica = any(
                (
                    r.get("Type") == "AWS::RDS::DBInstance"
                    and "SourceDBInstanceIdentifier" in properties(r)
                )
                or (
                    r.get("Type") == "AWS::RDS::DBCluster"
                    and properties(r).get("GlobalClusterIdentifier")
                )
                for d in in_standby
                for r in d.resources.values()
            )
            for doc in primary_docs:
                paired = context.pairs.get(doc.path.name)
                if paired is not None and not any(d.path.name in paired for d in in_standby):
                    continue  # its standby template deploys elsewhere
                for logical, resource in doc.resources.items():
                    kind = resource.get("Type")
                    props = properties(resource)
                    primary_db = (
                        kind == "AWS::RDS::DBInstance"
                        and "SourceDBInstanceIdentifier" not in props
                        and "DBClusterIdentifier" not in props
                    ) or (
                        kind == "AWS::RDS::DBCluster" and not props.get("GlobalClusterIdentifier")
                    )
                    if primary_db:
                        if not has_db_replica:
                            yield self.finding(doc, logical, f"no read replica in {standby}")
                    elif kind == "AWS::DynamoDB::GlobalTable":
                        regions = {text_of(r.get("Region")) for r in props.get("Replicas") or []}
                        if standby not in regions:
                            yield self.finding(doc, logical, f"no table replica in {standby}")
                    elif kind == "AWS::DynamoDB::Table":
                        yield self.finding(
                            doc,
                            logical,
                            f"single-region table: no replica in {standby} (use a global table)",
                        )
                    elif kind == "AWS::S3::Bucket" and bucket_purpose(doc, logical) == "data":
                        rules = (props.get("ReplicationConfiguration") or {}).get("Rules") or []
                        targets = {
                            region_in((r.get("Destination") or {}).get("Bucket")) for r in rules
                        }
                        names = " ".join(
                            text_of((r.get("Destination") or {}).get("Bucket")) for r in rules
                        )
                        if standby not in targets and standby not in names:
                            yield self.finding(
                                doc, logical, f"bucket does not replicate to {standby}"
                            )
