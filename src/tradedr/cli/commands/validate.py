"""`tradedr validate`: the deployment checked with boto3."""

from __future__ import annotations

from pathlib import Path

import typer

from tradedr.cli.options import (
    ConfigOption,
    JsonOption,
    ProfileOption,
    RunsDirOption,
    Target,
    ValidateTargetOption,
    settings_from,
)
from tradedr.cli.render.validate import render_validation


def validate(
    config: ConfigOption = None,
    target: ValidateTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    runs_dir: RunsDirOption = Path(".tradedr/runs"),
    as_json: JsonOption = False,
) -> None:
    """Check the deployment with boto3 against its current roles (the writer the database
    reports, checked against the latest completed failover or failback under --runs-dir;
    the first check says which roles it assumed): VPC, ALB and targets, ASG capacity per
    role, the writer and every standby's replica of it, stale instances a failover left,
    DynamoDB, S3 replication, Route 53, alarms, secret. Exit 1 if any fails."""
    from tradedr.ops import service

    settings = settings_from(config)
    report = service.validate(settings, target=target.value, profile=profile, runs_dir=runs_dir)
    render_validation(report, title=f"validate {settings.prefix} on {target}", as_json=as_json)
    if not report.passed:
        raise typer.Exit(1)
