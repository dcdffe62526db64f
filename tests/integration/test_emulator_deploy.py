"""Deploy, re-deploy, validate, back up and destroy on the embedded emulator."""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import Synthesized
from typer.testing import CliRunner

from tradedr.cli import app
from tradedr.emulator import compat
from tradedr.emulator.server import STATE_ENV, emulator_process
from tradedr.infra.synth import StackTemplate
from tradedr.names import Names
from tradedr.ops.backup import backup_now, restore_test
from tradedr.ops.clients import Boto3ClientProvider
from tradedr.ops.deploy import DeployResult, deploy_all
from tradedr.ops.destroy import destroy_all
from tradedr.ops.validate import FAIL, NOT_EMULATED, OK, stack_outputs, validate_deployment

pytestmark = pytest.mark.integration


def test_deploy_creates_every_stack_in_both_regions(
    deployed: DeployResult, default_synth: Synthesized
) -> None:
    assert deployed.ok, deployed.failure
    assert [s.status for s in deployed.stacks] == ["created"] * len(default_synth.stacks)
    regions = {s.region for s in deployed.stacks}
    assert regions == {"us-east-1", "us-west-2"}
    names = Names(default_synth.settings)
    # Dependency order: standby data, primary data, then replicas/apps, the global stack last.
    order = [s.name for s in deployed.stacks]
    assert order.index(names.data_stack("us-west-2")) < order.index(names.data_stack("us-east-1"))
    assert order.index(names.data_stack("us-east-1")) < order.index(
        names.replica_stack("us-west-2")
    )
    assert order[-1] == names.global_stack
    # The global stack got each app stack's ALB as parameters.
    app_dns = deployed.outputs[names.app_stack("us-west-2")]["AlbDnsName"]
    assert app_dns.endswith(".elb.amazonaws.com")


def test_not_emulated_resources_are_named_and_never_counted(
    deployed: DeployResult, emulator_provider: Boto3ClientProvider
) -> None:
    by_stack: dict[str, set[str]] = {}
    for note in deployed.not_emulated:
        assert note.handling == compat.NOT_EMULATED
        assert not compat.is_emulated(note.resource_type)
        by_stack.setdefault(note.stack, set()).add(note.logical_id)
    types = {n.resource_type for n in deployed.not_emulated}
    assert {"AWS::CloudWatch::Alarm", "AWS::Backup::BackupVault"} <= types
    for outcome in deployed.stacks:
        cf = emulator_provider.client("cloudformation", outcome.region)
        listed = {
            r["LogicalResourceId"]
            for r in cf.list_stack_resources(StackName=outcome.name)["StackResourceSummaries"]
            if r["LogicalResourceId"]
        }
        assert outcome.created == len(listed)
        assert not listed & by_stack.get(outcome.name, set())
    substituted = {(n.resource_type, n.region) for n in deployed.substituted}
    assert ("AWS::DynamoDB::GlobalTable", "us-west-2") in substituted
    assert ("AWS::SecretsManager::Secret", "us-east-1") in substituted


def test_db_secret_carries_the_attached_instance(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    settings = default_synth.settings
    names = Names(settings)
    sm = emulator_provider.client("secretsmanager", settings.primary_region)
    value = json.loads(
        sm.get_secret_value(SecretId=names.db_secret(settings.primary_region))["SecretString"]
    )
    assert value["host"] == deployed.outputs[names.data_stack("us-east-1")]["DbEndpoint"]
    assert value["username"]
    assert len(value["password"]) == 32


def test_rotation_function_is_created_and_its_schedule_reported_not_emulated(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    settings = default_synth.settings
    names = Names(settings)
    region = settings.primary_region
    function = emulator_provider.client("lambda", region).get_function(
        FunctionName=names.rotation_function(region)
    )["Configuration"]
    assert function["Runtime"] == "python3.14"
    assert function["Environment"]["Variables"] == {
        "DB_KIND": "instance",
        "DB_IDENTIFIER": names.db_identifier(region),
    }
    data_stack = names.data_stack(region)
    assert deployed.outputs[data_stack]["RotationFunctionName"] == names.rotation_function(region)
    schedules = [
        n
        for n in deployed.not_emulated
        if n.resource_type == "AWS::SecretsManager::RotationSchedule"
    ]
    assert [(n.stack, n.handling) for n in schedules] == [(data_stack, compat.NOT_EMULATED)]
    # Never pretended: the emulator's secret has no rotation configured.
    described = emulator_provider.client("secretsmanager", region).describe_secret(
        SecretId=names.db_secret(region)
    )
    assert not described.get("RotationEnabled")


def test_redeploy_is_a_noop(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    again = deploy_all(
        default_synth.settings, default_synth.stacks, emulator_provider, target="local"
    )
    assert [s.status for s in again.stacks] == ["unchanged"] * len(default_synth.stacks)
    assert again.outputs == deployed.outputs


def test_changed_stack_is_updated_alone_and_back(
    deployed: DeployResult,
    default_synth: Synthesized,
    emulator_provider: Boto3ClientProvider,
    tmp_path: Path,
) -> None:
    settings = default_synth.settings
    app_name = Names(settings).app_stack("us-west-2")
    original = next(s for s in default_synth.stacks if s.name == app_name)
    template = original.load()
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::AutoScaling::AutoScalingGroup":
            resource["Properties"]["MaxSize"] = "7"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(template))
    changed = [
        dataclasses.replace(s, template_path=path) if s.name == app_name else s
        for s in default_synth.stacks
    ]
    asg = emulator_provider.client("autoscaling", "us-west-2")
    name = Names(settings).asg("us-west-2")

    def max_size() -> int:
        groups = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name])
        return int(groups["AutoScalingGroups"][0]["MaxSize"])

    try:
        result = deploy_all(settings, changed, emulator_provider, target="local")
        status = {s.name: s.status for s in result.stacks}
        assert status.pop(app_name) == "updated"
        assert set(status.values()) == {"unchanged"}
        assert max_size() == 7
    finally:
        back = deploy_all(settings, default_synth.stacks, emulator_provider, target="local")
    assert {s.name: s.status for s in back.stacks}[app_name] == "updated"
    assert max_size() == settings.capacity("us-west-2")[2]


