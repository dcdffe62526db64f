"""Exit codes of the two failures an operator meets first (issue 11): a prompt that gets no
answer is a refusal (exit 1, one line), not an AWS failure (3); an AWS profile that does
not exist is bad input (exit 2, one line naming it), wherever botocore's ProfileNotFound
surfaces, even where a service wrapped it in its own error."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from botocore.exceptions import ProfileNotFound
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.cli.app import handles_errors
from tradedr.cli.options import approver
from tradedr.errors import AwsOperationError


def _errors(result: Any) -> list[str]:
    return re.findall(r"error: [^\n]*", result.stderr)


@pytest.fixture
def no_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS config and credentials files that define no profile at all."""
    for variable, name in (("AWS_CONFIG_FILE", "config"), ("AWS_SHARED_CREDENTIALS_FILE", "c")):
        (tmp_path / name).write_text("")
        monkeypatch.setenv(variable, str(tmp_path / name))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def _one_profile_line(result: Any) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "error: --profile nosuch: no such AWS profile in the AWS config or credentials "
        "files (`aws configure list-profiles` lists them)"
    ]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--target", "aws"],  # ProfileNotFound reaches the CLI as it is
        ["destroy", "--yes", "--target", "aws"],  # wrapped: "destroy: The config profile..."
        ["fence", "--region", "us-east-1", "--target", "aws", "--yes"],  # "does not answer"
        ["backup", "now", "--target", "aws"],
    ],
)
def test_an_unknown_profile_exits_2_naming_it(no_profiles: None, argv: list[str]) -> None:
    _one_profile_line(CliRunner().invoke(app, [*argv, "--profile", "nosuch"]))


def test_a_profile_error_inside_a_domain_error_is_still_bad_input() -> None:
    probe = typer.Typer()

    @probe.command()
    @handles_errors
    def run(profile: str = "nosuch") -> None:
        try:
            raise ProfileNotFound(profile=profile)
        except ProfileNotFound:
            raise AwsOperationError("something: it failed") from None

    _one_profile_line(CliRunner().invoke(probe, []))


def _prompting_app() -> typer.Typer:
    probe = typer.Typer()

    @probe.command()
    @handles_errors
    def ask() -> None:
        typer.confirm("Go on?", abort=True, err=True)

    return probe


@pytest.mark.parametrize("answer", ["", "n\n"])  # stdin at EOF; an explicit no
def test_a_refused_prompt_exits_1_in_one_line(answer: str) -> None:
    result = CliRunner().invoke(_prompting_app(), [], input=answer)
    assert result.exit_code == 1, result.output
    assert _errors(result) == ["error: declined at the prompt"]
    assert "Aborted" not in result.output


def test_the_plan_approver_declines_when_stdin_is_at_eof() -> None:
    probe = typer.Typer()
    answers: list[bool] = []

    @probe.command()
    def ask() -> None:
        approve = approver(False)
        assert approve is not None
        answers.append(approve("Approve the failover?"))

    result = CliRunner().invoke(probe, [], input="")
    assert result.exit_code == 0, result.output
    assert answers == [False]  # declined, so the plan stops "not approved" (exit 1)
    assert approver(True) is None
