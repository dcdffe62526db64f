"""The rotation function's four steps, run from the inline source the template deploys,
against botocore's Stubber (real service models, no AWS)."""

from __future__ import annotations

import json
import types
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.conftest import Synthesized
from tradedr.infra.components.database import PASSWORD_EXCLUDED_CHARACTERS

pytestmark = pytest.mark.stubbed

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:trading-prod/orders-db/us-east-1-AbCdEf"
TOKEN = "11111111-2222-3333-4444-555555555555"
OLD = "99999999-8888-7777-6666-555555555555"
DB = "trading-prod-orders-primary-use1"
CURRENT = {
    "username": "orders_admin",
    "password": "old-password",
    "host": "db.example",
    "port": 3307,
}
NEW_PASSWORD = "N3wPassw0rdFromGetRandomPassword"


@pytest.fixture(scope="module")
def handler(default_synth: Synthesized) -> types.ModuleType:
    """The handler exactly as deployed: the ZipFile text of the synthesized function."""
    [(_, _, function)] = default_synth.all_resources("AWS::Lambda::Function")
    source = function["Properties"]["Code"]["ZipFile"]
    module = types.ModuleType("index")
    exec(compile(source, "index.py", "exec"), module.__dict__)
    return module


class Clients:
    def __init__(self) -> None:
        self.secrets = boto3.client("secretsmanager", region_name="us-east-1")
        self.rds = boto3.client("rds", region_name="us-east-1")
        self.sm = Stubber(self.secrets)
        self.db = Stubber(self.rds)
        self.sm.activate()
        self.db.activate()
        self.sleeps: list[float] = []

    def run(self, handler: types.ModuleType, step: str, kind: str = "instance") -> Any:
        event = {"SecretId": ARN, "ClientRequestToken": TOKEN, "Step": step}
        result = handler.rotate(
            event,
            secrets=self.secrets,
            rds=self.rds,
            kind=kind,
            identifier=DB,
            sleep=self.sleeps.append,
        )
        self.sm.assert_no_pending_responses()
        self.db.assert_no_pending_responses()
        return result

    def described(self, token_stages: list[str] | None = None, enabled: bool = True) -> None:
        stages = {OLD: ["AWSCURRENT"]}
        if token_stages is not None:
            stages[TOKEN] = token_stages
        self.sm.add_response(
            "describe_secret",
            {"ARN": ARN, "RotationEnabled": enabled, "VersionIdsToStages": stages},
            {"SecretId": ARN},
        )

    def value(self, params: dict[str, str], secret: dict[str, Any]) -> None:
        self.sm.add_response(
            "get_secret_value",
            {"ARN": ARN, "SecretString": json.dumps(secret)},
            {"SecretId": ARN, **params},
        )


@pytest.fixture
def clients() -> Clients:
    return Clients()


def test_create_secret_stores_a_new_password_as_pending(
    handler: types.ModuleType, clients: Clients
) -> None:
    clients.described(["AWSPENDING"])
    clients.value({"VersionStage": "AWSCURRENT"}, CURRENT)
    clients.sm.add_client_error(
        "get_secret_value",
        service_error_code="ResourceNotFoundException",
        expected_params={"SecretId": ARN, "VersionId": TOKEN, "VersionStage": "AWSPENDING"},
    )
    clients.sm.add_response(
        "get_random_password",
        {"RandomPassword": NEW_PASSWORD},
        {"PasswordLength": 32, "ExcludeCharacters": PASSWORD_EXCLUDED_CHARACTERS},
    )
    clients.sm.add_response(
        "put_secret_value",
        {"ARN": ARN, "VersionId": TOKEN},
        {
            "SecretId": ARN,
            "ClientRequestToken": TOKEN,
            "SecretString": json.dumps({**CURRENT, "password": NEW_PASSWORD}),
            "VersionStages": ["AWSPENDING"],
        },
    )
    assert clients.run(handler, "createSecret") == "created"


def test_create_secret_keeps_an_existing_pending_version(
    handler: types.ModuleType, clients: Clients
) -> None:
    clients.described(["AWSPENDING"])
    clients.value({"VersionStage": "AWSCURRENT"}, CURRENT)
    clients.value({"VersionId": TOKEN, "VersionStage": "AWSPENDING"}, CURRENT)
    assert clients.run(handler, "createSecret") == "pending exists"  # no second password


@pytest.mark.parametrize(
    ("kind", "operation", "id_param", "key"),
    [
        ("instance", "modify_db_instance", "DBInstanceIdentifier", "DBInstance"),
        ("cluster", "modify_db_cluster", "DBClusterIdentifier", "DBCluster"),
    ],
)
def test_set_secret_changes_the_master_password_through_rds(
    handler: types.ModuleType,
    clients: Clients,
    kind: str,
    operation: str,
    id_param: str,
    key: str,
) -> None:
    clients.described(["AWSPENDING"])
    clients.value(
        {"VersionId": TOKEN, "VersionStage": "AWSPENDING"}, {**CURRENT, "password": NEW_PASSWORD}
    )
    clients.db.add_response(
        operation,
        {key: {"PendingModifiedValues": {"MasterUserPassword": "****"}}},
        {id_param: DB, "MasterUserPassword": NEW_PASSWORD, "ApplyImmediately": True},
    )
    assert clients.run(handler, "setSecret", kind) == "set"


