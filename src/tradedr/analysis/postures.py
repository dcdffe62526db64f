"""The same environment under every DR posture: cost against region-loss RTO and RPO.

Each posture is synthesized for real (its own templates), then priced and timed by the
same models, so the trade-off table cannot drift from what each posture would deploy. A
row's monthly figure is its cost report's `headline`, the figure `tradedr cost` prints, so
the configured posture's row and the cost total are one number.
Hot standby is also shown with the fast-failover options (Aurora global database with ARC
routing controls or Global Accelerator), so their price for the gain is visible. A posture
the config's engine cannot serve (active-active on a single-writer database) is not priced:
it is listed as refused, with the one-line reason, so the table never prices a design that
`tradedr config validate` would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradedr.analysis.cost import CostReport, analyse_cost
from tradedr.analysis.prices import PriceBook
from tradedr.analysis.rto import RtoReport, analyse_rto
from tradedr.analysis.templates import TemplateSet
from tradedr.config import (
    MRSC,
    MRSC_REGION_SETS,
    POSTURE_ORDER,
    Posture,
    Settings,
    load_settings,
    mrsc_region_set,
)
from tradedr.errors import ConfigError, ConfigFileError

# Fast-failover variants of hot standby: (database.engine, routing.traffic, automatic).
FAST_OPTIONS: tuple[tuple[str, str, bool], ...] = (
    ("aurora-mysql-global", "arc", False),
    ("aurora-mysql-global", "global-accelerator", False),
    ("aurora-mysql-global", "global-accelerator", True),
)
# Multi-writer variants of active-active: the orders engines every region writes to.
ACTIVE_OPTIONS: tuple[str, ...] = (MRSC,)
# The replica-lag alarm threshold the fast variants use (examples/hot-standby-fast.toml).
FAST_LAG_ALARM_SECONDS = 1
AUTOMATIC = "automatic failover"


def options_label(settings: Settings) -> str:
    """The non-default failover options of a config, e.g. `aurora-global + arc`."""
    parts = []
    if settings.database.engine == "aurora-mysql-global":
        parts.append("aurora-global")
    if settings.database.is_mrsc:
        parts.append(MRSC)
    if settings.routing.traffic != "dns-failover":
        parts.append(settings.routing.traffic)
    if settings.failover.automatic:
        parts.append(AUTOMATIC)
    return " + ".join(parts)


def _options_of(settings: Settings) -> tuple[str, str, bool]:
    return (settings.database.engine, settings.routing.traffic, settings.failover.automatic)


def _without_automatic(data: dict[str, Any], notes: list[str], why: str) -> None:
    if data["failover"]["automatic"]:
        data["failover"]["automatic"] = False
        notes.append(f"automatic failover off: {why}")


@dataclass
class PostureRow:
    posture: Posture
    cost: CostReport
    rto: RtoReport
    notes: list[str]
    options: str = ""
    configured: bool = False

    @property
    def label(self) -> str:
        return f"{self.posture.value} + {self.options}" if self.options else self.posture.value

    def to_dict(self) -> dict[str, Any]:
        region_loss = self.rto.scenario("region-loss").rto
        transactional = [r.rpo_seconds for r in self.rto.rpo if r.target_name == "rpo_seconds"]
        known = [r for r in transactional if r is not None]
        headline = self.cost.headline  # the same figure `tradedr cost` prints as its total
        total = headline.total_monthly_usd
        return {
            "posture": self.label,
            "base_posture": self.posture.value,
            "options": self.options,
            "configured": self.configured,
            "monthly": total,
            "complete": headline.complete,
            "unpriced_lines": headline.unpriced_lines,
            "headline": headline.text,
            "standby_monthly": self.cost.standby_monthly,
            "standby_share": round(self.cost.standby_monthly / total, 3) if total else 0.0,
            "region_loss_rto_p99": region_loss["p99"],
            "region_loss_rto_typical": region_loss["typical"],
            "rpo_seconds": max(known) if known and len(known) == len(transactional) else None,
            "unpriced_items": headline.unpriced_lines,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class RefusedPosture:
    """A posture left out of the comparison, and why (the config validation's own line)."""

    posture: Posture
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"posture": self.posture.value, "reason": self.reason}


@dataclass
class PostureComparison:
    rows: list[PostureRow]
    refused: list[RefusedPosture]


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
    if posture in (Posture.BACKUP_RESTORE, Posture.PILOT_LIGHT):
        _without_automatic(data, notes, f"{posture.value} has no serving standby")
    if settings.database.is_mrsc and posture is not Posture.ACTIVE_ACTIVE:
        data["database"]["engine"] = "mysql"
        data["database"]["witness_region"] = None
        notes.append(f"orders on mysql: {MRSC} writes in every region, so only active-active")
    try:
        return load_settings(data), notes
    except ConfigError as exc:
        raise ConfigError(f"posture {posture.value}: {exc.message}") from None


