"""The topology of foreign templates: inferred with a reason per guess, or read and
completed from assess.toml."""

from __future__ import annotations

from pathlib import Path

from tradedr.templates import read_directory
from tradedr.templates.topology import Topology, infer_topology, load_topology, topology_for

CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
TRADING = Path(__file__).resolve().parents[2] / "fixtures" / "trading"


def test_the_corpus_pairs_are_inferred_with_reasons() -> None:
    topology = infer_topology(read_directory(CORPUS).templates)
    assert topology.inferred
    standby = topology.placement("aurora-global-standby.yml")
    assert standby is not None
    assert standby.role == "standby"
    assert "joins a global cluster without credentials" in standby.reason
    replica = topology.placement("rds-mysql-read-replica.yaml")
    assert replica is not None
    assert replica.role == "primary"  # its replica's source is a Ref, not an ARN elsewhere
    assert topology.primary_region == "us-east-1"
    assert topology.standby_regions == ("us-west-2",)
    assert all(s.reason for s in topology.stacks)


def test_the_inferred_topology_round_trips_as_assess_toml(tmp_path: Path) -> None:
    topology = infer_topology(read_directory(CORPUS).templates)
    path = tmp_path / "assess.toml"
    path.write_text(topology.to_toml())
    again = load_topology(path)
    assert [(s.template, s.region, s.role) for s in again.stacks] == [
        (s.template, s.region, s.role) for s in topology.stacks
    ]
    assert not again.inferred


def test_templates_the_file_does_not_place_are_taken_as_primary() -> None:
    templates = read_directory(TRADING).templates
    completed = topology_for(templates, Topology())
    [placed] = completed.stacks
    assert (placed.template, placed.role, placed.region) == (
        "trading-primary.yaml",
        "primary",
        "us-east-1",
    )
    assert "not in assess.toml" in placed.reason


def test_the_default_tag_policy_is_the_seeds_tags_as_a_warning() -> None:
    from tradedr.config import REQUIRED_TAG_KEYS

    assert Topology().tags.required == REQUIRED_TAG_KEYS
    assert Topology().tags.severity == "warning"
