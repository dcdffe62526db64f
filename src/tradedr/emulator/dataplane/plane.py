"""The lab's data plane: every process behind the emulated regions, and what acts on them.

`DataPlane.start` reads the deployed emulator (DB identifiers and endpoints, ASG sizes, the
secret) and the synthesized global/traffic stack, then starts one MariaDB per orders DB
(the primary writes a GTID binlog, each standby replica replicates from it), the app
processes per region, HAProxy, and the lag publisher. The hook (`hook.py`) calls the
methods below after the emulator accepted an API call, so the plan's calls have real
effects; region loss kills (or freezes) every process of a region.

Everything binds to 127.0.0.1; data lives under `root` (the drill's state directory) and is
kept on delete; `stop` ends every process it started, whatever happened before.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tradedr.emulator.dataplane.apps import AppSlot, RegionApps, app_environment
from tradedr.emulator.dataplane.haproxy import Haproxy, HaproxyLayout, RoutingModel
from tradedr.emulator.dataplane.lag import LagPublisher, LagTarget
from tradedr.emulator.dataplane.mariadb import (
    MariaDbServer,
    TemplateDatadir,
    missing_binaries,
    new_password,
)
from tradedr.emulator.server import free_port
from tradedr.errors import AwsOperationError

LossMode = Literal["kill", "freeze"]


def unavailable_reason() -> str | None:
    """Why the data plane cannot run here (missing packages), or None."""
    missing = missing_binaries()
    from tradedr.emulator.dataplane.mariadb import binary

    if binary("haproxy") is None:
        missing.append("haproxy")
    try:
        import pymysql  # noqa: F401
    except ImportError:
        missing.append("PyMySQL")
    if missing:
        return f"{', '.join(missing)} not installed (root: make system-deps)"
    return None


@dataclass
class DbInstance:
    """An emulated RDS instance or Aurora cluster and the server behind it."""

    identifier: str
    region: str
    server: MariaDbServer
    cluster: bool = False
    hostname: str = ""


@dataclass
class RoleEvent:
    """When a server became, or stopped being, the writer (for the checker)."""

    at: float
    server_id: int
    region: str
    role: Literal["writer", "fenced"]
    how: str


@dataclass(frozen=True)
class RegionSpec:
    """What the lab needs of one region, read from the deployed emulator."""

    region: str
    code: str
    asg_name: str
    desired: int
    max_size: int
    db_identifier: str | None
    replica_of: str | None  # the primary's identifier, for a standby replica


@dataclass
class DataPlane:
    root: Path
    emulator_url: str
    model: RoutingModel
    regions: list[RegionSpec]
    secret_id: str
    credentials: tuple[str, str]
    endpoint_parameter: str
    sessions_table: str
    aurora: bool = False
    global_cluster: str = ""
    lag_interval: float = 1.0
    instances: dict[str, DbInstance] = field(default_factory=dict)
    retired: list[DbInstance] = field(default_factory=list)
    apps: dict[str, RegionApps] = field(default_factory=dict)
    haproxy: Haproxy | None = None
    lag: LagPublisher | None = None
    roles: list[RoleEvent] = field(default_factory=list)
    lost: dict[str, LossMode] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    _next_server_id: int = 1
    _repl_password: str = field(default_factory=new_password)
    _template: TemplateDatadir | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    # Setup ---------------------------------------------------------------------------

    @property
    def hosts_file(self) -> Path:
        return self.root / "db-hosts.json"

    def code(self, region: str) -> str:
        return next(r.code for r in self.regions if r.region == region)

    def client(self, service: str, region: str) -> Any:
        """A client straight to the emulator: the data plane is AWS's side, not the
        operator's, so region-loss fault injection does not apply to it."""
        key = (service, region)
        if key not in self._clients:
            import boto3

            self._clients[key] = boto3.client(
                service,
                region_name=region,
                endpoint_url=self.emulator_url,
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
            )
        return self._clients[key]

    def _new_server(self, name: str, region: str) -> MariaDbServer:
        server_id = self._next_server_id
        self._next_server_id += 1
        server = MariaDbServer(
            name=name,
            region=region,
            server_id=server_id,
            port=free_port(),
            root=self.root / "db" / f"{server_id}-{name}",
            app_user=self.credentials[0],
            app_password=self.credentials[1],
            repl_password=self._repl_password,
        )
        if self._template is None:
            self._template = TemplateDatadir(self.root)
        self._template.copy_to(server.datadir)
        return server

    def start(self) -> None:
        """Start every process; on any failure stop what was started and raise."""
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        primary_spec = next(r for r in self.regions if r.replica_of is None and r.db_identifier)
        writer = self._add_instance(primary_spec.db_identifier or "", primary_spec.region)
        self._role(writer.server, "writer", "initial primary")
        writer.server.create_schema()
        for spec in self.regions:
            if spec.replica_of and spec.db_identifier:
                replica = self._add_instance(spec.db_identifier, spec.region)
                replica.server.replicate_from(writer.server)
        self._write_hosts()
        layout = HaproxyLayout(
            front_port=free_port(),
            alb_ports={r.code: free_port() for r in self.regions},
            app_ports={
                r.code: [free_port() for _ in range(max(r.max_size, 1))] for r in self.regions
            },
        )
        for spec in self.regions:
            env = app_environment(
                region=spec.region,
                endpoint_parameter=self.endpoint_parameter,
                secret_id=self.secret_id,
                sessions_table=self.sessions_table,
                health_path=self.model.health_path,
                hosts_file=self.hosts_file,
                emulator_url=self.emulator_url,
            )
            self.apps[spec.region] = RegionApps(
                region=spec.region,
                slots=[AppSlot(i, port) for i, port in enumerate(layout.app_ports[spec.code])],
                env=env,
                log_dir=self.root / "apps",
            )
        for spec in self.regions:
            self.scale(spec.region, spec.desired)
        self._wait_apps_listening(timeout=90)
        self.haproxy = Haproxy(
            self.model,
            layout,
            self.root / "haproxy",
            enabled={
                spec.code: {slot.index for slot in self.apps[spec.region].running()}
                for spec in self.regions
            },
        )
        self.haproxy.start()
        self.lag = LagPublisher(
            self._lag_targets,
            self._writers,
            lambda region: self.client("cloudwatch", region),
            interval=self.lag_interval,
        )
        self.lag.start()

    def _wait_apps_listening(self, *, timeout: float) -> None:
        """The steady state before the drill: every running app answers HTTP (healthy or
        not) before HAProxy starts with them in service."""
        deadline = time.monotonic() + timeout
        pending = [slot for apps in self.apps.values() for slot in apps.running()]
        while pending and time.monotonic() < deadline:
            still = []
            for slot in pending:
                try:
                    with socket.create_connection(("127.0.0.1", slot.port), timeout=0.5):
                        pass
                except OSError:
                    still.append(slot)
            pending = still
            if pending:
                time.sleep(0.1)
        if pending:
            raise AwsOperationError(
                f"{len(pending)} app process(es) did not listen within {timeout:.0f} s"
            )

    def _add_instance(self, identifier: str, region: str, *, cluster: bool = False) -> DbInstance:
        server = self._new_server(identifier, region)
        server.start()
        server.create_users()
        instance = DbInstance(identifier, region, server, cluster=cluster)
        self.instances[identifier] = instance
        return instance

    def _role(
        self,
        server: MariaDbServer,
        role: Literal["writer", "fenced"],
        how: str,
        at: float | None = None,
    ) -> None:
        at = time.time() if at is None else at
        self.roles.append(RoleEvent(at, server.server_id, server.region, role, how))
        self.say(f"{server.name} ({server.region}, server {server.server_id}): {role} ({how})")

    def say(self, line: str) -> None:
        self.log.append(f"{time.strftime('%H:%M:%S')} {line}")

    def _writers(self) -> list[MariaDbServer]:
        return [i.server for i in self.instances.values() if i.server.source is None]

    def _lag_targets(self) -> list[LagTarget]:
        targets = []
        for instance in list(self.instances.values()):
            if instance.server.source is None or instance.region in self.lost:
                continue
            if self.aurora:
                targets.append(
                    LagTarget(
                        instance.server,
                        instance.region,
                        "AuroraGlobalDBReplicationLag",
                        "DBClusterIdentifier",
                        instance.identifier,
                        1000.0,
                    )
                )
            else:
                targets.append(
                    LagTarget(
                        instance.server,
                        instance.region,
                        "ReplicaLag",
                        "DBInstanceIdentifier",
                        instance.identifier,
                        1.0,
                    )
                )
        return targets

    def _hostname(self, instance: DbInstance) -> str:
        """The endpoint address the emulator reports for the instance (or cluster)."""
        rds = self.client("rds", instance.region)
        try:
            if instance.cluster:
                found = rds.describe_db_clusters(DBClusterIdentifier=instance.identifier)
                return str(found["DBClusters"][0].get("Endpoint", ""))
            found = rds.describe_db_instances(DBInstanceIdentifier=instance.identifier)
            return str(found["DBInstances"][0].get("Endpoint", {}).get("Address", ""))
        except Exception:
            return ""

    def _write_hosts(self) -> None:
        """The lab's stand-in for DNS: endpoint address -> 127.0.0.1:port of its server.
        A retired (renamed) or lost instance resolves no more."""
        mapping: dict[str, str] = {}
        for instance in self.instances.values():
            if instance.region in self.lost and self.lost[instance.region] == "kill":
                continue
            instance.hostname = self._hostname(instance) or instance.hostname
            if instance.hostname:
                mapping[instance.hostname] = instance.server.address
        temporary = self.hosts_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(mapping, indent=1), encoding="utf-8")
        os.replace(temporary, self.hosts_file)

    # What the API calls do -----------------------------------------------------------

    def instance(self, identifier: str) -> DbInstance | None:
        """By identifier or by ARN (cross-region sources are named by ARN)."""
        key = identifier.rsplit(":", 1)[-1]
        return self.instances.get(key)

    def promote(self, identifier: str, how: str = "PromoteReadReplica") -> None:
        with self._lock:
            instance = self.instance(identifier)
            if instance is None or instance.server.source is None:
                return
            # Stamped before the promotion: no commit on it can predate its writer role.
            at = time.time()
            instance.server.promote()
            self._role(instance.server, "writer", how, at)
            if self.lag:
                self.lag.tick()

    def create_replica(self, region: str, identifier: str, source: str) -> None:
        with self._lock:
            origin = self.instance(source)
            if origin is None:
                raise AwsOperationError(f"data plane: no server behind {source}")
            replica = self._add_instance(identifier, region)
            position = replica.server.seed_from(origin.server)
            replica.server.replicate_from(origin.server, position=position)
            self._write_hosts()
            self.say(f"{identifier} ({region}): new replica of {origin.identifier}")
            if self.lag is not None:
                self.lag.tick()  # RDS reports a new replica's lag from its first minute

    def rename(self, identifier: str, new_identifier: str) -> None:
        with self._lock:
            instance = self.instances.pop(identifier, None)
            if instance is None:
                return
            instance.identifier = new_identifier
            self.instances[new_identifier] = instance
            if instance.server.running() and not instance.server.frozen:
                instance.server.set_read_only(True)
            if instance.server.source is None:
                self._role(instance.server, "fenced", f"renamed {identifier} -> {new_identifier}")
            self._write_hosts()

    def stop_db(self, identifier: str, how: str = "StopDBInstance") -> None:
        with self._lock:
            instance = self.instance(identifier)
            if instance is None:
                return
            was_writer = instance.server.source is None and instance.server.running()
            instance.server.stop()
            if was_writer:
                self._role(instance.server, "fenced", how)

    def start_db(self, identifier: str) -> None:
        with self._lock:
            instance = self.instance(identifier)
            if instance is not None and not instance.server.running():
                instance.server.start()

    def reboot(self, identifier: str) -> None:
        with self._lock:
            instance = self.instance(identifier)
            if instance is None:
                return
            source = instance.server.source
            instance.server.stop()
            instance.server.start()
            if source is not None:
                instance.server.query("START SLAVE")

    def delete(self, identifier: str) -> None:
        """DeleteDBInstance: the server stops, its data directory stays (the snapshot)."""
        with self._lock:
            instance = self.instance(identifier)
            if instance is None:
                return
            self.stop_db(identifier, "DeleteDBInstance")
            self.instances.pop(instance.identifier, None)
            self.retired.append(instance)
            self._write_hosts()

    def global_switch(self, target: str, *, planned: bool) -> None:
        """Aurora global switchover (old writer becomes a replica of the new) or failover."""
        with self._lock:
            instance = self.instance(target)
            if instance is None:
                return
            old = [
                i for i in self.instances.values() if i.server.source is None and i is not instance
            ]
            if planned:
                for other in old:
                    if other.server.running():
                        other.server.set_read_only(True)
                        self._role(other.server, "fenced", "SwitchoverGlobalCluster")
                self._wait_applied(instance.server, timeout=60)
            self.promote(target, "SwitchoverGlobalCluster" if planned else "FailoverGlobalCluster")
            for other in old:
                if other.server.running() and other.region not in self.lost:
                    other.server.replicate_from(instance.server)

    def _wait_applied(self, server: MariaDbServer, *, timeout: float) -> None:
        source = server.source
        if source is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = server.replica_status()
            if status is not None and status.applied_seq >= source.binlog_seq():
                return
            time.sleep(0.1)
        raise AwsOperationError(f"{server.name} did not catch up within {timeout:.0f} s")

    def scale(self, region: str, desired: int) -> None:
        """The ASG's desired capacity as running app processes (and HAProxy targets)."""
        with self._lock:
            apps = self.apps.get(region)
            if apps is None or region in self.lost:
                return
            started, stopped = apps.scale_to(desired)
            if self.haproxy is not None:
                code = self.code(region)
                for slot in stopped:
                    self.haproxy.set_app(code, slot.index, enabled=False)
                for slot in started:
                    self.haproxy.set_app(code, slot.index, enabled=True)
            if started or stopped:
                self.say(f"{region}: {apps.desired()} app process(es)")

    def dial_region(self, endpoint_group_arn: str) -> str | None:
        """The region of an accelerator endpoint group, from its ARN's last part."""
        tail = endpoint_group_arn.rsplit("/", 1)[-1]
        return next((r.region for r in self.regions if tail in (r.region, r.code)), None)

    def set_dial(self, region: str, percentage: float) -> None:
        if self.haproxy is not None:
            self.haproxy.set_weight(self.code(region), round(percentage))
            self.say(f"{region}: accelerator dial {percentage:g}% (HAProxy weight)")

    # Faults --------------------------------------------------------------------------

    def lose_region(self, region: str, mode: LossMode = "kill") -> list[int]:
        """kill -9 (or SIGSTOP) every data-plane process of the region; their pids."""
        with self._lock:
            pids: list[int] = []
            apps = self.apps.get(region)
            if apps is not None:
                pids += apps.pids()
                if mode == "kill":
                    apps.kill()
                else:
                    apps.freeze()
            for instance in self.instances.values():
                if instance.region != region:
                    continue
                pid = instance.server.pid()
                if pid is not None:
                    pids.append(pid)
                was_writer = instance.server.source is None and instance.server.running()
                if mode == "kill":
                    instance.server.kill()
                else:
                    instance.server.freeze()
                if was_writer:
                    self._role(instance.server, "fenced", f"region lost ({mode})")
            self.lost[region] = mode
            if mode == "kill" and self.haproxy is not None:
                # The region's load balancer is gone too.
                self.haproxy.set_region_reachable(self.code(region), False)
            self._write_hosts()
            return pids

    def restore_region(self, region: str) -> None:
        """The region answers again: frozen processes continue; killed servers restart
        from their data (a stale writer comes back writable, as RDS would); killed app
        instances are not relaunched until the ASG is scaled through the API."""
        with self._lock:
            mode = self.lost.pop(region, None)
            if mode is None:
                return
            if mode == "freeze":
                apps = self.apps.get(region)
                if apps is not None:
                    apps.thaw()
            for instance in self.instances.values():
                if instance.region != region:
                    continue
                if mode == "freeze":
                    instance.server.thaw()
                elif not instance.server.running():
                    instance.server.start()
                    if instance.server.source is not None:
                        instance.server.query("START SLAVE")
            if self.haproxy is not None:
                self.haproxy.set_region_reachable(self.code(region), True)
            self._write_hosts()
            self.say(f"{region} restored after {mode}")

    def inject_lag(self, region: str) -> None:
        """Pause the SQL thread of the region's replicas (the IO thread keeps receiving)."""
        for instance in self.instances.values():
            if instance.region == region and instance.server.source is not None:
                instance.server.stop_replication_sql()

    def clear_lag(self, region: str) -> None:
        for instance in self.instances.values():
            if instance.region == region and instance.server.source is not None:
                instance.server.start_replication_sql()

    # Reading -------------------------------------------------------------------------

    def front_get(self, path: str, *, timeout: float = 3.0) -> tuple[int, str]:
        """GET through the public entry point: (status, answering region)."""
        if self.haproxy is None:
            return 0, ""
        request = urllib.request.Request(self.haproxy.front_url + path)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return int(response.status), str(response.headers.get("X-Region", ""))
        except urllib.error.HTTPError as exc:
            return int(exc.code), str(exc.headers.get("X-Region", ""))
        except OSError:
            return 0, ""

    def serves_from(self, region: str) -> bool:
        """Does the public entry point answer healthy from `region` now?"""
        status, answered = self.front_get(self.model.health_path)
        return status == 200 and answered == region

    def writer(self) -> DbInstance | None:
        live = [
            i
            for i in self.instances.values()
            if i.server.source is None and i.server.running() and not i.server.frozen
        ]
        writable = [i for i in live if not i.server.read_only()]
        return writable[0] if len(writable) == 1 else None

    def pids(self) -> list[int]:
        found: list[int] = []
        for instance in [*self.instances.values(), *self.retired]:
            pid = instance.server.pid()
            if pid is not None:
                found.append(pid)
        for apps in self.apps.values():
            found += apps.pids()
        if self.haproxy is not None and self.haproxy.process is not None:
            found.append(self.haproxy.process.pid)
        return found

    def stop(self) -> None:
        """End every process this data plane started (frozen ones are thawed first)."""
        if self.lag is not None:
            self.lag.stop()
        for apps in self.apps.values():
            apps.thaw()
            apps.kill()
        if self.haproxy is not None:
            self.haproxy.stop()
        for instance in [*self.instances.values(), *self.retired]:
            instance.server.thaw()
            instance.server.kill()
