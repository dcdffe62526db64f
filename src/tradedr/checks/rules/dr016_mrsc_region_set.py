"""DR016: a DynamoDB MRSC global table spans exactly three Regions of one MRSC Region set."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tradedr.checks.rules.base import DrContext, ResourceRule, text_of
from tradedr.config import MRSC_REGION_SETS, mrsc_region_set

MRSC_REGIONS = 3


def is_mrsc(props: dict[str, Any]) -> bool:
    """A global table created in multi-Region strong consistency."""
    return text_of(props.get("MultiRegionConsistency")) == "STRONG"


def mrsc_regions(props: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(replica Regions, witness Regions) of a global table, as written."""
    replicas = [text_of((r or {}).get("Region")) for r in props.get("Replicas") or []]
    witnesses = [text_of((w or {}).get("Region")) for w in props.get("GlobalTableWitnesses") or []]
    return [r for r in replicas if r], [w for w in witnesses if w]


class MrscRegionSet(ResourceRule):
    id = "DR016"
    title = "MRSC tables stay within one Region set"
    description = (
        "DynamoDB multi-Region strong consistency runs in exactly three Regions (three "
        "replicas, or two and a witness) of one Region set (US, EU or AP); CloudFormation "
        "fails the table otherwise, and a Region outside the set cannot hold a replica."
    )
    source = (
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/"
        "aws-properties-dynamodb-globaltable-globaltablewitness.html"
    )
    types = frozenset({"AWS::DynamoDB::GlobalTable"})

    def problems(
        self, resource: dict[str, Any], props: dict[str, Any], context: DrContext
    ) -> Iterator[str]:
        if not is_mrsc(props):
            return
        replicas, witnesses = mrsc_regions(props)
        regions = replicas + witnesses
        sets = {region: mrsc_region_set(region) for region in regions}
        home = next((sets[r] for r in regions if sets[r] is not None), None)
        for region in regions:
            kind = "witness" if region in witnesses else "replica"
            if sets[region] is None:
                yield f"MRSC {kind} in {region}, a Region in no MRSC Region set"
            elif sets[region] != home:
                yield (
                    f"MRSC {kind} in {region} outside the {home} Region set "
                    f"({', '.join(MRSC_REGION_SETS[str(home)])})"
                )
        if len(regions) != MRSC_REGIONS:
            yield (
                f"MRSC table spans {len(regions)} Regions ({len(replicas)} replicas, "
                f"{len(witnesses)} witness); it needs exactly {MRSC_REGIONS}"
            )
