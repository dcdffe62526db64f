"""Recovery time and data loss per failure scenario, read from the synthesized templates.

Each scenario is a small graph of components: a component starts when everything it
waits for has finished, so work that runs in parallel (DNS shift, replica promotion)
overlaps instead of adding up. RTO is the finish time of the last critical component;
components marked non-critical (e.g. scaling a warm standby to full size while it
already serves) are shown but do not count. Every duration is either read from a
template property (`source`) or taken from `tradedr.analysis.assumptions` (named in
`assumptions`). A seeded Monte Carlo gives p50/p99.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tradedr.analysis import assumptions
from tradedr.analysis.templates import Resource, TemplateSet
from tradedr.config import Settings

Sampler = Callable[[np.random.Generator, int], np.ndarray]

SCENARIOS = ("region-loss", "az-loss", "db-instance-failure", "app-instance-failure")
ALIAS_TTL_SECONDS = (
    60  # Route 53 alias records to ELB have a fixed 60 s TTL (assumptions.R53_ALIAS)
)


def _triangular(best: float, typical: float, worst: float) -> Sampler:
    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        if worst <= best:
            return np.full(n, float(best))
        return rng.triangular(best, min(max(typical, best), worst), worst, n)

    return sample


def _sum(*samplers: Sampler) -> Sampler:
    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        total = np.zeros(n)
        for s in samplers:
            total = total + s(rng, n)
        return total

    return sample


def _assumed(key: str) -> Sampler:
    return _triangular(*assumptions.get(key).range)


@dataclass
class Component:
    """One step of a recovery, with where its numbers come from."""

    name: str
    best: float
    typical: float
    worst: float
    sampler: Sampler
    source: str
    sources: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    critical: bool = True
    note: str = ""

    def values(self, which: str) -> float:
        return float(getattr(self, which))


@dataclass
class Scenario:
    name: str
    description: str
    components: list[Component]
    rto: dict[str, float] = field(default_factory=dict)
    starts: dict[str, float] = field(default_factory=dict)

    def evaluate(self, rng: np.random.Generator, samples: int) -> None:
        for which in ("best", "typical", "worst"):
            ends = self._finish({c.name: np.array([c.values(which)]) for c in self.components})
            self.rto[which] = round(float(ends[0]), 1)
        typical = {c.name: np.array([c.typical]) for c in self.components}
        self.starts = {k: float(v[0]) for k, v in self._start_times(typical).items()}
        drawn = {c.name: c.sampler(rng, samples) for c in self.components}
        finish = self._finish(drawn)
        self.rto["p50"] = round(float(np.percentile(finish, 50)), 1)
        self.rto["p99"] = round(float(np.percentile(finish, 99)), 1)

    def _start_times(self, durations: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        ends: dict[str, np.ndarray] = {}
        starts: dict[str, np.ndarray] = {}
        for c in self.components:  # components are listed in dependency order
            start = np.zeros_like(durations[c.name])
            for dep in c.after:
                start = np.maximum(start, ends[dep])
            starts[c.name] = start
            ends[c.name] = start + durations[c.name]
        return starts

    def _finish(self, durations: dict[str, np.ndarray]) -> np.ndarray:
        starts = self._start_times(durations)
        finish = np.zeros_like(next(iter(durations.values())))
        for c in self.components:
            if c.critical:
                finish = np.maximum(finish, starts[c.name] + durations[c.name])
        return finish

    def to_dict(self, target: int) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "rto_seconds": dict(self.rto),
            "target_seconds": target,
            "met": self.rto["p99"] <= target,
            "components": [
                {
                    "name": c.name,
                    "seconds": {"best": c.best, "typical": c.typical, "worst": c.worst},
                    "source": c.source,
                    "sources": c.sources or [c.source],
                    "assumptions": c.assumptions,
                    "after": c.after,
                    "critical": c.critical,
                    "start_typical": round(self.starts.get(c.name, 0.0), 1),
                    "note": c.note,
                }
                for c in self.components
            ],
        }


@dataclass(frozen=True)
class RpoEntry:
    store: str
    rpo_seconds: float | None
    basis: str
    source: str
    target_seconds: int
    target_name: str

    @property
    def met(self) -> bool:
        return self.rpo_seconds is not None and self.rpo_seconds <= self.target_seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "rpo_seconds": self.rpo_seconds,
            "basis": self.basis,
            "source": self.source,
            "target_seconds": self.target_seconds,
            "target": self.target_name,
            "met": self.met,
        }


@dataclass
class RtoReport:
    settings: Settings
    scenarios: list[Scenario]
    rpo: list[RpoEntry]
    warnings: list[str]
    overrides: dict[str, assumptions.Assumption] = field(default_factory=dict)

    @property
    def met(self) -> bool:
        target = self.settings.targets.rto_seconds
        return all(s.rto["p99"] <= target for s in self.scenarios) and all(r.met for r in self.rpo)

    def scenario(self, name: str) -> Scenario:
        return next(s for s in self.scenarios if s.name == name)

    def to_dict(self) -> dict[str, Any]:
        targets = self.settings.targets
        return {
            "posture": self.settings.posture.value,
            "scenarios": [s.to_dict(targets.rto_seconds) for s in self.scenarios],
            "rpo": [r.to_dict() for r in self.rpo],
            "targets": {
                "rto_seconds": targets.rto_seconds,
                "rpo_seconds": targets.rpo_seconds,
                "objects_rpo_seconds": targets.objects_rpo_seconds,
                "backup_rpo_seconds": targets.backup_rpo_seconds,
            },
            "monte_carlo": {
                "samples": assumptions.MONTE_CARLO_SAMPLES,
                "seed": assumptions.MONTE_CARLO_SEED,
            },
            "assumption_overrides": {
                key: {"best": a.best, "typical": a.typical, "worst": a.worst, "source": a.source}
                for key, a in self.overrides.items()
            },
            "warnings": self.warnings,
            "met": self.met,
        }


# Template readers ----------------------------------------------------------------------


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _asg(templates: TemplateSet, region: str) -> Resource | None:
    return templates.first("AWS::AutoScaling::AutoScalingGroup", region=region)


def _primary_db(templates: TemplateSet) -> Resource | None:
    for db in templates.resources("AWS::RDS::DBInstance", region=templates.settings.primary_region):
        if not db.prop("SourceDBInstanceIdentifier"):
            return db
    return None


def _replica_db(templates: TemplateSet, region: str) -> Resource | None:
    for db in templates.resources("AWS::RDS::DBInstance", region=region):
        if db.prop("SourceDBInstanceIdentifier"):
            return db
    return None


def _aurora_secondary(templates: TemplateSet, region: str) -> Resource | None:
    """A standby's Aurora cluster joined to the global database by its identifier."""
    for cluster in templates.resources("AWS::RDS::DBCluster", region=region):
        if cluster.prop("GlobalClusterIdentifier"):
            return cluster
    return None


