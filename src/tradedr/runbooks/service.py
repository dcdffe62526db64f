"""`tradedr runbook`: synthesize, gather the deployment's facts, render, write."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.infra.synth import StackTemplate, synthesize
from tradedr.runbooks.facts import DeploymentFacts, gather_facts
from tradedr.runbooks.render import PlanStep, render_runbooks, write_runbooks


def failover_steps(facts: DeploymentFacts) -> list[PlanStep]:
    """The failover plan in the runbook's words, from the same facts the plan is built on."""
    primary, target = facts.primary, facts.failover_target
    rpo = facts.settings.targets.rpo_seconds
    return [
        PlanStep(
            "Check replica lag",
            target.region,
            f"ReplicaLag of `{target.db_identifier}` at most {rpo} s, else stop "
            "(unless data loss is accepted)",
        ),
        PlanStep(
            "Fence the old primary (planned only)",
            primary.region,
            f"scale `{primary.asg_name}` to 0 so {primary.region} takes no more writes; "
            "skipped when the region is unreachable",
        ),
        PlanStep(
            "Promote the orders replica",
            target.region,
            f"promote `{target.db_identifier}` to a standalone writer; verify it has no "
            "replication source",
        ),
        PlanStep(
            "Point the app at the new writer",
            target.region,
            f"write the promoted endpoint into `{target.db_endpoint_parameter}`",
        ),
        PlanStep(
            "Scale the standby to active capacity",
            target.region,
            f"set `{target.asg_name}` to "
            f"{facts.settings.regions[target.region].asg_desired} and wait for healthy "
            f"targets in `{target.target_group_name}`",
        ),
        PlanStep(
            "Verify traffic",
            target.region,
            f"`{facts.record_fqdn}` answers from {target.region} and its deep health check passes",
        ),
    ]


def recovery_model(facts: DeploymentFacts) -> dict[str, Any]:
    """The modelled RTO per scenario and RPO per store (tradedr rto), for the runbooks."""
    from tradedr.analysis.rto import analyse_rto
    from tradedr.analysis.templates import TemplateSet

    report = analyse_rto(TemplateSet.from_synth(facts.settings, facts.stacks))
    return {
        "scenarios": {s.name: {k: round(v) for k, v in s.rto.items()} for s in report.scenarios},
        "rpo": [
            {"store": e.store, "seconds": e.rpo_seconds, "target": e.target_seconds, "met": e.met}
            for e in report.rpo
        ],
        "met": report.met,
    }


def generate_runbooks(
    settings: Settings, outdir: Path, *, stacks: list[StackTemplate] | None = None
) -> list[Path]:
    """Write the runbooks of `settings` into `outdir`; synthesizes unless given stacks."""
    if stacks is None:
        with tempfile.TemporaryDirectory(prefix="tradedr-runbook-") as tmp:
            stacks = synthesize(settings, Path(tmp))
            facts = gather_facts(settings, stacks)
            rendered = render_runbooks(facts, failover_steps(facts), recovery_model(facts))
    else:
        facts = gather_facts(settings, stacks)
        rendered = render_runbooks(facts, failover_steps(facts), recovery_model(facts))
    return write_runbooks(rendered, outdir)
