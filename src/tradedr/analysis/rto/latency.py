"""What a design costs on the write path: MRSC acknowledges a write only once another
Region holds it, so every acknowledged order pays one extra cross-Region round trip.

No AWS page publishes that round trip as a figure (the DynamoDB docs say only that MRSC
writes have higher latency than MREC), so tradedr reports "measure it" with how to, instead
of an invented number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradedr.analysis.assumptions import DDB_MRSC
from tradedr.analysis.rto.readers import mrsc_table
from tradedr.analysis.templates import TemplateSet

MEASURE_IT = "measure it"


@dataclass(frozen=True)
class WriteLatencyCost:
    """The extra latency on each acknowledged write, per region that writes."""

    store: str
    region: str
    extra: str
    figure_ms: float | None
    basis: str
    source: str
    how_to_measure: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "region": self.region,
            "extra": self.extra,
            "figure_ms": self.figure_ms,
            "figure": MEASURE_IT if self.figure_ms is None else f"{self.figure_ms:g} ms",
            "basis": self.basis,
            "source": self.source,
            "how_to_measure": self.how_to_measure,
        }


def write_latency_costs(templates: TemplateSet) -> list[WriteLatencyCost]:
    """One entry per replica Region of an MRSC orders table; none for other designs."""
    table = mrsc_table(templates)
    if table is None:
        return []
    replicas = [str(r.get("Region")) for r in table.prop("Replicas", [])]
    witnesses = [str(w.get("Region")) for w in table.prop("GlobalTableWitnesses", [])]
    costs = []
    for region in [r for r in templates.settings.all_regions if r in replicas]:
        others = [r for r in replicas + witnesses if r != region]
        costs.append(
            WriteLatencyCost(
                store="orders (DynamoDB MRSC global table)",
                region=region,
                extra=f"one round trip from {region} to the nearer of {', '.join(others)} on "
                "every acknowledged write (conditional PutItem)",
                figure_ms=None,
                basis="MRSC returns success only once the write is durable in a second Region; "
                "AWS publishes no inter-Region round-trip figure for it",
                source=DDB_MRSC,
                how_to_measure=f"CloudWatch AWS/DynamoDB SuccessfulRequestLatency (Operation "
                f"PutItem, TableName {table.prop('TableName')}) in {region}, p50 and p99, under "
                "the reference app's load; compare with an MREC table in the same Region",
            )
        )
    return costs
