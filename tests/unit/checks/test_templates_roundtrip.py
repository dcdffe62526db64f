"""`tradedr synth` then `tradedr check --templates cdk.out` gives the verdict `tradedr check`
gives: the acknowledgments travel in the templates' own metadata (cdk-nag's
`Metadata.cdk_nag.rules_to_suppress`, cfn-lint's `Metadata.cfn-lint.config.ignore_checks`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tradedr.checks.findings import Acknowledged, CheckReport, Finding
from tradedr.checks.runner import check_config, check_templates
from tradedr.config import Settings
from tradedr.infra.synth import synthesize

Key = tuple[str, str, str]


def _keys(items: list[Finding] | list[Acknowledged]) -> set[Key]:
    return {(item.source, item.rule, item.resource) for item in items}


def _verdict(report: CheckReport) -> set[Key]:
    # "acknowledgment matches no finding" notes are per declaration in code; a template
    # carries one per resource under the acknowledged construct, so only errors and
    # warnings are compared.
    return _keys([f for f in report.findings if f.severity != "info"])


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[CheckReport, CheckReport, Path]:
    settings = Settings()
    synthesized = tmp_path_factory.mktemp("synth")
    synthesize(settings, synthesized)
    from_config = check_config(settings, tmp_path_factory.mktemp("check"))
    return from_config, check_templates(synthesized), synthesized


def test_templates_keep_the_acknowledgments(reports: tuple[CheckReport, CheckReport, Path]) -> None:
    from_config, from_templates, _ = reports
    assert from_config.acknowledged, "the default config acknowledges findings"
    assert _keys(from_templates.acknowledged) == _keys(from_config.acknowledged)


def test_templates_give_the_same_findings(reports: tuple[CheckReport, CheckReport, Path]) -> None:
    from_config, from_templates, _ = reports
    assert _verdict(from_templates) == _verdict(from_config)
    assert from_templates.passed == from_config.passed


def test_template_metadata_is_in_the_tools_own_formats(
    reports: tuple[CheckReport, CheckReport, Path],
) -> None:
    *_, synthesized = reports
    nag: list[dict[str, Any]] = []
    lint: list[str] = []
    for path in synthesized.glob("*.template.json"):
        for resource in json.loads(path.read_text(encoding="utf-8"))["Resources"].values():
            metadata = resource.get("Metadata") or {}
            nag += (metadata.get("cdk_nag") or {}).get("rules_to_suppress") or []
            lint += ((metadata.get("cfn-lint") or {}).get("config") or {}).get(
                "ignore_checks"
            ) or []
    assert nag
    assert all(set(entry) == {"id", "reason"} for entry in nag)
    assert all(len(entry["reason"]) >= 40 for entry in nag)
    assert lint
