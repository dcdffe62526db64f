"""Savings recommendations; every figure is an estimate and says so.

Discount rates are assumptions (AWS publishes only "up to" figures); right-sizing needs
utilization evidence tradedr does not have; standby scale-down trades cost for RTO.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradedr.config import Posture

if TYPE_CHECKING:
    from tradedr.analysis.cost import CostReport, LineItem

# Assumed effective discounts for 1-year, no-upfront commitments on steady capacity.
SAVINGS_PLAN_DISCOUNT = 0.25  # AWS: Compute Savings Plans "up to 66%" off on-demand
RDS_RESERVED_DISCOUNT = 0.30  # AWS: RDS reserved instances "up to 69%" off on-demand
SAVINGS_SOURCE = (
    "assumed rate for 1-year no-upfront terms; AWS publishes only 'up to' discounts "
    "(https://aws.amazon.com/savingsplans/pricing/, https://aws.amazon.com/rds/reserved-instances/)"
)

_SIZES = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge"]


def _smaller(instance_type: str) -> str | None:
    prefix, _, size = instance_type.rpartition(".")
    if size in _SIZES and _SIZES.index(size) > 0:
        return f"{prefix}.{_SIZES[_SIZES.index(size) - 1]}"
    return None


def _items(report: CostReport, component: str, region: str | None = None) -> list[LineItem]:
    return [
        i
        for r in report.regions
        if region is None or r.region == region
        for i in r.items
        if i.component == component and i.priced and (i.monthly or 0) > 0
    ]


def recommendations(report: CostReport) -> list[dict[str, Any]]:
    settings = report.settings
    primary = settings.primary_region
    recs: list[dict[str, Any]] = []

    ec2 = sum(i.monthly or 0 for i in _items(report, "ec2", primary))
    if ec2:
        recs.append(
            {
                "kind": "savings-plan",
                "title": f"Compute Savings Plan for the steady {primary} fleet",
                "estimated_monthly_savings": round(ec2 * SAVINGS_PLAN_DISCOUNT, 2),
                "estimate": True,
                "basis": f"{SAVINGS_PLAN_DISCOUNT:.0%} of ${ec2:,.2f}/month EC2: {SAVINGS_SOURCE}",
            }
        )
    rds = sum(i.monthly or 0 for i in _items(report, "rds-instance"))
    if rds:
        recs.append(
            {
                "kind": "reserved-instances",
                "title": "RDS reserved instances for the primary and replica DB instances",
                "estimated_monthly_savings": round(rds * RDS_RESERVED_DISCOUNT, 2),
                "estimate": True,
                "basis": f"{RDS_RESERVED_DISCOUNT:.0%} of ${rds:,.2f}/month RDS: {SAVINGS_SOURCE}",
            }
        )

    for item in _items(report, "ec2", primary):
        current = item.price.key.removeprefix("ec2.instance.")
        smaller = _smaller(current)
        if smaller is None:
            continue
        price = report.prices.price(f"ec2.instance.{smaller}", primary)
        if price.usd is None or item.price.usd is None:
            continue
        saving = (item.price.usd - price.usd) * item.quantity
        if saving > 0:
            recs.append(
                {
                    "kind": "right-size",
                    "title": f"Right-size {current} to {smaller} if utilization allows",
                    "estimated_monthly_savings": round(saving, 2),
                    "estimate": True,
                    "basis": "only when CloudWatch shows CPU and memory well below half of "
                    f"{current} at peak; snapshot prices {item.price.usd} vs {price.usd} $/h",
                }
            )

    standby_ec2 = [i for i in _items(report, "ec2") if i.region in settings.standby_regions]
    # Not for dynamodb-mrsc: full capacity everywhere is the design (DR019), not a surplus.
    if (
        standby_ec2
        and settings.posture in (Posture.HOT_STANDBY, Posture.ACTIVE_ACTIVE)
        and not settings.database.is_mrsc
    ):
        total = 0.0
        for item in standby_ec2:
            instances = item.quantity / settings.usage.hours_per_month
            if instances > 1:
                total += (item.monthly or 0) * (instances - 1) / instances
        if total > 0:
            recs.append(
                {
                    "kind": "standby-scale-down",
                    "title": "Run the standby as warm-standby (1 instance) instead of full size",
                    "estimated_monthly_savings": round(total, 2),
                    "estimate": True,
                    "basis": "standby serves with one instance after failover while it scales out; "
                    "compare region-loss RTO with `tradedr cost --compare-postures`",
                }
            )
    elif standby_ec2 and settings.posture is Posture.WARM_STANDBY:
        total = sum(i.monthly or 0 for i in standby_ec2)
        recs.append(
            {
                "kind": "standby-scale-down",
                "title": "Pilot-light (standby ASG at 0) instead of warm-standby",
                "estimated_monthly_savings": round(total, 2),
                "estimate": True,
                "basis": "adds instance launch, boot and a standby health-check pass to "
                "region-loss RTO; see `tradedr cost --compare-postures`",
            }
        )
    return recs
