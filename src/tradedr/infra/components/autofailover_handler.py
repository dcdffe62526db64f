"""Region-loss detector: fails the Aurora global database over to this region's secondary
cluster when the primary region is confirmed lost, within the accepted data loss.

Deployed inline (the template's Code.ZipFile, as index.py), so it imports only the
standard library and boto3. EventBridge starts it every minute; each invocation probes in
rounds until too little time is left for one more.

Rounds start every `PROBE_INTERVAL_SECONDS` (a round that overruns its slot is followed at
once by the next). A round fails only when BOTH signals say the primary is gone: its health
URL does not answer 2xx, and the primary writer cannot be confirmed available through the
primary region's RDS API. Both probes run at once and a round lasts at most
`PROBE_TIMEOUT_SECONDS`, which the config keeps within the interval. An unhealthy app in
front of an available writer is an application problem, not region loss: that raises an
alert and never a database failover.

A third, independent view takes part when the routing has one: Global Accelerator's own
health checks from AWS's edge (`WITNESS_ACCELERATOR`, read through its API in us-west-2),
or Route 53's health checkers (`WITNESS_ROUTE53`, the primary's HTTP(S) health check, read
through the Route 53 API in us-east-1). While that view still sees the primary healthy, the
round does not count (a partition between the two regions, not a lost region) and one alert
says so. When its API cannot be read (it may live in the lost region), the two other signals
decide.

After `PROBE_FAILURES` consecutive failed rounds the data-loss guard reads the secondary's
`AuroraGlobalDBReplicationLag` (milliseconds; Aurora MySQL publishes it on the secondary
cluster) over the last five minutes. No datapoint, or a maximum above
`MAX_DATA_LOSS_SECONDS`, refuses and asks an operator; otherwise FailoverGlobalCluster with
AllowDataLoss. Once this region's cluster is the writer the detector idles (until failback
makes it a secondary again).

The count of consecutive failed rounds lives in one invocation: the next invocation starts
from zero. The config keeps `PROBE_FAILURES` rounds within one invocation, and the RTO model
(`tradedr rto`) charges the restart when a loss begins too late in a minute.
"""

from __future__ import annotations

import json
import logging
import os
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

LAG_METRIC = "AuroraGlobalDBReplicationLag"
LAG_WINDOW = timedelta(minutes=5)
# Kept free at the end of an invocation for the guard, the failover call and the alerts.
DECISION_RESERVE_SECONDS = 5
CLI_OVERRIDE = "tradedr failover --to {region} --allow-data-loss"
IN_PROGRESS = {"pending", "failing-over", "switching-over", "cancelling"}
GA_API_REGION = "us-west-2"  # the Global Accelerator API has one endpoint
ROUTE53_API_REGION = "us-east-1"  # and so has Route 53's
# Route 53 counts an endpoint healthy when more than 18% of its checkers say so.
ROUTE53_HEALTHY_SHARE = 0.18

HttpProbe = Callable[[str, float], tuple[bool, str]]


@dataclass(frozen=True)
class DetectorConfig:
    """The function's environment (the contract the template and the RTO model share)."""

    region: str
    primary_region: str
    primary_health_url: str
    primary_cluster_id: str
    global_cluster_id: str
    target_cluster_id: str
    probe_interval_seconds: int
    probe_failures: int
    probe_timeout_seconds: int
    max_data_loss_seconds: int
    alarm_topic_arn: str
    witness_accelerator: str | None = None
    witness_route53: bool = False

    @classmethod
    def from_environment(cls, env: dict[str, str]) -> DetectorConfig:
        return cls(
            region=env["AWS_REGION"],
            primary_region=env["PRIMARY_REGION"],
            primary_health_url=env["PRIMARY_HEALTH_URL"],
            primary_cluster_id=env["PRIMARY_CLUSTER_ID"],
            global_cluster_id=env["GLOBAL_CLUSTER_ID"],
            target_cluster_id=env["TARGET_CLUSTER_ID"],
            probe_interval_seconds=int(env["PROBE_INTERVAL_SECONDS"]),
            probe_failures=int(env["PROBE_FAILURES"]),
            probe_timeout_seconds=int(env["PROBE_TIMEOUT_SECONDS"]),
            max_data_loss_seconds=int(env["MAX_DATA_LOSS_SECONDS"]),
            alarm_topic_arn=env["ALARM_TOPIC_ARN"],
            witness_accelerator=env.get("WITNESS_ACCELERATOR") or None,
            witness_route53=env.get("WITNESS_ROUTE53") == "true",
        )

    @property
    def round_budget_seconds(self) -> int:
        """Longest one more round can take (both probes run at once, bounded by the probe
        timeout), and the decision after it: the guard and the failover call."""
        return self.probe_timeout_seconds + DECISION_RESERVE_SECONDS