def fast_option_settings(
    settings: Settings, engine: str, traffic: str, automatic: bool = False
) -> tuple[Settings, list[str]]:
    """Hot standby of the same environment with one fast-failover combination.

    A variant with automatic failover accepts up to the fast lag alarm (1 s, capped by the
    RPO target) of data loss, unless the config already sets its own acceptance; the row
    says so, since nothing is deployed from it.
    """
    base, notes = posture_settings(settings, Posture.HOT_STANDBY)
    data = base.model_dump(mode="json")
    database = data["database"]
    if database["engine"] != engine:
        database["engine"] = engine
        database.pop("engine_version", None)  # each engine brings its own default version
    if database["replica_lag_alarm_seconds"] > FAST_LAG_ALARM_SECONDS:
        database["replica_lag_alarm_seconds"] = FAST_LAG_ALARM_SECONDS
        notes.append(
            f"replica-lag alarm at {FAST_LAG_ALARM_SECONDS} s as in examples/hot-standby-fast.toml"
        )
    data["routing"]["traffic"] = traffic
    failover = data["failover"]
    if not automatic:
        _without_automatic(data, notes, "not part of this combination")
    elif not failover["automatic"]:
        failover["automatic"] = True
        if failover["max_data_loss_seconds"] is None:
            accepted = min(FAST_LAG_ALARM_SECONDS, data["targets"]["rpo_seconds"])
            failover["max_data_loss_seconds"] = accepted
            notes.append(f"automatic failover accepting up to {accepted} s of data loss")
    label = f"{engine} + {traffic}" + (f" + {AUTOMATIC}" if automatic else "")
    try:
        return load_settings(data), notes
    except ConfigError as exc:
        raise ConfigError(f"hot-standby + {label}: {exc.message}") from None


def mrsc_settings(settings: Settings) -> tuple[Settings, list[str]]:
    """Active-active of the same environment on a DynamoDB MRSC orders table, so the price
    of a sub-minute region loss shows next to hot standby. MRSC needs three Regions of one
    Region set: a two-region config gets the set's next Region as a witness (noted); regions
    outside a set, or more than three, cannot have this row (ConfigError says why)."""
    data = settings.model_dump(mode="json")
    notes: list[str] = []
    data["posture"] = Posture.ACTIVE_ACTIVE.value
    data["database"]["engine"] = MRSC
    data["routing"]["traffic"] = "global-accelerator"
    data["sessions"]["billing_mode"] = "on-demand"
    _without_automatic(data, notes, f"{MRSC} has no promotion to automate")
    regions = settings.all_regions
    region_set = mrsc_region_set(settings.primary_region)
    if len(regions) == 2 and region_set is not None and data["database"]["witness_region"] is None:
        witness = next(r for r in MRSC_REGION_SETS[region_set] if r not in regions)
        data["database"]["witness_region"] = witness
        notes.append(f"witness Region {witness}: MRSC needs a third Region of the {region_set} set")
    full = max(settings.regions[r].asg_desired for r in regions)
    for region in regions:
        sizing = data["regions"][region]
        if sizing["asg_min"] < full or sizing["asg_desired"] < full:
            sizing["asg_min"] = sizing["asg_desired"] = full
            sizing["asg_max"] = max(sizing["asg_max"], full)
            notes.append(f"{region} at full capacity ({full}): every region serves")
    try:
        return load_settings(data), notes
    except ConfigError as exc:
        raise ConfigError(f"active-active + {MRSC}: {exc.message}") from None


def compare_postures(
    settings: Settings,
    prices: PriceBook,
    outdir: Path,
    *,
    current: TemplateSet | None = None,
    progress: Any = None,
) -> PostureComparison:
    """One row per posture in POSTURE_ORDER that the config's engine can serve (the others
    are refused, with the reason); reuses `current` for the configured posture."""
    from tradedr.infra.synth import synthesize

    rows = []
    refused: list[RefusedPosture] = []
    configured = _options_of(settings)

    def synth(variant: Settings, name: str) -> TemplateSet:
        if progress is not None:
            progress(f"synthesizing {name} for the comparison ...")
        return TemplateSet.from_synth(variant, synthesize(variant, outdir / name))

    for posture in POSTURE_ORDER:
        if current is not None and posture is settings.posture:
            templates, notes = current, list[str]()
        else:
            try:
                variant, notes = posture_settings(settings, posture)
            except ConfigError as exc:
                reason = exc.message.removeprefix(f"posture {posture.value}: ")
                reason = reason.removeprefix(f"{ConfigFileError.prefix}: ")
                refused.append(RefusedPosture(posture, reason))
                if progress is not None:
                    progress(f"not pricing {posture.value}: {reason}")
                continue
            templates = synth(variant, posture.value)
        rows.append(
            PostureRow(
                posture,
                analyse_cost(templates, prices),
                analyse_rto(templates),
                notes,
                options_label(templates.settings),
                configured=posture is settings.posture,
            )
        )
    for engine, traffic, automatic in FAST_OPTIONS:
        if settings.posture is Posture.HOT_STANDBY and (engine, traffic, automatic) == configured:
            continue  # already the configured row
        try:
            variant, notes = fast_option_settings(settings, engine, traffic, automatic)
        except ConfigError as exc:
            if progress is not None:
                progress(f"skipping a fast-failover row: {exc.message}")
            continue
        name = f"hot-standby-{engine}-{traffic}" + ("-automatic" if automatic else "")
        templates = synth(variant, name)
        rows.append(
            PostureRow(
                Posture.HOT_STANDBY,
                analyse_cost(templates, prices),
                analyse_rto(templates),
                notes,
                options_label(variant),
            )
        )
    for _engine in ACTIVE_OPTIONS:
        if settings.posture is Posture.ACTIVE_ACTIVE and settings.database.is_mrsc:
            continue  # already the configured row
        try:
            variant, notes = mrsc_settings(settings)
        except ConfigError as exc:
            if progress is not None:
                progress(f"skipping the active-active {MRSC} row: {exc.message}")
            continue
        templates = synth(variant, f"active-active-{MRSC}")
        rows.append(
            PostureRow(
                Posture.ACTIVE_ACTIVE,
                analyse_cost(templates, prices),
                analyse_rto(templates),
                notes,
                options_label(variant),
            )
        )
    return PostureComparison(rows, refused)
