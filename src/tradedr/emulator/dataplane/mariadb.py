"""Real MariaDB servers for the lab: a GTID binlog primary and asynchronous replicas.

Each emulated RDS instance (or Aurora cluster) is one `mariadbd` on 127.0.0.1 with its data
under the drill's state directory. Servers are cloned from one template data directory
(`mariadb-install-db` runs once). Every server writes a binlog with GTIDs
(`log_slave_updates`, `gtid_strict_mode`), so a promoted replica can serve new replicas
from the first transaction on, as RDS does after a promotion.

Users are local to each server (created with `sql_log_bin=0`); the schema is created on
the first primary and reaches every other server through replication.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tradedr.errors import AwsOperationError

HOST = "127.0.0.1"
SOCKET_PATH_MAX = 107  # sun_path is 108 bytes with its NUL
SEARCH_PATH = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")
REPL_USER = "repl"
DATABASE = "orders"
TABLE = "orders"

SCHEMA = (
    f"CREATE DATABASE IF NOT EXISTS {DATABASE}",
    f"""CREATE TABLE IF NOT EXISTS {DATABASE}.{TABLE} (
        order_id CHAR(36) NOT NULL PRIMARY KEY,
        client_order_id VARCHAR(64) NOT NULL,
        body TEXT NOT NULL,
        region VARCHAR(32) NOT NULL,
        server_id INT UNSIGNED NOT NULL,
        created_at DATETIME(6) NOT NULL,
        UNIQUE KEY client_order (client_order_id)
    ) ENGINE=InnoDB""",
)


def binary(name: str) -> str | None:
    """A MariaDB/HAProxy executable from PATH or the usual sbin directories."""
    found = shutil.which(name)
    if found:
        return found
    for folder in SEARCH_PATH:
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def missing_binaries() -> list[str]:
    return [name for name in ("mariadbd", "mariadb-install-db") if binary(name) is None]


def _gtid_seq(position: str, domain: int = 0) -> int:
    """The sequence number of `domain` in a GTID position such as '0-2-1734,1-1-3'."""
    best = 0
    for part in position.split(","):
        bits = part.strip().split("-")
        if len(bits) == 3 and bits[0] == str(domain):
            best = max(best, int(bits[2]))
    return best


@dataclass
class ReplicaStatus:
    """What a replica says about itself (SHOW SLAVE STATUS and its GTID positions)."""

    io_running: str
    sql_running: str
    received_seq: int
    applied_seq: int
    seconds_behind: int | None
    last_error: str = ""


@dataclass
class MariaDbServer:
    """One mariadbd: started, stopped, killed, frozen, promoted, fenced."""

    name: str
    region: str
    server_id: int
    port: int
    root: Path
    app_user: str
    app_password: str
    repl_password: str
    process: subprocess.Popen[bytes] | None = None
    source: MariaDbServer | None = None
    frozen: bool = False
    events: list[tuple[float, str]] = field(default_factory=list)

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def socket(self) -> Path:
        """Beside the data, unless that path is over the 107 bytes a Unix socket path may
        have (mariadbd aborts at start): then a short name in the temp directory, derived
        from the root so each server keeps its own."""
        beside = self.root / "mysqld.sock"
        if len(os.fsencode(beside)) <= SOCKET_PATH_MAX:
            return beside
        digest = hashlib.sha256(os.fsencode(self.root.resolve())).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"tradedr-{digest}.sock"

    @property
    def address(self) -> str:
        return f"{HOST}:{self.port}"

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def pid(self) -> int | None:
        return self.process.pid if self.running() and self.process else None

    def note(self, what: str) -> None:
        self.events.append((time.time(), what))

    def _config(self) -> Path:
        path = self.root / "my.cnf"
        user = "user = root\n" if os.geteuid() == 0 else ""
        path.write_text(
            "[mariadbd]\n"
            f"{user}"
            f"datadir = {self.datadir}\n"
            f"socket = {self.socket}\n"
            f"pid-file = {self.root / 'mysqld.pid'}\n"
            f"log-error = {self.root / 'error.log'}\n"
            f"tmpdir = {self.root}\n"
            f"port = {self.port}\n"
            f"bind-address = {HOST}\n"
            f"server-id = {self.server_id}\n"
            f"log-bin = {self.root / 'binlog' / 'mysql-bin'}\n"
            f"relay-log = {self.root / 'relay' / 'relay-bin'}\n"
            "log-slave-updates = ON\n"
            "binlog-format = ROW\n"
            "gtid-strict-mode = ON\n"
            "gtid-domain-id = 0\n"
            # A region loss kills processes, not the kernel: a commit written to the page
            # cache survives kill -9, so per-commit fsyncs would only slow the lab down.
            "sync-binlog = 0\n"
            "innodb-flush-log-at-trx-commit = 2\n"
            "innodb-doublewrite = 0\n"
            "skip-slave-start = ON\n"
            "skip-name-resolve = ON\n"
            "performance-schema = OFF\n"
            # Small: a few thousand orders; several servers share the machine.
            "innodb-buffer-pool-size = 8M\n"
            "innodb-log-file-size = 16M\n"
            "innodb-log-buffer-size = 2M\n"
            "key-buffer-size = 1M\n"
            "aria-pagecache-buffer-size = 1M\n"
            "query-cache-size = 0\n"
            "tmp-table-size = 2M\n"
            "max-heap-table-size = 2M\n"
            "max-connections = 200\n"
            "slave-net-timeout = 5\n",
            encoding="utf-8",
        )
        return path

    def start(self, *, timeout: float = 60) -> None:
        """Start (or restart after a kill: InnoDB recovers) and wait until it answers."""
        if self.running():
            return
        (self.root / "binlog").mkdir(parents=True, exist_ok=True)
        (self.root / "relay").mkdir(parents=True, exist_ok=True)
        config = self._config()
        exe = binary("mariadbd")
        if exe is None:
            raise AwsOperationError("mariadbd is not installed (make system-deps)")
        log = open(self.root / "stdout.log", "ab")  # noqa: SIM115 - the child holds it
        self.process = subprocess.Popen(
            [exe, f"--defaults-file={config}"],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        self.frozen = False
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise AwsOperationError(
                    f"mariadbd {self.name} exited at start; see {self.root / 'error.log'}"
                )
            try:
                self.query("SELECT 1")
                self.note("started")
                return
            except Exception:
                time.sleep(0.1)
        raise AwsOperationError(f"mariadbd {self.name} did not answer within {timeout:.0f} s")

    def connect(self, *, timeout: float = 2.0) -> Any:
        import pymysql

        return pymysql.connect(
            unix_socket=str(self.socket),
            user="root",
            ssl_disabled=True,
            connect_timeout=timeout,
            read_timeout=max(timeout, 2.0),
            write_timeout=max(timeout, 2.0),
            autocommit=True,
        )

    def query(self, *statements: str, timeout: float = 2.0) -> list[tuple[Any, ...]]:
        """Run statements as root over the socket; the last one's rows."""
        conn = self.connect(timeout=timeout)
        try:
            rows: list[tuple[Any, ...]] = []
            with conn.cursor() as cur:
                for statement in statements:
                    cur.execute(statement)
                    rows = list(cur.fetchall())
            return rows
        finally:
            conn.close()

    def query_dicts(self, statement: str) -> list[dict[str, Any]]:
        import pymysql

        conn = self.connect()
        try:
            with conn.cursor(pymysql.cursors.DictCursor) as cur:
                cur.execute(statement)
                return list(cur.fetchall())
        finally:
            conn.close()

    def create_users(self) -> None:
        """Local users (not replicated): the app's and the replication user."""
        app, repl = self.app_password.replace("'", "''"), self.repl_password.replace("'", "''")
        user = self.app_user.replace("'", "''")
        self.query(
            "SET sql_log_bin = 0",
            f"CREATE USER IF NOT EXISTS '{user}'@'%' IDENTIFIED BY '{app}'",
            f"ALTER USER '{user}'@'%' IDENTIFIED BY '{app}'",
            f"GRANT SELECT, INSERT, UPDATE ON {DATABASE}.* TO '{user}'@'%'",
            f"CREATE USER IF NOT EXISTS '{REPL_USER}'@'%' IDENTIFIED BY '{repl}'",
            f"GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '{REPL_USER}'@'%'",
            "SET sql_log_bin = 1",
        )

    def create_schema(self) -> None:
        self.query(*SCHEMA)

    def seed_from(self, source: MariaDbServer) -> str:
        """Load a consistent copy of `source`'s orders (what RDS builds a new replica
        from: a snapshot) and return the GTID position it was taken at. Loaded without
        binlogging; this server's binlog state then starts at that position, so its own
        GTIDs continue the sequence once it is promoted."""
        dump_exe, client_exe = binary("mariadb-dump"), binary("mariadb")
        if dump_exe is None or client_exe is None:
            raise AwsOperationError("mariadb-dump / mariadb client not installed")
        dump = subprocess.run(
            [dump_exe, f"--socket={source.socket}", "-uroot", "--single-transaction",
             "--gtid", "--master-data=2", "--databases", DATABASE],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        found = re.search(r"SET GLOBAL gtid_slave_pos='([0-9,\-]*)'", dump.stdout)
        if dump.returncode != 0 or found is None:
            raise AwsOperationError(f"snapshot of {source.name} failed: {dump.stderr[-300:]}")
        loaded = subprocess.run(
            [client_exe, f"--socket={self.socket}", "-uroot", "--init-command=SET sql_log_bin=0"],
            input=dump.stdout, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if loaded.returncode != 0:
            raise AwsOperationError(
                f"loading the snapshot into {self.name}: {loaded.stderr[-300:]}"
            )
        position = found.group(1)
        self.query("RESET MASTER", f"SET GLOBAL gtid_binlog_state = '{position}'")
        self.note(f"seeded from {source.name} at {position}")
        return position

    def replicate_from(self, source: MariaDbServer, *, position: str = "") -> None:
        """An asynchronous GTID replica of `source`, from `position` (default: from its
        first transaction on)."""
        self.source = source
        password = self.repl_password.replace("'", "''")
        self.query(
            "SET GLOBAL read_only = 1",
            "STOP SLAVE",
            "RESET SLAVE ALL",
            f"SET GLOBAL gtid_slave_pos = '{position}'",
            f"CHANGE MASTER TO MASTER_HOST = '{HOST}', MASTER_PORT = {source.port}, "
            f"MASTER_USER = '{REPL_USER}', MASTER_PASSWORD = '{password}', "
            "MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1",
            "START SLAVE",
        )
        self.note(f"replicating from {source.name}")

    def promote(self) -> None:
        """Stop replicating and accept writes (PromoteReadReplica, Aurora failover)."""
        self.query("STOP SLAVE", "RESET SLAVE ALL", "SET GLOBAL read_only = 0")
        self.source = None
        self.note("promoted")

    def set_read_only(self, read_only: bool = True) -> None:
        self.query(f"SET GLOBAL read_only = {int(read_only)}")
        self.note("read-only" if read_only else "writable")

    def read_only(self) -> bool:
        return bool(int(self.query("SELECT @@global.read_only")[0][0]))

    def stop_replication_sql(self) -> None:
        """Pause applying (the IO thread keeps receiving): injected replication lag."""
        self.query("STOP SLAVE SQL_THREAD")
        self.note("SQL thread stopped")

    def start_replication_sql(self) -> None:
        self.query("START SLAVE SQL_THREAD")
        self.note("SQL thread started")

    def binlog_seq(self) -> int:
        return _gtid_seq(str(self.query("SELECT @@global.gtid_binlog_pos")[0][0] or ""))

    def replica_status(self, *, timeout: float = 1.0) -> ReplicaStatus | None:
        import pymysql

        conn = self.connect(timeout=timeout)
        try:
            with conn.cursor(pymysql.cursors.DictCursor) as cur:
                cur.execute("SHOW SLAVE STATUS")
                status = cur.fetchone()
                cur.execute("SELECT @@global.gtid_slave_pos AS pos")
                applied = cur.fetchone()
        finally:
            conn.close()
        if not status:
            return None
        behind = status.get("Seconds_Behind_Master")
        return ReplicaStatus(
            io_running=str(status.get("Slave_IO_Running", "")),
            sql_running=str(status.get("Slave_SQL_Running", "")),
            received_seq=_gtid_seq(str(status.get("Gtid_IO_Pos") or "")),
            applied_seq=_gtid_seq(str((applied or {}).get("pos") or "")),
            seconds_behind=None if behind is None else int(behind),
            last_error=str(status.get("Last_SQL_Error") or status.get("Last_IO_Error") or ""),
        )

    def orders(self) -> list[dict[str, Any]]:
        """Every order row, as the checker reads the final databases."""
        return self.query_dicts(
            f"SELECT order_id, client_order_id, region, server_id, "
            f"UNIX_TIMESTAMP(created_at) AS created_at FROM {DATABASE}.{TABLE}"
        )

    # Process control -------------------------------------------------------------------

    def stop(self, *, timeout: float = 30) -> None:
        """A clean shutdown (StopDBInstance, delete): the data stays on disk."""
        if not self.running() or self.process is None:
            return
        if self.frozen:
            self.process.send_signal(signal.SIGCONT)
            self.frozen = False
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.note("stopped")

    def kill(self) -> None:
        """kill -9: what a region loss does to the server."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
            self.note("killed")
        self.frozen = False

    def freeze(self) -> None:
        """SIGSTOP: a gray failure, connections hang instead of failing."""
        if self.running() and self.process is not None:
            self.process.send_signal(signal.SIGSTOP)
            self.frozen = True
            self.note("frozen")

    def thaw(self) -> None:
        if self.frozen and self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.frozen = False
            self.note("thawed")


class TemplateDatadir:
    """One `mariadb-install-db` run; every server starts from a copy of it."""

    def __init__(self, root: Path) -> None:
        self.path = root / "template"

    def ensure(self) -> Path:
        if (self.path / "mysql").is_dir():
            return self.path
        exe = binary("mariadb-install-db")
        if exe is None:
            raise AwsOperationError("mariadb-install-db is not installed (make system-deps)")
        self.path.mkdir(parents=True, exist_ok=True)
        user = ["--user=root"] if os.geteuid() == 0 else []
        done = subprocess.run(
            [
                exe,
                "--no-defaults",
                f"--datadir={self.path}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                *user,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0:
            raise AwsOperationError(
                f"mariadb-install-db failed: {(done.stderr or done.stdout).strip()[-300:]}"
            )
        return self.path

    def copy_to(self, datadir: Path) -> None:
        if datadir.exists():
            return  # a restarted server keeps its data
        shutil.copytree(self.ensure(), datadir, symlinks=True)


def new_password() -> str:
    return secrets.token_urlsafe(18)
