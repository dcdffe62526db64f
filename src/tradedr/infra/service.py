"""Synthesis behind `tradedr synth`: a thin facade over `infra.synth`, imported lazily
(CDK loads only when a command synthesizes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradedr.config import Settings
    from tradedr.infra.synth import StackTemplate


def synth(settings: Settings, outdir: Path) -> list[StackTemplate]:
    """Synthesize the CloudFormation templates into `outdir`, in deployment order."""
    from tradedr.infra import synth as synthesis

    return synthesis.synthesize(settings, outdir)
