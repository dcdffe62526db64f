"""Fast-failover options: Aurora global database, ARC routing controls, Global Accelerator."""

from __future__ import annotations

import pytest

from tests.conftest import Synthesized
from tradedr.config import load_settings
from tradedr.errors import ConfigError
from tradedr.infra.stacks import PARAMETER_SOURCES


def _one(synth: Synthesized, stack: str, type_: str) -> dict:
    found = synth.resources(stack, type_)
    assert len(found) == 1, f"{stack}: {type_} x{len(found)}"
    return next(iter(found.values()))


def test_aurora_primary_is_an_encrypted_protected_global_cluster(
    fast_arc_synth: Synthesized,
) -> None:
    stack = "trading-fast-data-us-east-1"
    cluster = _one(fast_arc_synth, stack, "AWS::RDS::DBCluster")
    props = cluster["Properties"]
    assert props["Engine"] == "aurora-mysql"
    assert props["StorageEncrypted"] is True
    assert "KmsKeyId" in props
    assert props["DeletionProtection"] is True
    assert cluster["DeletionPolicy"] == "Snapshot"
    global_cluster = _one(fast_arc_synth, stack, "AWS::RDS::GlobalCluster")
    assert global_cluster["Properties"]["GlobalClusterIdentifier"] == "trading-fast-orders-global"
    assert "SourceDBClusterIdentifier" in global_cluster["Properties"]
    assert global_cluster["DeletionPolicy"] == "Retain"
    instances = fast_arc_synth.resources(stack, "AWS::RDS::DBInstance")
    assert len(instances) == 2  # writer + reader in another AZ


def test_aurora_secondary_joins_by_stable_name(fast_arc_synth: Synthesized) -> None:
    stack = "trading-fast-replica-us-west-2"
    props = _one(fast_arc_synth, stack, "AWS::RDS::DBCluster")["Properties"]
    assert props["GlobalClusterIdentifier"] == "trading-fast-orders-global"
    assert props["StorageEncrypted"] is True
    assert "KmsKeyId" in props
    instances = fast_arc_synth.resources(stack, "AWS::RDS::DBInstance")
    assert len(instances) == 2  # hot-standby: full reader capacity in the standby
    for _, _, res in fast_arc_synth.all_resources("AWS::RDS::DBInstance"):
        assert "SourceDBInstanceIdentifier" not in res["Properties"]


def test_aurora_lag_alarm_in_milliseconds(fast_arc_synth: Synthesized) -> None:
    alarms = fast_arc_synth.resources("trading-fast-app-us-west-2", "AWS::CloudWatch::Alarm")
    lag = [a for a in alarms.values() if a["Properties"]["AlarmName"].endswith("rds-replica-lag")]
    assert len(lag) == 1
    assert lag[0]["Properties"]["MetricName"] == "AuroraGlobalDBReplicationLag"
    assert lag[0]["Properties"]["Threshold"] == 1000


def test_arc_stack_lives_in_us_west_2_with_a_safety_rule(fast_arc_synth: Synthesized) -> None:
    traffic = next(s for s in fast_arc_synth.stacks if s.name == "trading-fast-traffic")
    assert traffic.region == "us-west-2"
    controls = fast_arc_synth.resources(traffic.name, "AWS::Route53RecoveryControl::RoutingControl")
    assert len(controls) == 2
    rule = _one(fast_arc_synth, traffic.name, "AWS::Route53RecoveryControl::SafetyRule")
    config = rule["Properties"]["RuleConfig"]
    assert config == {"Type": "ATLEAST", "Threshold": 1, "Inverted": False}
    asserted = rule["Properties"]["AssertionRule"]["AssertedControls"]
    assert len(asserted) == len(controls)


def test_arc_health_checks_follow_routing_controls(fast_arc_synth: Synthesized) -> None:
    checks = fast_arc_synth.resources("trading-fast-global", "AWS::Route53::HealthCheck")
    assert len(checks) == 2
    for check in checks.values():
        config = check["Properties"]["HealthCheckConfig"]
        assert config["Type"] == "RECOVERY_CONTROL"
        assert "Ref" in config["RoutingControlArn"]


def test_accelerator_groups_check_every_10s_and_dial_the_standby_to_zero(
    fast_ga_synth: Synthesized,
) -> None:
    groups = fast_ga_synth.resources(
        "trading-fastga-traffic", "AWS::GlobalAccelerator::EndpointGroup"
    )
    dials = {
        g["Properties"]["EndpointGroupRegion"]: g["Properties"]["TrafficDialPercentage"]
        for g in groups.values()
    }
    assert dials == {"us-east-1": 100, "us-west-2": 0}
    for group in groups.values():
        assert group["Properties"]["HealthCheckIntervalSeconds"] == 10
        assert group["Properties"]["HealthCheckPath"] == "/health"


def test_accelerator_mode_has_no_dns_failover(fast_ga_synth: Synthesized) -> None:
    assert fast_ga_synth.resources("trading-fastga-global", "AWS::Route53::HealthCheck") == {}
    record = _one(fast_ga_synth, "trading-fastga-global", "AWS::Route53::RecordSet")
    assert record["Properties"]["AliasTarget"]["HostedZoneId"] == "Z2BJ6XQ5FK7U4H"
    assert "Failover" not in record["Properties"]


@pytest.mark.parametrize("fixture", ["default_synth", "fast_arc_synth", "fast_ga_synth"])
def test_every_parameter_has_a_source_that_exists(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    synth: Synthesized = request.getfixturevalue(fixture)
    order = [s.name for s in synth.stacks]
    for stack in synth.stacks:
        template = synth.template(stack.name)
        # Parameters with a default (the AMI's SSM lookup) need nothing from the deployer.
        parameters = {
            name for name, p in template.get("Parameters", {}).items() if "Default" not in p
        }
        sources = template.get("Metadata", {}).get(PARAMETER_SOURCES, {})
        assert parameters == set(sources), stack.name
        for parameter, source in sources.items():
            assert source["stack"] in order, parameter
            assert order.index(source["stack"]) < order.index(stack.name)
            assert source["output"] in synth.template(source["stack"])["Outputs"]


def test_traffic_stack_deploys_after_apps_and_before_global(fast_arc_synth: Synthesized) -> None:
    order = [s.name for s in fast_arc_synth.stacks]
    assert order.index("trading-fast-traffic") > order.index("trading-fast-app-us-west-2")
    assert order.index("trading-fast-traffic") < order.index("trading-fast-global")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"database": {"engine": "aurora-mysql-global", "instance_class": "db.t3.medium"}},
            "database.instance_class",
        ),
        (
            {"database": {"engine": "aurora-mysql-global", "engine_version": "8.0.39"}},
            "database.engine_version",
        ),
        (
            {"database": {"engine": "mysql", "engine_version": "8.0.mysql_aurora.3.08.0"}},
            "database.engine_version",
        ),
        ({"database": {"engine": "postgres"}}, "database.engine"),
        ({"routing": {"traffic": "anycast"}}, "routing.traffic"),
    ],
)
def test_fast_option_config_errors_name_the_field(data: dict, field: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(data)
    assert field in raised.value.message
    assert "\n" not in raised.value.message


def test_aurora_gets_an_aurora_version_by_default() -> None:
    settings = load_settings({"database": {"engine": "aurora-mysql-global"}})
    assert settings.database.engine_version.startswith("8.0.mysql_aurora.3.")
