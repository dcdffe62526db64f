"""The region-loss detector, run from the inline source the template deploys, against
botocore's Stubber (real service models, no AWS) with a fake HTTP probe.

Real-AWS-only behaviour: moto has no Aurora global failover and never runs the function.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from tests.conftest import Synthesized

pytestmark = pytest.mark.stubbed

STANDBY, PRIMARY = "us-west-2", "us-east-1"
ACCOUNT = "123456789012"
GLOBAL = "trading-fastga-orders-global"
PRIMARY_CLUSTER = "trading-fastga-orders-use1"
TARGET = "trading-fastga-orders-usw2"
PRIMARY_ARN = f"arn:aws:rds:{PRIMARY}:{ACCOUNT}:cluster:{PRIMARY_CLUSTER}"
TARGET_ARN = f"arn:aws:rds:{STANDBY}:{ACCOUNT}:cluster:{TARGET}"
THIRD_ARN = f"arn:aws:rds:eu-west-1:{ACCOUNT}:cluster:trading-fastga-orders-euw1"
TOPIC = f"arn:aws:sns:{STANDBY}:{ACCOUNT}:trading-fastga-alarms-{STANDBY}"
HEALTH_URL = "http://primary-alb.example/health"


@pytest.fixture(scope="module")
def function(fast_ga_synth: Synthesized) -> dict[str, Any]:
    [(_, _, found)] = [
        f
        for f in fast_ga_synth.all_resources("AWS::Lambda::Function")
        if "auto-failover-detector" in str(f[2]["Properties"].get("Environment"))
    ]
    properties: dict[str, Any] = found["Properties"]
    return properties


@pytest.fixture(scope="module")
def handler(function: dict[str, Any]) -> Iterator[types.ModuleType]:
    """The handler exactly as deployed: the ZipFile text of the synthesized function."""
    module = types.ModuleType("index")
    sys.modules["index"] = module  # dataclasses resolve annotations through sys.modules
    exec(compile(function["Code"]["ZipFile"], "index.py", "exec"), module.__dict__)
    yield module
    del sys.modules["index"]


@pytest.fixture
def config(handler: types.ModuleType, function: dict[str, Any]) -> Any:
    """The detector's config from the template's environment (tokens filled in)."""
    env = dict(function["Environment"]["Variables"])
    assert isinstance(env["PRIMARY_HEALTH_URL"], dict)  # the primary ALB's DNS parameter
    assert isinstance(env["ALARM_TOPIC_ARN"], dict)  # this stack's alarm topic
    env.update(AWS_REGION=STANDBY, PRIMARY_HEALTH_URL=HEALTH_URL, ALARM_TOPIC_ARN=TOPIC)
    return handler.DetectorConfig.from_environment(env)


class FakeClock:
    """Time that passes only when the detector sleeps (or a probe says it waited)."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


class FakeContext:
    """Lambda context allowing `rounds` probe rounds before time runs out."""

    def __init__(self, rounds: int) -> None:
        self.left = rounds

    def get_remaining_time_in_millis(self) -> int:
        self.left -= 1
        return 60_000 if self.left > 0 else 0


