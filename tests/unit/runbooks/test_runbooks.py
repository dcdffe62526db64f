"""Generated runbooks: real names, no placeholders, real commands, follow the config."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import botocore.session
import pytest
import typer.main
from botocore import xform_name
from typer._click.exceptions import UsageError  # typer vendors click; pinned in pyproject

from tests.conftest import Synthesized
from tradedr.cli import app
from tradedr.config import Posture
from tradedr.runbooks.facts import gather_facts
from tradedr.runbooks.render import RUNBOOKS, unresolved_placeholders
from tradedr.runbooks.service import failover_steps, generate_runbooks

CODE_BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
INLINE = re.compile(r"`([^`\n]+)`")
AWS_CALL = re.compile(r"(?:^|`|\$\()aws ([a-z][a-z0-9-]*) ([a-z][a-z0-9-]*)", re.M)
# The aws CLI's service names where they differ from botocore's.
CLI_SERVICE = {"s3api": "s3", "configservice": "config"}


def _render(synth: Synthesized, outdir: Path) -> dict[str, str]:
    paths = generate_runbooks(synth.settings, outdir, stacks=synth.stacks)
    return {p.name: p.read_text() for p in paths}


@pytest.fixture(scope="session")
def default_runbooks(
    default_synth: Synthesized, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    return _render(default_synth, tmp_path_factory.mktemp("runbooks"))


@pytest.fixture(scope="session")
def three_region_runbooks(
    three_region_synth: Synthesized, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    return _render(three_region_synth, tmp_path_factory.mktemp("runbooks3"))


def _template_strings(synth: Synthesized) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for template in synth.templates.values():
        walk(template)
    return found


def _commands(text: str, program: str) -> list[str]:
    found = []
    for block in CODE_BLOCK.findall(text):
        found += [
            line.strip() for line in block.splitlines() if line.strip().startswith(program + " ")
        ]
    found += [span for span in INLINE.findall(text) if span.startswith(program + " ")]
    return found


def _parse_with_cli(argv: list[str]) -> str:
    """Parse argv with the CLI's own parser, without running anything; returns the path."""
    command = typer.main.get_command(app)
    ctx = command.make_context("tradedr", list(argv))
    path = []
    while hasattr(command, "resolve_command"):
        remaining = [*ctx._protected_args, *ctx.args]
        if not remaining:
            break
        _, sub, rest = command.resolve_command(ctx, remaining)
        assert sub is not None
        assert sub.name is not None
        path.append(sub.name)
        command = sub
        ctx = command.make_context(sub.name, rest, parent=ctx)
    return " ".join(path)


@pytest.mark.parametrize(
    ("argv", "ok"),
    [
        (["synth", "--json"], True),
        (["config", "show", "--json"], True),
        (["synth", "--no-such-flag"], False),
        (["no-such-command"], False),
        (["config", "nope"], False),
    ],
)
def test_parser_helper_rejects_what_the_cli_rejects(argv: list[str], ok: bool) -> None:
    if ok:
        assert _parse_with_cli(argv)
    else:
        with pytest.raises(UsageError):
            _parse_with_cli(argv)


def test_at_least_eight_runbooks_plus_index(default_runbooks: dict[str, str]) -> None:
    assert len(RUNBOOKS) >= 8
    assert set(default_runbooks) == {rb.filename for rb in RUNBOOKS} | {"README.md"}


@pytest.mark.parametrize("runbook", [rb.filename for rb in RUNBOOKS])
def test_each_runbook_names_real_regions_and_resources(
    default_runbooks: dict[str, str], default_synth: Synthesized, runbook: str
) -> None:
    text = default_runbooks[runbook]
    assert text.startswith("# ")
    assert "**When to use:**" in text
    targets = default_synth.settings.targets
    assert f"RTO target | {targets.rto_seconds} s" in text
    assert f"RPO target | {targets.rpo_seconds} s (orders DB, sessions)" in text
    assert "us-east-1" in text
    assert "us-west-2" in text
    real = {s.name for s in default_synth.stacks} | _template_strings(default_synth)
    mentioned = set(re.findall(r"trading-prod-[a-z0-9-]*[a-z0-9]", text))
    assert mentioned & real, "names nothing that this deployment's templates contain"


@pytest.mark.parametrize("runbook", [*(rb.filename for rb in RUNBOOKS), "README.md"])
def test_no_unresolved_placeholders(default_runbooks: dict[str, str], runbook: str) -> None:
    assert unresolved_placeholders(default_runbooks[runbook]) == []


def test_index_lists_every_stack(
    default_runbooks: dict[str, str], default_synth: Synthesized
) -> None:
    for stack in default_synth.stacks:
        assert f"`{stack.name}`" in default_runbooks["README.md"]


