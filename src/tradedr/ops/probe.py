"""Is the primary region lost? Two independent signals, or no verdict at all.

Choosing an unplanned failover skips the fence and the drain, so a wrong "lost" leaves two
writers. The probe therefore says "lost" only when both signals agree:

1. the region's API: a read-only RDS call, retried with backoff over a bounded window, so
   one timeout or 5xx never counts as loss;
2. the routing's own health view of the region: Route 53's health checkers (more than 18%
   passing is healthy, as Route 53 decides) or Global Accelerator's endpoint health.

The API answering means "planned". The API gone while the routing still sees the region
healthy is a partition, and the API gone with no readable routing view is unknown: both are
"undecided", and the failover refuses until the operator passes `--assume-region-lost`.
Credentials, permissions and validation errors are never region loss: they stop the
command (exit 3) with one line.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from tradedr.config import Settings
from tradedr.errors import AwsOperationError
from tradedr.names import Names
from tradedr.ops.clients import ClientProvider
from tradedr.ops.plans import TrafficMode, control_plane_region

UNREACHABLE = (
    EndpointConnectionError,
    ConnectTimeoutError,
    ReadTimeoutError,
    ConnectionClosedError,
)
# Route 53 counts an endpoint healthy when more than 18% of its checkers say so.
ROUTE53_HEALTHY_SHARE = 0.18

Verdict = Literal["answers", "lost", "undecided"]
Health = Literal["healthy", "unhealthy", "unknown"]


@dataclass(frozen=True)
class ProbeWindow:
    """How long the API signal keeps trying before it counts as unreachable."""

    seconds: float = 20.0
    min_attempts: int = 3  # a slow first call (client set-up, a loaded host) is no verdict
    first_delay: float = 0.5
    max_delay: float = 5.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True)
class ProbeResult:
    verdict: Verdict
    region: str
    evidence: list[str] = field(default_factory=list)

    def explain(self) -> str:
        return "; ".join(self.evidence)


def probe_primary(
    settings: Settings,
    provider: ClientProvider,
    region: str,
    *,
    traffic_mode: TrafficMode,
    emulated: bool,
    window: ProbeWindow | None = None,
) -> ProbeResult:
    """The verdict on `region`, with the evidence each signal gave."""
    window = window or ProbeWindow()
    reachable, api = api_signal(provider, region, window)
    if reachable:
        return ProbeResult("answers", region, [f"API: {api}"])
    health, view = routing_health(settings, provider, region, traffic_mode, emulated=emulated)
    evidence = [f"API: {api}", f"routing: {view}"]
    if health == "unhealthy":
        return ProbeResult("lost", region, evidence)
    return ProbeResult("undecided", region, evidence)


def api_signal(provider: ClientProvider, region: str, window: ProbeWindow) -> tuple[bool, str]:
    """(answers?, what happened): network errors and 5xx are retried until the window ends."""
    deadline = window.clock() + window.seconds
    delay = window.first_delay
    attempts = 0
    while True:
        attempts += 1
        failure = _try_api(provider, region)
        if failure is None:
            again = f" (after {attempts} attempts)" if attempts > 1 else ""
            return True, f"RDS in {region} answers{again}"
        if attempts >= window.min_attempts and window.clock() + delay > deadline:
            return False, (
                f"RDS in {region} unreachable for {window.seconds:.0f} s, {attempts} attempts "
                f"(last: {failure})"
            )
        window.sleep(delay)
        delay = min(window.max_delay, delay * 2)


def _try_api(provider: ClientProvider, region: str) -> str | None:
    try:
        provider.client("rds", region).describe_db_instances(MaxRecords=20)
    except UNREACHABLE as exc:
        return f"{type(exc).__name__}: {exc}"
    except ClientError as exc:
        error = exc.response.get("Error", {})
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        code = str(error.get("Code", "Unknown"))
        if status >= 500:
            return f"{code} (HTTP {status})"
        if "Throttl" in code or code == "RequestLimitExceeded":
            return None  # it answered, if only to slow us down
        raise AwsOperationError(
            f"probing {region}: rds:DescribeDBInstances was refused ({code}: "
            f"{error.get('Message', '')}); a refusal is not region loss, fix the credentials "
            "or permissions and run again"
        ) from None
    except BotoCoreError as exc:
        raise AwsOperationError(
            f"probing {region}: {type(exc).__name__}: {exc}; that is not region loss, fix it "
            "and run again (--target aws needs credentials: --profile P or the environment)"
        ) from None
    return None


def routing_health(
    settings: Settings,
    provider: ClientProvider,
    region: str,
    mode: TrafficMode,
    *,
    emulated: bool,
) -> tuple[Health, str]:
    """The routing's health view of `region`, read outside `region` where possible."""
    if emulated:
        return "unknown", (
            "not emulated (the emulator's Route 53 reports every health check as passing "
            "and it has no Global Accelerator)"
        )
    if mode is TrafficMode.ROUTING_CONTROL:
        return "unknown", "ARC routing controls record a decision, not health"
    try:
        if mode is TrafficMode.TRAFFIC_DIAL:
            return _accelerator_health(settings, provider, region)
        return _route53_health(settings, provider, region)
    except (BotoCoreError, ClientError) as exc:
        service = "globalaccelerator" if mode is TrafficMode.TRAFFIC_DIAL else "route53"
        home = control_plane_region(service, region)
        return "unknown", f"{service} API (in {home}) unreadable: {type(exc).__name__}"


