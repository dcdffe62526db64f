"""DR019: under active-active every region's app tier runs at full capacity."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import DrContext, DrRule, as_int, properties
from tradedr.checks.templates import TemplateDoc
from tradedr.config import Posture

ASG = "AWS::AutoScaling::AutoScalingGroup"


class FullCapacityEverywhere(DrRule):
    id = "DR019"
    title = "Full app capacity in every active-active region"
    description = (
        "Active-active takes traffic off a lost region by routing alone, with no scaling on "
        "the recovery path: every region must keep at least the capacity of the largest one "
        "(MinSize, so scale-in cannot undo it), or the survivors take the load on too few "
        "instances while new ones launch."
    )
    source = (
        "https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/"
        "multi-site-active-active.html"
    )

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        if context.posture is not Posture.ACTIVE_ACTIVE:
            return
        groups = [
            (doc, logical, properties(resource))
            for doc in docs
            for logical, resource in doc.resources.items()
            if resource.get("Type") == ASG
        ]
        desired = [as_int(p.get("DesiredCapacity", p.get("MinSize"))) or 0 for _, _, p in groups]
        full = max(desired, default=0)
        for doc, logical, props in groups:
            minimum = as_int(props.get("MinSize")) or 0
            if minimum < full:
                yield self.finding(
                    doc,
                    logical,
                    f"app tier in {doc.region} keeps MinSize {minimum}, below the full "
                    f"capacity of {full} the largest region runs",
                )
