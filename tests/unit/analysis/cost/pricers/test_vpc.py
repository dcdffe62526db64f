"""NAT gateways and Elastic IPs; the public IPv4 price is in no source."""

from __future__ import annotations

from collections.abc import Callable

from tradedr.analysis.cost import CostReport

PriceOneStack = Callable[..., CostReport]


def test_nat_data_is_split_over_the_gateways_of_a_stack(price_one_stack: PriceOneStack) -> None:
    nat = {"Type": "AWS::EC2::NatGateway", "Properties": {}}
    report = price_one_stack({"Nat1": nat, "Nat2": nat})
    data = [i for i in report.region("us-east-1").items if i.charge == "NAT gateway data processed"]
    usage = report.settings.usage
    assert [i.quantity for i in data] == [usage.nat_processed_gb / 2] * 2
    hours = [i for i in report.region("us-east-1").items if i.charge == "NAT gateway hours"]
    assert {(i.unit, i.quantity) for i in hours} == {("hour", usage.hours_per_month)}
    assert all(i.priced for i in data + hours)


def test_a_public_ipv4_address_has_no_row_in_the_snapshot(price_one_stack: PriceOneStack) -> None:
    report = price_one_stack({"Eip": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}})
    [eip] = report.region("us-east-1").items
    assert (eip.charge, eip.unit, eip.price.key) == (
        "Public IPv4 address (Elastic IP)",
        "hour",
        "vpc.public-ipv4",
    )
    data = eip.to_dict()
    assert data["status"] == "price unavailable"
    assert (data["price_basis"], data["price_source"]) == ("no row", "no price in the snapshot")
    assert report.total_monthly == 0
    assert any("Public IPv4 address (Elastic IP)" in w for w in report.warnings)
