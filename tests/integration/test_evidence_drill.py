"""`tradedr drill` then `tradedr evidence pack` on the emulator: one drill for the module.

The pack's manifest sums verify (recomputed here and by `evidence verify`), every journal's
chain is intact, and headless Chromium renders the pack's timeline, RTO/RPO table and
requirement map (the browser test is skipped without Chromium, like the review's)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.unit.report.test_report_browser import CHROMIUM, chromium
from typer.testing import CliRunner

from tradedr.cli import app

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Drilled:
    drill: dict[str, Any]
    pack: Path
    evidence: dict[str, Any]


@pytest.fixture(scope="module")
def drilled(tmp_path_factory: pytest.TempPathFactory) -> Drilled:
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()  # the drill's emulator runs in this process
    root = tmp_path_factory.mktemp("evidence")
    runner = CliRunner()
    # The control-plane drill: the pack's chains, sums and layout are what this module
    # proves; the data-plane figures it carries are unit-tested (tests/unit/evidence).
    drill = runner.invoke(app, ["drill", "--out", str(root / "drill"), "--no-data-plane", "--json"])
    assert drill.exit_code == 0, drill.output
    packed = runner.invoke(
        app,
        ["evidence", "pack", "--runs", str(root / "drill"), "--out", str(root / "pack"), "--json"],
    )
    assert packed.exit_code == 0, packed.output
    return Drilled(json.loads(drill.stdout), root / "pack", json.loads(packed.stdout))


def test_the_packs_manifest_sums_verify(drilled: Drilled) -> None:
    lines = (drilled.pack / "MANIFEST.sha256").read_text().splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    on_disk = {
        p.relative_to(drilled.pack).as_posix()
        for p in drilled.pack.rglob("*")
        if p.is_file() and p.name != "MANIFEST.sha256"
    }
    assert set(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((drilled.pack / name).read_bytes()).hexdigest() == digest, name
    runs = set(drilled.drill["run_ids"].values())
    assert {f"journals/{run}/journal.jsonl" for run in runs} <= on_disk
    verified = CliRunner().invoke(app, ["evidence", "verify", str(drilled.pack), "--json"])
    assert verified.exit_code == 0, verified.output
    data = json.loads(verified.stdout)
    assert data["manifest"]["ok"] is True
    assert sorted(j["run_id"] for j in data["journals"]) == sorted(runs)
    assert all(j["intact"] for j in data["journals"])


def test_the_journals_record_operator_hashes_request_ids_and_the_approval(
    drilled: Drilled,
) -> None:
    failover = drilled.drill["run_ids"]["failover"]
    events = [
        json.loads(line)
        for line in (drilled.pack / "journals" / failover / "journal.jsonl")
        .read_text()
        .splitlines()
    ]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert {e["operator"] for e in events} == {events[0]["provenance"]["operator"]["id"]}
    assert events[0]["operator"].startswith("local:")
    assert all(len(e["config_hash"]) == 64 and e["utc"].endswith("Z") for e in events)
    templates = events[0]["provenance"]["templates"]
    assert "us-west-2/trading-prod-app-us-west-2" in templates
    assert not any(name.startswith("us-east-1/") for name in templates)  # the lost region
    ends = {e["step"]: e for e in events if e["event"] == "step-end"}
    assert ends["promote-us-west-2"]["request_ids"]
    assert ends["approve"]["approval"]["mode"] == "non-interactive (--yes, or a drill)"
    drill = drilled.evidence["drills"][0]
    assert [m["name"] for m in drill["measures"]] == ["RTO", "RPO"]
    assert drilled.drill["data_plane"] is None  # --no-data-plane: the control plane's figure
    assert drill["measures"][0]["measured"] == drilled.drill["measured_recovery_seconds"]


PROBE = """
<script>
(() => {
  const rows = (name) => [...document.querySelectorAll(`table[data-table="${name}"] tbody tr`)]
    .map((tr) => [...tr.children].map((td) => td.innerText.trim()));
  const width = (name) => document.querySelector(`table[data-table="${name}"]`)
    .getBoundingClientRect().width;
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify({
    timeline: rows("timeline"), rto: rows("rto-rpo"), requirements: rows("requirements"),
    widths: ["timeline", "rto-rpo", "requirements"].map(width),
    sideways: document.documentElement.scrollWidth > window.innerWidth + 1,
  });
  document.body.appendChild(out);
})();
</script>
"""


@pytest.mark.browser
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not installed: run `make system-deps` (Debian package `chromium`)",
)
def test_chromium_renders_the_timeline_the_rto_rpo_table_and_the_requirement_map(
    drilled: Drilled, tmp_path: Path
) -> None:
    probe = tmp_path / "probe.html"
    html = (drilled.pack / "evidence.html").read_text()
    probe.write_text(html.replace("</body>", PROBE + "</body>"))
    done = chromium(tmp_path, "--window-size=1200,1000", "--dump-dom", probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, "the probe did not run"
    seen = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert not seen["sideways"]
    assert all(w > 300 for w in seen["widths"])
    events = [row[2] for row in seen["timeline"]]
    assert events[:2] == ["detected: loss of us-east-1", "failover run started"]
    assert events[-1] == "failback run ended"
    recovered = events.index("recovered: the standby verified serving")
    assert events.index("failover: promote-us-west-2") < recovered
    assert events[recovered - 1] == "failover run ended"
    assert events[recovered + 1] == "failback run started"
    offsets = [float(row[0].replace(",", "")) for row in seen["timeline"] if row[0]]
    assert offsets == sorted(offsets)  # one clock: T+ from the failover's start throughout
    rto, rpo = seen["rto"]
    assert rto[0] == "RTO"
    assert rto[1] == f"{drilled.drill['measured_recovery_seconds']:,.1f} s"
    assert rto[2] == "1,800 s"
    assert rto[3] == "not set"
    assert "emulator" in rto[4]
    assert (rpo[0], rpo[1], rpo[2]) == ("RPO", "not measured", "60 s")
    provisions = [row[1] for row in seen["requirements"]]
    for expected in ("Article 11", "Article 12", "Article 24", "Rule 1004", "Rule 4370(b)"):
        assert any(p.startswith(expected) for p in provisions), expected
    assert all(row[5].startswith("http") for row in seen["requirements"])
    assert {row[4].split("\n")[0] for row in seen["requirements"]} <= {
        "verified",
        "secondary",
        "not verified",
    }
