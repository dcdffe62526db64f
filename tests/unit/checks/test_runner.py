"""The checks runner: `tradedr check` fails the weak fixture and passes every posture, and
its acknowledged findings are declared in code, with reasons, few, and all still needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.conftest import unvalidated_active_active
from tradedr.checks.runner import check_templates, list_acknowledged, to_sarif
from tradedr.cli import app
from tradedr.config import Posture, Settings

WEAK = Path(__file__).resolve().parents[2] / "fixtures" / "weak"
FAST_EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "hot-standby-fast.toml"
PACK_SOURCES = ("cdk-nag:AwsSolutions", "cdk-nag:PCI", "cdk-nag:NIST")


@pytest.fixture(scope="module")
def weak_report() -> Any:
    return check_templates(WEAK)


# Each weakness the fixture plants, and the DR rule that must report it as an error.
@pytest.mark.parametrize(
    ("rule", "resource", "weakness"),
    [
        ("DR009", "OrdersDb", "unencrypted RDS"),
        ("DR010", "OrdersDb", "RDS without Multi-AZ"),
        ("DR002", "SessionsTable", "table without PITR"),
        ("DR014", "ObjectsBucket", "bucket without versioning"),
        ("DR013", "AppRole", "wildcard IAM"),
        ("DR008", "DbPassword", "plaintext password parameter default"),
    ],
)
def test_weak_template_errors(weak_report: Any, rule: str, resource: str, weakness: str) -> None:
    hits = [f for f in weak_report.findings if f.rule == rule and f.resource == resource]
    assert hits, f"{weakness} not reported"
    assert all(f.severity == "error" for f in hits)


def test_weak_template_also_fails_nag_and_lint(weak_report: Any) -> None:
    sources = {f.source for f in weak_report.findings if f.severity == "error"}
    assert set(PACK_SOURCES) <= sources
    assert any(f.source == "cfn-lint" for f in weak_report.findings)
    assert not weak_report.passed


def test_weak_template_cli_exits_1_and_prints_json() -> None:
    result = CliRunner().invoke(app, ["check", "--templates", str(WEAK), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"summary", "findings", "notes"}
    assert data["notes"][0].startswith("topology inferred")  # shown for confirmation
    assert data["summary"]["errors"] > 0
    finding = data["findings"][0]
    assert set(finding) == {
        *("source", "rule", "severity", "stack", "resource", "message", "file", "line")
    }
    assert finding["severity"] in ("error", "warning", "info")
    dr = [f for f in data["findings"] if f["source"] == "tradedr"]
    assert dr
    assert all(f["file"] == str(WEAK / "weak-stack.yaml") for f in dr)
    assert all(isinstance(f["line"], int) and f["line"] > 1 for f in dr)


def test_every_gate_locates_its_findings_in_the_real_file(weak_report: Any) -> None:
    for finding in weak_report.findings:
        assert Path(finding.file).name == "weak-stack.yaml", finding
    nag = [f for f in weak_report.findings if f.source.startswith("cdk-nag")]
    assert nag
    assert all(f.line for f in nag if f.resource != "(template)")


def test_sarif_shape(weak_report: Any) -> None:
    sarif = to_sarif(weak_report)
    assert sarif["version"] == "2.1.0"
    results = [r for run in sarif["runs"] for r in run["results"]]
    assert len(results) == len(weak_report.findings)
    assert {r["level"] for r in results} <= {"error", "warning", "note"}
    run = next(r for r in sarif["runs"] if r["tool"]["driver"]["name"] == "tradedr")
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    # The real file and the resource's line, not `<stack>.template.json`.
    located = [loc["physicalLocation"] for r in run["results"] for loc in r["locations"]]
    assert {Path(p["artifactLocation"]["uri"]).name for p in located} == {"weak-stack.yaml"}
    assert all(p["region"]["startLine"] > 1 for p in located)


def _posture_config(posture: Posture) -> dict[str, Any]:
    data: dict[str, Any] = {"posture": posture.value}
    if posture is Posture.BACKUP_RESTORE:
        data["targets"] = {"rpo_seconds": 3600}
    return data


@pytest.mark.parametrize("posture", list(Posture), ids=[p.value for p in Posture])
def test_every_posture_passes_all_gates(check_reports: Any, posture: Posture) -> None:
    config = (
        unvalidated_active_active()
        if posture is Posture.ACTIVE_ACTIVE
        else _posture_config(posture)
    )
    report = check_reports(posture.value, config)
    errors = [f for f in report.findings if f.severity == "error"]
    assert errors == [], [f"{f.source} {f.rule} {f.stack}/{f.resource}" for f in errors]
    sources = {f.source for f in report.findings} | {a.source for a in report.acknowledged}
    assert set(PACK_SOURCES) <= sources  # the packs really ran
    assert report.passed


def test_aurora_global_example_passes(check_reports: Any) -> None:
    import tomllib

    report = check_reports("fast", tomllib.loads(FAST_EXAMPLE.read_text(encoding="utf-8")))
    errors = [f"{f.source} {f.rule} {f.resource}" for f in report.findings if f.severity == "error"]
    assert errors == []


def test_active_active_mrsc_example_passes_every_gate_and_dr_rule(check_reports: Any) -> None:
    """examples/active-active-mrsc.toml: 0 errors from cdk-nag, cfn-lint (which accepts
    MultiRegionConsistency on AWS::DynamoDB::GlobalTable) and every DR rule, DR016-DR020
    included."""
    import tomllib

    from tests.conftest import MRSC_EXAMPLE

    report = check_reports("mrsc", tomllib.loads(MRSC_EXAMPLE.read_text(encoding="utf-8")))
    errors = [f"{f.source} {f.rule} {f.resource}" for f in report.findings if f.severity == "error"]
    assert errors == []
    assert not [f for f in report.findings if f.source == "tradedr"]
    assert set(PACK_SOURCES) <= {f.source for f in report.findings} | {
        a.source for a in report.acknowledged
    }
    assert report.passed


def test_automatic_failover_with_dns_failover_passes(check_reports: Any) -> None:
    """The detector's Route 53 witness adds read-only statements: no nag finding."""
    import tomllib

    data = tomllib.loads(FAST_EXAMPLE.read_text(encoding="utf-8"))
    data["routing"] = {**data["routing"], "traffic": "dns-failover"}
    report = check_reports("fast-dns", data)
    errors = {(f.source, f.rule) for f in report.findings if f.severity == "error"}
    # No nag or lint error. DR006 rightly says DNS failover cannot meet the 60 s target
    # (10 s x 1 detection + the 60 s alias TTL): that is why the example uses the accelerator.
    assert errors == {("tradedr", "DR006")}
    assert all(
        "exceeds the RTO target of 60 s" in f.message
        for f in report.findings
        if f.rule == "DR006" and f.severity == "error"
    )


