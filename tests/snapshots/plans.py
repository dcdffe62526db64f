"""The golden failover, failback and fence plans: built from fixed configs at a fixed time,
so any change to what a plan does shows as a diff of a JSON file under plans/.

Regenerate after an intended change with `python tests/snapshots/update.py`, and review the
diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tradedr.config import Settings, load_config, load_settings
from tradedr.ops.failback import failback_plan
from tradedr.ops.failover import failover_plan
from tradedr.ops.fence import fence_plan
from tradedr.ops.plans import Plan, TrafficMode
from tradedr.ops.traffic import TrafficControls, traffic_mode_for

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "plans"
CREATED_AT = "2026-01-02T03:04:05+00:00"


def tls_settings() -> Settings:
    return load_settings(
        {
            "regions": {
                region: {"certificate_arn": f"arn:aws:acm:{region}:123456789012:certificate/golden"}
                for region in ("us-east-1", "us-west-2")
            }
        }
    )


CONFIGS: dict[str, Callable[[], Settings]] = {
    "default": lambda: load_settings({}),
    "fast": lambda: load_config(ROOT / "examples" / "hot-standby-fast.toml"),
    "tls": tls_settings,
    "arc-aurora": lambda: load_settings(
        {"routing": {"traffic": "arc"}, "database": {"engine": "aurora-mysql-global"}}
    ),
    "arc-mysql": lambda: load_settings({"routing": {"traffic": "arc"}}),
    "mrsc": lambda: load_config(ROOT / "examples" / "active-active-mrsc.toml"),
    "three-region": lambda: load_settings({"standby_regions": ["us-west-2", "eu-west-1"]}),
    "three-region-aurora": lambda: load_settings(
        {
            "standby_regions": ["us-west-2", "eu-west-1"],
            "database": {"engine": "aurora-mysql-global"},
        }
    ),
}


def fixed_controls(settings: Settings) -> TrafficControls:
    """Traffic controls as a deployment would report them, with stable fake ARNs."""
    mode = traffic_mode_for(settings)
    regions = settings.all_regions
    if mode is TrafficMode.ROUTING_CONTROL:
        return TrafficControls(
            mode,
            routing_controls={r: f"arn:aws:route53-recovery-control::1:rc/{r}" for r in regions},
            cluster_endpoints=[{"Region": r, "Endpoint": f"https://arc.{r}/"} for r in regions],
        )
    if mode is TrafficMode.TRAFFIC_DIAL:
        return TrafficControls(
            mode,
            endpoint_groups={r: f"arn:aws:globalaccelerator::1:eg/{r}" for r in regions},
        )
    return TrafficControls(mode)


def plans_of(name: str) -> dict[str, Plan]:
    settings = CONFIGS[name]()
    primary, standby = settings.primary_region, settings.standby_regions[0]
    controls = fixed_controls(settings)
    plans: dict[str, Plan] = {}
    for mode in ("planned", "unplanned", "practice"):
        plans[f"failover-{mode}"] = failover_plan(
            settings,
            to_region=standby,
            mode=mode,  # type: ignore[arg-type]
            allow_data_loss=mode == "unplanned" and settings.database.is_aurora_global,
            traffic_mode=controls.mode,
            traffic=controls.params_for(standby),
            created_at=CREATED_AT,
        )
    plans["failback"] = failback_plan(
        settings,
        current_region=standby,
        home_region=primary,
        traffic_mode=controls.mode,
        traffic=controls.params_for(primary),
        created_at=CREATED_AT,
    )
    if not settings.database.is_mrsc:  # dynamodb-mrsc has no single writer to fence
        plans["fence"] = fence_plan(settings, region=primary, created_at=CREATED_AT)
    return plans


def golden() -> dict[Path, str]:
    """Every snapshot file and the text it must hold."""
    return {
        SNAPSHOTS / f"{config}-{kind}.json": plan.to_json() + "\n"
        for config in CONFIGS
        for kind, plan in plans_of(config).items()
    }
