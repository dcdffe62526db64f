"""The drill's lab: a data plane built from the deployed emulator, its workload and checker.

The drill calls, in order: `start` (after deploy: servers, apps, HAProxy, lag; then the
workload from before the loss), `provider` (the plan's clients, hooked), `lose` and
`restore` (with the control-plane fault injection), `read_writer` after each plan, and
`finish` (after failback: workload stopped, checker run). `stop` always ends every process.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.emulator.backend import EmulatorBackend
from tradedr.emulator.dataplane.checker import DataPlaneResult, Phase, check
from tradedr.emulator.dataplane.haproxy import routing_model
from tradedr.emulator.dataplane.hook import DataPlaneProvider
from tradedr.emulator.dataplane.plane import DataPlane, LossMode, RegionSpec, unavailable_reason
from tradedr.emulator.dataplane.workload import Workload
from tradedr.errors import AwsOperationError, ConfigError
from tradedr.names import Names, region_code
from tradedr.ops.backend import Capability, dns_resolve

Say = Callable[[str], None]


@dataclass(frozen=True)
class LabOptions:
    rate: float = 50.0
    loss: LossMode = "kill"
    # Orders placed before the loss, and after traffic is back in the primary.
    warmup_seconds: float = 30.0
    settle_seconds: float = 3.0
    serve_timeout: float = 180.0
    allow_data_loss: bool = False


def available() -> str | None:
    """None when the data plane can run here, else why not (one line)."""
    return unavailable_reason()


@dataclass
class Lab:
    settings: Settings
    templates: dict[str, dict[str, Any]]  # stack name -> template
    outputs: dict[str, dict[str, str]]
    emulator_url: str
    root: Path
    options: LabOptions = field(default_factory=LabOptions)
    say: Say = lambda _line: None
    plane: DataPlane | None = None
    workload: Workload | None = None
    loss_at: float | None = None
    reads: dict[str, tuple[float, set[str]]] = field(default_factory=dict)
    marks: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    alb_names: dict[str, str] = field(default_factory=dict)  # ALB DNS name -> region

    @property
    def started(self) -> bool:
        """Did `start` get as far as placing orders?"""
        return self.plane is not None and self.workload is not None

    def mark(self, name: str) -> None:
        self.marks[name] = time.time()

    def _specs(self, plane_client: Callable[[str, str], Any]) -> list[RegionSpec]:
        names = Names(self.settings)
        primary = self.settings.primary_region
        primary_db = self.outputs.get(names.data_stack(primary), {}).get("DbIdentifier")
        specs = []
        for region in self.settings.all_regions:
            groups = plane_client("autoscaling", region).describe_auto_scaling_groups(
                AutoScalingGroupNames=[names.asg(region)]
            )["AutoScalingGroups"]
            if not groups:
                continue
            group = groups[0]
            db = (
                primary_db
                if region == primary
                else self.outputs.get(names.replica_stack(region), {}).get("DbIdentifier")
            )
            specs.append(
                RegionSpec(
                    region=region,
                    code=region_code(region),
                    asg_name=names.asg(region),
                    desired=int(group["DesiredCapacity"]),
                    max_size=int(group["MaxSize"]),
                    db_identifier=db,
                    replica_of=None if region == primary or db is None else primary_db,
                )
            )
        return specs

    def start(self) -> str:
        """Build and start the data plane, wait until the primary serves, start orders."""
        began = time.monotonic()
        self._fresh_root()
        names = Names(self.settings)
        primary = self.settings.primary_region
        import boto3

        def client(service: str, region: str) -> Any:
            return boto3.client(
                service,
                region_name=region,
                endpoint_url=self.emulator_url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )

        secret_id = names.db_secret(primary)
        secret = json.loads(
            client("secretsmanager", primary).get_secret_value(SecretId=secret_id)["SecretString"]
        )
        traffic = self.templates.get(names.traffic_stack)
        model = routing_model(
            global_template=self.templates[names.global_stack],
            traffic_template=traffic,
            app_template=self.templates.get(names.app_stack(primary)),
            regions={region_code(r): r for r in self.settings.all_regions},
            primary=primary,
        )
        specs = self._specs(client)
        for spec in specs:
            found = client("elbv2", spec.region).describe_load_balancers(
                Names=[names.alb(spec.region)]
            )["LoadBalancers"]
            if found:
                self.alb_names[str(found[0]["DNSName"])] = spec.region
        if not any(s.db_identifier for s in specs):
            raise AwsOperationError("no orders DB instance in the deployed stacks to run")
        self.plane = DataPlane(
            root=self.root,
            emulator_url=self.emulator_url,
            model=model,
            regions=specs,
            secret_id=secret_id,
            credentials=(str(secret["username"]), str(secret["password"])),
            endpoint_parameter=names.db_endpoint_parameter,
            sessions_table=names.sessions_table,
        )
        self.plane.start()
        self.timings["start data plane"] = time.monotonic() - began
        self._wait_serving(primary, "the primary to serve through HAProxy")
        self.timings["primary serving"] = time.monotonic() - began
        assert self.plane.haproxy is not None
        self.workload = Workload(
            "127.0.0.1", self.plane.haproxy.layout.front_port, self.options.rate
        )
        self.workload.start()
        self.mark("workload started")
        time.sleep(self.options.warmup_seconds)
        acked = self.workload.acked_count()
        if acked == 0:
            raise AwsOperationError(
                f"no order acknowledged in {self.options.warmup_seconds:.0f} s of workload"
            )
        described = model.semantics + (
            f", health checks every {model.interval_seconds} s, {model.failure_threshold} to fail"
        )
        return (
            f"{len(self.plane.instances)} MariaDB, "
            + ", ".join(f"{s.region} {s.desired} app(s)" for s in specs)
            + f", HAProxy ({described}); {acked} orders acknowledged before the loss"
        )

    def _fresh_root(self) -> None:
        """The lab starts from empty data directories; a previous lab's are replaced, any
        other non-empty directory is refused."""
        # Absolute: mariadbd resolves a relative data directory against its own basedir.
        self.root = self.root.resolve()
        marker = self.root / ".tradedr-lab"
        if self.root.exists() and any(self.root.iterdir()):
            if not marker.is_file():
                raise ConfigError(
                    f"{self.root} exists and is not a tradedr lab directory; choose another --out"
                )
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        marker.write_text("data of tradedr drill's local data plane\n", encoding="utf-8")

    def _wait_serving(self, region: str, what: str) -> float:
        assert self.plane is not None
        began = time.monotonic()
        deadline = began + self.options.serve_timeout
        while time.monotonic() < deadline:
            if self.plane.serves_from(region):
                return time.monotonic() - began
            time.sleep(0.25)
        raise AwsOperationError(f"timed out after {self.options.serve_timeout:.0f} s: {what}")

    def wait_serving(self, region: str) -> tuple[str, str]:
        seconds = self._wait_serving(region, f"{region} to serve through HAProxy")
        return "executed", f"HAProxy answers healthy from {region} ({seconds:.1f} s after asked)"

    def capabilities(self) -> frozenset[Capability]:
        """What the running data plane makes real behind the emulator."""
        return frozenset({Capability.RDS_LAG_METRICS, Capability.DRAIN, Capability.TRAFFIC})

    def resolve(self, name: str) -> set[str]:
        """DNS as a client of the lab sees it: an ALB's name is its HAProxy frontend; the
        public record answers with the ALB HAProxy now sends clients to (healthy), as
        Route 53 or the accelerator would; any other name goes to the system resolver."""
        assert self.plane is not None
        assert self.plane.haproxy is not None
        ports = self.plane.haproxy.layout.alb_ports
        if name in self.alb_names:
            region = self.alb_names[name]
            return {f"127.0.0.1:{ports[self.plane.code(region)]}"}
        if name == Names(self.settings).record_fqdn:
            status, region = self.plane.front_get(self.plane.model.health_path)
            if status == 200 and region:
                return {f"127.0.0.1:{ports[self.plane.code(region)]}"}
            return set()
        return dns_resolve(name)

    def backend(self, wait_seconds: float) -> EmulatorBackend:
        """The emulator backend with this data plane's capabilities, its resolver, and
        waits paced for real processes (a drain waits for a fresh minute of lag)."""
        return EmulatorBackend(
            extra=self.capabilities(),
            endpoint_url=self.emulator_url,
            resolver=self.resolve,
            poll_seconds=0.5,
            wait_timeout_seconds=wait_seconds,
        )

    def provider(self, inner: Any) -> Any:
        assert self.plane is not None
        return DataPlaneProvider(inner, self.plane)

    def lose(self, region: str) -> str:
        assert self.plane is not None
        self.loss_at = time.time()
        self.mark("loss")
        pids = self.plane.lose_region(region, self.options.loss)
        verb = "killed (SIGKILL)" if self.options.loss == "kill" else "frozen (SIGSTOP)"
        return f"{len(pids)} data-plane processes of {region} {verb}"

    def inject_lag(self, region: str, seconds: float) -> tuple[str, str]:
        """Stop the region's replica SQL thread and let orders pile up for `seconds`."""
        assert self.plane is not None
        assert self.workload is not None
        before = self.workload.acked_count()
        self.mark("lag injected")
        self.plane.inject_lag(region)
        time.sleep(seconds)
        if self.plane.lag is not None:
            self.plane.lag.tick()
        return "executed", (
            f"replica SQL thread in {region} stopped for {seconds:.0f} s "
            f"({self.workload.acked_count() - before} orders acknowledged meanwhile)"
        )

    def restore(self, region: str) -> None:
        assert self.plane is not None
        self.mark("restore")
        self.plane.restore_region(region)

    def read_writer(self, name: str) -> tuple[str, str]:
        """Which acknowledged orders the current writer holds, now."""
        assert self.plane is not None
        writer = self.plane.writer()
        if writer is None:
            return "failed", "no single writable orders DB"
        self.reads[name] = (
            time.time(),
            {str(r["client_order_id"]) for r in writer.server.orders()},
        )
        return "executed", (
            f"writer {writer.identifier} ({writer.region}) holds {len(self.reads[name][1])} orders"
        )

    def finish(self, *, wait: bool = True) -> DataPlaneResult:
        """Orders keep flowing until the primary serves again, then the checker runs
        (`wait=False`: at once, for a drill that stopped early)."""
        assert self.plane is not None
        assert self.workload is not None
        primary = self.settings.primary_region
        try:
            if wait:
                self._wait_serving(primary, f"{primary} to serve again")
        finally:
            time.sleep(self.options.settle_seconds)
            history = self.workload.stop()
            self.mark("workload stopped")
        self._write_history(history)
        time.sleep(0.5)
        writer = self.plane.writer()
        rows = writer.server.orders() if writer is not None else []
        if writer is not None:
            self.reads["after failback"] = (time.time(), {str(r["client_order_id"]) for r in rows})
        end = time.time()
        phases = []
        if "failover" in self.marks:
            phases.append(
                Phase("failover", self.marks["failover"], self.marks.get("failback", end))
            )
        if "failback" in self.marks:
            phases.append(Phase("failback", self.marks["failback"], end))
        result = check(
            history,
            roles=self.plane.roles,
            reads=self.reads,
            final_rows=rows,
            loss_at=self.loss_at,
            phases=phases,
            allow_data_loss=self.options.allow_data_loss,
        )
        result.timeline = [
            {"at": round(at, 3), "event": name}
            for name, at in sorted(self.marks.items(), key=lambda kv: kv[1])
        ] + [
            {"at": round(e.at, 3), "event": f"{e.role}: server {e.server_id} ({e.region}) {e.how}"}
            for e in self.plane.roles
        ]
        result.timeline.sort(key=lambda item: float(str(item["at"])))
        if writer is None:
            result.notes.append("no single writable orders DB at the end")
        return result

    def _write_history(self, history: list[Any]) -> None:
        """The client history, one request per line (the checker's input, kept)."""
        from dataclasses import asdict

        with open(self.root / "history.jsonl", "w", encoding="utf-8") as handle:
            for request in history:
                handle.write(json.dumps(asdict(request)) + "\n")

    def describe(self) -> dict[str, Any]:
        if self.plane is None or self.plane.haproxy is None:
            return {}
        return {
            "routing": self.plane.haproxy.describe(),
            "rate_per_second": self.options.rate,
            "loss": self.options.loss,
            "setup_seconds": {k: round(v, 3) for k, v in self.timings.items()},
            "events": list(self.plane.log),
            "lag_samples_above_zero": [
                {
                    "at": round(x.at, 3),
                    "db": x.identifier,
                    "lag_seconds": round(x.lag_seconds, 3),
                    "behind": x.behind,
                }
                for x in (self.plane.lag.samples if self.plane.lag else [])
                if x.lag_seconds != 0
            ][:200],
        }

    def stop(self) -> None:
        if self.workload is not None:
            self.workload.stop()
        if self.plane is not None:
            self.plane.stop()
