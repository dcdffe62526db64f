"""The report opens in headless Chromium and its charts render (skipped without Chromium)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium not installed: run `make system-deps` (Debian package `chromium`)",
    ),
]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_dom_contains_rendered_charts(plan_result: Any, tmp_path: Path) -> None:
    done = chromium(tmp_path, "--dump-dom", plan_result.html_path.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert "tradedr plan: trading-prod" in dom
    assert dom.count("<svg") >= 8
    for chart in ("architecture", "rto-region-loss", "cost-by-region", "posture-tradeoff"):
        assert f'data-chart="{chart}"' in dom


def test_screenshot_is_not_blank(plan_result: Any, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "report.png"
    done = chromium(
        tmp_path,
        "--hide-scrollbars",
        "--window-size=1200,2400",
        f"--screenshot={shot}",
        plan_result.html_path.as_uri(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file()
    image = Image.open(shot).convert("RGB")
    colors = image.getcolors(maxcolors=1 << 20) or []
    non_white = sum(count for count, rgb in colors if rgb != (255, 255, 255))
    assert len(colors) > 50, "screenshot has almost no colours: charts did not render"
    assert non_white > 0.05 * image.width * image.height
