"""Render the runbooks of one deployment to Markdown files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from tradedr.errors import TradedrError
from tradedr.fileio import private_dir, write_private
from tradedr.runbooks.facts import DeploymentFacts


@dataclass(frozen=True)
class Runbook:
    """One generated runbook: its template, file and one-line purpose for the index."""

    template: str
    title: str
    summary: str

    @property
    def filename(self) -> str:
        return self.template.removesuffix(".j2")


RUNBOOKS: tuple[Runbook, ...] = (
    Runbook(
        "post-deployment-validation.md.j2",
        "Post-deployment validation",
        "after every deploy; first step of every drill",
    ),
    Runbook("regional-failover.md.j2", "Regional failover", "the primary region cannot serve"),
    Runbook("regional-failback.md.j2", "Regional failback", "returning to the original primary"),
    Runbook("dr-test-procedure.md.j2", "Quarterly DR test", "the quarterly drill and its evidence"),
    Runbook(
        "incident-primary-region-outage.md.j2",
        "Primary region outage",
        "a regional event in the primary",
    ),
    Runbook("incident-az-loss.md.j2", "AZ loss", "one availability zone fails"),
    Runbook("incident-rds-failover.md.j2", "RDS failover", "the orders DB failed over"),
    Runbook(
        "incident-replica-lag.md.j2", "Replica lag above target", "the replica-lag alarm fires"
    ),
    Runbook(
        "incident-dynamodb-throttling.md.j2", "DynamoDB throttling", "the sessions table throttles"
    ),
    Runbook(
        "incident-s3-replication-backlog.md.j2",
        "S3 replication backlog",
        "objects replicate slower than RTC",
    ),
    Runbook(
        "incident-failed-deploy.md.j2", "Failed deploy / rollback", "a stack failed or rolled back"
    ),
    Runbook(
        "incident-compromised-credentials.md.j2",
        "Compromised credentials",
        "a secret or role may have leaked",
    ),
    Runbook("scaling-operations.md.j2", "Scaling operations", "planned capacity changes"),
    Runbook(
        "backup-and-restore.md.j2", "Backup and restore", "manual backups, restores, restore tests"
    ),
    Runbook(
        "cost-monitoring.md.j2", "Cost monitoring", "monthly review, budget and anomaly alerts"
    ),
    Runbook("tagging-strategy.md.j2", "Tagging strategy", "adding resources, tag findings"),
)

# Anything that looks like a template variable nobody filled in.
_UNRESOLVED = re.compile(r"\$\{[^}]*\}|<[A-Za-z][A-Za-z0-9_ .-]*>|\{\{|\}\}|\bNone\b")


class RunbookError(TradedrError):
    """A runbook could not be rendered with real names."""


@dataclass(frozen=True)
class PlanStep:
    """A failover step as the runbook describes it."""

    title: str
    region: str
    detail: str


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("tradedr.runbooks", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )


def unresolved_placeholders(text: str) -> list[str]:
    """Placeholders left in rendered text (empty when the runbook names real things)."""
    return sorted(set(_UNRESOLVED.findall(text)))


def render_runbooks(
    facts: DeploymentFacts,
    plan_steps: list[PlanStep],
    model: dict[str, Any],
    *,
    unplanned_steps: list[PlanStep] | None = None,
) -> dict[str, str]:
    """File name -> Markdown, for every runbook plus the index; `model` is `tradedr rto`'s."""
    env = _environment()
    context = {
        "s": facts.settings,
        "f": facts,
        "plan_steps": plan_steps,
        "unplanned_steps": unplanned_steps or [],
        "model": model,
        "runbooks": RUNBOOKS,
    }
    rendered: dict[str, str] = {}
    try:
        for runbook in RUNBOOKS:
            rendered[runbook.filename] = env.get_template(runbook.template).render(context)
        rendered["README.md"] = env.get_template("index.md.j2").render(context)
    except jinja2.UndefinedError as exc:
        raise RunbookError(
            f"runbook template refers to something this deployment lacks: {exc}"
        ) from None
    for name, text in rendered.items():
        left = unresolved_placeholders(text)
        if left:
            raise RunbookError(f"{name}: unresolved placeholder(s) {', '.join(left)}")
    return rendered


def write_runbooks(rendered: dict[str, str], outdir: Path) -> list[Path]:
    private_dir(outdir)  # runbooks name this deployment's accounts, ARNs and endpoints
    paths = []
    for name, text in rendered.items():
        paths.append(write_private(outdir / name, text))
    return paths