def _aurora_primary(templates: TemplateSet) -> Resource | None:
    primary = templates.settings.primary_region
    for cluster in templates.resources("AWS::RDS::DBCluster", region=primary):
        if str(cluster.prop("Engine", "")).startswith("aurora"):
            return cluster
    return None


def _cluster_members(templates: TemplateSet, cluster: Resource) -> list[Resource]:
    """DB instances whose DBClusterIdentifier refers to `cluster` (Ref or literal id)."""
    members = []
    for db in templates.resources("AWS::RDS::DBInstance", region=cluster.region):
        ref = db.prop("DBClusterIdentifier")
        if ref == {"Ref": cluster.logical_id} or (
            isinstance(ref, str) and ref == cluster.prop("DBClusterIdentifier")
        ):
            members.append(db)
    return members


def _alarm(
    templates: TemplateSet, region: str, namespace: str, metric_name: str
) -> Resource | None:
    for alarm in templates.resources("AWS::CloudWatch::Alarm", region=region):
        if alarm.prop("Namespace") == namespace and alarm.prop("MetricName") == metric_name:
            return alarm
    return None


def _replication_alarm(
    templates: TemplateSet, source_region: str, receiving_region: str
) -> Resource | None:
    """The sessions table's ReplicationLatency alarm for one receiving region."""
    for alarm in templates.resources("AWS::CloudWatch::Alarm", region=source_region):
        if alarm.prop("Namespace") != "AWS/DynamoDB":
            continue
        if alarm.prop("MetricName") != "ReplicationLatency":
            continue
        dimensions = {d.get("Name"): d.get("Value") for d in alarm.prop("Dimensions", []) or []}
        if dimensions.get("ReceivingRegion") == receiving_region:
            return alarm
    return None


def _is_recovery_control(check: Resource | None) -> bool:
    return check is not None and check.prop("HealthCheckConfig.Type") == "RECOVERY_CONTROL"


# Component builders --------------------------------------------------------------------


