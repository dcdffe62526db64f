"""IAM: least privilege, named resources, region conditions, no users or keys."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized
from tests.unit.infra.templates import as_list, statements


def test_no_statement_allows_every_action(default_synth: Synthesized) -> None:
    for stack, logical, statement in statements(default_synth):
        if statement["Effect"] == "Allow":
            assert "*" not in as_list(statement["Action"]), f"{stack}/{logical}"


def test_no_allow_of_all_actions_on_all_resources_in_key_policies(
    default_synth: Synthesized,
) -> None:
    """Only the account root may administer a key; services get scoped actions."""
    for stack, logical, res in default_synth.all_resources("AWS::KMS::Key"):
        for statement in res["Properties"]["KeyPolicy"]["Statement"]:
            if "kms:*" in as_list(statement["Action"]):
                assert ":root" in str(statement["Principal"]), f"{stack}/{logical}"


def test_no_iam_users_groups_or_access_keys(default_synth: Synthesized) -> None:
    for type_ in ("AWS::IAM::User", "AWS::IAM::Group", "AWS::IAM::AccessKey"):
        assert not default_synth.all_resources(type_)


def test_no_admin_managed_policies(default_synth: Synthesized) -> None:
    for stack, logical, res in default_synth.all_resources("AWS::IAM::Role"):
        for arn in res["Properties"].get("ManagedPolicyArns", []):
            assert "AdministratorAccess" not in str(arn), f"{stack}/{logical}"
            assert "PowerUserAccess" not in str(arn), f"{stack}/{logical}"


@pytest.mark.parametrize("stack", ["trading-prod-app-us-east-1", "trading-prod-app-us-west-2"])
def test_instance_role_trusts_ec2_only(default_synth: Synthesized, stack: str) -> None:
    (role,) = default_synth.resources(stack, "AWS::IAM::Role").values()
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}


@pytest.mark.parametrize("stack", ["trading-prod-app-us-east-1", "trading-prod-app-us-west-2"])
def test_instance_policy_is_scoped_to_named_resources_and_regions(
    default_synth: Synthesized, stack: str
) -> None:
    app_statements = [s for st, _, s in statements(default_synth) if st == stack]
    assert app_statements
    for statement in app_statements:
        assert statement["Resource"] != "*"
        regions = statement["Condition"]["StringEquals"]["aws:RequestedRegion"]
        assert set(regions) == {"us-east-1", "us-west-2"}
    actions = {a for s in app_statements for a in as_list(s["Action"])}
    assert "dynamodb:GetItem" in actions
    assert "secretsmanager:GetSecretValue" in actions
    assert not any(a.endswith(":*") for a in actions)
    assert "dynamodb:DeleteTable" not in actions


def test_instance_secret_access_is_limited_to_the_orders_db_secrets(
    default_synth: Synthesized,
) -> None:
    for stack, _, statement in statements(default_synth):
        if "secretsmanager:GetSecretValue" in as_list(statement["Action"]):
            resource = statement["Resource"]
            if isinstance(resource, dict) and "Ref" in resource:  # the rotation function's
                secret = default_synth.template(stack)["Resources"][resource["Ref"]]
                resource = secret["Properties"]["Name"]
            assert "trading-prod/orders-db/" in str(resource), stack


def test_replication_role_writes_only_to_the_standby_bucket(default_synth: Synthesized) -> None:
    for _, _, statement in statements(default_synth):
        if "s3:ReplicateObject" in as_list(statement["Action"]):
            assert "trading-prod-objects-us-west-2/*" in str(statement["Resource"])


def test_cross_region_kms_use_is_conditioned_on_the_alias(default_synth: Synthesized) -> None:
    for _, _, statement in statements(default_synth):
        if "kms:Encrypt" in as_list(statement["Action"]) and "us-west-2" in str(
            statement["Resource"]
        ):
            aliases = statement["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"]
            assert aliases == "alias/trading-prod-data-usw2"