@pytest.mark.parametrize("runbook", [rb.filename for rb in RUNBOOKS])
def test_every_tradedr_command_parses(default_runbooks: dict[str, str], runbook: str) -> None:
    for command in _commands(default_runbooks[runbook], "tradedr"):
        try:
            _parse_with_cli(shlex.split(command)[1:])
        except UsageError as exc:
            pytest.fail(f"{runbook}: `{command}` does not parse: {exc.format_message()}")


@pytest.fixture(scope="session")
def aws_operations() -> dict[str, set[str]]:
    session = botocore.session.get_session()
    cache: dict[str, set[str]] = {}
    for service in session.get_available_services():
        model = session.get_service_model(service)
        cache[service] = {xform_name(op, "-") for op in model.operation_names}
    return cache


@pytest.mark.parametrize("runbook", [rb.filename for rb in RUNBOOKS])
def test_every_aws_command_is_a_real_operation(
    default_runbooks: dict[str, str], aws_operations: dict[str, set[str]], runbook: str
) -> None:
    text = default_runbooks[runbook]
    calls = AWS_CALL.findall(text)
    for service, operation in calls:
        service = CLI_SERVICE.get(service, service)
        assert service in aws_operations, f"{runbook}: unknown service {service}"
        assert operation in aws_operations[service], f"{runbook}: aws {service} {operation}"


def test_runbooks_show_commands(default_runbooks: dict[str, str]) -> None:
    total_aws = sum(len(AWS_CALL.findall(t)) for t in default_runbooks.values())
    total_tradedr = sum(len(_commands(t, "tradedr")) for t in default_runbooks.values())
    assert total_aws >= 30
    assert total_tradedr >= 20


@pytest.mark.parametrize(
    ("needle", "in_default", "in_three"),
    [
        ("eu-west-1", False, True),
        ("trading-tri-orders-replica-euw1", False, True),
        ("trading-tri-objects-eu-west-1", False, True),
        ("trading-prod-orders-replica-usw2", True, False),
    ],
)
def test_config_change_changes_runbooks(
    default_runbooks: dict[str, str],
    three_region_runbooks: dict[str, str],
    needle: str,
    in_default: bool,
    in_three: bool,
) -> None:
    assert any(needle in t for t in default_runbooks.values()) is in_default
    assert any(needle in t for t in three_region_runbooks.values()) is in_three


def test_failover_steps_follow_the_facts(three_region_synth: Synthesized) -> None:
    facts = gather_facts(three_region_synth.settings, three_region_synth.stacks)
    planned = failover_steps(facts)
    promote = [s for s in planned if s.title.startswith("Promote")]
    assert [s.region for s in promote] == ["us-west-2"]
    assert "trading-tri-orders-replica-usw2" in promote[0].title
    assert any(s.region == "us-east-1" and "Fence" in s.title for s in planned)
    unplanned = failover_steps(facts, mode="unplanned")
    assert unplanned
    assert all(s.region != "us-east-1" for s in unplanned)


@pytest.mark.parametrize(
    "variant",
    [*(p.value for p in Posture), "fast_arc", "fast_ga"],
)
def test_every_posture_and_fast_option_renders_real_runbooks(
    variant: str,
    posture_synths: dict[Posture, Synthesized],
    request: pytest.FixtureRequest,
    tmp_path: Path,
    aws_operations: dict[str, set[str]],
) -> None:
    synth = (
        request.getfixturevalue(f"{variant}_synth")
        if variant.startswith("fast")
        else posture_synths[Posture(variant)]
    )
    texts = _render(synth, tmp_path)
    assert len(texts) == len(RUNBOOKS) + 1
    for name, text in texts.items():
        assert unresolved_placeholders(text) == [], name
        for service, operation in AWS_CALL.findall(text):
            service = CLI_SERVICE.get(service, service)
            assert operation in aws_operations.get(service, set()), f"{name}: {service} {operation}"
        for command in _commands(text, "tradedr"):
            _parse_with_cli(shlex.split(command)[1:])
    failover = texts["regional-failover.md"]
    if variant == "backup-restore":
        assert "recovery is a restore" in failover
    else:
        assert "When us-east-1 does not answer" in failover
    if variant.startswith("fast"):
        assert "describe-db-clusters" in texts["post-deployment-validation.md"]
        assert "switchover" in failover.lower()
    if variant == "fast_arc":
        assert "Set ARC routing controls: us-west-2 On" in failover
    outage = texts["incident-primary-region-outage.md"]
    automatic = synth.settings.failover.automatic
    assert ("Automatic failover is on" in outage) is automatic
    if automatic:
        assert "region-loss-usw2" in outage
        assert "tradedr failover --to us-west-2 --allow-data-loss" in outage
    if variant == "fast_ga":
        assert automatic
        assert "traffic dial of us-west-2 to 100%" in failover
