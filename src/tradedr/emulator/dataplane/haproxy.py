"""A real HAProxy as the lab's public entry point, configured from the synthesized stacks.

Two levels, as on AWS, in one HAProxy process:

- per region an "ALB": a frontend on its own port and a backend of the region's app slots,
  checked like the target group (interval, healthy/unhealthy thresholds of the app stack);
- one global backend behind the public frontend, checked like the Route 53 health checks
  (RequestInterval, FailureThreshold; Route 53 uses the same threshold to turn healthy
  again) or like the accelerator's endpoint groups (HealthCheckIntervalSeconds,
  ThresholdCount). Failover records become a primary server and `backup` servers; latency
  records put the primary first (`balance first`: the lab has no geography); the
  accelerator's traffic dials become server weights, changed through the runtime API.

What a proxy does not model: DNS TTLs and client resolver caching (kept as model terms).
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tradedr.emulator.dataplane.mariadb import HOST, binary
from tradedr.errors import AwsOperationError

Semantics = Literal["failover", "latency", "weighted", "accelerator"]


@dataclass(frozen=True)
class RegionRoute:
    """One region as the global routing sees it."""

    region: str
    code: str
    backup: bool = False
    weight: int = 100


@dataclass(frozen=True)
class RoutingModel:
    """What the global (or traffic) stack says about health checks and routing."""

    semantics: Semantics
    regions: tuple[RegionRoute, ...]
    interval_seconds: int
    failure_threshold: int
    health_path: str
    source: str
    # The target group's check (the "ALB" level), from the app stack.
    target_interval_seconds: int = 10
    target_healthy: int = 2
    target_unhealthy: int = 2


def _resources(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [
        dict(r.get("Properties") or {})
        for r in (template.get("Resources") or {}).values()
        if r.get("Type") == kind
    ]


def _ref_code(value: Any, prefix: str) -> str | None:
    """The region code of {"Ref": "AlbDnsUSE1"} (-> "use1")."""
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        ref = str(value["Ref"])
        if ref.startswith(prefix):
            return ref[len(prefix) :].lower()
    return None


def routing_model(
    *,
    global_template: dict[str, Any],
    traffic_template: dict[str, Any] | None,
    app_template: dict[str, Any] | None,
    regions: dict[str, str],
    primary: str,
) -> RoutingModel:
    """Read the routing from the synthesized templates. `regions`: code -> region."""
    target = {"interval": 10, "healthy": 2, "unhealthy": 2}
    for group in _resources(app_template or {}, "AWS::ElasticLoadBalancingV2::TargetGroup"):
        target = {
            "interval": int(group.get("HealthCheckIntervalSeconds", 30)),
            "healthy": int(group.get("HealthyThresholdCount", 5)),
            "unhealthy": int(group.get("UnhealthyThresholdCount", 2)),
        }
    groups = _resources(traffic_template or {}, "AWS::GlobalAccelerator::EndpointGroup")
    if groups:
        routes = tuple(
            RegionRoute(
                region=str(g["EndpointGroupRegion"]),
                code=_code_of(str(g["EndpointGroupRegion"]), regions),
                weight=int(float(g.get("TrafficDialPercentage", 100))),
            )
            for g in sorted(groups, key=lambda g: g["EndpointGroupRegion"] != primary)
        )
        first = groups[0]
        return RoutingModel(
            semantics="accelerator",
            regions=routes,
            interval_seconds=int(first.get("HealthCheckIntervalSeconds", 30)),
            failure_threshold=int(first.get("ThresholdCount", 3)),
            health_path=str(first.get("HealthCheckPath", "/")),
            source="AWS::GlobalAccelerator::EndpointGroup (interval, threshold, traffic dials)",
            target_interval_seconds=target["interval"],
            target_healthy=target["healthy"],
            target_unhealthy=target["unhealthy"],
        )
    checks = {
        _ref_code(c["HealthCheckConfig"].get("FullyQualifiedDomainName"), "AlbDns"): c[
            "HealthCheckConfig"
        ]
        for c in _resources(global_template, "AWS::Route53::HealthCheck")
        if "HealthCheckConfig" in c
    }
    checks.pop(None, None)
    records = _resources(global_template, "AWS::Route53::RecordSet")
    semantics: Semantics = "failover"
    routed: list[RegionRoute] = []
    for record in records:
        alias = record.get("AliasTarget") or {}
        code = _ref_code(alias.get("DNSName"), "AlbDns")
        if code is None or code not in regions:
            continue
        if "Region" in record:
            semantics = "latency"
        elif "Weight" in record:
            semantics = "weighted"
        routed.append(
            RegionRoute(
                region=regions[code],
                code=code,
                backup=record.get("Failover") == "SECONDARY",
                weight=int(record.get("Weight", 100)),
            )
        )
    # A SECONDARY alias to standby.<record> (three or more regions) holds latency records.
    for code, region in regions.items():
        if code in checks and all(r.code != code for r in routed):
            routed.append(RegionRoute(region=region, code=code, backup=True))
    if not routed:
        raise AwsOperationError("the global stack routes to no ALB the lab can reproduce")
    config: dict[str, Any] = next(iter(checks.values()), {})
    routed.sort(key=lambda r: (r.backup, r.region != primary))
    return RoutingModel(
        semantics=semantics,
        regions=tuple(routed),
        interval_seconds=int(config.get("RequestInterval", 30)),
        failure_threshold=int(config.get("FailureThreshold", 3)),
        health_path=str(config.get("ResourcePath", "/")),
        source="AWS::Route53::HealthCheck (RequestInterval, FailureThreshold) and records",
        target_interval_seconds=target["interval"],
        target_healthy=target["healthy"],
        target_unhealthy=target["unhealthy"],
    )


def _code_of(region: str, regions: dict[str, str]) -> str:
    return next(code for code, name in regions.items() if name == region)


@dataclass
class HaproxyLayout:
    """Ports: the public frontend, one ALB frontend per region, the app slots per region."""

    front_port: int
    alb_ports: dict[str, int]
    app_ports: dict[str, list[int]]


@dataclass
class Haproxy:
    model: RoutingModel
    layout: HaproxyLayout
    root: Path
    process: subprocess.Popen[bytes] | None = None
    weights: dict[str, int] = field(default_factory=dict)
    # App slots running when HAProxy starts: in service from the start (the steady state
    # before the drill), every other slot starts in maintenance until the ASG scales.
    enabled: dict[str, set[int]] = field(default_factory=dict)

    @property
    def socket_path(self) -> Path:
        return self.root / "admin.sock"

    @property
    def front_url(self) -> str:
        return f"http://{HOST}:{self.layout.front_port}"

    def config_text(self) -> str:
        m, lay = self.model, self.layout
        balance = {"failover": "roundrobin", "latency": "first", "weighted": "roundrobin"}.get(
            m.semantics, "roundrobin"
        )
        lines = [
            "global",
            f"  stats socket {self.socket_path} mode 600 level admin",
            "  maxconn 4096",
            "defaults",
            "  mode http",
            "  option http-server-close",
            "  timeout connect 2s",
            "  timeout client 30s",
            "  timeout server 10s",
            "  timeout check 5s",
            "  retries 0",
            "",
            "frontend public",
            f"  bind {HOST}:{lay.front_port}",
            "  default_backend global",
            "",
            f"# {m.semantics} routing from {m.source}",
            "backend global",
            f"  balance {balance}",
            f"  option httpchk GET {m.health_path}",
            "  http-check expect status 200",
        ]
        if m.semantics != "failover":
            lines.append("  option allbackups")
        for route in m.regions:
            check = (
                f"check inter {m.interval_seconds}s fall {m.failure_threshold} "
                f"rise {m.failure_threshold}"
            )
            weight = f" weight {max(0, min(route.weight, 256))}"
            backup = " backup" if route.backup else ""
            lines.append(
                f"  server {route.code} {HOST}:{lay.alb_ports[route.code]} {check}{weight}{backup}"
            )
        for route in m.regions:
            lines += [
                "",
                f"frontend alb_{route.code}",
                f"  bind {HOST}:{lay.alb_ports[route.code]}",
                f"  default_backend targets_{route.code}",
                f"backend targets_{route.code}",
                "  balance roundrobin",
                f"  option httpchk GET {m.health_path}",
                "  http-check expect status 200",
            ]
            for index, port in enumerate(lay.app_ports[route.code]):
                state = "" if index in self.enabled.get(route.code, set()) else " disabled"
                lines.append(
                    f"  server app{index} {HOST}:{port} check inter {m.target_interval_seconds}s "
                    f"fall {m.target_unhealthy} rise {m.target_healthy}{state}"
                )
        return "\n".join(lines) + "\n"

    def start(self) -> None:
        exe = binary("haproxy")
        if exe is None:
            raise AwsOperationError("haproxy is not installed (make system-deps)")
        self.root.mkdir(parents=True, exist_ok=True)
        config = self.root / "haproxy.cfg"
        config.write_text(self.config_text(), encoding="utf-8")
        checked = subprocess.run(
            [exe, "-c", "-q", "-f", str(config)], capture_output=True, text=True, check=False
        )
        if checked.returncode != 0:
            raise AwsOperationError(f"haproxy config rejected: {checked.stderr.strip()[-300:]}")
        log = open(self.root / "haproxy.log", "ab")  # noqa: SIM115 - the child holds it
        self.process = subprocess.Popen(
            [exe, "-db", "-f", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.socket_path.exists():
                try:
                    self.command("show info")
                    self.weights = {r.code: r.weight for r in self.model.regions}
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise AwsOperationError("haproxy did not open its runtime socket within 10 s")

    def command(self, line: str) -> str:
        """One runtime API command over the admin socket."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(3)
            sock.connect(str(self.socket_path))
            sock.sendall(line.encode() + b"\n")
            chunks = []
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
        return b"".join(chunks).decode("utf-8", "replace")

    def set_app(self, code: str, index: int, *, enabled: bool) -> None:
        """Register (or deregister) an instance slot. A new target starts unhealthy and
        takes traffic only after `rise` passed checks, as a target group's does."""
        server = f"targets_{code}/app{index}"
        if enabled:
            self.command(f"set server {server} health down")
            self.command(f"enable server {server}")
        else:
            self.command(f"disable server {server}")

    def set_weight(self, code: str, weight: int) -> None:
        """An accelerator traffic dial (0-100 %) as the region's weight."""
        self.command(f"set weight global/{code} {max(0, min(weight, 256))}")
        self.weights[code] = weight

    def set_region_reachable(self, code: str, reachable: bool) -> None:
        """A lost region's ALB stops answering: its frontend releases the port."""
        verb = "enable" if reachable else "disable"
        self.command(f"{verb} frontend alb_{code}")

    def status(self) -> dict[str, str]:
        """proxy/server -> status (UP, DOWN, MAINT, ...) from `show stat`."""
        out = self.command("show stat")
        header: list[str] = []
        found: dict[str, str] = {}
        for line in out.splitlines():
            if line.startswith("# "):
                header = line[2:].split(",")
                continue
            if not line or not header:
                continue
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("svname") not in ("FRONTEND", "BACKEND"):
                found[f"{row['pxname']}/{row['svname']}"] = row.get("status", "")
        return found

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def describe(self) -> dict[str, Any]:
        m = self.model
        return {
            "semantics": m.semantics,
            "source": m.source,
            "interval_seconds": m.interval_seconds,
            "failure_threshold": m.failure_threshold,
            "weights": dict(self.weights),
            "backup": [r.region for r in m.regions if r.backup],
        }
