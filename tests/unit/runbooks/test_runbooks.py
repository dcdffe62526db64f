"""Generated runbooks: real names, no placeholders, real commands, follow the config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer._click.exceptions import UsageError  # typer vendors click; pinned in pyproject

from tests.conftest import Synthesized
from tests.unit.runbooks.commands import check_text, commands, parse_with_cli
from tradedr.config import Posture
from tradedr.runbooks.facts import gather_facts
from tradedr.runbooks.render import RUNBOOKS, unresolved_placeholders
from tradedr.runbooks.service import failover_steps, generate_runbooks


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
        assert parse_with_cli(argv)
    else:
        with pytest.raises(UsageError):
            parse_with_cli(argv)


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
def test_every_command_works_when_pasted(default_runbooks: dict[str, str], runbook: str) -> None:
    """aws lines against botocore's models, tradedr lines through the CLI parser (the
    checker and its own tests are in commands.py / test_commands.py)."""
    problems, _ = check_text(default_runbooks[runbook])
    assert problems == [], "\n".join(problems)


def test_runbooks_show_commands(default_runbooks: dict[str, str]) -> None:
    total_aws = sum(len(commands(t, "aws")) for t in default_runbooks.values())
    total_tradedr = sum(len(commands(t, "tradedr")) for t in default_runbooks.values())
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
        problems, _ = check_text(text)
        assert problems == [], f"{name}:\n" + "\n".join(problems)
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
        assert "tradedr failover --to us-west-2 --target aws --allow-data-loss" in outage
    if variant == "fast_ga":
        assert automatic
        assert "traffic dial of us-west-2 to 100%" in failover


def test_mrsc_runbooks_have_no_promotion_and_commands_that_work(
    mrsc_synth: Synthesized, tmp_path: Path
) -> None:
    """examples/active-active-mrsc.toml: every runbook renders with real names, every
    command passes the checker, and failover/failback speak of the dial, not a promotion."""
    texts = _render(mrsc_synth, tmp_path)
    assert len(texts) == len(RUNBOOKS) + 1
    for name, text in texts.items():
        assert unresolved_placeholders(text) == [], name
        problems, _ = check_text(text)
        assert problems == [], f"{name}:\n" + "\n".join(problems)
    failover, failback = texts["regional-failover.md"], texts["regional-failback.md"]
    assert "nothing to promote" in failover
    assert "tradedr failover --from us-east-1 --to us-east-2 --target aws" in failover
    assert "describe-table --table-name trading-mrsc-orders-mrsc --region us-east-2" in failover
    assert "dial back to 100" in failback
    assert "promote-read-replica" not in failover + failback
    assert "no RDS instance to fail over" in texts["incident-rds-failover.md"]


def test_the_failover_runbook_says_what_region_switch_cannot_express(
    tmp_path_factory: pytest.TempPathFactory, default_synth: Synthesized
) -> None:
    """With the opt-in, the runbook names the deployed plan and the steps that run as custom
    actions; without it, it does not mention Region switch."""
    from tests.conftest import synth_config

    lam = "arn:aws:lambda:us-east-1:123456789012:function:tradedr-step"
    synth = synth_config(
        tmp_path_factory,
        {"failover": {"orchestrator": "arc-region-switch", "custom_action_lambda": lam}},
    )
    out = tmp_path_factory.mktemp("runbooks-arc")
    paths = generate_runbooks(synth.settings, out, stacks=synth.stacks)
    text = next(p for p in paths if p.name == "regional-failover.md").read_text()
    assert "## From AWS: the Region switch plan" in text
    assert "trading-prod-regionswitch" in text
    assert f"custom actions through `{lam}`" in text
    assert "sampled maximum of the last 24 h" in text
    default = generate_runbooks(
        default_synth.settings, tmp_path_factory.mktemp("rb-default"), stacks=default_synth.stacks
    )
    plain = next(p for p in default if p.name == "regional-failover.md").read_text()
    assert "Region switch" not in plain
