"""Every number the RTO/RPO model assumes rather than reads from a template, with its source.

Values are seconds as (best, typical, worst). The Monte Carlo draws each from a triangular
distribution over that range (mode = typical), so one table drives both the deterministic
figures and p50/p99. Change a value here and `docs/rto-rpo.md` in the same commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

from tradedr.errors import ConfigError


@dataclass(frozen=True)
class Assumption:
    key: str
    best: float
    typical: float
    worst: float
    what: str
    source: str

    @property
    def range(self) -> tuple[float, float, float]:
        return (self.best, self.typical, self.worst)

    def label(self) -> str:
        return f"assumption:{self.key}"


R53_HEALTH = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html"
R53_ALIAS = "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-choosing-alias-non-alias.html"
RDS_MULTI_AZ = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html"
)
RDS_PROMOTE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html"
RDS_RESTORE = "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_RestoreFromSnapshot.html"
EC2_LAUNCH = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-default-instance-warmup.html"
ELB_TG_HEALTH = "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html"
DDB_GLOBAL = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html"
S3_RTC = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html"
GA_HEALTH = "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoint-groups-health-check-options.html"
ARC_ROUTING = "https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.html"
ARC_API = "https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.update.api.html"
ARC_HEALTH = (
    "https://docs.aws.amazon.com/r53recovery/latest/dg/routing-control.create-health-check.html"
)
GA_FAILOVER = "https://docs.aws.amazon.com/global-accelerator/latest/dg/about-endpoints-endpoint-weights.unhealthy-endpoints.html"
AURORA_GLOBAL = (
    "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html"
)
AURORA_HA = "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.AuroraHighAvailability.html"
ESTIMATE = "tradedr estimate (no public AWS figure)"
DDB_MRSC = (
    "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/"
    "V2globaltables_HowItWorks.html#V2globaltables_HowItWorks.consistency-modes-mrsc"
)
EVENTBRIDGE_SCHEDULE = (
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html"
)
CFN_APP = (
    "tradedr measurement: the app stack (ALB, ASG, alarms) creates in 4-8 min on CloudFormation"
)
REFERENCE = (
    "reference design estimate: DNS 60-300 s, standby warm-up 0-300 s (docs/architecture.md)"
)

ASSUMPTIONS: dict[str, Assumption] = {
    a.key: a
    for a in [
        Assumption(
            "health-checker-consensus",
            0,
            0,
            10,
            "Extra delay while Route 53 aggregates uncoordinated checkers (unhealthy when fewer "
            "than 18% report healthy); HTTP checks time out after 4 s connect + 2 s response.",
            R53_HEALTH,
        ),
        Assumption(
            "resolver-ttl-overrun",
            0,
            0,
            240,
            "Resolvers and clients that keep an answer past its TTL; the reference design "
            "allows DNS 60-300 s in total.",
            REFERENCE,
        ),
        Assumption(
            "accelerator-shift",
            0,
            30,
            60,
            "Global Accelerator moves traffic to a healthy endpoint group without DNS "
            "(static anycast IPs; the traffic dial is ignored for failover); AWS cites about "
            "30 s for traffic to move after a health change.",
            GA_FAILOVER,
        ),
        Assumption(
            "mrsc-acknowledged-write",
            0,
            0,
            0,
            "DynamoDB multi-Region strong consistency acknowledges a write only once it is "
            "durable in at least one other Region, and a strongly consistent read in any "
            "replica returns it: losing one Region loses no acknowledged write (RPO 0).",
            DDB_MRSC,
        ),
        Assumption(
            "failover-decision",
            60,
            180,
            900,
            "No automated region-loss detector in the templates (routing-control health checks "
            "follow the control; nothing probes /health): the on-call operator is paged, "
            "confirms the region is lost and starts the failover plan.",
            ESTIMATE
            + "; ARC leaves the decision to an operator or your automation: "
            + ARC_ROUTING,
        ),
        Assumption(
            "detector-invocation-gap",
            0,
            1,
            10,
            "Between two scheduled invocations of the region-loss detector: EventBridge "
            "schedules have one-minute granularity and may start a few seconds late; a cold "
            "start in a VPC adds about a second.",
            ESTIMATE + "; mechanism: " + EVENTBRIDGE_SCHEDULE,
        ),
        Assumption(
            "data-loss-guard",
            0.2,
            1,
            5,
            "The detector's GetMetricData call for the secondary's replication lag before it "
            "promotes (one regional API call in the standby Region).",
            ESTIMATE,
        ),
        Assumption(
            "routing-control-update",
            1,
            3,
            20,
            "UpdateRoutingControlStates through one of the cluster's five regional data-plane "
            "endpoints, trying the next endpoint when one fails.",
            ARC_API,
        ),
        Assumption(
            "routing-control-propagation",
            1,
            5,
            30,
            "The RECOVERY_CONTROL health check follows the new routing-control state and Route 53 "
            "answers with the other failover record; AWS publishes no propagation figure.",
            ESTIMATE + "; mechanism: " + ARC_HEALTH,
        ),
        Assumption(
            "aurora-global-failover",
            20,
            55,
            120,
            "Aurora global database failover (FailoverGlobalCluster with AllowDataLoss): AWS says "
            "a secondary Region can take full read/write workloads 'in under a minute'; no "
            "distribution is published, so tradedr allows 120 s under load.",
            AURORA_GLOBAL,
        ),
        Assumption(
            "aurora-cluster-failover",
            15,
            30,
            60,
            "Aurora promotes a reader in another AZ of the same cluster (shared storage, no log "
            "replay), faster than an RDS Multi-AZ instance failover.",
            ESTIMATE + "; mechanism: " + AURORA_HA,
        ),
        Assumption(
            "aurora-global-replication",
            0.1,
            0.5,
            1,
            "Aurora global database storage-level replication: 'typical latency of less than "
            "one second'. A typical figure, not a bound: the lag alarm is the bound.",
            AURORA_GLOBAL,
        ),
        Assumption(
            "ec2-launch",
            10,
            30,
            90,
            "RunInstances to running: Auto Scaling scale-out request, capacity placement.",
            EC2_LAUNCH,
        ),
        Assumption(
            "ec2-boot",
            30,
            60,
            150,
            "Amazon Linux 2023 boot and user data until /health answers.",
            EC2_LAUNCH,
        ),
        Assumption(
            "rds-multi-az-failover",
            60,
            90,
            120,
            "RDS Multi-AZ instance failover: 'typically complete within 60-120 seconds'.",
            RDS_MULTI_AZ,
        ),
        Assumption(
            "rds-replica-promotion",
            60,
            180,
            420,
            "Promoting a cross-region RDS MySQL read replica ('takes a few minutes'), including "
            "the reboot; longer when replication has a backlog to apply.",
            RDS_PROMOTE,
        ),
        Assumption(
            "rds-snapshot-restore",
            600,
            1200,
            3600,
            "Restoring an RDS instance from a copied snapshot (grows with size).",
            RDS_RESTORE,
        ),
        Assumption(
            "rds-point-in-time-restore",
            900,
            1800,
            5400,
            "Point-in-time restore of a Single-AZ instance after its host is lost.",
            RDS_RESTORE,
        ),
        Assumption(
            "app-stack-create",
            240,
            360,
            900,
            "Creating the app stack in a standby that had none (backup-restore posture).",
            CFN_APP,
        ),
        Assumption(
            "app-reconnect",
            1,
            10,
            30,
            "Application connection pools noticing the new DB endpoint and reconnecting.",
            RDS_MULTI_AZ,
        ),
        Assumption(
            "verification",
            10,
            30,
            60,
            "Post-failover smoke test through the public name: /health, one order write.",
            "tradedr failover runbook: verification step",
        ),
        Assumption(
            "dynamodb-replication",
            0.5,
            1,
            5,
            "DynamoDB global tables (MREC) replicate 'usually within one second'; AWS gives no "
            "bound, so tradedr plans for 5 s unless an alarm on the Maximum latency bounds it.",
            DDB_GLOBAL,
        ),
        Assumption(
            "s3-rtc",
            1,
            15,
            900,
            "S3 Replication Time Control: 99.99% of objects within 15 minutes (SLA).",
            S3_RTC,
        ),
        Assumption(
            "s3-crr-no-rtc",
            1,
            900,
            86400,
            "S3 replication without RTC has no time bound; most objects replicate in minutes, "
            "some take hours. tradedr plans for a day.",
            S3_RTC,
        ),
    ]
}

# Monte Carlo: fixed seed so two runs of the same templates print the same p50/p99.
MONTE_CARLO_SAMPLES = 20_000
MONTE_CARLO_SEED = 20261128


MEASURED = "measured by the user (tradedr rto --assume or --measured)"
_overrides: ContextVar[dict[str, Assumption] | None] = ContextVar(
    "assumption_overrides", default=None
)


def get(key: str) -> Assumption:
    return (_overrides.get() or {}).get(key) or ASSUMPTIONS[key]


def parse_override(text: str) -> tuple[str, tuple[float, float, float]]:
    """`KEY=BEST,TYPICAL,WORST` (seconds) from the command line."""
    key, sep, values = text.partition("=")
    key = key.strip()
    if not sep or key not in ASSUMPTIONS:
        known = ", ".join(sorted(ASSUMPTIONS))
        raise ConfigError(
            f"--assume {text!r}: expected KEY=BEST,TYPICAL,WORST with KEY one of: {known}"
        )
    try:
        best, typical, worst = (float(v) for v in values.split(","))
    except ValueError:
        raise ConfigError(
            f"--assume {text!r}: expected three numbers of seconds, e.g. {key}=10,30,45"
        ) from None
    if not 0 <= best <= typical <= worst:
        raise ConfigError(f"--assume {text!r}: need 0 <= best <= typical <= worst")
    return key, (best, typical, worst)


@contextmanager
def overridden(values: dict[str, tuple[float, float, float]]) -> Iterator[dict[str, Assumption]]:
    """Replace assumptions with the user's measured figures (e.g. from drills on real AWS)
    for the duration of one analysis; each keeps its description, the source says who."""
    replaced = {
        key: replace(ASSUMPTIONS[key], best=best, typical=typical, worst=worst, source=MEASURED)
        for key, (best, typical, worst) in values.items()
    }
    token = _overrides.set(replaced)
    try:
        yield replaced
    finally:
        _overrides.reset(token)
