"""Every gap kind `tradedr assess` looks for: the DR rules' (one entry per rule in
`dr_rules`) and the template-level ones (one module each), in report order."""

from __future__ import annotations

from tradedr.assess.gaps.base import AssessContext, GapKind
from tradedr.assess.gaps.dr_rules import RULE_GAPS
from tradedr.assess.gaps.no_dashboard import NoDashboard
from tradedr.assess.gaps.no_flow_logs import NoFlowLogs
from tradedr.assess.gaps.no_trail import NoTrail
from tradedr.assess.gaps.no_waf import NoWaf

ALL_GAPS: tuple[GapKind, ...] = (*RULE_GAPS, NoTrail(), NoWaf(), NoFlowLogs(), NoDashboard())

__all__ = ["ALL_GAPS", "AssessContext", "GapKind"]
