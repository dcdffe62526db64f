"""`tradedr runbook`: synthesize, gather the deployment's facts, render, write."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tradedr.config import Settings
from tradedr.infra.synth import StackTemplate, synthesize
from tradedr.runbooks.facts import DeploymentFacts, gather_facts
from tradedr.runbooks.render import PlanStep, render_runbooks, write_runbooks


def failover_steps(facts: DeploymentFacts, *, mode: str = "planned") -> list[PlanStep]:
    """The steps of the real failover plan (`tradedr failover --dry-run` shows the same), so
    the runbook cannot describe a different procedure from the one that runs."""
    settings = facts.settings
    if not settings.posture.replicates_data:
        return []
    from tradedr.errors import TradedrError
    from tradedr.names import Names
    from tradedr.ops.failover import failover_plan
    from tradedr.ops.traffic import TrafficControls, traffic_mode_for

    target = facts.failover_target.region
    names = Names(settings)
    # ARNs and cluster endpoints are read from the deployment when the plan runs; the
    # runbook names the same controls by their stable names.
    controls = TrafficControls(
        traffic_mode_for(settings),
        routing_controls={r: names.routing_control(r) for r in settings.all_regions},
        cluster_endpoints=[
            {"Region": r, "Endpoint": f"ARC cluster endpoint in {r}"}
            for r in ("us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1", "ap-southeast-2")
        ],
        endpoint_groups={r: f"accelerator endpoint group of {r}" for r in settings.all_regions},
    )
    try:
        plan = failover_plan(
            settings,
            to_region=target,
            mode=mode,  # type: ignore[arg-type]
            allow_data_loss=mode == "unplanned",
            traffic_mode=controls.mode,
            traffic=controls.params_for(target),
        )
    except TradedrError as exc:
        return [PlanStep("No plan for this case", target, exc.message)]
    steps = []
    for group in plan.groups:
        parallel = len(group.steps) > 1
        for step in group.steps:
            details = [step.verification and f"verify: {step.verification}"]
            details += [f"requires: {p}" for p in step.preconditions]
            if parallel:
                details.append(f"runs in parallel with the rest of '{group.name}'")
            steps.append(
                PlanStep(step.title, step.region, "; ".join(d for d in details if d) or "-")
            )
    return steps


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


def _render(facts: DeploymentFacts) -> dict[str, str]:
    return render_runbooks(
        facts,
        failover_steps(facts),
        recovery_model(facts),
        unplanned_steps=failover_steps(facts, mode="unplanned"),
    )


def generate_runbooks(
    settings: Settings, outdir: Path, *, stacks: list[StackTemplate] | None = None
) -> list[Path]:
    """Write the runbooks of `settings` into `outdir`; synthesizes unless given stacks."""
    if stacks is None:
        with tempfile.TemporaryDirectory(prefix="tradedr-runbook-") as tmp:
            stacks = synthesize(settings, Path(tmp))
            facts = gather_facts(settings, stacks)
            rendered = _render(facts)
    else:
        rendered = _render(gather_facts(settings, stacks))
    return write_runbooks(rendered, outdir)
