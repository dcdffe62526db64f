"""Template structure: which stacks exist, in which order, and what every template looks like."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Synthesized

DEFAULT_STACKS = [
    "trading-prod-data-us-west-2",
    "trading-prod-data-us-east-1",
    "trading-prod-app-us-east-1",
    "trading-prod-replica-us-west-2",
    "trading-prod-app-us-west-2",
    "trading-prod-global",
]


def test_default_synthesizes_data_replica_app_and_global_stacks(default_synth: Synthesized) -> None:
    assert [s.name for s in default_synth.stacks] == DEFAULT_STACKS


def test_at_least_five_stacks(default_synth: Synthesized) -> None:
    assert len(default_synth.stacks) >= 5


@pytest.mark.parametrize(
    ("name", "region", "kind"),
    [
        ("trading-prod-data-us-east-1", "us-east-1", "data"),
        ("trading-prod-data-us-west-2", "us-west-2", "data"),
        ("trading-prod-replica-us-west-2", "us-west-2", "replica"),
        ("trading-prod-app-us-east-1", "us-east-1", "app"),
        ("trading-prod-app-us-west-2", "us-west-2", "app"),
        ("trading-prod-global", "us-east-1", "global"),
    ],
)
def test_stack_region_and_kind(
    default_synth: Synthesized, name: str, region: str, kind: str
) -> None:
    stack = next(s for s in default_synth.stacks if s.name == name)
    assert (stack.region, stack.kind) == (region, kind)


@pytest.mark.parametrize(
    ("stack", "type_", "count"),
    [
        ("trading-prod-data-us-east-1", "AWS::RDS::DBInstance", 1),
        ("trading-prod-data-us-east-1", "AWS::DynamoDB::GlobalTable", 1),
        ("trading-prod-replica-us-west-2", "AWS::RDS::DBInstance", 1),
        ("trading-prod-app-us-east-1", "AWS::AutoScaling::AutoScalingGroup", 1),
        ("trading-prod-global", "AWS::Route53::HealthCheck", 2),
    ],
)
def test_key_resources_present(
    default_synth: Synthesized, stack: str, type_: str, count: int
) -> None:
    assert len(default_synth.resources(stack, type_)) == count


def test_every_template_has_a_description_and_resources(default_synth: Synthesized) -> None:
    for name, template in default_synth.templates.items():
        assert template.get("Description", "").startswith("tradedr"), name
        assert template["Resources"], name


def test_every_resource_is_a_plain_aws_type(default_synth: Synthesized) -> None:
    """No Custom:: resources or Lambda-backed helpers: cross-region references would add them.
    The one function is the secret rotation function, and nothing invokes it at deploy."""
    for name, template in default_synth.templates.items():
        for logical, res in template["Resources"].items():
            assert res["Type"].startswith("AWS::"), f"{name}/{logical}: {res['Type']}"
            if res["Type"] == "AWS::Lambda::Function":
                assert logical.startswith("SecretRotation"), f"{name}/{logical}"


def test_no_cdk_metadata_or_bootstrap_parameters(default_synth: Synthesized) -> None:
    """Version reporting is off and stacks need no CDK bootstrap (deployable to the emulator)."""
    for name, template in default_synth.templates.items():
        assert "CDKMetadata" not in template["Resources"], name
        assert "BootstrapVersion" not in template.get("Parameters", {}), name
        assert "Rules" not in template, name


def test_reported_sizes_match_the_files(default_synth: Synthesized) -> None:
    for stack in default_synth.stacks:
        text = stack.template_path.read_text(encoding="utf-8")
        assert stack.bytes == len(text.encode())
        assert stack.resources == len(json.loads(text)["Resources"])


def test_templates_fit_cloudformation_limits(default_synth: Synthesized) -> None:
    """1 MB template (via S3), 500 resources, 200 outputs, 200 parameters per stack."""
    for stack in default_synth.stacks:
        template = default_synth.template(stack.name)
        assert stack.bytes < 1_000_000
        assert stack.resources <= 500
        assert len(template.get("Outputs", {})) <= 200
        assert len(template.get("Parameters", {})) <= 200


def test_dependencies_recorded_per_stack(default_synth: Synthesized) -> None:
    deps = {s.name: set(s.dependencies) for s in default_synth.stacks}
    assert deps["trading-prod-data-us-west-2"] == set()
    assert "trading-prod-data-us-west-2" in deps["trading-prod-data-us-east-1"]
    assert {"trading-prod-app-us-east-1", "trading-prod-app-us-west-2"} <= deps[
        "trading-prod-global"
    ]


def test_only_data_stacks_have_termination_protection(default_synth: Synthesized) -> None:
    """Data stacks are protected from deletion; the stateless ones are safe to replace."""
    manifest = json.loads(
        (default_synth.stacks[0].template_path.parent / "manifest.json").read_text()
    )
    for stack in default_synth.stacks:
        protected = manifest["artifacts"][stack.name]["properties"].get(
            "terminationProtection", False
        )
        assert protected == (stack.kind == "data"), stack.name
