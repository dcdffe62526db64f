"""Component builders: the detector's confirmation, read from its template environment."""

from __future__ import annotations

import numpy as np
import pytest
from tests.unit.analysis.rto.support import detector_resource

from tradedr.analysis.rto.components import DETECTOR_INVOCATION_SECONDS, automatic_detection


@pytest.mark.parametrize(
    ("interval", "failures", "timeout"),
    [(5, 3, 2), (1, 2, 1), (10, 3, 5), (10, 4, 5)],
)
def test_detection_follows_the_probe_settings(interval: int, failures: int, timeout: int) -> None:
    component = automatic_detection(detector_resource(interval, failures, timeout))
    assert component.best == (failures - 1) * interval
    assert component.typical == failures * interval + timeout / 2
    assert component.worst > failures * interval + timeout
    assert all("Environment.Variables.PROBE_" in s for s in component.sources)
    drawn = component.sampler(np.random.default_rng(1), 20_000)
    assert drawn.min() >= component.best
    assert drawn.max() <= component.worst
    # Counting restarts when the invocation ends first (more often the longer confirmation
    # takes); a restart takes longer than any confirmation within one invocation.
    confirm = failures * interval + timeout
    restart_chance = ((failures - 0.5) * interval + timeout / 2) / DETECTOR_INVOCATION_SECONDS
    beyond = float(np.mean(drawn > confirm))
    assert 0 < beyond <= restart_chance + 0.02