@dataclass
class Clients:
    rds: Any  # this (standby) region
    primary_rds: Any  # the primary region, short timeouts
    cloudwatch: Any
    sns: Any
    accelerator: Any = None  # Global Accelerator API (us-west-2), when it is the witness
    route53: Any = None  # Route 53 API (us-east-1), when its health checkers are the witness


@dataclass
class Invocation:
    config: DetectorConfig
    clients: Clients
    http_probe: HttpProbe
    sleep: Callable[[float], None]
    rounds: list[dict[str, Any]] = field(default_factory=list)
    alerted_app_unhealthy: bool = False
    alerted_partition: bool = False
    # What the witness watches, once resolved: the primary's accelerator endpoint group ARN
    # or its Route 53 health check id.
    witness_target: str | None = None


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    config = DetectorConfig.from_environment(dict(os.environ))
    fast = Config(
        connect_timeout=config.probe_timeout_seconds,
        read_timeout=config.probe_timeout_seconds,
        retries={"max_attempts": 1, "mode": "standard"},
    )
    clients = Clients(
        rds=boto3.client("rds"),
        primary_rds=boto3.client("rds", region_name=config.primary_region, config=fast),
        cloudwatch=boto3.client("cloudwatch"),
        sns=boto3.client("sns"),
        accelerator=boto3.client("globalaccelerator", region_name=GA_API_REGION, config=fast)
        if config.witness_accelerator
        else None,
        route53=boto3.client("route53", region_name=ROUTE53_API_REGION, config=fast)
        if config.witness_route53
        else None,
    )
    summary = detect(config, clients, remaining_ms=context.get_remaining_time_in_millis)
    LOG.info("detector: %s", json.dumps(summary, default=str))
    return summary


def liveness_tls_context() -> ssl.SSLContext:
    """TLS without certificate or hostname verification, for the liveness probe only.

    The probe addresses the primary ALB by its own DNS name, which is not on the certificate
    (that names the public record), so a verifying client would fail on every healthy
    primary. The probe asks only "does the primary answer 2xx?", carries no credentials and
    trusts no data it reads; a spoofed answer would at worst delay a failover, and the RDS
    check must fail too before one happens. Every other call (boto3) keeps full verification.
    """
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def http_get(url: str, timeout: float) -> tuple[bool, str]:
    """GET the health URL: (2xx?, what happened). Never raises."""
    # Plain http keeps the default opener; only an https health URL gets the context above.
    context = liveness_tls_context() if url.startswith("https://") else None
    try:
        with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
            status = int(response.status)
            return 200 <= status < 300, f"HTTP {status}"
    except urllib.error.HTTPError as error:
        return False, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return False, f"{type(error).__name__}: {error}"


