"""`tradedr assess DIR`: what a team's own templates would recover in a region loss, how
fast, what data they would lose, what they cost, and which gaps to close first.

Offline and without credentials: the templates are read through `tradedr.templates`,
placed by the topology (assess.toml or inferred), checked by the DR rules and the gap kinds
in `gaps/`, and measured by the same RTO, RPO and cost models `tradedr rto` and
`tradedr cost` use, priced from the bundled snapshot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from tradedr.analysis.cost import analyse_cost
from tradedr.analysis.cost.registry import FREE_TYPES, resource_pricers
from tradedr.analysis.prices import SnapshotPrices
from tradedr.analysis.rto import analyse_rto
from tradedr.analysis.templates import StackDoc, TemplateSet
from tradedr.assess.gaps import ALL_GAPS, AssessContext
from tradedr.assess.model import IMPACTS, AssessReport, Figures, StoreRpo
from tradedr.assess.strengths import strengths
from tradedr.checks.runner import context_from_topology, inferred_note, place, run_rules
from tradedr.checks.templates import TemplateDoc
from tradedr.config import Posture, Settings
from tradedr.templates import read_directory
from tradedr.templates.topology import Topology, load_topology, pair_region, topology_for
from tradedr.templates.values import with_parameter_defaults

Progress = Callable[[str], None]
REGION_LOSS = "region-loss"


def run_assess(
    directory: Path, *, topology_file: Path | None = None, progress: Progress | None = None
) -> AssessReport:
    """The gap analysis of every template in `directory`."""
    given = load_topology(topology_file) if topology_file is not None else None
    found = read_directory(directory)
    topology = topology_for(found.templates, given)
    notes = list(found.notes)
    if topology.inferred:
        notes.append(inferred_note(topology))
    docs = place(found.templates, topology)
    if progress:
        progress(f"assessing {len(docs)} templates ({found.resource_count} resources) ...")
    findings = run_rules(docs, context_from_topology(topology))
    settings, settings_note = settings_for(topology)
    if settings_note:
        notes.append(settings_note)
    templates = template_set(settings, docs, topology)
    prices = SnapshotPrices()
    ctx = AssessContext(docs=docs, findings=findings, templates=templates, prices=prices)
    gaps = [g for kind in ALL_GAPS if (g := kind.gap(ctx)) is not None]
    gaps.sort(key=lambda g: IMPACTS.index(g.impact))
    figures = measure(templates, prices)
    return AssessReport(
        directory=str(directory),
        templates=[
            {
                "file": d.path.name,
                "stack": d.stack,
                "region": d.region,
                "role": _role(topology, d.path.name),
                "resources": len(d.resources),
                "written": len(d.written.get("Resources") or {}),
                "transforms": list(d.transforms),
            }
            for d in docs
        ],
        topology=topology.model_dump(mode="json", exclude={"inferred"}),
        topology_toml=topology.to_toml(),
        inferred=topology.inferred,
        gaps=gaps,
        strengths=strengths(ctx),
        figures=figures,
        notes=notes + figures.warnings,
    )


def _role(topology: Topology, file_name: str) -> str:
    where = topology.placement(file_name)
    return where.role if where else "primary"


def settings_for(topology: Topology) -> tuple[Settings, str]:
    """The analysis models' view of the topology: regions, posture, targets.

    The models need a standby region and a posture; when the topology has none, the
    region AWS usually pairs with the primary and backup-restore (only backups) stand in,
    and a note says so."""
    notes = []
    standbys = list(topology.standby_regions)
    if not standbys:
        standbys = [pair_region(topology.primary_region)]
        notes.append(f"no standby template: the region-loss figures recover into {standbys[0]}")
    posture = topology.effective_posture
    if posture is None:
        posture = Posture.BACKUP_RESTORE
        notes.append("no posture known: the figures assume backup-restore (rebuild from backups)")
    targets: dict[str, int] = {}
    if topology.targets.rto_seconds is not None:
        targets["rto_seconds"] = topology.targets.rto_seconds
    if topology.targets.rpo_seconds is not None:
        targets["rpo_seconds"] = topology.targets.rpo_seconds
    elif posture is Posture.BACKUP_RESTORE:
        targets["rpo_seconds"] = 3600
    data = {
        "posture": posture.value,
        "primary_region": topology.primary_region,
        "standby_regions": standbys,
        "targets": targets,
    }
    try:
        return Settings.model_validate(data), "; ".join(notes)
    except ValidationError as exc:
        # a target the posture cannot meet (e.g. backup-restore with a 5 s RPO): measure
        # the templates as warm-standby and say so; the gap list already names the cause.
        data["posture"] = Posture.WARM_STANDBY.value
        notes.append(
            f"the targets do not validate for {posture.value} "
            f"({exc.errors()[0]['msg']}); figures computed as warm-standby"
        )
        return Settings.model_validate(data), "; ".join(notes)


def template_set(settings: Settings, docs: list[TemplateDoc], topology: Topology) -> TemplateSet:
    stacks = []
    for doc in docs:
        where = topology.placement(doc.path.name)
        kind = where.role if where else "primary"
        region = doc.region or settings.primary_region
        body = with_parameter_defaults(doc.body, region)
        stacks.append(StackDoc(doc.stack, region, kind, body, doc))
    return TemplateSet(settings, stacks)


def measure(templates: TemplateSet, prices: SnapshotPrices) -> Figures:
    """Region-loss RTO, RPO per store and the monthly cost, each with its sources."""
    rto = analyse_rto(templates)
    region_loss = rto.scenario(REGION_LOSS)
    cost = analyse_cost(templates, prices, tolerate_computed=True)
    cost_data = cost.to_dict()
    types = Counter(r.type for s in templates.stacks for r in s.resources())
    pricers = resource_pricers()
    return Figures(
        rto_p50_seconds=round(region_loss.rto.p50, 1),
        rto_p99_seconds=round(region_loss.rto.p99, 1),
        rto_target_seconds=templates.settings.targets.rto_seconds,
        rto_components=[
            {"name": c.name, "typical_seconds": c.typical, "source": c.source}
            for c in region_loss.components
        ],
        rpo=[StoreRpo(e.store, e.rpo_seconds, e.basis, e.source, e.met) for e in rto.rpo],
        monthly_usd=cost_data.get("total_monthly_usd"),
        standby_monthly_usd=cost.standby_monthly,
        prices=prices.description,
        priced_types={t: n for t, n in sorted(types.items()) if t in pricers},
        not_priced={
            t: n for t, n in sorted(types.items()) if t not in pricers and t not in FREE_TYPES
        },
        free_types={t: n for t, n in sorted(types.items()) if t in FREE_TYPES},
        warnings=list(rto.warnings) + [str(w) for w in cost_data.get("warnings") or []],
    )


def write_reports(report: AssessReport, out: Path) -> list[Path]:
    """OUT/assess.md, OUT/assess.html (the review's style) and OUT/assess.json."""
    import json

    from tradedr.fileio import private_dir
    from tradedr.report.assess import render_assess_html, render_assess_markdown

    private_dir(out)  # the report names accounts' resources and their weaknesses
    written = {
        "assess.md": render_assess_markdown(report),
        "assess.html": render_assess_html(report),
        "assess.json": json.dumps(report.to_dict(), indent=2, default=str),
    }
    paths = []
    for name, text in written.items():
        (out / name).write_text(text, encoding="utf-8")
        paths.append(out / name)
    return paths
