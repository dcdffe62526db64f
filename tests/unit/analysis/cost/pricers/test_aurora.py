"""Aurora global database: cluster members, volume, I/O, replicated writes, backup storage
(fast_arc_synth: the fast example with ARC routing controls)."""

from __future__ import annotations

from typing import Any

from tradedr.analysis.cost import CostReport, LineItem, analyse_cost
from tradedr.analysis.prices import SnapshotPrices
from tradedr.analysis.templates import TemplateSet


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


def test_aurora_backup_storage_has_no_row_in_the_snapshot(arc_cost: CostReport) -> None:
    """No source gives Aurora's backup storage price: "no price in the snapshot", which is
    not the same as a row whose source was looked for and not found."""
    [backup] = items(arc_cost, "us-east-1", "aurora-backup")
    assert backup.unit == "GB-month"
    assert backup.monthly is None
    data = backup.to_dict()
    assert (data["price_basis"], data["price_source"]) == ("no row", "no price in the snapshot")
    standby = items(arc_cost, "us-west-2", "aurora-instance")[0]
    assert standby.price.has_row  # a sourced null: the compilation looked and found none
    assert standby.to_dict()["price_source"] == "not found"


def test_a_secondary_volume_reads_the_combined_null_row(arc_cost: CostReport) -> None:
    [storage] = items(arc_cost, "us-west-2", "aurora-storage")
    assert storage.price.key == "aurora.storage.standard"
    assert storage.price.basis == "unavailable"
    assert storage.price.source == "not found"


def test_by_default_a_secondary_member_takes_the_primary_price_labelled(
    fast_arc_synth: Any,
) -> None:
    templates = TemplateSet.from_synth(fast_arc_synth.settings, fast_arc_synth.stacks)
    report = analyse_cost(templates, SnapshotPrices())
    primary = items(report, "us-east-1", "aurora-instance")[0]
    standby = items(report, "us-west-2", "aurora-instance")[0]
    assert standby.price.usd == primary.price.usd
    assert standby.price.region == "us-west-2"
    assert standby.to_dict()["status"] == "fallback price"
    assert standby.to_dict()["price_basis"] == "fallback us-east-1"
    # what the primary has no price for stays unpriced: nothing invented
    assert items(report, "us-east-1", "aurora-backup")[0].monthly is None
