"""DR012: an alarm for every metric the monitoring design lists, where its resource is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import (
    DrContext,
    DrRule,
    as_int,
    is_cluster_member,
    is_replica_db,
    properties,
    text_of,
)
from tradedr.checks.templates import TemplateDoc

Metric = tuple[str, str]
ALB_5XX: Metric = ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count")
UNHEALTHY_HOSTS: Metric = ("AWS/ApplicationELB", "UnHealthyHostCount")
RDS_CPU: Metric = ("AWS/RDS", "CPUUtilization")
RDS_STORAGE: Metric = ("AWS/RDS", "FreeStorageSpace")
RDS_REPLICA_LAG: Metric = ("AWS/RDS", "ReplicaLag")
DDB_THROTTLES: Metric = ("AWS/DynamoDB", "ThrottledRequests")
DDB_REPLICATION: Metric = ("AWS/DynamoDB", "ReplicationLatency")
S3_REPLICATION: Metric = ("AWS/S3", "ReplicationLatency")
AURORA_GLOBAL_LAG: Metric = ("AWS/RDS", "AuroraGlobalDBReplicationLag")


def alarm_metrics(resource: dict[str, Any]) -> set[Metric]:
    props = properties(resource)
    found = set()
    if props.get("MetricName"):
        found.add((text_of(props.get("Namespace")), text_of(props.get("MetricName"))))
    for query in props.get("Metrics") or []:
        metric = ((query or {}).get("MetricStat") or {}).get("Metric") or {}
        if metric.get("MetricName"):
            found.add((text_of(metric.get("Namespace")), text_of(metric.get("MetricName"))))
    return found


class MonitoringAlarms(DrRule):
    id = "DR012"
    title = "Alarms for every metric the monitoring design lists"
    description = (
        "ALB 5xx and unhealthy hosts, RDS CPU, free storage and replica lag, DynamoDB "
        "throttles and replication latency, S3 replication latency: each needs an alarm in "
        "the region of the resource it watches, or a failing region goes unnoticed."
    )
    source = "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/detection.html"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        alarms: dict[str | None, set[Metric]] = defaultdict(set)
        for doc in docs:
            for resource in doc.resources.values():
                if resource.get("Type") == "AWS::CloudWatch::Alarm":
                    alarms[doc.region] |= alarm_metrics(resource)
        regions_with_docs = {doc.region for doc in docs}
        for doc in docs:
            for logical, resource in doc.resources.items():
                for region, metric in self._needs(doc, resource, regions_with_docs):
                    if metric not in alarms[region]:
                        where = f" in {region}" if region and region != doc.region else ""
                        yield self.finding(
                            doc, logical, f"no alarm on {metric[0]} {metric[1]}{where}"
                        )

    def _needs(
        self, doc: TemplateDoc, resource: dict[str, Any], regions: set[str | None]
    ) -> Iterator[tuple[str | None, Metric]]:
        kind = resource.get("Type")
        props = properties(resource)
        here = doc.region
        if kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            yield here, ALB_5XX
        elif kind == "AWS::AutoScaling::AutoScalingGroup":
            if props.get("TargetGroupARNs") and (as_int(props.get("MinSize")) or 0) > 0:
                yield here, UNHEALTHY_HOSTS
        elif kind == "AWS::RDS::DBCluster":
            if props.get("GlobalClusterIdentifier") and not props.get("MasterUsername"):
                yield here, AURORA_GLOBAL_LAG  # a secondary cluster of a global database
        elif kind == "AWS::RDS::DBInstance":
            yield here, RDS_CPU
            if is_cluster_member(resource):
                return  # Aurora storage grows by itself: no free-storage alarm
            if is_replica_db(props):
                yield here, RDS_REPLICA_LAG
            else:
                yield here, RDS_STORAGE
        elif kind in ("AWS::DynamoDB::GlobalTable", "AWS::DynamoDB::Table"):
            yield here, DDB_THROTTLES
            if text_of(props.get("MultiRegionConsistency")) == "STRONG":
                # MRSC acknowledges a write only once another Region holds it, so no
                # acknowledged write waits on replication lag; the RPO is 0 by design.
                # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html#V2globaltables_HowItWorks.consistency-modes-mrsc
                return
            # ReplicationLatency is emitted in the writing (source) region, per receiving
            # region, so the alarm lives next to the table's home region.
            replicas = [text_of((r or {}).get("Region")) for r in props.get("Replicas") or []]
            if any(region and region != here for region in replicas):
                yield here, DDB_REPLICATION
        elif kind == "AWS::S3::Bucket" and props.get("ReplicationConfiguration"):
            yield here, S3_REPLICATION