def _route53_health(
    settings: Settings, provider: ClientProvider, region: str
) -> tuple[Health, str]:
    route53 = provider.client("route53", "us-east-1")
    alb = Names(settings).alb(region).lower()
    marker: str | None = None
    while True:
        page = route53.list_health_checks(MaxItems="100", **({"Marker": marker} if marker else {}))
        for check in page.get("HealthChecks", []):
            host = str(check.get("HealthCheckConfig", {}).get("FullyQualifiedDomainName", ""))
            if host.lower().startswith(f"{alb}-") and f".{region}." in host:
                return _route53_verdict(route53, str(check["Id"]))
        if not page.get("IsTruncated"):
            return "unknown", f"no Route 53 health check on the {region} ALB"
        marker = page.get("NextMarker")


def _route53_verdict(route53: Any, check_id: str) -> tuple[Health, str]:
    observations = route53.get_health_check_status(HealthCheckId=check_id).get(
        "HealthCheckObservations", []
    )
    if not observations:
        return "unknown", f"Route 53 health check {check_id} has no observations"
    passing = sum(
        1
        for o in observations
        if str(o.get("StatusReport", {}).get("Status", "")).startswith("Success")
    )
    share = passing / len(observations)
    health: Health = "healthy" if share > ROUTE53_HEALTHY_SHARE else "unhealthy"
    return health, (
        f"Route 53 health check {check_id}: {passing}/{len(observations)} checkers pass ({health})"
    )


def _accelerator_health(
    settings: Settings, provider: ClientProvider, region: str
) -> tuple[Health, str]:
    accelerator = provider.client("globalaccelerator", "us-west-2")
    name = Names(settings).accelerator
    for found in accelerator.list_accelerators(MaxResults=100).get("Accelerators", []):
        if found.get("Name") != name:
            continue
        for listener in accelerator.list_listeners(
            AcceleratorArn=found["AcceleratorArn"], MaxResults=100
        ).get("Listeners", []):
            for group in accelerator.list_endpoint_groups(
                ListenerArn=listener["ListenerArn"], MaxResults=100
            ).get("EndpointGroups", []):
                if group.get("EndpointGroupRegion") != region:
                    continue
                states = {d.get("HealthState") for d in group.get("EndpointDescriptions", [])}
                health: Health = (
                    "healthy"
                    if "HEALTHY" in states
                    else "unhealthy"
                    if states == {"UNHEALTHY"}
                    else "unknown"
                )
                return (
                    health,
                    f"Global Accelerator endpoints in {region}: {sorted(map(str, states))}",
                )
    return "unknown", f"no Global Accelerator endpoint group for {region} in {name}"
