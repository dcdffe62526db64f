"""The architecture diagram stays readable with two, three and five regions: no label
overlaps another or straddles a box, routing arrows end at the ALBs, and there is a legend."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import FancyBboxPatch
from matplotlib.transforms import Bbox
from tests.conftest import Synthesized, synth_config

from tradedr.analysis.templates import TemplateSet
from tradedr.report.diagram import architecture_figure


@pytest.fixture(scope="module")
def five_region_synth(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    standbys = ["us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"]
    return synth_config(tmp_path_factory, {"standby_regions": standbys, "environment": "five"})


def _layout(synth: Synthesized) -> tuple[list[tuple[str, Bbox, bool]], list[Bbox], Any]:
    fig = architecture_figure(TemplateSet.from_synth(synth.settings, synth.stacks))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    ax = fig.axes[0]
    texts = [
        (t.get_text(), t.get_window_extent(renderer), t.get_bbox_patch() is not None)
        for t in ax.texts
        if t.get_text()
    ]
    boxes = [p.get_window_extent(renderer) for p in ax.patches if isinstance(p, FancyBboxPatch)]
    return texts, boxes, fig


def _overlap(a: Bbox, b: Bbox, slack: float = 0.5) -> bool:
    return bool(
        a.x0 < b.x1 - slack and b.x0 < a.x1 - slack and a.y0 < b.y1 - slack and b.y0 < a.y1 - slack
    )


def _inside(a: Bbox, b: Bbox, slack: float = 1.0) -> bool:
    return bool(a.x0 >= b.x0 - slack and a.x1 <= b.x1 + slack and a.y0 >= b.y0 - slack) and bool(
        a.y1 <= b.y1 + slack
    )


@pytest.mark.parametrize("name", ["default_synth", "three_region_synth", "five_region_synth"])
def test_labels_overlap_neither_boxes_nor_each_other(name: str, request: Any) -> None:
    synth = request.getfixturevalue(name)
    texts, boxes, fig = _layout(synth)
    try:
        assert len(boxes) == len(synth.stacks)
        for index, (text, extent, badge) in enumerate(texts):
            for other, other_extent, _ in texts[index + 1 :]:
                assert not _overlap(extent, other_extent), f"{text!r} overlaps {other!r}"
            if text == "ALB" and badge:  # the badge sits on the app box's top edge, by design
                continue
            straddled = [b for b in boxes if _overlap(extent, b) and not _inside(extent, b)]
            assert not straddled, f"{text!r} straddles a box edge"
        assert fig.legends, "no legend"
        labels = [t.get_text() for t in fig.legends[0].get_texts()]
        assert "RDS read replica" in labels
        assert any("ALB" in label for label in labels)
        regions = synth.settings.all_regions
        assert sum(text == "ALB" and badge for text, _, badge in texts) == len(regions)
    finally:
        plt.close(fig)