@pytest.mark.parametrize(
    ("kind", "operation", "id_param", "key", "status_key"),
    [
        (
            "instance",
            "describe_db_instances",
            "DBInstanceIdentifier",
            "DBInstances",
            "DBInstanceStatus",
        ),
        ("cluster", "describe_db_clusters", "DBClusterIdentifier", "DBClusters", "Status"),
    ],
)
def test_test_secret_waits_until_rds_has_applied_the_password(
    handler: types.ModuleType,
    clients: Clients,
    kind: str,
    operation: str,
    id_param: str,
    key: str,
    status_key: str,
) -> None:
    clients.described(["AWSPENDING"])
    for status, pending in (
        ("available", {"MasterUserPassword": "****"}),
        ("resetting-master-credentials", {}),
        ("available", {}),
    ):
        clients.db.add_response(
            operation,
            {key: [{status_key: status, "PendingModifiedValues": pending}]},
            {id_param: DB},
        )
    assert clients.run(handler, "testSecret", kind) == "applied"
    assert clients.sleeps == [handler.POLL_SECONDS] * 2


def test_test_secret_fails_while_the_change_stays_pending(
    handler: types.ModuleType, clients: Clients
) -> None:
    clients.described(["AWSPENDING"])
    for _ in range(handler.POLL_ATTEMPTS):
        clients.db.add_response(
            "describe_db_instances",
            {"DBInstances": [{"DBInstanceStatus": "resetting-master-credentials"}]},
            {"DBInstanceIdentifier": DB},
        )
    with pytest.raises(handler.RotationError, match="not applied"):
        clients.run(handler, "testSecret")


def test_finish_secret_moves_awscurrent(handler: types.ModuleType, clients: Clients) -> None:
    clients.described(["AWSPENDING"])
    clients.sm.add_response(
        "update_secret_version_stage",
        {"ARN": ARN},
        {
            "SecretId": ARN,
            "VersionStage": "AWSCURRENT",
            "MoveToVersionId": TOKEN,
            "RemoveFromVersionId": OLD,
        },
    )
    assert clients.run(handler, "finishSecret") == "finished"


def test_a_version_already_current_needs_nothing(
    handler: types.ModuleType, clients: Clients
) -> None:
    clients.described(["AWSCURRENT", "AWSPENDING"])
    assert clients.run(handler, "finishSecret") == "already current"


@pytest.mark.parametrize(
    ("stages", "enabled", "step", "kind", "message"),
    [
        (["AWSPENDING"], False, "createSecret", "instance", "not enabled"),
        (None, True, "createSecret", "instance", "not staged"),
        (["AWSPREVIOUS"], True, "setSecret", "instance", "not AWSPENDING"),
        (["AWSPENDING"], True, "dropSecret", "instance", "unknown rotation step"),
    ],
    ids=["rotation-disabled", "unknown-version", "not-pending", "unknown-step"],
)
def test_bad_events_fail_without_touching_anything(
    handler: types.ModuleType,
    clients: Clients,
    stages: list[str] | None,
    enabled: bool,
    step: str,
    kind: str,
    message: str,
) -> None:
    clients.described(stages, enabled=enabled)
    with pytest.raises(handler.RotationError, match=message):
        clients.run(handler, step, kind)


def test_unknown_db_kind_is_refused_before_any_call(
    handler: types.ModuleType, clients: Clients
) -> None:
    with pytest.raises(handler.RotationError, match="DB_KIND"):
        clients.run(handler, "setSecret", "proxy")


def test_lambda_handler_reads_its_target_from_the_environment(
    handler: types.ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_rotate(event: dict[str, Any], **kwargs: Any) -> str:
        seen.update(kwargs, event=event)
        return "ok"

    monkeypatch.setenv("DB_KIND", "cluster")
    monkeypatch.setenv("DB_IDENTIFIER", "trading-fast-orders-use1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setattr(handler, "rotate", fake_rotate)
    assert handler.lambda_handler({"Step": "createSecret"}, None) == "ok"
    assert (seen["kind"], seen["identifier"]) == ("cluster", "trading-fast-orders-use1")
    assert seen["secrets"].meta.service_model.service_name == "secretsmanager"
    assert seen["rds"].meta.service_model.service_name == "rds"


def test_password_alphabet_matches_the_generated_secrets(
    handler: types.ModuleType, default_synth: Synthesized, fast_arc_synth: Synthesized
) -> None:
    assert handler.EXCLUDED_CHARACTERS == PASSWORD_EXCLUDED_CHARACTERS
    for synth in (default_synth, fast_arc_synth):
        [(_, _, secret)] = synth.all_resources("AWS::SecretsManager::Secret")
        generate = secret["Properties"]["GenerateSecretString"]
        assert generate["ExcludeCharacters"] == PASSWORD_EXCLUDED_CHARACTERS
