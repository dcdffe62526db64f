"""The price catalogue held against the bundled price file: every key has a row (the few that
have none are named here), and each key's unit is the unit its rows are quoted in."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from tradedr.analysis.cost import CostReport, analyse_cost, keys
from tradedr.analysis.prices import SNAPSHOT_FILE, SnapshotPrices
from tradedr.analysis.templates import TemplateSet

ROWS: list[dict[str, Any]] = json.loads(
    resources.files("tradedr.analysis").joinpath("data", SNAPSHOT_FILE).read_text("utf-8")
)["prices"]
UNITS: dict[str, set[str]] = {}
for _row in ROWS:
    UNITS.setdefault(_row["key"], set()).add(_row["unit"])

# Keys the pricers ask for that have no row at all: the team's compilation
# (/work/shared/pricing/aws-public-prices.json, 2026-11-28) has no source for them. A new gap
# fails this test; so does a row added for one of them (then take it off this list).
NO_ROW = {
    "aurora.backup.storage",
    "dynamodb.provisioned",
    "lambda.gb-second",
    "lambda.requests",
    "vpc.public-ipv4",
}

# Rows of the price file no pricer asks for (features tradedr does not deploy, or combined
# rows read only for their null: `prices.COMBINED_ROWS`).
UNUSED_ROWS = {
    "arc.readiness-check",
    "aurora.storage-io",
    "cloudtrail.management-additional",
    "cloudwatch.alarm.composite",
    "cloudwatch.canary-run",
    "config.evaluation",
    "config.item",
    "dynamodb.backup",
    "ebs.gp3.iops",
    "ebs.gp3.iops-throughput",
    "ebs.gp3.throughput",
    "rds.snapshot-copy-transfer",
    "route53.health-check.feature-non-aws",
    "route53.health-check.non-aws",
    "route53.queries",
    "s3.inter-region",
    "securityhub.check",
}


def test_exactly_the_listed_keys_have_no_row() -> None:
    assert {k.key for k in keys.FIXED if k.key not in UNITS} == NO_ROW


@pytest.mark.parametrize("key", [k for k in keys.FIXED if k.key in UNITS], ids=str)
def test_a_fixed_key_has_the_unit_of_its_rows(key: keys.PriceKey) -> None:
    assert UNITS[key.key] == {key.unit}


@pytest.mark.parametrize("family", keys.FAMILIES, ids=lambda f: f.template)
def test_a_family_has_rows_and_they_have_its_unit(family: keys.KeyFamily) -> None:
    matching = {k: units for k, units in UNITS.items() if family.matches(k)}
    assert matching, f"no row of {family.template} in {SNAPSHOT_FILE}"
    assert all(units == {family.unit} for units in matching.values()), matching


@pytest.mark.parametrize("family", [keys.AURORA_STORAGE, keys.AURORA_IO], ids=lambda f: f.template)
@pytest.mark.parametrize("mode", ["standard", "io-optimized"])
def test_every_aurora_storage_mode_has_a_row(family: keys.KeyFamily, mode: str) -> None:
    assert family(mode=mode).key in UNITS


def test_every_row_is_in_the_catalogue_or_listed_unused() -> None:
    assert {k for k in UNITS if keys.lookup(k) is None} == UNUSED_ROWS


def test_keys_and_families_do_not_overlap() -> None:
    fixed = [k.key for k in keys.FIXED]
    assert len(fixed) == len(set(fixed))
    for key in fixed:
        assert not [f.template for f in keys.FAMILIES if f.matches(key)], key
    for key in UNITS:
        assert len([f for f in keys.FAMILIES if f.matches(key)]) <= 1, key


def test_a_family_builds_keys_with_its_unit() -> None:
    key = keys.RDS_INSTANCE(engine="mysql", db_class="db.r6g.large", az="multi-az")
    assert key == keys.PriceKey("rds.mysql.db.r6g.large.multi-az", "hour")
    assert keys.lookup(key.key) == key
    assert keys.lookup("ec2.instance.t3.large") == keys.EC2_INSTANCE(instance_type="t3.large")
    assert keys.lookup("nothing.here") is None


def test_the_service_is_named_after_the_key() -> None:
    assert keys.ALB_HOUR.service == "Elastic Load Balancing"
    assert keys.PriceKey("unknown.thing", "hour").service == "unknown"


@pytest.mark.parametrize("key", sorted(NO_ROW))
def test_a_key_with_no_row_reads_as_no_row_not_as_a_sourced_null(key: str) -> None:
    price = SnapshotPrices(fallback_region="us-east-1").price(key, "us-west-2")
    assert price.usd is None
    assert price.basis == "no row"
    assert price.source == "no price in the snapshot"
    assert not price.has_row


def _templates_of(synth: Any) -> TemplateSet:
    return TemplateSet.from_synth(synth.settings, synth.stacks)


def _every_key(report: CostReport) -> None:
    for item in (i for r in report.regions for i in r.items):
        entry = keys.lookup(item.price.key)
        assert entry is not None, item.price.key
        assert item.unit == entry.unit, item
        assert item.price.key in UNITS or item.price.key in NO_ROW, item.price.key


def test_every_line_of_the_shipped_configs_is_a_catalogue_key_with_its_unit(
    default_synth: Any, baseline_synth: Any, arc_cost: CostReport, ga_cost: CostReport
) -> None:
    for synth in (default_synth, baseline_synth):
        _every_key(analyse_cost(_templates_of(synth), SnapshotPrices()))
    _every_key(arc_cost)
    _every_key(ga_cost)
