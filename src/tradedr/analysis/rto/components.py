"""Component builders: one recovery step each, with its durations read from a template
property (`source`) or taken from `tradedr.analysis.assumptions` (named in `assumptions`)."""

from __future__ import annotations

import numpy as np

from tradedr.analysis import assumptions
from tradedr.analysis.rto.model import Component, assumed_sampler, summed, triangular
from tradedr.analysis.rto.readers import (
    DETECTOR_ENV,
    as_int,
    asg,
    aurora_primary,
    cluster_members,
)
from tradedr.analysis.templates import Resource, TemplateSet
from tradedr.config import ClientSettings

ALIAS_TTL_SECONDS = (
    60  # Route 53 alias records to ELB have a fixed 60 s TTL (assumptions.R53_ALIAS)
)
# The detector is invoked once a minute (EventBridge rate(1 minute)) and probes until the
# invocation's 60 s timeout; a count of failed rounds that has not reached the threshold when
# an invocation ends starts again in the next one.
DETECTOR_INVOCATION_SECONDS = 60


def assumed(
    name: str, key: str, source: str, after: list[str], *, critical: bool = True, note: str = ""
) -> Component:
    a = assumptions.get(key)
    return Component(
        name,
        a.best,
        a.typical,
        a.worst,
        assumed_sampler(key),
        source,
        [source],
        [key],
        after,
        critical,
        note or a.what,
    )


def detection(check: Resource, name: str = "detection") -> Component:
    """Route 53 marks an endpoint unhealthy after `threshold` consecutive failed checks.

    The failure lands uniformly within a check cycle: best (threshold-1) x interval,
    typical threshold x interval, worst adds checker-consensus delay.
    """
    interval = as_int(check.prop("HealthCheckConfig.RequestInterval"), 30)
    threshold = as_int(check.prop("HealthCheckConfig.FailureThreshold"), 3)
    consensus = assumptions.get("health-checker-consensus")
    phase_and_consensus = assumed_sampler("health-checker-consensus")

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        phase = rng.uniform(0.0, 1.0, n)
        return (threshold - 1 + phase) * interval + phase_and_consensus(rng, n)

    return Component(
        name,
        float((threshold - 1) * interval),
        float(threshold * interval + consensus.typical),
        float(threshold * interval + consensus.worst),
        sample,
        check.source("HealthCheckConfig.RequestInterval"),
        [
            check.source("HealthCheckConfig.RequestInterval"),
            check.source("HealthCheckConfig.FailureThreshold"),
        ],
        [consensus.key],
        note=f"{threshold} failed checks x {interval} s",
    )


def standby_health(check: Resource, after: list[str]) -> Component:
    """An unhealthy standby endpoint turns healthy after `threshold` passing checks."""
    component = detection(check, "standby-health-check-passes")
    component.after = after
    component.note = "standby endpoint must pass its own Route 53 check before DNS answers it"
    return component


def dns_shift(record: Resource | None, after: list[str]) -> Component:
    ttl = ALIAS_TTL_SECONDS
    source = "Route 53 alias record (fixed 60 s TTL)"
    if record is not None:
        if record.prop("AliasTarget"):
            source = record.source("AliasTarget.EvaluateTargetHealth") + " (alias: TTL 60 s)"
        else:
            ttl = as_int(record.prop("TTL"), ALIAS_TTL_SECONDS)
            source = record.source("TTL")
    overrun = assumptions.get("resolver-ttl-overrun")

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(0.0, ttl, n) + assumed_sampler(overrun.key)(rng, n)

    return Component(
        "traffic-shift",
        0.0,
        float(ttl),
        float(ttl + overrun.worst),
        sample,
        source,
        assumptions=[overrun.key],
        after=after,
        note="cached answers expire; failover records need no control-plane change",
    )


def accelerator_detection(group: Resource) -> Component:
    """Global Accelerator health checks: `ThresholdCount` failures x the interval."""
    interval = as_int(group.prop("HealthCheckIntervalSeconds"), 30)
    threshold = as_int(group.prop("ThresholdCount"), 3)

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        return (threshold - 1 + rng.uniform(0.0, 1.0, n)) * interval

    return Component(
        "detection",
        float((threshold - 1) * interval),
        float(threshold * interval),
        float(threshold * interval),
        sample,
        group.source("HealthCheckIntervalSeconds", interval),
        [
            group.source("HealthCheckIntervalSeconds", interval),
            group.source("ThresholdCount", threshold),
        ],
        note=f"{threshold} failed accelerator checks x {interval} s",
    )