def detection(check: Resource, name: str = "detection") -> Component:
    """Route 53 marks an endpoint unhealthy after `threshold` consecutive failed checks.

    The failure lands uniformly within a check cycle: best (threshold-1) x interval,
    typical threshold x interval, worst adds checker-consensus delay.
    """
    interval = _int(check.prop("HealthCheckConfig.RequestInterval"), 30)
    threshold = _int(check.prop("HealthCheckConfig.FailureThreshold"), 3)
    consensus = assumptions.get("health-checker-consensus")
    phase_and_consensus = _assumed("health-checker-consensus")

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
            ttl = _int(record.prop("TTL"), ALIAS_TTL_SECONDS)
            source = record.source("TTL")
    overrun = assumptions.get("resolver-ttl-overrun")

    def sample(rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(0.0, ttl, n) + _assumed(overrun.key)(rng, n)

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
    interval = _int(group.prop("HealthCheckIntervalSeconds"), 30)
    threshold = _int(group.prop("ThresholdCount"), 3)

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


def _traffic_shift(
    templates: TemplateSet, record: Resource | None, after: list[str]
) -> list[Component]:
    """Accelerator (no DNS), ARC routing control flip then DNS, or plain DNS failover."""
    groups = templates.resources("AWS::GlobalAccelerator::EndpointGroup")
    if groups:
        standby_region = templates.settings.standby_regions[0]
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
    standby = templates.settings.standby_regions[0]
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
            _int(target_group.prop("HealthyThresholdCount"), 5)
            * _int(target_group.prop("HealthCheckIntervalSeconds"), 30)
        )
        sources.append(target_group.source("HealthyThresholdCount"))
        sources.append(target_group.source("HealthCheckIntervalSeconds"))
    lt_note = f"{to_launch} instance(s) launched in parallel"
    return Component(
        name,
        launch.best + boot.best + healthy,
        launch.typical + boot.typical + healthy,
        launch.worst + boot.worst + healthy,
        _sum(_assumed(launch.key), _assumed(boot.key), _triangular(healthy, healthy, healthy)),
        sources[0],
        sources,
        [launch.key, boot.key],
        after,
        critical,
        f"{lt_note}; {note}",
    )


def assumed(
    name: str, key: str, source: str, after: list[str], *, critical: bool = True, note: str = ""
) -> Component:
    a = assumptions.get(key)
    return Component(
        name,
        a.best,
        a.typical,
        a.worst,
        _assumed(key),
        source,
        [source],
        [key],
        after,
        critical,
        note or a.what,
    )


def target_detection(target_group: Resource) -> Component:
    """The ALB marks a target unhealthy after `UnhealthyThresholdCount` failed checks."""
    interval = _int(target_group.prop("HealthCheckIntervalSeconds"), 30)
    threshold = _int(target_group.prop("UnhealthyThresholdCount"), 2)
    timeout = _int(target_group.prop("HealthCheckTimeoutSeconds"), 5)

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


# Scenarios -----------------------------------------------------------------------------


DETECTOR_ROLE = "auto-failover-detector"
DETECTOR_ENV = "Environment.Variables"
# The detector is invoked once a minute (EventBridge rate(1 minute)) and probes until the
# invocation's 60 s timeout; a count of failed rounds that has not reached the threshold when
# an invocation ends starts again in the next one.
DETECTOR_INVOCATION_SECONDS = 60


def region_loss_detector(templates: TemplateSet, region: str) -> Resource | None:
    """The automatic-failover detector Lambda in `region`, if the config asked for one."""
    for function in templates.resources("AWS::Lambda::Function", region=region):
        if function.prop(f"{DETECTOR_ENV}.TRADEDR_ROLE") == DETECTOR_ROLE:
            return function
    return None


def automatic_detection(detector: Resource) -> Component:
    """The detector confirms region loss after `PROBE_FAILURES` consecutive failed rounds.

    A round starts every `PROBE_INTERVAL_SECONDS` and waits at most `PROBE_TIMEOUT_SECONDS`.
    The failure lands uniformly within a round; when fewer rounds are left in the current
    invocation than the threshold needs, counting restarts in the next invocation, after the
    scheduling gap (assumption `detector-invocation-gap`).
    """
    env = DETECTOR_ENV
    interval = _int(detector.prop(f"{env}.PROBE_INTERVAL_SECONDS"), 5)
    failures = _int(detector.prop(f"{env}.PROBE_FAILURES"), 3)
    timeout = _int(detector.prop(f"{env}.PROBE_TIMEOUT_SECONDS"), 2)
    gap = assumptions.get("detector-invocation-gap")
    gap_sampler = _assumed(gap.key)
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