def detect(
    config: DetectorConfig,
    clients: Clients,
    *,
    remaining_ms: Callable[[], int],
    http_probe: HttpProbe = http_get,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """One invocation: probe rounds until the region is lost or time runs out."""
    run = Invocation(config, clients, http_probe, sleep)
    idle = _idle_reason(run)
    if idle:
        return _summary(run, "none", idle)
    run.witness_target = _witness_target(run)
    started = clock()
    consecutive = 0
    while True:
        outcome = _probe_round(run)
        run.rounds.append(outcome)
        consecutive = consecutive + 1 if outcome["region_lost"] else 0
        if consecutive >= config.probe_failures:
            return _decide(run)
        next_start = started + len(run.rounds) * config.probe_interval_seconds
        wait = max(0.0, next_start - clock())
        if remaining_ms() - wait * 1000 < config.round_budget_seconds * 1000:
            reason = (
                f"{consecutive} consecutive failed round(s) when the invocation ended"
                if consecutive
                else "primary region reachable"
            )
            return _summary(run, "none", reason, consecutive_failures=consecutive)
        sleep(wait)


def _idle_reason(run: Invocation) -> str | None:
    """Why the detector must not arm: its cluster already writes, or a failover runs."""
    config = run.config
    found = run.clients.rds.describe_global_clusters(
        GlobalClusterIdentifier=config.global_cluster_id
    )["GlobalClusters"]
    if not found:
        raise RuntimeError(f"global cluster {config.global_cluster_id} not found")
    cluster = found[0]
    writers = [
        str(member.get("DBClusterArn", ""))
        for member in cluster.get("GlobalClusterMembers", [])
        if member.get("IsWriter")
    ]
    if any(arn.endswith(f":cluster:{config.target_cluster_id}") for arn in writers):
        return "already primary"
    status = str((cluster.get("FailoverState") or {}).get("Status", "")).lower()
    if status in IN_PROGRESS:
        return f"global cluster failover state is {status}"
    # Someone already moved the writer to another region (e.g. a third one): the primary
    # this detector guards is not the writer, so its loss is not a reason to fail over.
    if writers and not any(
        arn.endswith(f":cluster:{config.primary_cluster_id}") for arn in writers
    ):
        return f"the writer is {writers[0]}, not the primary {config.primary_cluster_id}"
    return None


def _probe_round(run: Invocation) -> dict[str, Any]:
    """Both probes at once, so a round lasts at most PROBE_TIMEOUT_SECONDS (at most the
    interval): the writer check runs in a thread, and a writer that has not answered by the
    time the health probe is done and the timeout is up counts as unconfirmed."""
    config = run.config
    timeout = config.probe_timeout_seconds
    writer_answer: list[tuple[bool, str]] = []
    witness_answer: list[str] = []
    checks = [
        threading.Thread(target=lambda: writer_answer.append(_primary_writer(run)), daemon=True),
        threading.Thread(target=lambda: witness_answer.append(_witness(run)), daemon=True),
    ]
    started = time.monotonic()
    for check in checks:
        check.start()
    healthy, health = run.http_probe(config.primary_health_url, timeout)
    for check in checks:
        check.join(max(0.0, started + timeout - time.monotonic()))
    writer_ok, writer = (
        writer_answer[0] if writer_answer else (False, f"no answer within {timeout} s")
    )
    witness = witness_answer[0] if witness_answer else "unknown"
    vetoed = not healthy and not writer_ok and witness == "healthy"
    outcome: dict[str, Any] = {
        "health_ok": healthy,
        "health": health,
        "writer_available": writer_ok,
        "writer": writer,
        "witness": witness,
        "region_lost": not healthy and not writer_ok and not vetoed,
    }
    if healthy:
        return outcome
    if vetoed and not run.alerted_partition:
        run.alerted_partition = True
        _publish(
            run,
            "partition suspected: not failing over",
            f"Partition suspected. From {config.region} the primary's health check fails "
            f"({health}) and its writer "
            f"cannot be confirmed ({writer}), but {_witness_name(run)} still sees "
            f"{config.primary_region} healthy: a partition between the regions, not a lost "
            "region. Not failing over the database.",
        )
    if writer_ok and not run.alerted_app_unhealthy:
        run.alerted_app_unhealthy = True
        _publish(
            run,
            "primary app unhealthy, writer available",
            f"The primary's health check at {config.primary_health_url} fails ({health}) but "
            f"its writer {config.primary_cluster_id} is available in {config.primary_region}: "
            "primary app unhealthy, writer available: not failing over the database.",
        )
    return outcome


def _primary_writer(run: Invocation) -> tuple[bool, str]:
    """Can the primary region's RDS API confirm its writer cluster is available?"""
    try:
        clusters = run.clients.primary_rds.describe_db_clusters(
            DBClusterIdentifier=run.config.primary_cluster_id
        )["DBClusters"]
    except (BotoCoreError, ClientError) as error:
        return False, f"{type(error).__name__}: {error}"
    status = str(clusters[0].get("Status", "unknown")) if clusters else "missing"
    return status == "available", status


def _witness_name(run: Invocation) -> str:
    return "Global Accelerator" if run.config.witness_accelerator else "Route 53"


def _witness_target(run: Invocation) -> str | None:
    """What the witness watches for the primary; None when there is no witness or its API
    cannot be read (then the two other signals decide)."""
    try:
        if run.clients.accelerator is not None and run.config.witness_accelerator:
            return _accelerator_group(run.clients.accelerator, run.config)
        if run.clients.route53 is not None and run.config.witness_route53:
            return _route53_check(run.clients.route53, run.config)
    except (BotoCoreError, ClientError) as error:
        LOG.error("witness unavailable: %s", error)
    return None


def _accelerator_group(accelerator: Any, config: DetectorConfig) -> str | None:
    """The accelerator's endpoint group for the primary region."""
    for found in accelerator.list_accelerators(MaxResults=100).get("Accelerators", []):
        if found.get("Name") != config.witness_accelerator:
            continue
        listeners = accelerator.list_listeners(
            AcceleratorArn=found["AcceleratorArn"], MaxResults=100
        ).get("Listeners", [])
        for listener in listeners:
            groups = accelerator.list_endpoint_groups(
                ListenerArn=listener["ListenerArn"], MaxResults=100
            ).get("EndpointGroups", [])
            for group in groups:
                if group.get("EndpointGroupRegion") == config.primary_region:
                    return str(group["EndpointGroupArn"])
    return None


def _route53_check(route53: Any, config: DetectorConfig) -> str | None:
    """The Route 53 health check on the primary's health URL (same host and path)."""
    url = urllib.parse.urlsplit(config.primary_health_url)
    marker: str | None = None
    while True:
        page = route53.list_health_checks(MaxItems="100", **({"Marker": marker} if marker else {}))
        for check in page.get("HealthChecks", []):
            settings = check.get("HealthCheckConfig", {})
            if (
                settings.get("FullyQualifiedDomainName") == url.hostname
                and settings.get("ResourcePath") == url.path
            ):
                return str(check["Id"])
        if not page.get("IsTruncated"):
            return None
        marker = page.get("NextMarker")


def _witness(run: Invocation) -> str:
    """The witness's view of the primary: healthy, unhealthy or unknown."""
    if run.witness_target is None:
        return "unknown"
    try:
        if run.config.witness_accelerator:
            group = run.clients.accelerator.describe_endpoint_group(
                EndpointGroupArn=run.witness_target
            )["EndpointGroup"]
            states = {d.get("HealthState") for d in group.get("EndpointDescriptions", [])}
            if "HEALTHY" in states:
                return "healthy"
            return "unhealthy" if states == {"UNHEALTHY"} else "unknown"
        observations = run.clients.route53.get_health_check_status(
            HealthCheckId=run.witness_target
        ).get("HealthCheckObservations", [])
    except (BotoCoreError, ClientError) as error:
        LOG.error("witness unreadable: %s", error)
        return "unknown"
    if not observations:
        return "unknown"
    passing = sum(
        1
        for o in observations
        if str(o.get("StatusReport", {}).get("Status", "")).startswith("Success")
    )
    return "healthy" if passing / len(observations) > ROUTE53_HEALTHY_SHARE else "unhealthy"


def _max_lag_ms(run: Invocation) -> float | None:
    """Maximum replication lag of this region's secondary over the window; None: unknown."""
    end = datetime.now(tz=UTC)
    try:
        result = run.clients.cloudwatch.get_metric_data(
            MetricDataQueries=[
                {
                    "Id": "lag",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": "AWS/RDS",
                            "MetricName": LAG_METRIC,
                            "Dimensions": [
                                {
                                    "Name": "DBClusterIdentifier",
                                    "Value": run.config.target_cluster_id,
                                }
                            ],
                        },
                        "Period": 60,
                        "Stat": "Maximum",
                    },
                    "ReturnData": True,
                }
            ],
            StartTime=end - LAG_WINDOW,
            EndTime=end,
        )
    except (BotoCoreError, ClientError) as error:
        LOG.error("lag metric unreadable: %s", error)
        return None
    values = [v for r in result.get("MetricDataResults", []) for v in r.get("Values", [])]
    return max(values) if values else None