def traffic_shift(
    templates: TemplateSet,
    record: Resource | None,
    after: list[str],
    standby: str | None = None,
) -> list[Component]:
    """Accelerator (no DNS), ARC routing control flip then DNS, or plain DNS failover, to
    `standby` (default: the first standby)."""
    standby = standby or templates.settings.standby_regions[0]
    groups = templates.resources("AWS::GlobalAccelerator::EndpointGroup")
    if groups:
        standby_region = standby
        group = next(
            (g for g in groups if g.prop("EndpointGroupRegion") == standby_region), groups[0]
        )
        return [
            assumed(
                "traffic-shift",
                "accelerator-shift",
                group.source("EndpointGroupRegion"),
                after,
                note="static anycast IPs: no DNS caching",
            )
        ]
    controls = templates.resources("AWS::Route53RecoveryControl::RoutingControl")
    if not controls:
        return [dns_shift(record, after)]
    token = standby.replace("-", "")
    control = next((c for c in controls if token in c.logical_id.lower()), controls[0])
    update = assumed(
        "routing-control-update",
        "routing-control-update",
        control.source("Name"),
        after,
        note=f"set {control.prop('Name')} On and the primary's Off in one batch "
        "(data-plane endpoints, no control plane)",
    )
    standby_check = templates.health_check_for(standby)
    propagation = assumed(
        "routing-control-propagation",
        "routing-control-propagation",
        standby_check.source("HealthCheckConfig.Type")
        if standby_check is not None
        else control.source("Name"),
        [update.name],
    )
    return [update, propagation, dns_shift(record, [propagation.name])]


def capacity(
    name: str,
    asg: Resource,
    target_group: Resource | None,
    to_launch: int,
    after: list[str],
    *,
    critical: bool,
    note: str,
) -> Component:
    """Launch, boot, then pass the target group's healthy threshold."""
    launch, boot = assumptions.get("ec2-launch"), assumptions.get("ec2-boot")
    healthy = 0.0
    sources = [asg.source("DesiredCapacity")]
    if target_group is not None:
        healthy = float(
            as_int(target_group.prop("HealthyThresholdCount"), 5)
            * as_int(target_group.prop("HealthCheckIntervalSeconds"), 30)
        )
        sources.append(target_group.source("HealthyThresholdCount"))
        sources.append(target_group.source("HealthCheckIntervalSeconds"))
    lt_note = f"{to_launch} instance(s) launched in parallel"
    return Component(
        name,
        launch.best + boot.best + healthy,
        launch.typical + boot.typical + healthy,
        launch.worst + boot.worst + healthy,
        summed(
            assumed_sampler(launch.key),
            assumed_sampler(boot.key),
            triangular(healthy, healthy, healthy),
        ),
        sources[0],
        sources,
        [launch.key, boot.key],
        after,
        critical,
        f"{lt_note}; {note}",
    )


def target_detection(target_group: Resource) -> Component:
    """The ALB marks a target unhealthy after `UnhealthyThresholdCount` failed checks."""
    interval = as_int(target_group.prop("HealthCheckIntervalSeconds"), 30)
    threshold = as_int(target_group.prop("UnhealthyThresholdCount"), 2)
    timeout = as_int(target_group.prop("HealthCheckTimeoutSeconds"), 5)

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        return (threshold - 1 + rng.uniform(0.0, 1.0, n)) * interval + rng.uniform(0, timeout, n)

    return Component(
        "detection",
        float((threshold - 1) * interval),
        float(threshold * interval),
        float(threshold * interval + timeout),
        sample,
        target_group.source("UnhealthyThresholdCount", threshold),
        [
            target_group.source("UnhealthyThresholdCount", threshold),
            target_group.source("HealthCheckIntervalSeconds"),
        ],
        note=f"{threshold} failed target checks x {interval} s",
    )


def db_failover(templates: TemplateSet, db: Resource | None) -> list[Component]:
    """In-region failover of the primary orders DB, then the app reconnects: Aurora promotes
    a reader, Multi-AZ RDS its standby, a single-AZ instance is restored. None without a DB."""
    if db is None:
        return []
    cluster = aurora_primary(templates)
    readers = [
        m
        for m in (cluster_members(templates, cluster) if cluster is not None else [])
        if m.logical_id != db.logical_id
    ]
    if cluster is not None and readers:
        return [
            assumed(
                "db-failover",
                "aurora-cluster-failover",
                readers[0].source("PromotionTier"),
                [],
                note=f"Aurora promotes one of {len(readers)} reader(s) in another AZ itself",
            ),
            assumed(
                "app-reconnect",
                "app-reconnect",
                cluster.source("DBClusterIdentifier"),
                ["db-failover"],
                note="the cluster endpoint moves to the new writer",
            ),
        ]
    if bool(db.prop("MultiAZ")) and cluster is None:
        failover = assumed(
            "db-failover",
            "rds-multi-az-failover",
            db.source("MultiAZ"),
            [],
            note="RDS detects and fails over to the synchronous standby itself",
        )
    else:
        failover = assumed(
            "db-failover",
            "rds-point-in-time-restore",
            db.source("MultiAZ", False),
            [],
            note="no Multi-AZ standby: restore to a point in time",
        )
    return [
        failover,
        assumed(
            "app-reconnect", "app-reconnect", db.source("DBInstanceIdentifier"), ["db-failover"]
        ),
    ]


