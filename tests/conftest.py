"""Shared fixtures: synthesize once per session, never once per test."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_VALIDATION", "false")
# No test may reach AWS: poison the credential chain so a stray real call fails fast.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

from tradedr.config import Posture, Settings, load_settings
from tradedr.infra.region_switch_plan import use_plan_source
from tradedr.infra.synth import StackTemplate, synthesize
from tradedr.ops.region_switch import template_request

# What the CLI registers at start-up: synth callers below ops build the Region switch plan
# with ops' function (tests call them directly, without the CLI).
use_plan_source(template_request)


class Synthesized:
    """The templates of one config, keyed by stack name, plus lookup helpers."""

    def __init__(self, settings: Settings, stacks: list[StackTemplate]) -> None:
        self.settings = settings
        self.stacks = stacks
        self.templates: dict[str, dict[str, Any]] = {s.name: s.load() for s in stacks}

    def template(self, name: str) -> dict[str, Any]:
        return self.templates[name]

    def resources(self, stack: str, type_: str) -> dict[str, dict[str, Any]]:
        return {
            logical: res
            for logical, res in self.templates[stack]["Resources"].items()
            if res["Type"] == type_
        }

    def name(self, kind: str, region: str | None = None) -> str:
        """Stack name of a kind ("data", "replica", "app") in a region, or the global stack."""
        if kind == "global":
            return f"{self.settings.prefix}-global"
        return f"{self.settings.prefix}-{kind}-{region}"

    def has_stack(self, kind: str, region: str | None = None) -> bool:
        return self.name(kind, region) in self.templates

    def one(self, stack: str, type_: str) -> dict[str, Any]:
        """Properties of the single resource of `type_` in `stack` (fails if not exactly one)."""
        found = list(self.resources(stack, type_).values())
        assert len(found) == 1, f"{stack}: expected one {type_}, found {len(found)}"
        properties: dict[str, Any] = found[0].get("Properties", {})
        return properties

    def outputs(self, stack: str) -> dict[str, Any]:
        outputs: dict[str, Any] = self.templates[stack].get("Outputs", {})
        return outputs

    def all_resources(self, type_: str) -> list[tuple[str, str, dict[str, Any]]]:
        return [
            (stack, logical, res)
            for stack, template in self.templates.items()
            for logical, res in template["Resources"].items()
            if res["Type"] == type_
        ]


ROOT = Path(__file__).resolve().parent.parent


def synth_config(tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]) -> Synthesized:
    settings = load_settings(data)
    outdir: Path = tmp_path_factory.mktemp("cdk")
    return Synthesized(settings, synthesize(settings, outdir))


@pytest.fixture(scope="session")
def default_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_config(tmp_path_factory, {})


def unvalidated_active_active(data: dict[str, Any] | None = None) -> Settings:
    """Active-active settings on the default engine, which `load_settings` refuses (a
    single writer): the hot-standby settings with the posture swapped in unvalidated, for
    the stack code the multi-writer design reuses. No user can reach this config."""
    hot = load_settings({**(data or {}), "posture": Posture.HOT_STANDBY.value})
    return hot.model_copy(update={"posture": Posture.ACTIVE_ACTIVE})


@pytest.fixture(scope="session")
def posture_synths(tmp_path_factory: pytest.TempPathFactory) -> dict[Posture, Synthesized]:
    """The default config under every posture.

    Active-active is refused with the default (single-writer) engine; its multi-writer
    engine (database.engine = "dynamodb-mrsc") is designed in its own issue. Until then its
    stacks (latency records, full standby capacity) are synthesized from a copy of the
    hot-standby settings with the posture swapped in unvalidated, so the stack code that
    design reuses stays tested; no user can reach that config."""

    def config(posture: Posture) -> dict[str, Any]:
        data: dict[str, Any] = {"posture": posture.value}
        if posture is Posture.BACKUP_RESTORE:  # hourly copies cannot meet a 60 s RPO
            data["targets"] = {"rpo_seconds": 3600}
        return data

    def synth(posture: Posture) -> Synthesized:
        if posture is not Posture.ACTIVE_ACTIVE:
            return synth_config(tmp_path_factory, config(posture))
        settings = unvalidated_active_active()
        return Synthesized(settings, synthesize(settings, tmp_path_factory.mktemp("cdk")))

    return {p: synth(p) for p in Posture}


@pytest.fixture(scope="session")
def three_region_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_config(
        tmp_path_factory,
        {"standby_regions": ["us-west-2", "eu-west-1"], "environment": "tri"},
    )


FAST_EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "hot-standby-fast.toml"


def fast_arc_config() -> dict[str, Any]:
    """The fast example with ARC routing controls instead of the accelerator; ARC moves
    traffic on an operator decision, so automatic failover is off."""
    import tomllib

    data = tomllib.loads(FAST_EXAMPLE.read_text())
    data["routing"] = {**data["routing"], "traffic": "arc"}
    data.pop("failover", None)
    return data


@pytest.fixture(scope="session")
def fast_arc_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_config(tmp_path_factory, fast_arc_config())


@pytest.fixture(scope="session")
def fast_ga_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """examples/hot-standby-fast.toml as it is: Global Accelerator and automatic failover."""
    import tomllib

    data = tomllib.loads(FAST_EXAMPLE.read_text())
    data["environment"] = "fastga"
    return synth_config(tmp_path_factory, data)


@pytest.fixture(scope="session")
def fast_three_region_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The fast example (automatic failover) with a second standby region."""
    import tomllib

    data = tomllib.loads(FAST_EXAMPLE.read_text())
    data["environment"] = "fasttri"
    data["standby_regions"] = ["us-west-2", "eu-west-1"]
    return synth_config(tmp_path_factory, data)