def _decide(run: Invocation) -> dict[str, Any]:
    """The region is lost: fail over if the measured lag is within the accepted loss."""
    config = run.config
    limit_ms = config.max_data_loss_seconds * 1000
    lag_ms = _max_lag_ms(run)
    override = CLI_OVERRIDE.format(region=config.region)
    if lag_ms is None or lag_ms > limit_ms:
        why = (
            f"no {LAG_METRIC} datapoint for {config.target_cluster_id} in the last 5 minutes"
            if lag_ms is None
            else f"replication lag reached {lag_ms:.0f} ms, above the accepted "
            f"{config.max_data_loss_seconds} s"
        )
        _publish(
            run,
            "region lost: automatic failover refused",
            f"{config.primary_region} failed {config.probe_failures} consecutive probe rounds "
            f"(health and writer), but {why}. Not failing over automatically: operator "
            f"decision needed: accept the data loss with `{override}`, or wait.",
        )
        return _summary(run, "refused", why, max_lag_ms=lag_ms)
    target_arn = run.clients.rds.describe_db_clusters(DBClusterIdentifier=config.target_cluster_id)[
        "DBClusters"
    ][0]["DBClusterArn"]
    run.clients.rds.failover_global_cluster(
        GlobalClusterIdentifier=config.global_cluster_id,
        TargetDbClusterIdentifier=target_arn,
        AllowDataLoss=True,
    )
    _publish(
        run,
        "region lost: failed over",
        f"{config.primary_region} failed {config.probe_failures} consecutive probe rounds; "
        f"failed {config.global_cluster_id} over to {config.target_cluster_id} in "
        f"{config.region} with AllowDataLoss (measured lag {lag_ms:.0f} ms, accepted "
        f"{config.max_data_loss_seconds} s). Run `tradedr fence` when the old primary returns.",
    )
    return _summary(run, "failed-over", "primary region lost", max_lag_ms=lag_ms)


def _publish(run: Invocation, subject: str, message: str) -> None:
    """Alert the on-call; a failed alert is logged and never stops the decision."""
    try:
        run.clients.sns.publish(
            TopicArn=run.config.alarm_topic_arn,
            Subject=f"tradedr {run.config.region}: {subject}"[:100],
            Message=message,
        )
    except (BotoCoreError, ClientError) as error:
        LOG.error("alert not published (%s): %s", error, message)


def _summary(run: Invocation, action: str, reason: str, **extra: Any) -> dict[str, Any]:
    return {
        "action": action,
        "reason": reason,
        "primary_region": run.config.primary_region,
        "target_cluster": run.config.target_cluster_id,
        "rounds": run.rounds,
        **extra,
    }
