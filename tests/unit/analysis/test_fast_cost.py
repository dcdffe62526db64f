"""Cost of the fast-failover options: Aurora global database, Global Accelerator, ARC,
and their rows in the posture comparison. Prices come from the bundled snapshot only."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from tradedr.analysis import postures
from tradedr.analysis.cost import CostReport, LineItem, analyse_cost
from tradedr.analysis.prices import SnapshotPrices
from tradedr.analysis.templates import TemplateSet
from tradedr.config import Posture, load_settings
from tradedr.errors import ConfigError

FAST_EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "hot-standby-fast.toml"


def templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


@pytest.fixture(scope="module")
def arc_cost(fast_arc_synth: Any) -> CostReport:
    return analyse_cost(templates_of(fast_arc_synth), SnapshotPrices())


@pytest.fixture(scope="module")
def ga_cost(fast_ga_synth: Any) -> CostReport:
    return analyse_cost(templates_of(fast_ga_synth), SnapshotPrices())


def items(report: CostReport, region: str, component: str) -> list[LineItem]:
    return [i for i in report.region(region).items if i.component == component]


def test_aurora_instances_are_priced_per_cluster_member(
    arc_cost: CostReport, fast_arc_synth: Any
) -> None:
    members = {
        region: [
            res
            for stack, _, res in fast_arc_synth.all_resources("AWS::RDS::DBInstance")
            if stack.endswith(region)
        ]
        for region in ("us-east-1", "us-west-2")
    }
    assert len(members["us-east-1"]) == 2  # writer + reader
    hours = fast_arc_synth.settings.usage.hours_per_month
    for region, expected in members.items():
        lines = items(arc_cost, region, "aurora-instance")
        assert len(lines) == len(expected)
        for line in lines:
            assert line.price.key == "aurora.mysql.db.r6g.large.standard"
            assert line.quantity == hours
    primary = items(arc_cost, "us-east-1", "aurora-instance")[0]
    assert primary.price.usd is not None
    assert primary.monthly == round(hours * primary.price.usd, 2)
    # The snapshot has no us-west-2 Aurora price: unavailable, not guessed, not in the total.
    standby = items(arc_cost, "us-west-2", "aurora-instance")[0]
    assert standby.price.usd is None
    assert standby.monthly is None
    assert standby.to_dict()["status"] == "price unavailable"
    assert "rds-instance" not in arc_cost.region("us-east-1").by_component()


def test_aurora_storage_io_and_replicated_writes(arc_cost: CostReport) -> None:
    usage = arc_cost.settings.usage
    storage = items(arc_cost, "us-east-1", "aurora-storage")
    assert [i.quantity for i in storage] == [usage.aurora_storage_gb]
    assert storage[0].price.key == "aurora.storage.standard"
    assert storage[0].priced
    io = items(arc_cost, "us-east-1", "aurora-io")
    assert io[0].quantity == usage.aurora_io_millions
    assert io[0].priced
    replicated = items(arc_cost, "us-west-2", "aurora-global")
    assert len(replicated) == 1
    assert replicated[0].price.key == "aurora.global.replicated-io"
    assert replicated[0].monthly == round(
        usage.aurora_replicated_write_io_millions * (replicated[0].price.usd or 0), 2
    )
    transfer = [
        i for i in arc_cost.region("us-east-1").items if i.charge.startswith("Aurora global")
    ]
    assert transfer
    assert transfer[0].price.key == "transfer.inter-region"
    assert not {"AWS::RDS::DBCluster", "AWS::RDS::GlobalCluster"} & set(arc_cost.not_modelled)


def test_arc_cluster_is_listed_but_unpriced(arc_cost: CostReport) -> None:
    arc = [i for i in arc_cost.region("global").items if i.service == "Route 53 ARC"]
    assert len(arc) == 1
    assert arc[0].quantity == arc_cost.settings.usage.hours_per_month
    assert arc[0].monthly is None  # the snapshot has no ARC cluster price
    assert any("Route 53 ARC cluster" in w for w in arc_cost.warnings)


def test_accelerator_fixed_fee_and_dt_premium(ga_cost: CostReport) -> None:
    usage = ga_cost.settings.usage
    lines = {
        i.price.key: i
        for i in ga_cost.region("global").items
        if i.service == "AWS Global Accelerator"
    }
    assert set(lines) == {"globalaccelerator.hour", "globalaccelerator.dt-premium-na"}
    fee, premium = lines["globalaccelerator.hour"], lines["globalaccelerator.dt-premium-na"]
    assert fee.monthly == round(usage.hours_per_month * (fee.price.usd or 0), 2)
    assert premium.quantity == usage.internet_egress_gb
    assert premium.priced
    assert not [i for i in ga_cost.region("global").items if i.service == "Route 53 ARC"]


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
        for r in postures.compare_postures(settings, prices, Path("unused"))
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


def test_the_configured_fast_combination_is_not_repeated(
    monkeypatch: pytest.MonkeyPatch, fake_synth: Any, fast_arc_synth: Any
) -> None:
    monkeypatch.setattr("tradedr.infra.synth.synthesize", fake_synth)
    settings = fast_arc_synth.settings
    rows = postures.compare_postures(
        settings, SnapshotPrices(), Path("unused"), current=templates_of(fast_arc_synth)
    )
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
