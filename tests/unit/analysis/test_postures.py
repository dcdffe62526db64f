"""The posture comparison: every DR posture (and the fast-failover combinations) priced and
timed on its own templates; cost and region-loss RTO order the way the postures promise."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tradedr.analysis import postures
from tradedr.analysis.cost import analyse_cost
from tradedr.analysis.postures import PostureRow
from tradedr.analysis.prices import SnapshotPrices
from tradedr.analysis.rto import analyse_rto
from tradedr.analysis.templates import TemplateSet
from tradedr.config import Posture, load_settings
from tradedr.errors import ConfigError

FAST_EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "hot-standby-fast.toml"


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


def test_postures_order_by_cost_and_rto(posture_synths: Any) -> None:
    prices = SnapshotPrices(fallback_region="us-east-1")
    rows = {
        p: PostureRow(
            p, analyse_cost(templates_of(s), prices), analyse_rto(templates_of(s), samples=4000), []
        ).to_dict()
        for p, s in posture_synths.items()
    }
    cost = {p: r["monthly"] for p, r in rows.items()}
    rto = {p: r["region_loss_rto_p99"] for p, r in rows.items()}
    dearest = min(cost[Posture.HOT_STANDBY], cost[Posture.ACTIVE_ACTIVE])
    assert cost[Posture.BACKUP_RESTORE] < cost[Posture.PILOT_LIGHT] < cost[Posture.WARM_STANDBY]
    assert cost[Posture.WARM_STANDBY] < dearest
    assert rto[Posture.BACKUP_RESTORE] == max(rto.values())
    assert max(rto[Posture.HOT_STANDBY], rto[Posture.ACTIVE_ACTIVE]) == min(rto.values())
    assert (
        rows[Posture.BACKUP_RESTORE]["standby_share"] < rows[Posture.HOT_STANDBY]["standby_share"]
    )


@pytest.fixture(scope="module")
def fake_synth(
    posture_synths: dict[Posture, Any],
    fast_arc_synth: Any,
    fast_ga_synth: Any,
    fast_ga_manual_synth: Any,
) -> Any:
    """Stand-in for synthesize: the session's templates for each variant, no new synth."""

    def synthesize(variant: Any, outdir: Path) -> Any:
        if variant.database.engine == "aurora-mysql-global":
            assert variant.database.replica_lag_alarm_seconds == 1
            by_options = {
                ("arc", False): fast_arc_synth,
                ("global-accelerator", False): fast_ga_manual_synth,
                ("global-accelerator", True): fast_ga_synth,
            }
            return by_options[(variant.routing.traffic, variant.failover.automatic)].stacks
        return posture_synths[variant.posture].stacks

    return synthesize


def test_comparison_shows_the_fast_options_price_and_gain(
    monkeypatch: pytest.MonkeyPatch, fake_synth: Any, posture_synths: dict[Posture, Any]
) -> None:
    monkeypatch.setattr("tradedr.infra.synth.synthesize", fake_synth)
    settings = posture_synths[Posture.WARM_STANDBY].settings
    prices = SnapshotPrices(fallback_region=settings.primary_region)
    rows = {
        r.to_dict()["posture"]: r.to_dict()
        for r in postures.compare_postures(settings, prices, Path("unused")).rows
    }
    fast_arc = rows["hot-standby + aurora-global + arc"]
    fast_ga = rows["hot-standby + aurora-global + global-accelerator"]
    plain = rows["hot-standby"]
    for fast in (fast_arc, fast_ga):
        assert fast["base_posture"] == "hot-standby"
        assert not fast["configured"]
        assert fast["monthly"] > plain["monthly"]  # the price of the gain
    assert fast_ga["region_loss_rto_p99"] < plain["region_loss_rto_p99"]  # the gain
    automatic = rows["hot-standby + aurora-global + global-accelerator + automatic failover"]
    assert automatic["region_loss_rto_p99"] < fast_ga["region_loss_rto_p99"]
    assert any("accepting up to 1 s of data loss" in n for n in automatic["notes"])
    assert rows["warm-standby"]["configured"]


def test_active_active_on_a_single_writer_engine_is_refused_not_priced(
    monkeypatch: pytest.MonkeyPatch, fake_synth: Any, posture_synths: dict[Posture, Any]
) -> None:
    """Its standbys would write to read-only replicas: the comparison lists it as refused,
    with the config validation's reason, and prices no such row."""
    monkeypatch.setattr("tradedr.infra.synth.synthesize", fake_synth)
    settings = posture_synths[Posture.WARM_STANDBY].settings
    compared = postures.compare_postures(settings, SnapshotPrices(), Path("unused"))
    active = [r for r in compared.rows if r.to_dict()["base_posture"] == "active-active"]
    # only the multi-writer row: active-active on MRSC, with a witness for two regions
    assert [r.label for r in active] == ["active-active + dynamodb-mrsc + global-accelerator"]
    assert "witness Region us-east-2: MRSC needs a third Region of the US set" in active[0].notes
    assert [r.posture for r in compared.refused] == [Posture.ACTIVE_ACTIVE]
    reason = compared.refused[0].reason
    assert reason.startswith("posture: active-active needs every region to write orders")
    assert 'database.engine = "dynamodb-mrsc"' in reason


def test_the_configured_fast_combination_is_not_repeated(
    monkeypatch: pytest.MonkeyPatch, fake_synth: Any, fast_arc_synth: Any
) -> None:
    monkeypatch.setattr("tradedr.infra.synth.synthesize", fake_synth)
    settings = fast_arc_synth.settings
    rows = postures.compare_postures(
        settings, SnapshotPrices(), Path("unused"), current=templates_of(fast_arc_synth)
    ).rows
    labels = [r.label for r in rows]
    assert labels.count("hot-standby + aurora-global + arc") == 1
    assert "hot-standby + aurora-global + global-accelerator" in labels
    configured = [r for r in rows if r.configured]
    assert [r.label for r in configured] == ["hot-standby + aurora-global + arc"]


@pytest.mark.parametrize(
    ("database", "ok"),
    [
        ({"instance_class": "db.r6g.large"}, True),
        ({"instance_class": "db.r7g.large", "engine_version": "8.0.39"}, True),
        ({"instance_class": "db.t4g.medium"}, False),
    ],
    ids=["memory-optimized", "mysql-version-replaced", "burstable-rejected"],
)
def test_fast_variant_settings(database: dict[str, Any], ok: bool) -> None:
    settings = load_settings({"database": database})
    if not ok:
        with pytest.raises(ConfigError, match="hot-standby"):
            postures.fast_option_settings(settings, "aurora-mysql-global", "arc")
        return
    variant, notes = postures.fast_option_settings(settings, "aurora-mysql-global", "arc")
    assert variant.posture is Posture.HOT_STANDBY
    assert variant.database.engine == "aurora-mysql-global"
    assert variant.database.engine_version.startswith("8.0.mysql_aurora.3")
    assert variant.database.replica_lag_alarm_seconds == 1
    assert variant.routing.traffic == "arc"
    assert any("replica-lag alarm" in n for n in notes)


def test_the_example_declares_the_objects_target_apart() -> None:
    data = tomllib.loads(FAST_EXAMPLE.read_text())
    settings = load_settings(data)
    assert settings.targets.rpo_seconds == 1
    assert settings.targets.objects_rpo_seconds >= 15 * 60  # RTC's SLA: no 1 s for objects
