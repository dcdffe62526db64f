"""`tradedr readiness`: could the standby take over right now? Read-only checks."""

from __future__ import annotations

from typing import Annotated

import typer

from tradedr.cli.options import (
    ConfigOption,
    JsonOption,
    ProfileOption,
    Target,
    ValidateTargetOption,
    settings_from,
)
from tradedr.cli.render.readiness import readiness_progress, render_readiness

StandbyOption = Annotated[
    str | None,
    typer.Option(
        "--standby",
        metavar="REGION",
        help="The standby region to check (default: the first standby of the config).",
    ),
]
RoleArnOption = Annotated[
    str | None,
    typer.Option(
        "--role-arn",
        metavar="ARN",
        help="The role failovers run as, for the permissions check (default: the caller; "
        "an assumed-role session is checked as its role).",
    ),
]


def readiness(
    config: ConfigOption = None,
    target: ValidateTargetOption = Target.LOCAL,
    profile: ProfileOption = None,
    standby: StandbyOption = None,
    role_arn: RoleArnOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check, read-only, that the standby could take over now: replica and lag, secret and
    key equivalence, instance type and AMI in its AZs, quotas at full capacity, the failover
    role's permissions there (IAM policy simulation), routing health, backup copy age and
    data-stack drift. One line per check.

    Exit 0 every check passed, 1 one failed, 3 one could not ask AWS (readiness unknown).
    On --target local the checks moto cannot answer are `not-emulated`. To run the same
    checks on a schedule inside AWS, set `schedule` in the config's readiness table
    (docs/readiness.md).
    """
    from tradedr.readiness import service

    settings = settings_from(config)
    report = service.readiness(
        settings,
        target=target.value,
        profile=profile,
        standby=standby,
        role_arn=role_arn,
        progress=readiness_progress(as_json),
    )
    render_readiness(report, as_json=as_json)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
