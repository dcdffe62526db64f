"""Who ran a plan and against what: STS and CloudFormation on AWS (botocore's Stubber against
the real models), the local user on the emulator, the HMAC key from the environment or from
Secrets Manager (Stubber and the emulator), and nothing of it stops a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.stubbed import StubbedProvider
from tradedr.config import Settings
from tradedr.evidence.chain import KEY_ENV, SECRET_ENV
from tradedr.evidence.provenance import (
    config_hash,
    deployed_templates,
    gather,
    operator_identity,
    signer_from_env,
    template_hash,
)

ARN = "arn:aws:iam::111122223333:user/ops-alice"


@pytest.mark.stubbed
def test_on_aws_the_operator_is_sts_get_caller_identity_in_the_target_region() -> None:
    provider = StubbedProvider()
    provider.stub("sts", "us-west-2").add_response(
        "get_caller_identity",
        {"UserId": "AIDAEXAMPLE", "Account": "111122223333", "Arn": ARN},
        {},
    )
    operator = operator_identity(provider, "aws", "us-west-2")
    assert (operator.id, operator.account, operator.source) == (ARN, "111122223333", "sts")
    assert provider.asked == [("sts", "us-west-2")]
    provider.assert_done()


@pytest.mark.stubbed
def test_a_failed_identity_call_is_recorded_not_raised() -> None:
    provider = StubbedProvider()
    provider.stub("sts", "us-west-2").add_client_error(
        "get_caller_identity", "AccessDenied", "not allowed"
    )
    operator = operator_identity(provider, "aws", "us-west-2")
    assert operator.id == "unknown"
    assert "GetCallerIdentity failed: ClientError" in operator.detail


def test_on_the_emulator_the_operator_is_the_local_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "bob")
    provider = StubbedProvider()
    assert operator_identity(provider, "local", "us-west-2").id == "local:bob"
    assert provider.asked == []


@pytest.mark.stubbed
def test_template_hashes_are_of_the_deployed_templates_of_the_deployment() -> None:
    provider = StubbedProvider()
    cfn = provider.stub("cloudformation", "us-west-2")
    stack = {"StackName": "", "CreationTime": "2026-01-01T00:00:00Z", "StackStatus": ""}
    cfn.add_response(
        "describe_stacks",
        {
            "Stacks": [
                {
                    **stack,
                    "StackName": "trading-prod-data-us-west-2",
                    "StackStatus": "CREATE_COMPLETE",
                },
                {**stack, "StackName": "other-app", "StackStatus": "CREATE_COMPLETE"},
                {**stack, "StackName": "trading-prod-old", "StackStatus": "DELETE_COMPLETE"},
            ]
        },
        {},
    )
    body = {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}
    cfn.add_response(
        "get_template",
        {"TemplateBody": json.dumps(body)},
        {"StackName": "trading-prod-data-us-west-2", "TemplateStage": "Original"},
    )
    hashes, problems = deployed_templates(provider, "trading-prod", ["us-west-2"])
    assert hashes == {"us-west-2/trading-prod-data-us-west-2": template_hash(body)}
    assert problems == []
    provider.assert_done()
    # The same template read as a dict (as boto3 parses JSON bodies) hashes the same.
    assert template_hash(json.dumps(body, indent=4)) == template_hash(body)


def test_an_unreachable_region_is_a_problem_not_a_stop() -> None:
    provider = StubbedProvider()  # nothing queued: every call fails
    hashes, problems = deployed_templates(provider, "trading-prod", ["us-east-1"])
    assert hashes == {}
    assert problems[0].startswith("templates in us-east-1 not read: ")


def test_the_config_hash_follows_every_effective_value() -> None:
    assert config_hash(Settings()) == config_hash(Settings())
    other = Settings.model_validate({"targets": {"rto_seconds": 900}})
    assert config_hash(other) != config_hash(Settings())


def test_the_hmac_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "k1")
    signer, problem = signer_from_env(None, "us-west-2")
    assert signer is not None
    assert (signer.key, signer.source, problem) == (b"k1", f"env:{KEY_ENV}", "")


@pytest.mark.stubbed
def test_the_hmac_key_from_secrets_manager_in_the_arns_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:tradedr-hmac-AbCdEf"
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(SECRET_ENV, secret)
    provider = StubbedProvider()
    provider.stub("secretsmanager", "eu-west-1").add_response(
        "get_secret_value", {"ARN": secret, "SecretString": "s3cret"}, {"SecretId": secret}
    )
    signer, problem = signer_from_env(provider, "us-west-2")
    assert signer is not None
    assert (signer.key, signer.source, problem) == (b"s3cret", f"secretsmanager:{secret}", "")
    provider.assert_done()


@pytest.mark.stubbed
def test_an_unreadable_secret_leaves_the_head_unsigned_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv(SECRET_ENV, "tradedr-hmac")
    provider = StubbedProvider()
    provider.stub("secretsmanager", "us-west-2").add_client_error(
        "get_secret_value", "ResourceNotFoundException", "no such secret"
    )
    signer, problem = signer_from_env(provider, "us-west-2")
    assert signer is None
    assert problem.startswith("HMAC key secret tradedr-hmac not read: ResourceNotFoundException")
    assert problem.endswith("the head is unsigned")


def test_on_the_emulator_a_run_signs_its_head_with_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto's Secrets Manager holds the key; the run's journal head is signed with it and
    `evidence verify` checks it with the same key."""
    import boto3
    from moto import mock_aws

    from tradedr.evidence.chain import Signer
    from tradedr.evidence.verify import verify_journal
    from tradedr.ops.clients import Boto3ClientProvider
    from tradedr.ops.executor import Journal

    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        boto3.client("secretsmanager", region_name="us-west-2").create_secret(
            Name="tradedr-hmac", SecretString="emulated-key"
        )
        monkeypatch.setenv(SECRET_ENV, "tradedr-hmac")
        provenance = gather(
            Settings(), Boto3ClientProvider(), target="local", region="us-west-2", regions=[]
        )
    assert provenance.signer is not None
    assert provenance.signer.source == "secretsmanager:tradedr-hmac"
    journal = Journal(tmp_path / "failover-20261207T120000Z-ab12" / "journal.jsonl")
    journal.path.parent.mkdir()
    journal.provenance = provenance
    journal.append("run-start", run_id="x")
    journal.append("run-end", status="completed")
    head = json.loads((journal.path.parent / "journal.head.json").read_text())
    assert head["key_source"] == "secretsmanager:tradedr-hmac"
    good = Signer(b"emulated-key", "test")
    assert verify_journal(journal.path, good).signature == "valid"
    assert verify_journal(journal.path, Signer(b"other", "test")).signature == "invalid"
