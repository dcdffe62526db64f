"""HAProxy's configuration comes from the synthesized global/traffic and app stacks."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.conftest import Synthesized

from tradedr.emulator.dataplane.haproxy import (
    Haproxy,
    HaproxyLayout,
    RegionRoute,
    RoutingModel,
    routing_model,
)
from tradedr.names import Names, region_code


def model_of(synth: Synthesized) -> RoutingModel:
    settings, names = synth.settings, Names(synth.settings)
    return routing_model(
        global_template=synth.template(names.global_stack),
        traffic_template=synth.templates.get(names.traffic_stack),
        app_template=synth.template(names.app_stack(settings.primary_region)),
        regions={region_code(r): r for r in settings.all_regions},
        primary=settings.primary_region,
    )


def layout(model: RoutingModel) -> HaproxyLayout:
    return HaproxyLayout(
        front_port=8000,
        alb_ports={r.code: 8100 + i for i, r in enumerate(model.regions)},
        app_ports={r.code: [8200 + 10 * i, 8201 + 10 * i] for i, r in enumerate(model.regions)},
    )


def test_route53_failover_records_become_a_primary_and_a_backup(
    default_synth: Synthesized,
) -> None:
    model = model_of(default_synth)
    assert model.semantics == "failover"
    assert model.regions == (
        RegionRoute("us-east-1", "use1", backup=False, weight=100),
        RegionRoute("us-west-2", "usw2", backup=True, weight=100),
    )
    # Route 53: RequestInterval 10, FailureThreshold 3; target group: 10 s, 2 up, 2 down.
    assert (model.interval_seconds, model.failure_threshold, model.health_path) == (
        10,
        3,
        "/health",
    )
    assert (model.target_interval_seconds, model.target_healthy, model.target_unhealthy) == (
        10,
        2,
        2,
    )
    text = Haproxy(model, layout(model), Path("/nonexistent"), enabled={"use1": {0}}).config_text()
    assert "server use1 127.0.0.1:8100 check inter 10s fall 3 rise 3 weight 100\n" in text
    assert "server usw2 127.0.0.1:8101 check inter 10s fall 3 rise 3 weight 100 backup\n" in text
    assert "server app0 127.0.0.1:8200 check inter 10s fall 2 rise 2\n" in text
    assert "server app1 127.0.0.1:8201 check inter 10s fall 2 rise 2 disabled\n" in text
    assert "option httpchk GET /health" in text


def test_accelerator_dials_become_weights(fast_ga_synth: Synthesized) -> None:
    model = model_of(fast_ga_synth)
    assert model.semantics == "accelerator"
    assert [(r.region, r.weight, r.backup) for r in model.regions] == [
        ("us-east-1", 100, False),
        ("us-west-2", 0, False),
    ]
    # The endpoint groups: HealthCheckIntervalSeconds 10, ThresholdCount 1.
    assert (model.interval_seconds, model.failure_threshold) == (10, 1)
    text = Haproxy(model, layout(model), Path("/nonexistent")).config_text()
    assert "server use1 127.0.0.1:8100 check inter 10s fall 1 rise 1 weight 100\n" in text
    assert "server usw2 127.0.0.1:8101 check inter 10s fall 1 rise 1 weight 0\n" in text


@pytest.mark.skipif(
    shutil.which("haproxy") is None and not Path("/usr/sbin/haproxy").exists(),
    reason="haproxy not installed",
)
@pytest.mark.parametrize("fixture", ["default_synth", "fast_ga_synth"])
def test_haproxy_accepts_the_generated_config(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    model = model_of(request.getfixturevalue(fixture))
    config = tmp_path / "haproxy.cfg"
    text = Haproxy(model, layout(model), tmp_path).config_text()
    config.write_text(text, encoding="utf-8")
    exe = shutil.which("haproxy") or "/usr/sbin/haproxy"
    checked = subprocess.run([exe, "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
