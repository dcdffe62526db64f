"""The report's layout in headless Chromium at 1400 and 900 px, for 2, 3 and 5 regions: the
page does not scroll sideways, no element sticks out of its container (a scroll container,
`.wide`, is the one allowed exception) and no chart's text runs outside its SVG. Read through
a script added to a copy of the report (the report itself has none) and --dump-dom.
Skipped, with the reason, without Chromium (`make system-deps` installs it)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import FakeCheckReport, install_fake_checks
from tests.unit.report.test_report_browser import CHROMIUM, chromium

from tradedr.config import load_settings

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium not installed: run `make system-deps` (Debian package `chromium`)",
    ),
]

PROBE = """
<script>
(() => {
  const problems = [];
  const where = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.getAttribute("data-chart") ? "[" + el.getAttribute("data-chart") + "]" : "")
    + (el.className && typeof el.className === "string" ? "." + el.className : "");
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    problems.push("page scrolls sideways: " + doc.scrollWidth + " > " + window.innerWidth);
  }
  const scrolls = (el) => getComputedStyle(el).overflowX === "auto";
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".wide") && !el.classList.contains("wide")) continue;
    if (el instanceof SVGElement && !(el instanceof SVGSVGElement)) continue;
    const parent = el.parentElement;
    if (!parent || el.tagName === "SCRIPT" || el.tagName === "PRE") continue;
    const r = el.getBoundingClientRect(), p = parent.getBoundingClientRect();
    if (r.width === 0 || scrolls(parent)) continue;
    if (r.right > p.right + 1 || r.left < p.left - 1) {
      problems.push(where(el) + " sticks out of " + where(parent)
        + " (" + Math.round(r.left) + ".." + Math.round(r.right) + " in "
        + Math.round(p.left) + ".." + Math.round(p.right) + ")");
    }
  }
  for (const svg of document.querySelectorAll("svg[data-chart]")) {
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll("text")) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.right > box.right + 1 || r.left < box.left - 1 || r.bottom > box.bottom + 1
          || r.top < box.top - 1) {
        problems.push(svg.getAttribute("data-chart") + ": text '" + t.textContent
          + "' runs outside the chart");
      }
    }
  }
  const out = document.createElement("pre");
  out.id = "layout-result";
  out.textContent = JSON.stringify(problems);
  document.body.appendChild(out);
})();
</script>
"""


def _problems(html: Path, tmp_path: Path, width: int) -> list[str]:
    probe = tmp_path / f"probe-{width}.html"
    probe.write_text(html.read_text().replace("</body>", PROBE + "</body>"))
    done = chromium(tmp_path, f"--window-size={width},1000", "--dump-dom", probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="layout-result">(.*?)</pre>', done.stdout, re.S)
    assert found, "the layout probe did not run"
    problems: list[str] = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    return problems


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory, plan_result: Any) -> dict[int, Path]:
    """report.html for 2 regions (the session's review), 3 and 5 regions."""
    from tradedr.report.plan import run_plan

    paths = {2: plan_result.html_path}
    more = {
        3: ["us-west-2", "eu-west-1"],
        5: ["us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"],
    }
    for count, standbys in more.items():
        with pytest.MonkeyPatch.context() as monkeypatch:
            install_fake_checks(monkeypatch, lambda settings, outdir: FakeCheckReport())
            settings = load_settings({"standby_regions": standbys, "environment": f"r{count}"})
            paths[count] = run_plan(settings, tmp_path_factory.mktemp(f"r{count}")).html_path
    return paths


@pytest.mark.parametrize("width", [1400, 900])
@pytest.mark.parametrize("regions", [2, 3, 5])
def test_nothing_overflows(
    reports: dict[int, Path], tmp_path: Path, regions: int, width: int
) -> None:
    problems = _problems(reports[regions], tmp_path, width)
    assert problems == [], "\n".join(problems[:40])