def test_validate_passes(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    report = validate_deployment(default_synth.settings, emulator_provider, deployed.outputs)
    failed = [c for c in report.checks if c.status == FAIL]
    assert report.passed, failed
    status = {(c.name, c.region): c.status for c in report.checks}
    for key in [
        ("vpc", "us-east-1"),
        ("vpc", "us-west-2"),
        ("alb", "us-west-2"),
        ("asg", "us-west-2"),
        ("rds", "us-east-1"),
        ("rds-replica", "us-west-2"),
        ("s3-replication", "us-west-2"),
        ("route53-records", "global"),
        ("route53-endpoint", "us-east-1"),
        ("route53-endpoint", "us-west-2"),
        ("secret", "us-east-1"),
        ("secret-replica", "us-west-2"),
    ]:
        assert status[key] == OK, key
    assert status[("alarms", "us-east-1")] == NOT_EMULATED
    assert status[("dynamodb-replica", "us-west-2")] == NOT_EMULATED
    faked = [c for c in report.checks if c.name.startswith("route53-health")]
    assert faked
    assert all("moto reports" in c.detail for c in faked)


def test_validate_reads_outputs_from_cloudformation(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    assert stack_outputs(default_synth.settings, emulator_provider) == deployed.outputs


def test_validate_fails_when_capacity_drifts(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    settings = default_synth.settings
    standby = settings.standby_regions[0]
    asg = emulator_provider.client("autoscaling", standby)
    name = Names(settings).asg(standby)
    want = settings.capacity(standby)
    asg.update_auto_scaling_group(AutoScalingGroupName=name, MinSize=0, DesiredCapacity=0)
    try:
        report = validate_deployment(settings, emulator_provider, deployed.outputs)
        failing = {(c.name, c.region) for c in report.checks if c.status == FAIL}
        assert ("asg", standby) in failing
        assert not report.passed
    finally:
        asg.update_auto_scaling_group(
            AutoScalingGroupName=name, MinSize=want[0], DesiredCapacity=want[1]
        )


def test_backup_now_then_restore_test(
    deployed: DeployResult, default_synth: Synthesized, emulator_provider: Boto3ClientProvider
) -> None:
    settings = default_synth.settings
    made = backup_now(settings, emulator_provider, target="local")
    status = {(i.kind, i.region): i.status for i in made.items}
    assert made.ok, made.items
    assert status == {
        ("rds-snapshot", "us-east-1"): "made",
        ("rds-snapshot-copy", "us-west-2"): "made",
        ("dynamodb-backup", "us-east-1"): "made",
        ("dynamodb-export", "us-east-1"): "made",
        ("backup-job", "us-east-1"): "not-emulated",
    }
    restored = restore_test(settings, emulator_provider, target="local")
    assert restored.ok, restored.items
    assert {(i.kind, i.region, i.status) for i in restored.items} == {
        ("rds-restore", "us-west-2", "ok"),
        ("dynamodb-restore", "us-east-1", "ok"),
        # Every scratch resource is tracked and its deletion reported (issue 16).
        ("rds-cleanup", "us-west-2", "deleted"),
        ("dynamodb-cleanup", "us-east-1", "deleted"),
    }
    # Scratch resources are gone again.
    rds = emulator_provider.client("rds", "us-west-2")
    ids = [d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]]
    assert not [i for i in ids if "restore-test" in i]
    tables = emulator_provider.client("dynamodb", "us-east-1").list_tables()["TableNames"]
    assert not [t for t in tables if "restore-test" in t]


def test_cli_deploy_finds_running_emulator_and_is_a_noop(
    deployed: DeployResult,
    emulator_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    port = int(emulator_url.rsplit(":", 1)[1])
    (state_dir / "emulator.json").write_text(
        json.dumps(
            {
                "pid": os.getpid(),  # alive; the port is what answers
                "port": port,
                "endpoint_url": emulator_url,
                "started_at": time.time(),
                "log_file": "",
            }
        )
    )
    monkeypatch.setenv(STATE_ENV, str(state_dir))
    result = CliRunner().invoke(app, ["deploy", "--json", "--out", str(tmp_path / "cdk.out")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {s["status"] for s in data["stacks"]} == {"unchanged"}
    assert data["not_emulated"], "skipped types are listed by name"
    status = CliRunner().invoke(app, ["emulator", "status", "--json"])
    assert json.loads(status.stdout)["endpoint_url"] == emulator_url


def test_failed_stack_reports_reason_and_stops(
    emulator_provider: Boto3ClientProvider, default_synth: Synthesized, tmp_path: Path
) -> None:
    broken: dict[str, Any] = {
        "Resources": {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
            "Subnet": {
                "Type": "AWS::EC2::Subnet",
                "Properties": {"VpcId": "vpc-0000000000000000", "CidrBlock": "10.9.0.0/24"},
            },
        }
    }
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    stacks = [
        StackTemplate("broken-data-us-east-1", "us-east-1", "data", path, 2, 0),
        StackTemplate(
            "broken-app-us-east-1", "us-east-1", "app", path, 2, 0, ["broken-data-us-east-1"]
        ),
    ]
    result = deploy_all(default_synth.settings, stacks, emulator_provider, target="local")
    assert not result.ok
    assert [s.status for s in result.stacks] == ["failed", "skipped"]
    assert "vpc-0000000000000000" in (result.stacks[0].reason or "")
    # Fix the template and run again: the failed stack is recreated, the rest follows.
    del broken["Resources"]["Subnet"]
    path.write_text(json.dumps(broken))
    resumed = deploy_all(default_synth.settings, stacks, emulator_provider, target="local")
    assert [s.status for s in resumed.stacks] == ["created", "created"]


@pytest.fixture
def fresh_deployment(
    default_synth: Synthesized, tmp_path: Path
) -> Iterator[tuple[Boto3ClientProvider, dict[str, Any]]]:
    """Destroy changes state, so it gets an emulator and deployment of its own."""
    with emulator_process(tmp_path / "emulator.log") as url:
        provider = Boto3ClientProvider(endpoint_url=url)
        result = deploy_all(default_synth.settings, default_synth.stacks, provider, target="local")
        assert result.ok
        yield provider, result.outputs


def test_destroy_without_delete_data_keeps_data(
    fresh_deployment: tuple[Boto3ClientProvider, dict[str, Any]], default_synth: Synthesized
) -> None:
    provider, _ = fresh_deployment
    settings = default_synth.settings
    names = Names(settings)
    result = destroy_all(settings, provider, target="local", delete_data=False)
    assert result.ok
    assert set(result.deleted) == {
        names.global_stack,
        names.app_stack("us-east-1"),
        names.app_stack("us-west-2"),
    }
    assert set(result.kept) == {
        names.data_stack("us-east-1"),
        names.data_stack("us-west-2"),
        names.replica_stack("us-west-2"),
    }
    assert not result.final_backups
    rds = provider.client("rds", "us-east-1")
    db = rds.describe_db_instances(DBInstanceIdentifier=names.db_identifier("us-east-1"))
    assert db["DBInstances"][0]["DBInstanceStatus"] == "available"
    table = provider.client("dynamodb", "us-east-1").describe_table(TableName=names.sessions_table)
    assert table["Table"]["TableStatus"] == "ACTIVE"
    provider.client("s3", "us-east-1").head_bucket(Bucket=names.bucket("us-east-1"))
    elb = provider.client("elbv2", "us-east-1")
    assert not elb.describe_load_balancers()["LoadBalancers"]
    # Destroying again finds nothing stateless left and still keeps the data.
    again = destroy_all(settings, provider, target="local", delete_data=False)
    assert again.deleted == []
    assert set(again.absent) == set(result.deleted)
