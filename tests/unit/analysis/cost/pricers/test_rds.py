"""RDS Extended Support: priced per vCPU-hour when the configured major version is past
standard support on the price date (MySQL 8.0 since 1 August 2026), from a dated, sourced
row; a region the sources do not cover has a null row, and the report says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from tradedr.analysis.cost import CostReport
from tradedr.analysis.cost.pricers.rds import extended_support, vcpus

PriceOneStack = Callable[..., CostReport]


def _db(version: str, *, multi_az: bool = True, replica: bool = False) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "Engine": "mysql",
        "EngineVersion": version,
        "DBInstanceClass": "db.r6g.large",
        "MultiAZ": multi_az,
        "AllocatedStorage": "100",
    }
    if replica:
        properties["SourceDBInstanceIdentifier"] = "arn:aws:rds:us-east-1:1:db:x"
    return {"Type": "AWS::RDS::DBInstance", "Properties": properties}


def _extended(report: CostReport, region: str) -> list[Any]:
    return [i for i in report.region(region).items if i.component == "rds-extended-support"]


def test_mysql_8_0_pays_extended_support_per_vcpu(price_one_stack: PriceOneStack) -> None:
    report = price_one_stack({"Db": _db("8.0.39")}, kind="data")
    [line] = _extended(report, "us-east-1")
    hours = report.settings.usage.hours_per_month
    # db.r6g.large has 2 vCPUs; Multi-AZ runs two instances.
    assert (line.unit, line.quantity) == ("vCPU-hour", hours * 4)
    assert line.price.key == "rds.extended-support.yr1-2"
    assert line.price.usd == pytest.approx(0.1)
    assert line.price.source.startswith("https://www.usage.ai/")
    assert line.monthly == round(hours * 4 * 0.1, 2)
    assert "8.0.39 is past standard support" in line.charge


def test_mysql_8_4_pays_none(price_one_stack: PriceOneStack) -> None:
    assert _extended(price_one_stack({"Db": _db("8.4.7")}, kind="data"), "us-east-1") == []


def test_a_region_without_a_source_is_a_null_row_and_the_report_says_so() -> None:
    from tradedr.analysis.cost import analyse_cost
    from tradedr.analysis.prices import SnapshotPrices
    from tradedr.analysis.templates import StackDoc, TemplateSet
    from tradedr.config import load_settings

    settings = load_settings({"database": {"engine_version": "8.0.39"}})
    stack = StackDoc(
        f"{settings.prefix}-replica-us-west-2",
        "us-west-2",
        "replica",
        {"Resources": {"Replica": _db("8.0.39", multi_az=False, replica=True)}},
    )
    templates = TemplateSet(settings, [stack])
    strict = analyse_cost(templates, SnapshotPrices(), fill_from_primary=False)
    [line] = _extended(strict, "us-west-2")
    assert line.quantity == settings.usage.hours_per_month * 2
    assert (line.price.usd, line.monthly, line.to_dict()["status"]) == (
        None,
        None,
        "price unavailable",
    )
    assert line.price.source == "not found"
    assert any("RDS Extended Support" in w for w in strict.warnings)
    # By default the primary's price fills the gap, and the line says so.
    [filled] = _extended(analyse_cost(templates, SnapshotPrices()), "us-west-2")
    assert filled.price.usd == pytest.approx(0.1)
    assert "no us-west-2 price" in (filled.price.comment or "")
    assert "the primary us-east-1's price used" in (filled.price.comment or "")


@pytest.mark.parametrize(
    ("version", "on", "expected"),
    [
        ("8.0.39", dt.date(2026, 7, 31), False),
        ("8.0.39", dt.date(2026, 8, 1), True),
        ("8.0.42", dt.date(2028, 7, 31), True),
        ("8.0.42", dt.date(2028, 8, 1), False),
        ("8.4.7", dt.date(2026, 11, 28), False),
    ],
)
def test_the_support_window(version: str, on: dt.date, expected: bool) -> None:
    assert extended_support("mysql", version, on) is expected


@pytest.mark.parametrize(
    ("db_class", "expected"),
    [("db.t4g.medium", 2), ("db.r6g.large", 2), ("db.r6g.xlarge", 4), ("db.r6g.16xlarge", 64)],
)
def test_vcpus_by_size(db_class: str, expected: int) -> None:
    assert vcpus(db_class) == expected
