"""The same environment under every DR posture: cost against region-loss RTO and RPO.

Each posture is synthesized for real (its own templates), then priced and timed by the
same models, so the trade-off table cannot drift from what each posture would deploy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradedr.analysis.cost import CostReport, analyse_cost
from tradedr.analysis.prices import PriceBook
from tradedr.analysis.rto import RtoReport, analyse_rto
from tradedr.analysis.templates import TemplateSet
from tradedr.config import POSTURE_ORDER, Posture, Settings, load_settings
from tradedr.errors import ConfigError


@dataclass
class PostureRow:
    posture: Posture
    cost: CostReport
    rto: RtoReport
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        region_loss = self.rto.scenario("region-loss").rto
        transactional = [r.rpo_seconds for r in self.rto.rpo if r.target_name == "rpo_seconds"]
        known = [r for r in transactional if r is not None]
        total = self.cost.total_monthly
        return {
            "posture": self.posture.value,
            "monthly": total,
            "standby_monthly": self.cost.standby_monthly,
            "standby_share": round(self.cost.standby_monthly / total, 3) if total else 0.0,
            "region_loss_rto_p99": region_loss["p99"],
            "region_loss_rto_typical": region_loss["typical"],
            "rpo_seconds": max(known) if known and len(known) == len(transactional) else None,
            "unpriced_items": sum(len(r.unpriced) for r in self.cost.regions),
            "notes": self.notes,
        }


def posture_settings(settings: Settings, posture: Posture) -> tuple[Settings, list[str]]:
    """The config with another posture; targets a posture cannot express are relaxed, noted."""
    data = settings.model_dump(mode="json")
    data["posture"] = posture.value
    notes: list[str] = []
    if posture is Posture.BACKUP_RESTORE and settings.targets.rpo_seconds < 3600:
        data["targets"]["rpo_seconds"] = 3600
        notes.append("rpo target relaxed to 3600 s: backup-restore copies hourly at best")
    if posture is Posture.ACTIVE_ACTIVE and settings.sessions.billing_mode == "provisioned":
        data["sessions"]["billing_mode"] = "on-demand"
        notes.append("sessions switched to on-demand: required by active-active")
    for region in settings.standby_regions:
        if posture in (Posture.HOT_STANDBY, Posture.ACTIVE_ACTIVE) and (
            settings.regions[region].asg_desired < 1
        ):
            data["regions"][region]["asg_desired"] = 1
            data["regions"][region]["asg_min"] = max(data["regions"][region]["asg_min"], 1)
            notes.append(f"{region} asg_desired raised to 1 for {posture.value}")
    try:
        return load_settings(data), notes
    except ConfigError as exc:
        raise ConfigError(f"posture {posture.value}: {exc.message}") from None


def compare_postures(
    settings: Settings,
    prices: PriceBook,
    outdir: Path,
    *,
    current: TemplateSet | None = None,
    progress: Any = None,
) -> list[PostureRow]:
    """One row per posture in POSTURE_ORDER; reuses `current` for the configured posture."""
    from tradedr.infra.synth import synthesize

    rows = []
    for posture in POSTURE_ORDER:
        if current is not None and posture is settings.posture:
            templates, notes = current, list[str]()
        else:
            variant, notes = posture_settings(settings, posture)
            if progress is not None:
                progress(f"synthesizing {posture.value} for the comparison ...")
            stacks = synthesize(variant, outdir / posture.value)
            templates = TemplateSet.from_synth(variant, stacks)
        rows.append(
            PostureRow(posture, analyse_cost(templates, prices), analyse_rto(templates), notes)
        )
    return rows
