"""`tradedr validate`: the deployment checked with boto3."""

from __future__ import annotations

import typer

from tradedr.cli.options import (
    ConfigOption,
    JsonOption,
    ProfileOption,
    Target,
    ValidateTargetOption,
    settings_from,
)
from tradedr.cli.render.validate import render_validation


def validate(
    config: ConfigOption = None,
    target: ValidateTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check the deployment with boto3: VPC, ALB and targets, ASG capacity, RDS and its
    replicas, DynamoDB, S3 replication, Route 53, alarms, secret. Exit 1 if any fails."""
    from tradedr.ops import service

    settings = settings_from(config)
    report = service.validate(settings, target=target.value, profile=profile)
    render_validation(report, title=f"validate {settings.prefix} on {target}", as_json=as_json)
    if not report.passed:
        raise typer.Exit(1)