@dataclass
class Aws:
    rds: Any = field(default_factory=lambda: boto3.client("rds", region_name=STANDBY))
    primary_rds: Any = field(default_factory=lambda: boto3.client("rds", region_name=PRIMARY))
    cloudwatch: Any = field(default_factory=lambda: boto3.client("cloudwatch", region_name=STANDBY))
    sns: Any = field(default_factory=lambda: boto3.client("sns", region_name=STANDBY))
    published: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.stubs = {
            name: Stubber(getattr(self, name)) for name in ("rds", "primary_rds", "cloudwatch")
        }
        self.stubs["sns"] = Stubber(self.sns)
        for stub in self.stubs.values():
            stub.activate()
        self.sns.meta.events.register(
            "provide-client-params.sns.Publish", lambda params, **_: self.published.append(params)
        )

    def global_cluster(self, writer: str) -> None:
        self.stubs["rds"].add_response(
            "describe_global_clusters",
            {
                "GlobalClusters": [
                    {
                        "GlobalClusterIdentifier": GLOBAL,
                        "GlobalClusterMembers": [
                            {"DBClusterArn": PRIMARY_ARN, "IsWriter": writer == "primary"},
                            {"DBClusterArn": TARGET_ARN, "IsWriter": writer == "target"},
                            {"DBClusterArn": THIRD_ARN, "IsWriter": writer == "third"},
                        ],
                    }
                ]
            },
            {"GlobalClusterIdentifier": GLOBAL},
        )

    def primary_writer(self, status: str) -> None:
        stub = self.stubs["primary_rds"]
        if status == "unreachable":
            stub.add_client_error(
                "describe_db_clusters",
                service_error_code="InternalFailure",
                http_status_code=503,
                expected_params={"DBClusterIdentifier": PRIMARY_CLUSTER},
            )
            return
        stub.add_response(
            "describe_db_clusters",
            {"DBClusters": [{"DBClusterIdentifier": PRIMARY_CLUSTER, "Status": status}]},
            {"DBClusterIdentifier": PRIMARY_CLUSTER},
        )

    def lag(self, values: list[float]) -> None:
        self.stubs["cloudwatch"].add_response(
            "get_metric_data",
            {
                "MetricDataResults": [
                    {
                        "Id": "lag",
                        "Values": values,
                        "Timestamps": [],
                        "StatusCode": "Complete",
                    }
                ]
            },
            {
                "MetricDataQueries": [
                    {
                        "Id": "lag",
                        "MetricStat": {
                            "Metric": {
                                "Namespace": "AWS/RDS",
                                "MetricName": "AuroraGlobalDBReplicationLag",
                                "Dimensions": [{"Name": "DBClusterIdentifier", "Value": TARGET}],
                            },
                            "Period": 60,
                            "Stat": "Maximum",
                        },
                        "ReturnData": True,
                    }
                ],
                "StartTime": ANY,
                "EndTime": ANY,
            },
        )

    def failover(self) -> None:
        self.stubs["rds"].add_response(
            "describe_db_clusters",
            {"DBClusters": [{"DBClusterIdentifier": TARGET, "DBClusterArn": TARGET_ARN}]},
            {"DBClusterIdentifier": TARGET},
        )
        self.stubs["rds"].add_response(
            "failover_global_cluster",
            {"GlobalCluster": {"GlobalClusterIdentifier": GLOBAL}},
            {
                "GlobalClusterIdentifier": GLOBAL,
                "TargetDbClusterIdentifier": TARGET_ARN,
                "AllowDataLoss": True,
            },
        )

    def publish(self, times: int) -> None:
        for _ in range(times):
            self.stubs["sns"].add_response(
                "publish", {"MessageId": "m-1"}, {"TopicArn": TOPIC, "Subject": ANY, "Message": ANY}
            )

    def assert_all_called(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


@dataclass(frozen=True)
class Case:
    name: str
    writer: str = "primary"  # who writes in the global cluster at the start
    health: tuple[bool, ...] = ()  # one per round
    writer_status: tuple[str, ...] = ()  # the primary writer's answer, one per round
    lag: tuple[float, ...] | None = None  # the guard's datapoints, when it runs
    rounds: int = 0  # rounds the time budget allows
    action: str = "none"
    failover: bool = False
    alerts: int = 0
    alert_text: str = ""


LOST = "unreachable"
CASES = [
    Case("already primary: idles", writer="target", action="none"),
    # An operator failed over to a third region: the guarded primary's loss changes nothing.
    Case("writer moved to a third region: idles", writer="third", action="none"),
    Case("health ok: nothing", health=(True,) * 3, writer_status=("available",) * 3, rounds=3),
    Case(
        "health ok while the primary RDS API fails: nothing",
        health=(True,) * 3,
        writer_status=(LOST,) * 3,
        rounds=3,
    ),
    Case(
        "health fails but the writer is available: one alert, no failover",
        health=(False,) * 4,
        writer_status=("available",) * 4,
        rounds=4,
        alerts=1,
        alert_text="writer available: not failing over the database",
    ),
    Case(
        "region lost, lag 400 ms within 1 s: fails over with AllowDataLoss",
        health=(False,) * 3,
        writer_status=(LOST, LOST, "inaccessible-encryption-credentials"),
        lag=(120.0, 400.0),
        rounds=10,
        action="failed-over",
        failover=True,
        alerts=1,
        alert_text="AllowDataLoss",
    ),
    Case(
        "region lost, lag 3 s above 1 s: refused",
        health=(False,) * 3,
        writer_status=(LOST,) * 3,
        lag=(200.0, 3000.0),
        rounds=10,
        action="refused",
        alerts=1,
        alert_text="tradedr failover --to us-west-2 --allow-data-loss",
    ),
    Case(
        "region lost, no lag datapoint: refused",
        health=(False,) * 3,
        writer_status=(LOST,) * 3,
        lag=(),
        rounds=10,
        action="refused",
        alerts=1,
        alert_text="operator decision needed",
    ),
    Case(
        "failures not consecutive: nothing",
        health=(False, True, False, True, False, True, False),
        writer_status=(LOST,) * 7,
        rounds=7,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_detector(handler: types.ModuleType, config: Any, case: Case) -> None:
    aws = Aws()
    aws.global_cluster(case.writer)
    for status in case.writer_status:
        aws.primary_writer(status)
    if case.lag is not None:
        aws.lag(list(case.lag))
    if case.failover:
        aws.failover()
    aws.publish(case.alerts)
    probes = iter(case.health)
    probed: list[tuple[str, float]] = []

    def http_probe(url: str, timeout: float) -> tuple[bool, str]:
        probed.append((url, timeout))
        ok = next(probes)
        return ok, "HTTP 200" if ok else "URLError: timed out"

    clock = FakeClock()
    summary = handler.detect(
        config,
        handler.Clients(
            rds=aws.rds, primary_rds=aws.primary_rds, cloudwatch=aws.cloudwatch, sns=aws.sns
        ),
        remaining_ms=FakeContext(case.rounds).get_remaining_time_in_millis,
        http_probe=http_probe,
        sleep=clock.sleep,
        clock=clock.now,
    )

    aws.assert_all_called()
    assert summary["action"] == case.action, summary
    assert len(summary["rounds"]) == len(case.health)
    assert probed == [(HEALTH_URL, 2)] * len(case.health)
    assert clock.sleeps == [5] * max(len(case.health) - 1, 0)
    assert len(aws.published) == case.alerts
    if case.alert_text:
        assert case.alert_text in aws.published[0]["Message"]
    if case.action == "failed-over":
        assert summary["max_lag_ms"] == 400.0
        assert [r["region_lost"] for r in summary["rounds"]] == [True] * 3
    if case.name.startswith("already"):
        assert summary["reason"] == "already primary"
    if case.writer == "third":
        assert summary["reason"].startswith(f"the writer is {THIRD_ARN}")


def test_counting_restarts_with_each_invocation(handler: types.ModuleType, config: Any) -> None:
    """Two failed rounds at the end of one minute and two at the start of the next are not
    three consecutive ones: each invocation counts from zero (as the RTO model assumes)."""
    for _ in range(2):
        aws = Aws()
        aws.global_cluster("primary")
        for _ in range(2):
            aws.primary_writer(LOST)
        clock = FakeClock()
        summary = handler.detect(
            config,
            handler.Clients(
                rds=aws.rds, primary_rds=aws.primary_rds, cloudwatch=aws.cloudwatch, sns=aws.sns
            ),
            remaining_ms=FakeContext(2).get_remaining_time_in_millis,
            http_probe=lambda url, timeout: (False, "URLError: timed out"),
            sleep=clock.sleep,
            clock=clock.now,
        )
        aws.assert_all_called()  # and no guard, no failover call
        assert summary["action"] == "none"
        assert summary["consecutive_failures"] == 2


def valid_probe_settings() -> list[tuple[int, int, int]]:
    from tradedr.config import FailoverSettings

    valid = []
    for interval in range(1, 31):
        for failures in range(2, 11):
            for timeout in range(1, 11):
                try:
                    FailoverSettings(
                        probe_interval_seconds=interval,
                        probe_failures=failures,
                        probe_timeout_seconds=timeout,
                    )
                except ValueError:
                    continue
                valid.append((interval, failures, timeout))
    return valid


def test_every_valid_probe_config_confirms_region_loss_within_one_invocation(
    handler: types.ModuleType, config: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every probe setting the config accepts reaches the decision inside one 60 s invocation
    (2 s lost to a cold start) when each health probe waits its full timeout."""
    import dataclasses

    from botocore.exceptions import EndpointConnectionError

    class LostRegionRds:
        def describe_global_clusters(self, **_: Any) -> dict[str, Any]:
            return {"GlobalClusters": [{"GlobalClusterMembers": []}]}

        def describe_db_clusters(self, **_: Any) -> dict[str, Any]:
            raise EndpointConnectionError(endpoint_url="https://rds.us-east-1.amazonaws.com")

    monkeypatch.setattr(handler, "_decide", lambda run: {"action": "decided", "rounds": run.rounds})
    settings = valid_probe_settings()
    assert len(settings) > 100
    for interval, failures, timeout in settings:
        clock = FakeClock()

        def probe(url: str, seconds: float, clock: FakeClock = clock) -> tuple[bool, str]:
            clock.t += seconds
            return False, "URLError: timed out"

        summary = handler.detect(
            dataclasses.replace(
                config,
                probe_interval_seconds=interval,
                probe_failures=failures,
                probe_timeout_seconds=timeout,
            ),
            handler.Clients(
                rds=LostRegionRds(), primary_rds=LostRegionRds(), cloudwatch=None, sns=None
            ),
            remaining_ms=lambda clock=clock: int((58.0 - clock.t) * 1000),
            http_probe=probe,
            sleep=clock.sleep,
            clock=clock.now,
        )
        assert summary["action"] == "decided", (interval, failures, timeout)
        assert len(summary["rounds"]) == failures


def test_http_probe_never_raises(handler: types.ModuleType) -> None:
    ok, detail = handler.http_get("http://127.0.0.1:9/health", 0.5)
    assert not ok
    assert detail
    ok, detail = handler.http_get("not a url", 0.5)
    assert not ok
    assert detail


def test_https_probe_skips_verification_only_for_the_liveness_probe(
    handler: types.ModuleType, tls_health_server: str
) -> None:
    """The ALB is probed by its own DNS name, which its certificate does not carry: a
    verifying client fails, the detector's probe reads the status code."""
    import ssl
    import urllib.error
    import urllib.request

    url = f"https://{tls_health_server}/health"
    with pytest.raises(urllib.error.URLError) as failed:
        urllib.request.urlopen(url, timeout=2)  # the verifying default
    assert isinstance(failed.value.reason, ssl.SSLError)
    assert handler.http_get(url, 2) == (True, "HTTP 200")
    ok, detail = handler.http_get(f"https://{tls_health_server}/missing", 2)
    assert (ok, detail) == (False, "HTTP 404")
    context = handler.liveness_tls_context()
    assert (context.check_hostname, context.verify_mode) == (False, ssl.CERT_NONE)


def lost_primary_with_witness(
    handler: types.ModuleType,
    config: Any,
    *,
    rounds: int,
    action: str,
    alert: str,
    **witness: Any,
) -> dict[str, Any]:
    """Every round: health probe and primary writer fail; the witness client (accelerator
    or route53) decides. Checks the action and the one alert; returns the summary."""
    aws = Aws()
    aws.global_cluster("primary")
    for _ in range(rounds):
        aws.primary_writer(LOST)
    if action == "failed-over":
        aws.lag([200.0])
        aws.failover()
    aws.publish(1)
    clock = FakeClock()
    summary: dict[str, Any] = handler.detect(
        config,
        handler.Clients(
            rds=aws.rds,
            primary_rds=aws.primary_rds,
            cloudwatch=aws.cloudwatch,
            sns=aws.sns,
            **witness,
        ),
        remaining_ms=FakeContext(rounds).get_remaining_time_in_millis,
        http_probe=lambda url, timeout: (False, "URLError: timed out"),
        sleep=clock.sleep,
        clock=clock.now,
    )
    aws.assert_all_called()
    assert summary["action"] == action, summary
    assert alert in aws.published[0]["Message"]
    return summary


ACCELERATOR_ARN = f"arn:aws:globalaccelerator::{ACCOUNT}:accelerator/abc"
LISTENER_ARN = f"{ACCELERATOR_ARN}/listener/l1"
PRIMARY_GROUP_ARN = f"{LISTENER_ARN}/endpoint-group/g-use1"


def witness_client(states: list[str | None], *, api_down: bool = False) -> tuple[Any, Stubber]:
    """The Global Accelerator API (us-west-2): the accelerator, its listener, the primary's
    endpoint group, then one DescribeEndpointGroup per round with that round's state."""
    client = boto3.client("globalaccelerator", region_name="us-west-2")
    stub = Stubber(client)
    if api_down:
        stub.add_client_error(
            "list_accelerators", "InternalServiceErrorException", http_status_code=500
        )
    else:
        stub.add_response(
            "list_accelerators",
            {
                "Accelerators": [
                    {"Name": "other", "AcceleratorArn": f"{ACCELERATOR_ARN}-other"},
                    {"Name": "trading-fastga-accelerator", "AcceleratorArn": ACCELERATOR_ARN},
                ]
            },
            {"MaxResults": 100},
        )
        stub.add_response(
            "list_listeners",
            {"Listeners": [{"ListenerArn": LISTENER_ARN}]},
            {"AcceleratorArn": ACCELERATOR_ARN, "MaxResults": 100},
        )
        stub.add_response(
            "list_endpoint_groups",
            {
                "EndpointGroups": [
                    {"EndpointGroupArn": f"{LISTENER_ARN}/g-usw2", "EndpointGroupRegion": STANDBY},
                    {"EndpointGroupArn": PRIMARY_GROUP_ARN, "EndpointGroupRegion": PRIMARY},
                ]
            },
            {"ListenerArn": LISTENER_ARN, "MaxResults": 100},
        )
        for state in states:
            if state is None:
                stub.add_client_error(
                    "describe_endpoint_group", "InternalServiceErrorException", http_status_code=500
                )
                continue
            stub.add_response(
                "describe_endpoint_group",
                {
                    "EndpointGroup": {
                        "EndpointGroupArn": PRIMARY_GROUP_ARN,
                        "EndpointDescriptions": [{"EndpointId": "alb", "HealthState": state}],
                    }
                },
                {"EndpointGroupArn": PRIMARY_GROUP_ARN},
            )
    stub.activate()
    return client, stub


@pytest.mark.parametrize(
    ("states", "api_down", "action", "alert"),
    [
        (["UNHEALTHY"] * 3, False, "failed-over", "AllowDataLoss"),
        # A partition: the standby loses the primary, the accelerator's edge does not.
        (["HEALTHY"] * 4, False, "none", "Partition suspected"),
        # Its API unreadable (its one endpoint is in us-west-2): the two signals decide.
        ([None] * 3, False, "failed-over", "AllowDataLoss"),
        ([], True, "failed-over", "AllowDataLoss"),
        # Still initialising counts as no view, not as healthy.
        (["INITIAL"] * 3, False, "failed-over", "AllowDataLoss"),
    ],
    ids=["agrees", "vetoes", "describe-fails", "api-down", "initial"],
)
def test_accelerator_witness(
    handler: types.ModuleType,
    config: Any,
    states: list[str | None],
    api_down: bool,
    action: str,
    alert: str,
) -> None:
    assert config.witness_accelerator == "trading-fastga-accelerator"
    accelerator, stub = witness_client(states, api_down=api_down)
    summary = lost_primary_with_witness(
        handler,
        config,
        rounds=len(states) or 3,
        action=action,
        alert=alert,
        accelerator=accelerator,
    )
    stub.assert_no_pending_responses()
    expected = {"HEALTHY": "healthy", "UNHEALTHY": "unhealthy"}
    assert [r["witness"] for r in summary["rounds"]] == [
        expected.get(str(s), "unknown") for s in states
    ] or api_down


PRIMARY_CHECK = "11111111-2222-3333-4444-555555555555"


def route53_client(
    observations: list[list[str] | None], *, api_down: bool = False
) -> tuple[Any, Stubber]:
    """The Route 53 API (us-east-1): two pages of health checks (the primary's on the
    second), then one GetHealthCheckStatus per round with the checkers' reports."""
    client = boto3.client("route53", region_name="us-east-1")
    stub = Stubber(client)
    if api_down:
        stub.add_client_error("list_health_checks", "ServiceUnavailable", http_status_code=503)
        stub.activate()
        return client, stub

    def check(check_id: str, host: str, path: str) -> dict[str, Any]:
        return {
            "Id": check_id,
            "CallerReference": check_id,
            "HealthCheckVersion": 1,
            "HealthCheckConfig": {
                "Type": "HTTP",
                "FullyQualifiedDomainName": host,
                "ResourcePath": path,
            },
        }

    stub.add_response(
        "list_health_checks",
        {
            "HealthChecks": [check("other", "standby-alb.example", "/health")],
            "Marker": "",
            "IsTruncated": True,
            "NextMarker": "page-2",
            "MaxItems": "100",
        },
        {"MaxItems": "100"},
    )
    stub.add_response(
        "list_health_checks",
        {
            "HealthChecks": [
                check("wrong-path", "primary-alb.example", "/"),
                check(PRIMARY_CHECK, "primary-alb.example", "/health"),
            ],
            "Marker": "page-2",
            "IsTruncated": False,
            "MaxItems": "100",
        },
        {"MaxItems": "100", "Marker": "page-2"},
    )
    for reports in observations:
        if reports is None:
            stub.add_client_error("get_health_check_status", "Throttling", http_status_code=400)
            continue
        stub.add_response(
            "get_health_check_status",
            {
                "HealthCheckObservations": [
                    {"Region": "us-east-1", "StatusReport": {"Status": status}}
                    for status in reports
                ]
            },
            {"HealthCheckId": PRIMARY_CHECK},
        )
    stub.activate()
    return client, stub


FAIL_REPORT = "Failure: Connection timed out."
OK_REPORT = "Success: HTTP Status Code 200, OK"


@pytest.mark.parametrize(
    ("observations", "api_down", "action", "alert"),
    [
        ([[FAIL_REPORT] * 8] * 3, False, "failed-over", "AllowDataLoss"),
        # 2 of 8 checkers (25% > 18%) still reach the primary: Route 53 calls it healthy.
        ([[OK_REPORT] * 2 + [FAIL_REPORT] * 6] * 4, False, "none", "Route 53 still sees"),
        # 1 of 8 (12.5%) is not enough to keep it healthy.
        ([[OK_REPORT] + [FAIL_REPORT] * 7] * 3, False, "failed-over", "AllowDataLoss"),
        ([None] * 3, False, "failed-over", "AllowDataLoss"),
        ([], True, "failed-over", "AllowDataLoss"),
    ],
    ids=["agrees", "vetoes", "below-18-percent", "status-fails", "api-down"],
)
def test_route53_witness(
    handler: types.ModuleType,
    config: Any,
    observations: list[list[str] | None],
    api_down: bool,
    action: str,
    alert: str,
) -> None:
    import dataclasses

    dns_config = dataclasses.replace(
        config,
        witness_accelerator=None,
        witness_route53=True,
        primary_health_url="http://primary-alb.example/health",
    )
    route53, stub = route53_client(observations, api_down=api_down)
    lost_primary_with_witness(
        handler,
        dns_config,
        rounds=len(observations) or 3,
        action=action,
        alert=alert,
        route53=route53,
    )
    stub.assert_no_pending_responses()