@pytest.fixture(scope="session")
def baseline_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """examples/reference-baseline.toml: the reference design the analyses are checked against."""
    import tomllib

    path = Path(__file__).resolve().parents[1] / "examples" / "reference-baseline.toml"
    return synth_config(tmp_path_factory, tomllib.loads(path.read_text(encoding="utf-8")))


MRSC_EXAMPLE = ROOT / "examples" / "active-active-mrsc.toml"


@pytest.fixture(scope="session")
def mrsc_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """examples/active-active-mrsc.toml as it is: orders in a DynamoDB MRSC table."""
    import tomllib

    return synth_config(tmp_path_factory, tomllib.loads(MRSC_EXAMPLE.read_text(encoding="utf-8")))


class FakeFinding:
    """Test double for a check finding (the real one comes from tradedr.checks)."""

    def __init__(self, severity: str, message: str) -> None:
        self.severity, self.message = severity, message

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "rule": "FAKE-1",
            "stack": "fake-stack",
            "resource": "FakeResource",
            "message": self.message,
        }


class FakeCheckReport:
    """Test double standing in for tradedr.checks.runner.CheckReport in plan tests."""

    def __init__(self, *, passed: bool = True, stacks: list[StackTemplate] | None = None) -> None:
        self.passed = passed
        self.stacks = stacks
        self.findings = [FakeFinding("warning", "a warning from the test double")]
        if not passed:
            self.findings.append(FakeFinding("error", "an error from the test double"))

    def summary(self) -> dict[str, int]:
        errors = sum(f.severity == "error" for f in self.findings)
        return {"errors": errors, "warnings": len(self.findings) - errors, "acknowledged": 0}


def install_fake_checks(monkeypatch: pytest.MonkeyPatch, check_config: Any) -> None:
    """Make `from tradedr.checks.runner import check_config` resolve to a test double."""
    import sys
    import types

    runner = types.ModuleType("tradedr.checks.runner")
    runner.check_config = check_config  # type: ignore[attr-defined]
    try:
        import tradedr.checks as package
    except ImportError:
        package = types.ModuleType("tradedr.checks")
        monkeypatch.setitem(sys.modules, "tradedr.checks", package)
    monkeypatch.setattr(package, "runner", runner, raising=False)
    monkeypatch.setitem(sys.modules, "tradedr.checks.runner", runner)


@pytest.fixture(scope="session")
def plan_result(tmp_path_factory: pytest.TempPathFactory, default_synth: Synthesized) -> Any:
    """`tradedr plan` on the default config, with the static checks replaced by a test double
    that hands back the session's default templates (so nothing synthesizes twice)."""
    from tradedr.report.plan import run_plan

    with pytest.MonkeyPatch.context() as monkeypatch:
        install_fake_checks(
            monkeypatch, lambda settings, outdir: FakeCheckReport(stacks=default_synth.stacks)
        )
        return run_plan(default_synth.settings, tmp_path_factory.mktemp("plan"))