def test_no_stale_acknowledgments_in_default(check_reports: Any) -> None:
    report = check_reports("warm-standby", _posture_config(Posture.WARM_STANDBY))
    stale = [
        f for f in report.findings if f.severity == "info" and "matches no finding" in f.message
    ]
    assert stale == []


def test_report_exposes_stack_templates_for_plan(check_reports: Any) -> None:
    report = check_reports("warm-standby", _posture_config(Posture.WARM_STANDBY))
    assert report.stacks
    assert all(hasattr(s, "load") for s in report.stacks)
    assert report.to_dict()["summary"] == report.summary()


def test_three_regions_pass(check_reports: Any) -> None:
    report = check_reports("tri", {"standby_regions": ["us-west-2", "eu-west-1"]})
    errors = [f"{f.source} {f.rule} {f.resource}" for f in report.findings if f.severity == "error"]
    assert errors == []


REDIRECTION_RULES = {
    "PCI.DSS.321-ALBHttpToHttpsRedirection",
    "NIST.800.53.R5-ALBHttpToHttpsRedirection",
}


def test_tls_config_passes_without_redirection_acknowledgments(check_reports: Any) -> None:
    from tests.conftest import TLS_CONFIG

    report = check_reports("tls", TLS_CONFIG)
    errors = [f"{f.source} {f.rule} {f.resource}" for f in report.findings if f.severity == "error"]
    assert errors == []
    assert report.passed
    acknowledged = {a.rule for a in report.acknowledged}
    assert acknowledged & REDIRECTION_RULES == set()
    # No finding of the redirection rules either: the HTTP listener really redirects.
    assert {f.rule for f in report.findings} & REDIRECTION_RULES == set()
    stale = [f for f in report.findings if "matches no finding" in f.message]
    assert stale == []
    tradedr = [f for f in report.findings if f.source == "tradedr" and f.severity == "error"]
    assert tradedr == []


def test_plain_http_config_still_acknowledges_redirection(check_reports: Any) -> None:
    report = check_reports("warm-standby", _posture_config(Posture.WARM_STANDBY))
    assert {a.rule for a in report.acknowledged} >= REDIRECTION_RULES


# --- acknowledged findings ---------------------------------------------------------


@pytest.fixture(scope="module")
def declared(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    return list_acknowledged(Settings(), tmp_path_factory.mktemp("acks"))


def test_fewer_than_25_acknowledged_rules_each_with_a_reason(declared: list[Any]) -> None:
    rules = {a.rule.split("[", 1)[0] for a in declared}  # IAM5[Resource::x] is rule IAM5
    assert 0 < len(rules) < 25
    for entry in declared:
        assert len(entry.reason) >= 40
        assert entry.stack
        assert entry.resource


def test_every_declared_acknowledgment_matches_a_finding(check_reports: Any) -> None:
    report = check_reports("warm-standby", {"posture": "warm-standby"})
    assert report.acknowledged
    for ack in report.acknowledged:
        assert ack.reason
        assert ack.resource


def test_list_acknowledged_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["check", "--list-acknowledged", "--format", "json", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert '"acknowledged"' in result.stdout
    assert "Replication" in result.stdout
