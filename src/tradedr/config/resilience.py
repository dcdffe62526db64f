"""`[resilience]`: what the firm tolerates, in the words regulators use.

The UK PRA (SS1/21) and FCA (PS21/3) ask a firm to set, per important business service, an
impact tolerance: the maximum tolerable disruption. DORA and SEC Regulation SCI ask for
tests at least yearly. `tradedr evidence` measures drills against these values.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator

from tradedr.config.sections import _Model


class ResilienceSettings(_Model):
    """The important business service, its impact tolerance and the drill cadence.

    `impact_tolerance_seconds`: unset means no tolerance was set (the evidence pack says
    so rather than inventing one). `drill_interval_months`: `tradedr evidence status` exits
    1 when the last passing drill is older (12 by default: DORA article 24(6), Regulation SCI
    1004 and FINRA 4370 all work on a yearly cycle).
    """

    important_business_service: str = "order entry and execution"
    impact_tolerance_seconds: Annotated[int | None, Field(ge=1, le=30 * 24 * 3600)] = None
    drill_interval_months: Annotated[int, Field(ge=1, le=36)] = 12

    @field_validator("important_business_service")
    @classmethod
    def _service(cls, value: str) -> str:
        if not value.strip() or len(value) > 120:
            raise ValueError("must be 1-120 characters naming the service (e.g. 'order entry')")
        return value
