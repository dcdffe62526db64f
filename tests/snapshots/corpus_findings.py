"""The findings `check --templates` gives over the public corpus with the default packs,
as a golden file: a faster runner (cdk-nag beside cfn-lint) must report exactly these.

Regenerate with `python tests/snapshots/corpus_findings.py` only when a change means to
change the findings (a new rule, a new cdk-nag or cfn-lint), and review the diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
GOLDEN = Path(__file__).resolve().parent / "checks" / "corpus-findings.json"


def _relative(entry: dict[str, Any]) -> dict[str, Any]:
    if entry.get("file"):
        entry["file"] = Path(entry["file"]).name
    return entry


def corpus_report() -> dict[str, list[dict[str, Any]]]:
    """Findings and acknowledgments over the corpus, default packs, files by name."""
    from tradedr.checks.runner import DEFAULT_PACKS, check_templates

    report = check_templates(CORPUS, packs=DEFAULT_PACKS)
    return {
        "sources": list(report.sources),
        "findings": [_relative(f.to_dict()) for f in report.findings],
        "acknowledged": [a.to_dict() for a in report.acknowledged],
    }


def render(report: dict[str, list[dict[str, Any]]]) -> str:
    return json.dumps(report, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(render(corpus_report()), encoding="utf-8")
    print(f"wrote {GOLDEN.relative_to(ROOT)}")
