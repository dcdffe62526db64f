"""The static gates behind `tradedr check`, one function per way of calling it.

A thin facade over `checks.runner`: the config's synthesized templates, or the templates in
a directory, checked; the acknowledged findings of either listed; a report as SARIF. The
runner is imported when a function runs, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradedr.checks.findings import Acknowledged, CheckReport
    from tradedr.config import Settings


def check_config(settings: Settings, outdir: Path, *, packs: Sequence[str]) -> CheckReport:
    """Synthesize `settings` into `outdir` and run every gate over the result."""
    from tradedr.checks import runner

    return runner.check_config(settings, outdir, packs=packs)


def check_templates(
    directory: Path,
    *,
    regions: Sequence[str] | None,
    packs: Sequence[str],
    ignore_lint_rules: Sequence[str] = (),
    topology_file: Path | None = None,
) -> CheckReport:
    """Check the CloudFormation templates (JSON or YAML) in `directory`; the cfn-lint rules
    the config turns off (`[checks] ignore_lint_rules`) are reported as acknowledged, and
    `topology_file` (assess.toml) says where each template deploys (else it is inferred)."""
    from tradedr.checks import runner
    from tradedr.templates.topology import load_topology

    return runner.check_templates(
        directory,
        regions=regions,
        packs=packs,
        ignore_lint_rules=ignore_lint_rules,
        topology=load_topology(topology_file) if topology_file is not None else None,
    )


def acknowledged_in_config(settings: Settings, outdir: Path) -> list[Acknowledged]:
    """Every acknowledgment declared in code for `settings`, without running the packs."""
    from tradedr.checks import runner

    return runner.list_acknowledged(settings, outdir)


def acknowledged_in_templates(
    directory: Path,
    *,
    regions: Sequence[str] | None,
    packs: Sequence[str],
    ignore_lint_rules: Sequence[str] = (),
) -> list[Acknowledged]:
    """The findings the templates in `directory` acknowledge (checking them to find out)."""
    return check_templates(
        directory, regions=regions, packs=packs, ignore_lint_rules=ignore_lint_rules
    ).acknowledged


def to_sarif(report: CheckReport) -> dict[str, Any]:
    """The report as SARIF 2.1.0, for code-scanning uploads."""
    from tradedr.checks import runner

    return runner.to_sarif(report)