@pytest.fixture(scope="session")
def check_reports(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """`check_config` results, computed once per named config and shared by every test."""
    from tradedr.checks.runner import check_config

    cache: dict[str, Any] = {}

    def get(name: str, data: dict[str, Any] | Settings) -> Any:
        if name not in cache:
            settings = data if isinstance(data, Settings) else load_settings(data)
            cache[name] = check_config(settings, tmp_path_factory.mktemp(f"check-{name}"))
        return cache[name]

    return get


# Every setting that reaches a template, moved off its default, so tests can see it flow.
CUSTOM_CONFIG: dict[str, Any] = {
    "application": "orders",
    "environment": "qa-2",
    "posture": "hot-standby",
    "primary_region": "eu-west-1",
    "standby_regions": ["eu-central-1"],
    "alarm_email": "dr-team@example.org",
    "regions": {
        "eu-west-1": {
            "cidr": "10.40.0.0/16",
            "instance_type": "m6i.xlarge",
            "asg_min": 3,
            "asg_desired": 4,
            "asg_max": 9,
            "availability_zones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        },
        "eu-central-1": {
            "cidr": "10.41.0.0/16",
            "instance_type": "m6i.large",
            "asg_min": 2,
            "asg_desired": 3,
            "asg_max": 5,
            "nat_gateways": 1,
        },
    },
    "database": {
        "engine_version": "8.4.6",
        "instance_class": "db.r6g.xlarge",
        "allocated_storage_gb": 250,
        "backup_retention_days": 14,
        "replica_lag_alarm_seconds": 45,
    },
    "sessions": {"billing_mode": "provisioned", "read_capacity": 20, "write_capacity": 10},
    "routing": {
        "domain_name": "dr.example.net",
        "record_name": "orders",
        "health_check_interval_seconds": 30,
        "health_check_failure_threshold": 2,
        "health_check_path": "/healthz",
    },
    "targets": {"rto_seconds": 120, "rpo_seconds": 30},
    "tags": {"cost_center": "cc-42", "owner": "dr-team", "extra": {"Team": "execution"}},
}


@pytest.fixture(scope="session")
def custom_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return synth_config(tmp_path_factory, CUSTOM_CONFIG)


@pytest.fixture(scope="session")
def cli_synth(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `tradedr synth --json` through the CLI for the default config, parsed."""
    from typer.testing import CliRunner

    from tradedr.cli import app

    workdir = tmp_path_factory.mktemp("cli-synth")
    result = CliRunner().invoke(app, ["synth", "--json", "--out", str(workdir / "cdk.out")])
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


@pytest.fixture(scope="session")
def fast_ga_manual_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The fast example with the accelerator but without automatic failover."""
    import tomllib

    data = tomllib.loads(FAST_EXAMPLE.read_text())
    data["environment"] = "fastgam"
    data["routing"] = {**data["routing"], "traffic": "global-accelerator"}
    data.pop("failover", None)
    return synth_config(tmp_path_factory, data)


def certificate_arn(
    region: str, certificate_id: str = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"
) -> str:
    return f"arn:aws:acm:{region}:123456789012:certificate/{certificate_id}"


def with_certificates(data: dict[str, Any], regions: list[str]) -> dict[str, Any]:
    """`data` with an ACM certificate configured in each of `regions` (TLS on the ALBs)."""
    configured = dict(data.get("regions", {}))
    for region in regions:
        configured[region] = {
            **configured.get(region, {}),
            "certificate_arn": certificate_arn(region),
        }
    return {**data, "regions": configured}


TLS_CONFIG: dict[str, Any] = with_certificates({}, ["us-east-1", "us-west-2"])


@pytest.fixture(scope="session")
def tls_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The default config with a certificate per region: HTTPS listeners, DNS failover."""
    return synth_config(tmp_path_factory, TLS_CONFIG)


@pytest.fixture(scope="session")
def tls_fast_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """examples/hot-standby-fast.toml with certificates: Global Accelerator health checks and
    the region-loss detector's probe over HTTPS."""
    import tomllib

    data = tomllib.loads(FAST_EXAMPLE.read_text())
    data["environment"] = "fasttls"
    return synth_config(tmp_path_factory, with_certificates(data, ["us-east-1", "us-west-2"]))


@pytest.fixture(scope="session")
def tls_health_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local HTTPS server answering 200 on /health with a self-signed certificate for
    another name (like an ALB reached by its own DNS name): `127.0.0.1:<port>`."""
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from tradedr.emulator.compat import self_signed_certificate

    certificate, private_key = self_signed_certificate("app.trading.example.com")
    folder = tmp_path_factory.mktemp("tls-server")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate)
    key_file.write_bytes(private_key)

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200 if self.path == "/health" else 404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def fast_dns_auto_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The fast example with Route 53 failover records instead of the accelerator (automatic
    failover kept): the detector's witness is then Route 53's health checkers."""
    import tomllib

    data = tomllib.loads(FAST_EXAMPLE.read_text())
    data["environment"] = "fastdns"
    data["routing"] = {**data["routing"], "traffic": "dns-failover"}
    return synth_config(tmp_path_factory, data)
