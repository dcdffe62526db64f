"""Build the CDK app for a config: `python -m tradedr.infra.app` is what cdk.json runs."""

from __future__ import annotations

import os
from pathlib import Path

import aws_cdk as cdk

from tradedr.config import Settings, load_config
from tradedr.errors import ConfigError
from tradedr.infra.components.compliance import NATIVE_ACKS_CONTEXT
from tradedr.infra.region_switch_plan import PlanSource, registered_plan_source
from tradedr.infra.stacks import (
    AppStack,
    DataStack,
    GlobalStack,
    RegionSwitchStack,
    ReplicaStack,
    TrafficStack,
    add_dependency,
)

# CDK context that keeps synth offline and templates lean.
_CONTEXT = {
    "aws:cdk:version-reporting": False,
    "aws:cdk:enable-path-metadata": False,
    "@aws-cdk/core:checkSecretUsage": True,
    # Server access logs are granted by bucket policy: the log bucket enforces bucket
    # ownership, which rules out the legacy log-delivery ACL.
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
}


def build_app(
    settings: Settings,
    *,
    outdir: str | Path | None = None,
    native_acknowledgments: bool = True,
    plan_source: PlanSource | None = None,
) -> cdk.App:
    """Compose every stack for `settings`. Order of construction is deployment order.

    `native_acknowledgments=False` is for `tradedr check`, which matches acknowledgments
    itself (see `components.compliance`). `plan_source` builds the Region switch plan
    (`failover.orchestrator = "arc-region-switch"`); default: the one the CLI registered.
    """
    app = cdk.App(
        outdir=str(outdir) if outdir else None,
        context={**_CONTEXT, NATIVE_ACKS_CONTEXT: native_acknowledgments},
        analytics_reporting=False,
        # cfn-lint runs as our own gate; CDK's built-in pass would double the synth time.
        builtin_cloud_formation_validation=os.environ.get("CDK_VALIDATION", "false") == "true",
    )
    posture = settings.posture
    data = {r: DataStack(app, settings=settings, region=r) for r in settings.all_regions}
    primary = settings.primary_region
    for standby in settings.standby_regions:
        # The primary's table replicas, bucket replication and backup copies need the
        # standby's key, bucket and vault to exist first.
        add_dependency(data[primary], data[standby])

    db_endpoints: dict[str, str] = {primary: data[primary].db_endpoint}
    if settings.database.is_mrsc:
        # One MRSC global table, defined in the primary's data stack with a replica in every
        # region: no replica stacks, each app reads its own region's replica by name.
        db_endpoints.update(dict.fromkeys(settings.standby_regions, data[primary].db_endpoint))
    elif posture.replicates_data:
        for standby in settings.standby_regions:
            replica = ReplicaStack(app, settings=settings, region=standby, data=data[standby])
            add_dependency(replica, data[primary])
            db_endpoints[standby] = replica.db_endpoint

    app_regions = [r for r in settings.all_regions if r == primary or posture.runs_standby_app]
    apps = {}
    for region in app_regions:
        apps[region] = AppStack(
            app,
            settings=settings,
            region=region,
            data=data[region],
            db_endpoint=db_endpoints[region],
        )
        if region != primary:
            add_dependency(apps[region], data[primary])
            if settings.failover.automatic:
                # The region-loss detector takes the primary ALB's DNS name as a parameter.
                add_dependency(apps[region], apps[primary])
    global_stack = GlobalStack(app, settings=settings, app_regions=app_regions)
    for stack in apps.values():
        add_dependency(global_stack, stack)
    if settings.routing.traffic != "dns-failover":
        traffic = TrafficStack(app, settings=settings, app_regions=app_regions)
        for stack in apps.values():
            add_dependency(traffic, stack)
        add_dependency(global_stack, traffic)
    if settings.failover.orchestrator == "arc-region-switch":
        source = plan_source or registered_plan_source()
        if source is None:
            raise ConfigError(
                'failover.orchestrator: the "arc-region-switch" plan is built by tradedr\'s '
                "commands; synthesize with `tradedr synth`"
            )
        plan = RegionSwitchStack(
            app, settings=settings, app_regions=app_regions, plan_source=source
        )
        # Its parameters read every earlier stack's outputs (the global stack's zone last).
        add_dependency(plan, global_stack)
    return app


def main() -> None:
    config = os.environ.get("TRADEDR_CONFIG")
    settings = load_config(Path(config) if config else None)
    # Passed on, not left to jsii: its Node process reads the environment once, when started.
    build_app(settings, outdir=os.environ.get("CDK_OUTDIR")).synth()


if __name__ == "__main__":
    main()
