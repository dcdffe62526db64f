"""`check --templates` over the public corpus with the default packs gives exactly the
golden findings (tests/snapshots/checks/corpus-findings.json, generated from the serial
runner), and cdk-nag runs on its worker thread beside cfn-lint, not after it."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from tests.snapshots.corpus_findings import CORPUS, GOLDEN, corpus_report, render
from tradedr.checks import runner
from tradedr.checks.findings import Acknowledged, Finding


def test_corpus_findings_match_the_golden_file() -> None:
    expected = GOLDEN.read_text(encoding="utf-8")
    actual = render(corpus_report())
    assert actual == expected, "findings changed: python tests/snapshots/corpus_findings.py"


def test_the_golden_file_holds_every_gate() -> None:
    import json

    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    sources = {f["source"] for f in golden["findings"]}
    assert sources == {"cdk-nag:AwsSolutions", "cdk-nag:PCI", "cdk-nag:NIST", "cfn-lint", "tradedr"}
    assert golden["acknowledged"]  # the corpus's own rules_to_suppress entries


def test_nag_runs_while_cfn_lint_lints(monkeypatch: pytest.MonkeyPatch) -> None:
    """The packs wait for cfn-lint to start: a serial runner would time out here."""
    linting = threading.Event()
    seen: dict[str, Any] = {}
    real_lint = runner.run_lint

    def lint(*args: Any, **kwargs: Any) -> tuple[list[Finding], list[Acknowledged]]:
        linting.set()
        return real_lint(*args, **kwargs)

    def nag(docs: Sequence[Any], packs: Sequence[str]) -> tuple[list[Finding], list[Acknowledged]]:
        seen["overlapped"] = linting.wait(timeout=60)
        seen["thread"] = threading.current_thread().name
        return [Finding("cdk-nag:AwsSolutions", "X1", "error", "s", "r", "m")], []

    monkeypatch.setattr(runner, "run_lint", lint)
    monkeypatch.setattr(runner, "nag_templates", nag)
    report = runner.check_templates(CORPUS.parent / "weak")
    assert seen["overlapped"] is True
    assert seen["thread"].startswith("tradedr-nag")
    assert report.findings[0].rule == "X1"  # the packs' findings still come first


def test_a_failure_in_the_packs_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def nag(docs: Sequence[Any], packs: Sequence[str]) -> Any:
        raise RuntimeError("jsii died")

    monkeypatch.setattr(runner, "nag_templates", nag)
    with pytest.raises(RuntimeError, match="jsii died"):
        runner.check_templates(CORPUS.parent / "weak")


def test_importing_the_runner_does_not_start_node() -> None:
    """aws_cdk is imported on the worker thread (starting jsii's Node process there)."""
    code = "import sys, tradedr.checks.runner; print('aws_cdk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
