"""Rotation function for the orders DB master secret: Secrets Manager's four steps.

Deployed inline (the template's Code.ZipFile, as index.py), so it imports only the
standard library and boto3. There is no MySQL driver: setSecret changes the password
through the RDS control plane (ModifyDBInstance / ModifyDBCluster with ApplyImmediately),
and testSecret confirms that RDS has applied it (the pending MasterUserPassword
modification cleared and the DB is available again). It does not log in with the new
password; that is a control-plane check, not a connection test.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from typing import Any

import boto3

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

# The secret's GenerateSecretString excludes the same characters: RDS rejects / @ " and
# space in a master password, and the rest keeps it safe in shells and URLs.
EXCLUDED_CHARACTERS = " %+~`#$&*()|[]{}:;<>?!'/@\"\\"
PASSWORD_LENGTH = 32
POLL_SECONDS = 10
POLL_ATTEMPTS = 24  # four minutes, inside the function's five-minute timeout
KINDS = ("instance", "cluster")


class RotationError(Exception):
    """A step that cannot complete; Secrets Manager records the failure and retries."""


def lambda_handler(event: dict[str, Any], context: Any) -> str:
    return rotate(
        event,
        secrets=boto3.client("secretsmanager"),
        rds=boto3.client("rds"),
        kind=os.environ["DB_KIND"],
        identifier=os.environ["DB_IDENTIFIER"],
    )


def rotate(
    event: dict[str, Any],
    *,
    secrets: Any,
    rds: Any,
    kind: str,
    identifier: str,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Run one rotation step for the secret and version the event names."""
    arn, token, step = event["SecretId"], event["ClientRequestToken"], event["Step"]
    if kind not in KINDS:
        raise RotationError(f"DB_KIND must be one of {KINDS}, not {kind!r}")
    metadata = secrets.describe_secret(SecretId=arn)
    if not metadata.get("RotationEnabled"):
        raise RotationError(f"rotation is not enabled on {arn}")
    stages = metadata.get("VersionIdsToStages", {})
    if token not in stages:
        raise RotationError(f"version {token} of {arn} is not staged for rotation")
    if "AWSCURRENT" in stages[token]:
        LOG.info("version %s of %s is already AWSCURRENT", token, arn)
        return "already current"
    if "AWSPENDING" not in stages[token]:
        raise RotationError(f"version {token} of {arn} is not AWSPENDING")
    if step == "createSecret":
        return _create(secrets, arn, token)
    if step == "setSecret":
        return _set(secrets, rds, arn, token, kind, identifier)
    if step == "testSecret":
        return _test(rds, kind, identifier, sleep)
    if step == "finishSecret":
        return _finish(secrets, arn, token, stages)
    raise RotationError(f"unknown rotation step {step!r}")


def _secret_json(secrets: Any, arn: str, **version: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(
        secrets.get_secret_value(SecretId=arn, **version)["SecretString"]
    )
    return value


def _create(secrets: Any, arn: str, token: str) -> str:
    """A new password in AWSPENDING, every other field copied from AWSCURRENT."""
    current = _secret_json(secrets, arn, VersionStage="AWSCURRENT")
    try:
        secrets.get_secret_value(SecretId=arn, VersionId=token, VersionStage="AWSPENDING")
    except secrets.exceptions.ResourceNotFoundException:
        pass
    else:
        LOG.info("createSecret: %s already has a pending version %s", arn, token)
        return "pending exists"
    password = secrets.get_random_password(
        PasswordLength=PASSWORD_LENGTH, ExcludeCharacters=EXCLUDED_CHARACTERS
    )["RandomPassword"]
    secrets.put_secret_value(
        SecretId=arn,
        ClientRequestToken=token,
        SecretString=json.dumps({**current, "password": password}),
        VersionStages=["AWSPENDING"],
    )
    LOG.info("createSecret: new password stored as AWSPENDING version %s", token)
    return "created"


def _set(secrets: Any, rds: Any, arn: str, token: str, kind: str, identifier: str) -> str:
    """Hand the pending password to RDS; it applies it to the master user."""
    password = _secret_json(secrets, arn, VersionId=token, VersionStage="AWSPENDING")["password"]
    if kind == "instance":
        db = rds.modify_db_instance(
            DBInstanceIdentifier=identifier, MasterUserPassword=password, ApplyImmediately=True
        )["DBInstance"]
    else:
        db = rds.modify_db_cluster(
            DBClusterIdentifier=identifier, MasterUserPassword=password, ApplyImmediately=True
        )["DBCluster"]
    pending = "MasterUserPassword" in db.get("PendingModifiedValues", {})
    LOG.info("setSecret: RDS accepted the new password for %s (pending=%s)", identifier, pending)
    return "set"


def _state(rds: Any, kind: str, identifier: str) -> tuple[str, bool]:
    if kind == "instance":
        db = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        status = db["DBInstanceStatus"]
    else:
        db = rds.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0]
        status = db["Status"]
    return str(status), "MasterUserPassword" in db.get("PendingModifiedValues", {})


def _test(rds: Any, kind: str, identifier: str, sleep: Callable[[float], None]) -> str:
    """Wait until RDS has applied the password (no driver, so no login test)."""
    for _ in range(POLL_ATTEMPTS):
        status, pending = _state(rds, kind, identifier)
        if status == "available" and not pending:
            LOG.info("testSecret: %s is available with no pending password change", identifier)
            return "applied"
        LOG.info("testSecret: %s is %s (password pending=%s)", identifier, status, pending)
        sleep(POLL_SECONDS)
    raise RotationError(f"{identifier} has not applied the new master password yet")


def _finish(secrets: Any, arn: str, token: str, stages: dict[str, list[str]]) -> str:
    """Move AWSCURRENT to the new version (Secrets Manager marks the old one AWSPREVIOUS)."""
    current = next((v for v, s in stages.items() if "AWSCURRENT" in s), None)
    secrets.update_secret_version_stage(
        SecretId=arn,
        VersionStage="AWSCURRENT",
        MoveToVersionId=token,
        **({"RemoveFromVersionId": current} if current else {}),
    )
    LOG.info("finishSecret: version %s of %s is now AWSCURRENT", token, arn)
    return "finished"
