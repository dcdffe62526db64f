"""`tradedr check`: the static gates over the config's templates or a directory's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradedr.cli.options import ConfigOption, FailOn, JsonOption, OutputFormat, settings_from
from tradedr.cli.output import err_console, internal_failures_exit_3, print_note
from tradedr.cli.render.checks import render_acknowledged, render_report


def _split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def check(
    config: ConfigOption = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="Check the CloudFormation templates (JSON or YAML) in DIR instead of "
            "synthesizing the config.",
            file_okay=False,
        ),
    ] = None,
    regions: Annotated[
        str | None,
        typer.Option(
            "--regions",
            help="Comma-separated regions for cfn-lint with --templates "
            "(default: the assembly's regions, else us-east-1).",
        ),
    ] = None,
    packs: Annotated[
        str,
        typer.Option(
            "--packs", help="Comma-separated cdk-nag packs: AwsSolutions, PCI, NIST, HIPAA."
        ),
    ] = "AwsSolutions,PCI,NIST",
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.TABLE,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Directory for the synthesized templates.")
    ] = Path("cdk.out"),
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 on errors (error, the default), or on warnings too (warning).",
        ),
    ] = FailOn.ERROR,
    list_acknowledged: Annotated[
        bool,
        typer.Option(
            "--list-acknowledged", help="Print the acknowledged findings and their reasons."
        ),
    ] = False,
    topology: Annotated[
        Path | None,
        typer.Option(
            "--topology",
            help="With --templates: assess.toml saying where each template deploys, as "
            "primary or standby, and the RTO target (see docs/assess.md). Without it the "
            "topology is inferred and printed as a note.",
            dir_okay=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Run cdk-nag (AwsSolutions, PCI DSS 3.2.1, NIST 800-53 R5), cfn-lint for every region
    and tradedr's DR rules. Exit 0 without errors, 1 with errors (or warnings, with
    --fail-on warning), 2 on bad input (one line naming the file), 3 on an internal
    failure. Files in the directory that are not templates are skipped with a note."""
    from tradedr.checks import service

    if as_json:  # --json, like every other command; --format json stays
        output_format = OutputFormat.JSON
    pack_list = _split(packs)
    region_list = _split(regions) if regions else None
    # With --templates a config is read only when -c names one: the templates may not be
    # tradedr's, and a stray ./tradedr.toml must not decide how they are checked.
    ignore = settings_from(config).checks.ignore_lint_rules if config is not None else []
    if list_acknowledged:
        if templates is not None:
            entries = service.acknowledged_in_templates(
                templates, regions=region_list, packs=pack_list, ignore_lint_rules=ignore
            )
        else:
            entries = service.acknowledged_in_config(settings_from(config), out)
        render_acknowledged(entries, output_format)
        return
    table = output_format is OutputFormat.TABLE
    if templates is not None:
        if table:
            err_console.print(f"checking templates in {templates} ...")
        with internal_failures_exit_3():
            report = service.check_templates(
                templates,
                regions=region_list,
                packs=pack_list,
                ignore_lint_rules=ignore,
                topology_file=topology,
            )
        for note in report.notes:
            print_note(note)
    else:
        settings = settings_from(config)
        if table:
            err_console.print(
                f"synthesizing and checking {settings.prefix} ({settings.posture.value}) ..."
            )
        report = service.check_config(settings, out, packs=pack_list)
    render_report(report, output_format, fail_on=fail_on.value)
    if not report.passes(fail_on.value):
        raise typer.Exit(1)
