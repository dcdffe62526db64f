"""DR012: an alarm for every metric the monitoring design lists, where its resource is."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import (
    DrContext,
    DrRule,
    as_int,
    is_cluster_member,
    is_replica_db,
    properties,
    references,
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


# The property that holds each watched type's physical name (what a dimension names).
NAME_PROPERTY = {
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::DynamoDB::GlobalTable": "TableName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::AutoScaling::AutoScalingGroup": "AutoScalingGroupName",
}


@dataclass(frozen=True)
class Watch:
    """One metric an alarm watches, and what its dimensions name."""

    metric: Metric
    names: frozenset[str]  # literal (or Sub-rendered) dimension values
    refs: frozenset[str]  # logical ids the dimension values reference
    stack: str

    @property
    def aggregate(self) -> bool:
        """No dimensions: the region's aggregate of the metric, not one resource's."""
        return not self.names and not self.refs


def alarm_metrics(resource: dict[str, Any]) -> set[Metric]:
    return {w.metric for w in alarm_watches(resource, "")}


def alarm_watches(resource: dict[str, Any], stack: str) -> list[Watch]:
    props = properties(resource)
    found = []
    if props.get("MetricName"):
        found.append(_watch(props, props.get("Dimensions"), stack))
    for query in props.get("Metrics") or []:
        metric = ((query or {}).get("MetricStat") or {}).get("Metric") or {}
        if metric.get("MetricName"):
            found.append(_watch(metric, metric.get("Dimensions"), stack))
    return found


def _watch(spec: dict[str, Any], dimensions: Any, stack: str) -> Watch:
    values = [(d or {}).get("Value") for d in dimensions or [] if isinstance(d, dict)]
    return Watch(
        (text_of(spec.get("Namespace")), text_of(spec.get("MetricName"))),
        frozenset(t for v in values if (t := text_of(v))),
        frozenset(r for v in values for r in references(v)),
        stack,
    )


def watched_by(
    watch: Watch, doc: TemplateDoc, logical: str, resource: dict[str, Any], alone: bool
) -> bool:
    """Whether the alarm's dimensions name this resource: by reference (same stack), by its
    physical name, or (an ASG) by a target group or load balancer it references. A
    dimensionless alarm stands for a resource only when it is the only one of its kind."""
    if watch.aggregate:
        return alone
    props = properties(resource)
    if watch.stack == doc.stack and logical in watch.refs:
        return True
    name = text_of(props.get(NAME_PROPERTY.get(str(resource.get("Type")), "")))
    if name and any(name == n or n.endswith(f"/{name}") or f"/{name}/" in n for n in watch.names):
        return True
    cluster = props.get("DBClusterIdentifier")
    if resource.get("Type") == "AWS::RDS::DBInstance" and cluster is not None:
        # an Aurora member is watched through its cluster (by name or by reference)
        same_stack = watch.stack == doc.stack and bool(references(cluster) & watch.refs)
        names = {text_of(cluster)} | {
            text_of(properties(doc.resources[r]).get("DBClusterIdentifier"))
            for r in references(cluster)
            if r in doc.resources
        }
        if same_stack or (names - {""}) & watch.names:
            return True
    if resource.get("Type") == "AWS::AutoScaling::AutoScalingGroup" and watch.stack == doc.stack:
        return bool(references(props.get("TargetGroupARNs")) & watch.refs)
    return False


class MonitoringAlarms(DrRule):
    id = "DR012"
    title = "Alarms for every metric the monitoring design lists"
    description = (
        "ALB 5xx and unhealthy hosts, RDS CPU, free storage and replica lag, DynamoDB "
        "throttles and replication latency, S3 replication latency: each needs an alarm in "
        "the region of the resource it watches, on that resource (matched by the alarm's "
        "dimension, by reference or physical name), or a failing region goes unnoticed."
    )
    source = "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/detection.html"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        watches: dict[str | None, list[Watch]] = defaultdict(list)
        for doc in docs:
            for resource in doc.resources.values():
                if resource.get("Type") == "AWS::CloudWatch::Alarm":
                    watches[doc.region] += alarm_watches(resource, doc.stack)
        needs = [
            (doc, logical, resource, region, metric)
            for doc in docs
            for logical, resource in doc.resources.items()
            for region, metric in self._needs(doc, resource)
        ]
        kinds = Counter((region, metric) for _, _, _, region, metric in needs)
        for doc, logical, resource, region, metric in needs:
            alone = kinds[(region, metric)] == 1
            if not any(
                w.metric == metric and watched_by(w, doc, logical, resource, alone)
                for w in watches[region]
            ):
                where = f" in {region}" if region and region != doc.region else ""
                yield self.finding(
                    doc, logical, f"no alarm on {metric[0]} {metric[1]} for this resource{where}"
                )

    def _needs(
        self, doc: TemplateDoc, resource: dict[str, Any]
    ) -> Iterator[tuple[str | None, Metric]]:
        kind = resource.get("Type")
        props = properties(resource)
        here = doc.region
        if kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            if props.get("Type") in (None, "application"):
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
