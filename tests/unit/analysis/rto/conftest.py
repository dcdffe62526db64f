"""Analyses shared by the RTO model tests (each evaluated once per session)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.unit.analysis.rto.support import templates_of

from tradedr.analysis.rto import RtoReport, analyse_rto
from tradedr.analysis.templates import TemplateSet


@pytest.fixture(scope="session")
def arc_report(fast_arc_synth: Any) -> RtoReport:
    return analyse_rto(templates_of(fast_arc_synth))


@pytest.fixture(scope="session")
def ga_report(fast_ga_synth: Any) -> RtoReport:
    return analyse_rto(templates_of(fast_ga_synth))


@pytest.fixture(scope="session")
def ga_templates(fast_ga_synth: Any) -> TemplateSet:
    return templates_of(fast_ga_synth)