def automatic_detection(detector: Resource) -> Component:
    """The detector confirms region loss after `PROBE_FAILURES` consecutive failed rounds.

    A round starts every `PROBE_INTERVAL_SECONDS` and waits at most `PROBE_TIMEOUT_SECONDS`.
    The failure lands uniformly within a round; when fewer rounds are left in the current
    invocation than the threshold needs, counting restarts in the next invocation, after the
    scheduling gap (assumption `detector-invocation-gap`).
    """
    env = DETECTOR_ENV
    interval = as_int(detector.prop(f"{env}.PROBE_INTERVAL_SECONDS"), 5)
    failures = as_int(detector.prop(f"{env}.PROBE_FAILURES"), 3)
    timeout = as_int(detector.prop(f"{env}.PROBE_TIMEOUT_SECONDS"), 2)
    gap = assumptions.get("detector-invocation-gap")
    gap_sampler = assumed_sampler(gap.key)
    window = float(DETECTOR_INVOCATION_SECONDS)

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        confirm = (failures - 1 + rng.uniform(0.0, 1.0, n)) * interval + rng.uniform(
            0.0, timeout, n
        )
        left_in_invocation = rng.uniform(0.0, window, n)
        restarts = left_in_invocation < confirm
        restarted = left_in_invocation + gap_sampler(rng, n) + confirm
        return np.where(restarts, restarted, confirm)

    base = failures * interval + timeout
    sources = [
        detector.source(f"{env}.PROBE_INTERVAL_SECONDS"),
        detector.source(f"{env}.PROBE_FAILURES"),
        detector.source(f"{env}.PROBE_TIMEOUT_SECONDS"),
    ]
    return Component(
        "automatic-detection",
        float((failures - 1) * interval),
        float(failures * interval + timeout / 2),
        float(2 * base + gap.worst),
        sample,
        sources[1],
        sources,
        [gap.key],
        [],
        True,
        f"{failures} failed rounds x {interval} s (health probe and primary writer both "
        "failing); worst case restarts counting in the next invocation",
    )


def automatic_db_failover(
    detector: Resource, secondary: Resource, *, after_detection: str
) -> list[Component]:
    guard = assumed(
        "data-loss-guard",
        "data-loss-guard",
        detector.source(f"{DETECTOR_ENV}.MAX_DATA_LOSS_SECONDS"),
        [after_detection],
        note="the detector reads the secondary's last replication lag and refuses to promote "
        "above MAX_DATA_LOSS_SECONDS (or with no measurement)",
    )
    promotion = assumed(
        "db-promotion",
        "aurora-global-failover",
        secondary.source("GlobalClusterIdentifier"),
        [guard.name],
        note="the detector calls FailoverGlobalCluster (AllowDataLoss) in the standby Region",
    )
    reconnect = assumed(
        "app-reconnect",
        "app-reconnect",
        secondary.source("DBClusterIdentifier"),
        [promotion.name],
    )
    return [guard, promotion, reconnect]


def primary_app_detection(
    templates: TemplateSet,
) -> tuple[Resource | None, Resource | None, list[Component]]:
    """The primary's target group and ASG, and how a failed target is detected there (the
    ALB's checks, or an assumption when the templates hold no target group)."""
    primary = templates.settings.primary_region
    tg = templates.first("AWS::ElasticLoadBalancingV2::TargetGroup", region=primary)
    group = asg(templates, primary)
    if tg is not None:
        return tg, group, [target_detection(tg)]
    return tg, group, [assumed("detection", "verification", "no target group", [])]


def client_retries(settings: ClientSettings, after: list[str]) -> Component:
    """The attempt still in flight to the lost region when traffic moves: it runs into the
    client's connect timeout, then waits out a full-jitter backoff before the next attempt
    reaches a surviving region. From the config (`[clients]`), whose `source` says where
    the figures come from."""
    timeout, backoff = settings.connect_timeout_seconds, settings.max_backoff_seconds

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(0.0, timeout, n) + rng.uniform(0.0, backoff, n)

    sources = [
        f"config clients.connect_timeout_seconds={timeout:g}",
        f"config clients.max_backoff_seconds={backoff:g}",
        f"config clients.source: {settings.source}",
    ]
    return Component(
        "client-retries",
        0.0,
        (timeout + backoff) / 2,
        timeout + backoff,
        sample,
        sources[0],
        sources,
        [],
        after,
        True,
        f"an attempt in flight to the lost region times out ({timeout:g} s), then a backoff "
        f"of up to {backoff:g} s before the retry lands on a surviving region",
    )