def _automatic_db_failover(
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


def _region_loss(templates: TemplateSet, warnings: list[str]) -> Scenario:
    settings = templates.settings
    primary = settings.primary_region
    standby = settings.standby_regions[0]
    check = templates.health_check_for(primary)
    components: list[Component] = []
    groups = templates.resources("AWS::GlobalAccelerator::EndpointGroup")
    endpoint_group = next(
        (g for g in groups if g.prop("EndpointGroupRegion") == primary),
        groups[0] if groups else None,
    )
    if endpoint_group is not None:
        components.append(accelerator_detection(endpoint_group))
    elif _is_recovery_control(check):
        assert check is not None
        warnings.append(
            "routing.traffic=arc: no automated region-loss detector in the templates (the "
            "health checks follow routing controls); region loss waits for an operator decision"
        )
        components.append(
            assumed(
                "detection",
                "failover-decision",
                check.source("HealthCheckConfig.Type"),
                [],
                note="an operator (or automation outside these templates) decides and starts "
                "the failover plan",
            )
        )
    elif check is None:
        warnings.append("no Route 53 health check for the primary: detection is assumed manual")
        components.append(assumed("detection", "verification", "no health check in templates", []))
    else:
        components.append(detection(check))
    records = templates.resources("AWS::Route53::RecordSet")
    standby_record = next((r for r in records if r.prop("SetIdentifier") == standby), None)
    standby_asg = _asg(templates, standby)
    replica = _replica_db(templates, standby)
    secondary = _aurora_secondary(templates, standby)
    detector = region_loss_detector(templates, standby)
    # Health checks move traffic by themselves, but the failover plan (scale the standby,
    # promote its database) is started by a person unless the detector is deployed. ARC's
    # detection component already is that decision.
    plan_start = "detection"
    operator_decides = detector is None or secondary is None
    arc_decision = endpoint_group is None and _is_recovery_control(check)
    if operator_decides and not arc_decision:
        decided_on = secondary or replica
        if decided_on is None:
            decision_source = components[0].source
        elif decided_on is secondary:
            decision_source = decided_on.source("GlobalClusterIdentifier")
        else:
            decision_source = decided_on.source("SourceDBInstanceIdentifier")
        components.append(
            assumed(
                "failover-decision",
                "failover-decision",
                decision_source,
                ["detection"],
                note="no automatic failover ([failover] automatic = false): the on-call "
                "operator confirms the region loss and starts the failover plan",
            )
        )
        plan_start = "failover-decision"

    if standby_asg is None:
        # backup-restore: nothing runs in the standby; rebuild it from the vault copies.
        plan = templates.first("AWS::Backup::BackupPlan")
        plan_source = (
            plan.source("BackupPlan.BackupPlanRule.0.ScheduleExpression")
            if plan
            else f"no app stack in {standby}"
        )
        components.append(
            assumed(
                "app-stack-create",
                "app-stack-create",
                f"no app stack in {standby}",
                [plan_start],
                note="deploy the standby app stack from the same templates",
            )
        )
        components.append(
            assumed(
                "db-restore",
                "rds-snapshot-restore",
                plan_source,
                [plan_start],
                note="restore the orders DB from the latest copied snapshot",
            )
        )
        components.append(
            assumed(
                "dns-records",
                "app-reconnect",
                "global stack update adds the standby record",
                ["app-stack-create"],
                note="global stack update; changes reach Route 53 "
                "authoritative servers within 60 s",
            )
        )
        components.append(dns_shift(None, ["dns-records", "db-restore"]))
        components.append(assumed("verification", "verification", "runbook", ["traffic-shift"]))
        return Scenario("region-loss", f"{primary} lost; rebuild in {standby}", components)

    standby_desired = _int(standby_asg.prop("DesiredCapacity"))
    primary_asg = _asg(templates, primary)
    primary_desired = _int(primary_asg.prop("DesiredCapacity")) if primary_asg else 1
    standby_tg = templates.first("AWS::ElasticLoadBalancingV2::TargetGroup", region=standby)
    to_launch = max(primary_desired - standby_desired, 0)
    shift_after = ["detection"]
    if standby_desired == 0:
        components.append(
            capacity(
                "standby-capacity",
                standby_asg,
                standby_tg,
                max(to_launch, 1),
                [plan_start],
                critical=True,
                note="the standby serves nothing until an instance passes /health",
            )
        )
        standby_check = templates.health_check_for(standby)
        if standby_check is not None:
            components.append(standby_health(standby_check, ["standby-capacity"]))
            shift_after = ["standby-health-check-passes"]
        else:
            shift_after = ["standby-capacity"]
    elif to_launch > 0:
        components.append(
            capacity(
                "standby-scale-out",
                standby_asg,
                standby_tg,
                to_launch,
                [plan_start],
                critical=False,
                note=f"standby already serves with {standby_desired}",
            )
        )
    components.extend(_traffic_shift(templates, standby_record, shift_after))
    critical_tail = ["traffic-shift"]
    if secondary is not None and detector is not None:
        automatic = automatic_detection(detector)
        witness = next(
            (
                key
                for key, present in (
                    ("WITNESS_ACCELERATOR", endpoint_group is not None),
                    ("WITNESS_ROUTE53", check is not None and not _is_recovery_control(check)),
                )
                if present and detector.prop(f"{DETECTOR_ENV}.{key}")
            ),
            None,
        )
        if witness is not None:
            # Rounds count only once the routing's own checks see the primary unhealthy
            # (a healthy verdict vetoes them), so confirmation starts after their detection.
            automatic.after = ["detection"]
            automatic.sources.append(detector.source(f"{DETECTOR_ENV}.{witness}"))
            automatic.note += "; counted once the routing's checks also see the primary unhealthy"
            components.insert(1, automatic)
        else:
            components.insert(0, automatic)
        components.extend(
            _automatic_db_failover(detector, secondary, after_detection=automatic.name)
        )
        critical_tail.append("app-reconnect")
        components.append(
            assumed(
                "verification",
                "verification",
                "runbook",
                critical_tail,
                critical=False,
                note="operator smoke test after the automatic failover; the service already "
                "serves, so it is not on the recovery path",
            )
        )
        return Scenario(
            "region-loss",
            f"{primary} lost; the detector in {standby} fails over automatically",
            components,
        )
    if secondary is not None:
        components.append(
            assumed(
                "db-promotion",
                "aurora-global-failover",
                secondary.source("GlobalClusterIdentifier"),
                [plan_start],
                note="fail over the Aurora global database to the standby's secondary cluster "
                "(AllowDataLoss: the primary is unreachable)",
            )
        )
        components.append(
            assumed(
                "app-reconnect",
                "app-reconnect",
                secondary.source("DBClusterIdentifier"),
                ["db-promotion"],
            )
        )
        critical_tail.append("app-reconnect")
    elif replica is not None:
        components.append(
            assumed(
                "db-promotion",
                "rds-replica-promotion",
                replica.source("SourceDBInstanceIdentifier"),
                [plan_start],
                note="promote the cross-region read replica to a standalone writer",
            )
        )
        components.append(
            assumed(
                "app-reconnect",
                "app-reconnect",
                replica.source("DBInstanceIdentifier"),
                ["db-promotion"],
            )
        )
        critical_tail.append("app-reconnect")
    else:
        warnings.append(f"no orders DB replica in {standby}: region loss has no DB to promote")
    components.append(assumed("verification", "verification", "runbook", critical_tail))
    return Scenario("region-loss", f"{primary} lost; fail over to {standby}", components)


def _az_loss(templates: TemplateSet) -> Scenario:
    primary = templates.settings.primary_region
    tg = templates.first("AWS::ElasticLoadBalancingV2::TargetGroup", region=primary)
    asg = _asg(templates, primary)
    db = _primary_db(templates)
    components: list[Component] = []
    if tg is not None:
        components.append(target_detection(tg))
    else:
        components.append(assumed("detection", "verification", "no target group", []))
    alb = templates.first("AWS::ElasticLoadBalancingV2::LoadBalancer", region=primary)
    alb_source = alb.source("Type", alb.prop("Type", "application")) if alb else "no ALB"
    overrun = assumptions.get("resolver-ttl-overrun")
    components.append(
        Component(
            "alb-node-dns",
            0.0,
            60.0,
            60.0 + overrun.worst,
            _sum(_triangular(0, 60, 60), _assumed(overrun.key)),
            alb_source,
            assumptions=[overrun.key],
            after=["detection"],
            note="clients drop the lost AZ's ALB node as its 60 s DNS answer expires",
        )
    )
    desired = _int(asg.prop("DesiredCapacity")) if asg else 0
    if asg is not None:
        components.append(
            capacity(
                "replace-capacity",
                asg,
                tg,
                max(desired // 2, 1),
                ["detection"],
                critical=desired < 2,
                note="instances in the surviving AZ serve meanwhile"
                if desired >= 2
                else "a single instance: nothing serves until it is replaced",
            )
        )
    tail = ["alb-node-dns"] + (["replace-capacity"] if asg is not None and desired < 2 else [])
    tail += _db_failover(templates, db, components)
    components.append(assumed("verification", "verification", "runbook", tail))
    return Scenario(
        "az-loss", f"one AZ of {primary} lost (worst case: the DB writer's)", components
    )


def _db_failover(
    templates: TemplateSet, db: Resource | None, components: list[Component]
) -> list[str]:
    if db is None:
        return []
    cluster = _aurora_primary(templates)
    readers = [
        m
        for m in (_cluster_members(templates, cluster) if cluster is not None else [])
        if m.logical_id != db.logical_id
    ]
    if cluster is not None and readers:
        components.append(
            assumed(
                "db-failover",
                "aurora-cluster-failover",
                readers[0].source("PromotionTier"),
                [],
                note=f"Aurora promotes one of {len(readers)} reader(s) in another AZ itself",
            )
        )
        components.append(
            assumed(
                "app-reconnect",
                "app-reconnect",
                cluster.source("DBClusterIdentifier"),
                ["db-failover"],
                note="the cluster endpoint moves to the new writer",
            )
        )
        return ["app-reconnect"]
    if bool(db.prop("MultiAZ")) and cluster is None:
        components.append(
            assumed(
                "db-failover",
                "rds-multi-az-failover",
                db.source("MultiAZ"),
                [],
                note="RDS detects and fails over to the synchronous standby itself",
            )
        )
    else:
        components.append(
            assumed(
                "db-failover",
                "rds-point-in-time-restore",
                db.source("MultiAZ", False),
                [],
                note="no Multi-AZ standby: restore to a point in time",
            )
        )
    components.append(
        assumed(
            "app-reconnect", "app-reconnect", db.source("DBInstanceIdentifier"), ["db-failover"]
        )
    )
    return ["app-reconnect"]


def _db_instance_failure(templates: TemplateSet) -> Scenario:
    db = _primary_db(templates)
    components: list[Component] = []
    _db_failover(templates, db, components)
    if not components:
        components.append(assumed("db-failover", "rds-point-in-time-restore", "no DB found", []))
    return Scenario("db-instance-failure", "the primary orders DB instance fails", components)


def _app_instance_failure(templates: TemplateSet) -> Scenario:
    primary = templates.settings.primary_region
    tg = templates.first("AWS::ElasticLoadBalancingV2::TargetGroup", region=primary)
    asg = _asg(templates, primary)
    components: list[Component] = []
    if tg is not None:
        components.append(target_detection(tg))
    else:
        components.append(assumed("detection", "verification", "no target group", []))
    if asg is not None:
        desired = _int(asg.prop("DesiredCapacity"))
        components.append(
            capacity(
                "replace-instance",
                asg,
                tg,
                1,
                ["detection"],
                critical=desired < 2,
                note="the ALB routes around it at once"
                if desired >= 2
                else "the only instance: nothing serves until it is replaced",
            )
        )
    return Scenario("app-instance-failure", "one app instance fails its deep /health", components)


# RPO -----------------------------------------------------------------------------------

_CRON = re.compile(r"cron\(\s*(\S+)\s+(\S+)")


def backup_interval_seconds(schedule: str) -> int:
    """Hourly when the cron hour field is '*' (or a step), else daily."""
    match = _CRON.match(schedule or "")
    if not match:
        return 24 * 3600
    hour = match.group(2)
    if hour == "*":
        return 3600
    if hour.startswith("*/") or "/" in hour:
        return 3600 * _int(hour.split("/")[-1], 1)
    if "," in hour:
        return 24 * 3600 // len(hour.split(","))
    return 24 * 3600


def _rpo(templates: TemplateSet, warnings: list[str]) -> list[RpoEntry]:
    settings = templates.settings
    targets = settings.targets
    primary = settings.primary_region
    entries: list[RpoEntry] = []
    plan = templates.first("AWS::Backup::BackupPlan", region=primary)
    backup_rpo: int | None = None
    backup_source = "no backup plan"
    if plan is not None:
        schedule = str(plan.prop("BackupPlan.BackupPlanRule.0.ScheduleExpression", ""))
        backup_rpo = backup_interval_seconds(schedule)
        backup_source = plan.source("BackupPlan.BackupPlanRule.0.ScheduleExpression")

    for standby in settings.standby_regions:
        replica = _replica_db(templates, standby)
        alarm = templates.alarm(standby, "ReplicaLag")
        secondary = _aurora_secondary(templates, standby)
        if secondary is not None:
            entries.append(_aurora_rpo(templates, secondary, standby, warnings))
        elif replica is not None and alarm is not None:
            entries.append(
                RpoEntry(
                    f"orders-db ({standby} replica)",
                    float(alarm.prop("Threshold")),
                    "cross-region read replica; failover requires the replica-lag alarm "
                    "OK, so the lag it loses is at most the alarm threshold",
                    alarm.source("Threshold"),
                    targets.rpo_seconds,
                    "rpo_seconds",
                )
            )
        elif replica is not None:
            warnings.append(f"no ReplicaLag alarm in {standby}: replica lag is unbounded")
            entries.append(
                RpoEntry(
                    f"orders-db ({standby} replica)",
                    None,
                    "cross-region read replica without a replica-lag alarm: unbounded",
                    replica.source("SourceDBInstanceIdentifier"),
                    targets.rpo_seconds,
                    "rpo_seconds",
                )
            )
        else:
            entries.append(
                RpoEntry(
                    f"orders-db ({standby} from backups)",
                    backup_rpo,
                    "no replica: restore from the latest copied snapshot",
                    backup_source,
                    targets.rpo_seconds,
                    "rpo_seconds",
                )
            )

    table = templates.first("AWS::DynamoDB::GlobalTable", region=primary)
    if table is not None:
        entries.append(_sessions_rpo(templates, table, backup_rpo, backup_source, warnings))

    for bucket in templates.resources("AWS::S3::Bucket", region=primary):
        if bucket.holds_logs:
            continue
        rules = bucket.prop("ReplicationConfiguration.Rules") or []
        if not rules:
            entries.append(
                RpoEntry(
                    "objects (S3)",
                    None,
                    "not replicated and not in the backup plan: lost with the region",
                    bucket.source("ReplicationConfiguration", "none"),
                    targets.objects_rpo_seconds,
                    "objects_rpo_seconds",
                )
            )
            continue
        minutes = bucket.prop(
            "ReplicationConfiguration.Rules.0.Destination.ReplicationTime.Time.Minutes"
        )
        if minutes:
            entries.append(
                RpoEntry(
                    "objects (S3 replication with RTC)",
                    float(_int(minutes) * 60),
                    assumptions.get("s3-rtc").what,
                    bucket.source(
                        "ReplicationConfiguration.Rules.0.Destination.ReplicationTime.Time.Minutes"
                    ),
                    targets.objects_rpo_seconds,
                    "objects_rpo_seconds",
                )
            )
        else:
            entries.append(
                RpoEntry(
                    "objects (S3 replication, no RTC)",
                    assumptions.get("s3-crr-no-rtc").worst,
                    assumptions.get("s3-crr-no-rtc").what,
                    bucket.source("ReplicationConfiguration.Rules.0.Status"),
                    targets.objects_rpo_seconds,
                    "objects_rpo_seconds",
                )
            )

    if plan is not None:
        copies = plan.prop("BackupPlan.BackupPlanRule.0.CopyActions") or []
        entries.append(
            RpoEntry(
                "backups (AWS Backup vault copies)",
                backup_rpo if copies else None,
                f"{len(copies)} cross-region copy action(s); a copy every "
                f"{(backup_rpo or 0) // 3600} h"
                if copies
                else "no cross-region copy: backups are lost with the region",
                backup_source,
                targets.backup_rpo_seconds,
                "backup_rpo_seconds",
            )
        )
    return entries


def _aurora_rpo(
    templates: TemplateSet, secondary: Resource, standby: str, warnings: list[str]
) -> RpoEntry:
    """Storage-level replication is typically sub-second, but only the lag alarm bounds it."""
    target = templates.settings.targets.rpo_seconds
    store = f"orders-db ({standby} Aurora global secondary)"
    typical = assumptions.get("aurora-global-replication")
    alarm = _alarm(templates, standby, "AWS/RDS", "AuroraGlobalDBReplicationLag")
    if alarm is None:
        warnings.append(
            f"no AuroraGlobalDBReplicationLag alarm in {standby}: the global database's lag is "
            "typically under a second but unbounded"
        )
        return RpoEntry(
            store,
            None,
            f"Aurora global database with no lag alarm: {typical.what}",
            secondary.source("GlobalClusterIdentifier"),
            target,
            "rpo_seconds",
        )
    statistic = str(alarm.prop("Statistic", "") or alarm.prop("ExtendedStatistic", ""))
    threshold_ms = float(alarm.prop("Threshold", 0) or 0)
    basis = (
        "Aurora global database (storage-level replication, typically under a second); "
        f"failover requires the lag alarm OK, so the loss is at most its threshold "
        f"({threshold_ms:g} ms, {statistic} per {alarm.prop('Period')} s)"
    )
    if statistic != "Maximum":
        warnings.append(
            f"{alarm.logical_id} uses {statistic or 'no'} statistic: lag spikes inside a period "
            "can exceed its threshold unseen"
        )
        return RpoEntry(store, None, basis, alarm.source("Statistic"), target, "rpo_seconds")
    return RpoEntry(
        store, threshold_ms / 1000.0, basis, alarm.source("Threshold"), target, "rpo_seconds"
    )


def _sessions_rpo(
    templates: TemplateSet,
    table: Resource,
    backup_rpo: int | None,
    backup_source: str,
    warnings: list[str],
) -> RpoEntry:
    """Global tables replicate 'usually within one second' with no bound; an alarm on the
    Maximum ReplicationLatency per receiving region bounds what a failover can lose."""
    target = templates.settings.targets.rpo_seconds
    replicas = [str(r.get("Region")) for r in table.prop("Replicas", [])]
    ddb = assumptions.get("dynamodb-replication")
    if len(replicas) < 2:
        return RpoEntry(
            "sessions (DynamoDB table)",
            backup_rpo,
            "single-region table: restore from the vault copy",
            backup_source,
            target,
            "rpo_seconds",
        )
    store = "sessions (DynamoDB global table)"
    # DynamoDB emits ReplicationLatency in the writing region, one series per receiving
    # region: the alarms that bound the lag live in the primary.
    alarms = [
        _replication_alarm(templates, templates.settings.primary_region, region)
        for region in templates.settings.standby_regions
    ]
    bounding = [a for a in alarms if a is not None and a.prop("Statistic") == "Maximum"]
    if alarms and len(bounding) == len(alarms):
        worst = max(bounding, key=lambda a: float(a.prop("Threshold", 0) or 0))
        threshold_ms = float(worst.prop("Threshold", 0) or 0)
        return RpoEntry(
            store,
            threshold_ms / 1000.0,
            f"global table replicas in {', '.join(replicas)}; failover requires the "
            f"ReplicationLatency alarm (Maximum) OK, so the loss is at most {threshold_ms:g} ms",
            worst.source("Threshold"),
            target,
            "rpo_seconds",
        )
    weak = next((a for a in alarms if a is not None), None)
    if weak is not None:
        warnings.append(
            f"{weak.logical_id} watches the {weak.prop('Statistic')} ReplicationLatency: it does "
            f"not bound the sessions' lag, so their RPO is the planning figure {ddb.worst:g} s"
        )
    return RpoEntry(
        store,
        ddb.worst,
        f"global table replicas in {', '.join(replicas)}: {ddb.what}",
        weak.source("Statistic") if weak is not None else table.source("Replicas", replicas),
        target,
        "rpo_seconds",
    )


def analyse_rto(
    templates: TemplateSet,
    *,
    samples: int | None = None,
    seed: int | None = None,
    overrides: dict[str, tuple[float, float, float]] | None = None,
) -> RtoReport:
    """RTO per scenario and RPO per store for the templates of one config.

    `overrides` replaces named assumptions with figures the user measured (for instance
    Aurora global failover times from drills on real AWS); the report lists them.
    """
    with assumptions.overridden(overrides or {}) as replaced:
        warnings: list[str] = []
        scenarios = [
            _region_loss(templates, warnings),
            _az_loss(templates),
            _db_instance_failure(templates),
            _app_instance_failure(templates),
        ]
        rng = np.random.default_rng(assumptions.MONTE_CARLO_SEED if seed is None else seed)
        for scenario in scenarios:
            scenario.evaluate(rng, samples or assumptions.MONTE_CARLO_SAMPLES)
        rpo = _rpo(templates, warnings)
    for key in replaced:
        warnings.append(f"assumption {key} replaced by measured figures {replaced[key].range}")
    return RtoReport(templates.settings, scenarios, rpo, warnings, dict(replaced))
