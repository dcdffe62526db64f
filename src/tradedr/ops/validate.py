"""Post-deploy checks with boto3: does what was deployed match what the config says?

Each check reads one thing through a service API in one region. Where the backend does
not really perform something (tradedr.ops.backend: on the emulator, health checks are
always "Success" and targets always healthy), the check says so in its detail. Things the
backend does not create at all are "not-emulated", which does not fail validation;
anything else wrong does.

Roles are the current ones (ops/roles.py), not the config's: after a failover the writer,
the capacity each region should run and the replicas' source have moved, and the first
check says which roles were assumed. Instances the plans retired are named stale, not
missed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Settings
from tradedr.emulator.compat import public_outputs
from tradedr.errors import AwsOperationError
from tradedr.names import Names
from tradedr.ops.actions.base import follows, replication_source
from tradedr.ops.backend import Backend, Capability
from tradedr.ops.clients import ClientProvider
from tradedr.ops.roles import STALE_NOTE, Roles, current_roles
from tradedr.ops.target import backend_for

OK = "ok"
FAIL = "fail"
NOT_EMULATED = "not-emulated"


@dataclass(frozen=True)
class Check:
    name: str
    region: str
    status: str  # ok | fail | not-emulated
    detail: str


@dataclass
class ValidationReport:
    target: str
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.status != FAIL for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "passed": self.passed,
            "checks": [asdict(c) for c in self.checks],
        }


def stack_outputs(settings: Settings, provider: ClientProvider) -> dict[str, dict[str, str]]:
    """Outputs of every deployed stack of the config (missing stacks are left out)."""
    names = Names(settings)
    expected: list[tuple[str, str]] = [(names.data_stack(r), r) for r in settings.all_regions]
    if settings.posture.replicates_data:
        expected += [(names.replica_stack(r), r) for r in settings.standby_regions]
    expected += [
        (names.app_stack(r), r)
        for r in settings.all_regions
        if r == settings.primary_region or settings.posture.runs_standby_app
    ]
    expected.append((names.global_stack, settings.primary_region))
    outputs: dict[str, dict[str, str]] = {}
    for stack_name, region in expected:
        cf = provider.client("cloudformation", region)
        try:
            stack = cf.describe_stacks(StackName=stack_name)["Stacks"][0]
        except ClientError:
            continue
        outputs[stack_name] = public_outputs(
            {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}
        )
    return outputs


class _Validator:
    def __init__(
        self,
        settings: Settings,
        provider: ClientProvider,
        outputs: dict[str, dict[str, str]],
        backend: Backend,
        roles: Roles | None = None,
    ) -> None:
        self.roles = roles or Roles(settings.primary_region, "the config's primary")
        self.settings = settings
        self.names = Names(settings)
        self.provider = provider
        self.outputs = outputs
        self.backend = backend
        self.checks: list[Check] = []

    def caveat(self, capability: Capability, detail: str) -> str:
        """`detail`, plus why it is not real evidence where the backend lacks `capability`."""
        gap = self.backend.gap(capability, "as reported")
        return f"{detail} ({gap})" if gap else detail

    def app_regions(self) -> list[str]:
        posture = self.settings.posture
        return [
            r
            for r in self.settings.all_regions
            if r == self.settings.primary_region or posture.runs_standby_app
        ]

    def add(self, name: str, region: str, status: str, detail: str) -> None:
        self.checks.append(Check(name, region, status, detail))

    def guarded(self, name: str, region: str, check: Callable[[], None]) -> None:
        """One failing API call fails its check, not the whole validation."""
        try:
            check()
        except ClientError as exc:
            error = exc.response.get("Error", {})
            self.add(name, region, FAIL, f"{error.get('Code')}: {error.get('Message')}")

    def client(self, service: str, region: str) -> Any:
        return self.provider.client(service, region)

    # --- per-region checks --------------------------------------------------------

    def vpc(self, region: str) -> None:
        vpc_id = self.outputs.get(self.names.data_stack(region), {}).get("VpcId")
        if not vpc_id:
            self.add("vpc", region, FAIL, f"stack {self.names.data_stack(region)} has no VpcId")
            return
        vpcs = self.client("ec2", region).describe_vpcs(VpcIds=[vpc_id])["Vpcs"]
        state = vpcs[0].get("State", "?") if vpcs else "missing"
        cidr = vpcs[0].get("CidrBlock") if vpcs else None
        ok = state == "available" and cidr == self.settings.regions[region].cidr
        self.add("vpc", region, OK if ok else FAIL, f"{vpc_id} {state} {cidr}")

    def alb(self, region: str) -> None:
        elb = self.client("elbv2", region)
        lbs = elb.describe_load_balancers(Names=[self.names.alb(region)])["LoadBalancers"]
        state = lbs[0]["State"]["Code"] if lbs else "missing"
        self.add(
            "alb", region, OK if state == "active" else FAIL, f"{self.names.alb(region)} {state}"
        )
        certificate = self.settings.certificate_arn(region)
        if lbs and certificate is not None:
            self.alb_tls(region, lbs[0]["LoadBalancerArn"], certificate)
            self.guarded("certificate", region, lambda: self.certificate(region, certificate))
        tgs = elb.describe_target_groups(Names=[self.names.target_group(region)])["TargetGroups"]
        health = elb.describe_target_health(TargetGroupArn=tgs[0]["TargetGroupArn"])
        states = [d["TargetHealth"]["State"] for d in health["TargetHealthDescriptions"]]
        healthy = states.count("healthy")
        desired = self.expected_capacity(region)[1]
        ok = healthy >= desired and len(states) == healthy
        detail = f"{healthy}/{len(states)} targets healthy, {desired} expected"
        if not states and self.former_writer(region):
            ok, detail = True, f"{detail}; none: the former writer's app is fenced at 0"
        self.add("alb-targets", region, OK if ok else FAIL, self.caveat(Capability.HEALTH, detail))

    def alb_tls(self, region: str, load_balancer_arn: str, certificate: str) -> None:
        """With a certificate: HTTPS on 443 carries it, and HTTP on 80 only redirects."""
        listeners = self.client("elbv2", region).describe_listeners(
            LoadBalancerArn=load_balancer_arn
        )["Listeners"]
        by_port = {int(listener["Port"]): listener for listener in listeners}
        https, http = by_port.get(443), by_port.get(80)
        certificates = [c["CertificateArn"] for c in (https or {}).get("Certificates", [])]
        # Without real certificates (the emulator) a substitute stands in for the configured one.
        real = self.backend.has(Capability.CERTIFICATES)
        carries = certificate in certificates if real else bool(certificates)
        serves = https is not None and https.get("Protocol") == "HTTPS" and carries
        redirects = http is not None and all(
            action.get("Type") == "redirect"
            and action.get("RedirectConfig", {}).get("Protocol") == "HTTPS"
            for action in http.get("DefaultActions", [])
        )
        detail = (
            f"HTTPS:443 {'with the certificate' if serves else 'missing or without it'}; "
            f"HTTP:80 {'redirects to HTTPS' if redirects else 'does not only redirect'}"
        )
        detail = self.caveat(Capability.CERTIFICATES, detail)
        self.add("alb-tls", region, OK if serves and redirects else FAIL, detail)

    def certificate(self, region: str, certificate: str) -> None:
        """The configured certificate is issued and names the public record (exactly, or by
        a one-label wildcard): otherwise clients reject TLS after a failover to here."""
        fqdn = self.names.record_fqdn
        if gap := self.backend.gap(
            Capability.CERTIFICATES, f"not checked that {certificate} names {fqdn}"
        ):
            self.add("certificate", region, NOT_EMULATED, gap)
            return
        found = self.client("acm", region).describe_certificate(CertificateArn=certificate)
        details = found["Certificate"]
        names = {details.get("DomainName", ""), *details.get("SubjectAlternativeNames", [])}
        parent = fqdn.split(".", 1)[1] if "." in fqdn else ""
        covers = fqdn in names or f"*.{parent}" in names
        status = details.get("Status", "?")
        ok = covers and status == "ISSUED"
        detail = (
            f"{status}; {'names' if covers else 'does not name'} {fqdn} "
            f"({', '.join(sorted(n for n in names if n))})"
        )
        self.add("certificate", region, OK if ok else FAIL, detail)

    def asg(self, region: str) -> None:
        groups = self.client("autoscaling", region).describe_auto_scaling_groups(
            AutoScalingGroupNames=[self.names.asg(region)]
        )["AutoScalingGroups"]
        if not groups:
            self.add("asg", region, FAIL, f"{self.names.asg(region)} missing")
            return
        group = groups[0]
        have = (group["MinSize"], group["DesiredCapacity"], group["MaxSize"])
        want = self.expected_capacity(region)
        in_service = sum(
            1 for i in group.get("Instances", []) if i["LifecycleState"] == "InService"
        )
        role = "writer" if region == self.roles.writer else "standby"
        ok = have == want and in_service == want[1]
        detail = (
            f"min/desired/max {have[0]}/{have[1]}/{have[2]} (the {role} wants "
            f"{want[0]}/{want[1]}/{want[2]}), {in_service} in service"
        )
        if not ok and self.fenced_former_writer(region, have, in_service):
            ok, detail = True, f"{detail}; fenced at 0 as the plan left the former writer"
        self.add("asg", region, OK if ok else FAIL, detail)

    def expected_capacity(self, region: str) -> tuple[int, int, int]:
        """Active capacity in the writer region, the posture's standby capacity elsewhere."""
        if region == self.roles.writer:
            sizing = self.settings.regions[region]
            return (sizing.asg_min, sizing.asg_desired, sizing.asg_max)
        return self.settings.standby_capacity(region)

    def fenced_former_writer(
        self, region: str, have: tuple[int, int, int], in_service: int
    ) -> bool:
        """A failover fences the old writer's app to 0 and leaves it so until failback."""
        return self.former_writer(region) and have[0] == have[1] == in_service == 0

    def former_writer(self, region: str) -> bool:
        """The region the latest run failed over from (or the config's primary when the
        writer has moved without a recorded run)."""
        run = self.roles.run
        former = run.source if run is not None else self.settings.primary_region
        return region == former and region != self.roles.writer

    def rds_primary(self, region: str) -> None:
        identifier = self.names.db_identifier(region)
        db = self.client("rds", region).describe_db_instances(DBInstanceIdentifier=identifier)[
            "DBInstances"
        ][0]
        status, multi_az = db["DBInstanceStatus"], bool(db.get("MultiAZ"))
        writer = replication_source(db) is None
        want_multi_az = self.settings.database.multi_az
        detail = f"{identifier} {status}, {'writer' if writer else 'still a replica'}"
        detail += f", Multi-AZ {multi_az}"
        ok = status == "available" and writer and multi_az == want_multi_az
        if status == "available" and writer and region != self.settings.primary_region:
            # A promoted standby replica keeps the replica's shape until failback.
            ok = True
            if multi_az != want_multi_az:
                detail += " (promoted from the standby replica, which the posture keeps "
                detail += "single-AZ; failback restores the Multi-AZ primary)"
        self.add("rds", region, OK if ok else FAIL, detail)

    def rds_stale(self) -> None:
        for stale in self.roles.stale:
            self.add(
                "rds-stale",
                stale.region,
                OK,
                f"{stale.identifier} {stale.status}: {STALE_NOTE}",
            )

    def aurora(self, region: str) -> None:
        """Aurora global database: each region's cluster available and a member of the
        global cluster (the primary as writer)."""
        identifier = self.names.db_cluster(region)
        rds = self.client("rds", region)
        try:
            cluster = rds.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0]
        except ClientError:
            if gap := self.backend.gap(Capability.AURORA_GLOBAL, f"{identifier} not checked"):
                self.add("aurora", region, NOT_EMULATED, gap)
                return
            raise
        members = rds.describe_global_clusters(GlobalClusterIdentifier=self.names.global_cluster)[
            "GlobalClusters"
        ][0]["GlobalClusterMembers"]
        role = {m["DBClusterArn"]: m.get("IsWriter", False) for m in members}
        writer = role.get(cluster["DBClusterArn"])
        want_writer = region == self.roles.writer
        ok = cluster["Status"] == "available" and writer is want_writer
        self.add(
            "aurora",
            region,
            OK if ok else FAIL,
            f"{identifier} {cluster['Status']}, "
            + ("not in the global cluster" if writer is None else "writer" if writer else "reader"),
        )

    def rds_replica(self, region: str) -> None:
        identifier = self.names.db_identifier(region)
        try:
            db = self.client("rds", region).describe_db_instances(DBInstanceIdentifier=identifier)[
                "DBInstances"
            ][0]
        except ClientError as exc:
            stale = [s for s in self.roles.stale if s.region == region]
            code = exc.response.get("Error", {}).get("Code")
            if code == "DBInstanceNotFound" and stale and self.former_writer(region):
                self.add(
                    "rds-replica",
                    region,
                    OK,
                    f"no replica yet: the former writer was retired as "
                    f"{', '.join(s.identifier for s in stale)}; failback re-creates "
                    f"{identifier} from the writer in {self.roles.writer}",
                )
                return
            raise
        # The source as tradedr reads it: a promoted writer (whose source the emulator
        # keeps) is not reported as a replica.
        source = replication_source(db)
        writer_id = self.names.db_identifier(self.roles.writer)
        ok = db["DBInstanceStatus"] == "available" and follows(db, writer_id)
        detail = (
            f"{identifier} {db['DBInstanceStatus']}, source "
            f"{source or 'none (not a replica: a writer)'}"
        )
        if source and not ok:
            detail += f"; it should follow the writer {writer_id} in {self.roles.writer}"
        self.add("rds-replica", region, OK if ok else FAIL, detail)
        lag = self._replica_lag(region, identifier)
        limit = self.settings.database.replica_lag_alarm_seconds
        if lag is None:
            detail = "no ReplicaLag datapoints in the last 10 minutes"
            gap = self.backend.gap(Capability.RDS_LAG_METRICS, detail)
            status, detail = (NOT_EMULATED, gap) if gap else (FAIL, detail)
        else:
            status = OK if lag <= limit else FAIL
            detail = f"ReplicaLag {lag:.0f} s (alarm at {limit} s)"
        self.add("rds-replica-lag", region, status, detail)

    def _replica_lag(self, region: str, identifier: str) -> float | None:
        now = dt.datetime.now(dt.UTC)
        stats = self.client("cloudwatch", region).get_metric_statistics(
            Namespace="AWS/RDS",
            MetricName="ReplicaLag",
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": identifier}],
            StartTime=now - dt.timedelta(minutes=10),
            EndTime=now,
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
        if not stats:
            return None
        latest = max(stats, key=lambda d: d["Timestamp"])
        return float(latest["Maximum"])

    def dynamodb(self) -> None:
        primary = self.settings.primary_region
        table_name = self.names.sessions_table
        table = self.client("dynamodb", primary).describe_table(TableName=table_name)["Table"]
        ok = table["TableStatus"] == "ACTIVE"
        self.add("dynamodb", primary, OK if ok else FAIL, f"{table_name} {table['TableStatus']}")
        if not self.settings.posture.replicates_data:
            return
        replicas = {r["RegionName"]: r.get("ReplicaStatus") for r in table.get("Replicas", [])}
        for region in self.settings.standby_regions:
            if region in replicas:
                status = OK if replicas[region] == "ACTIVE" else FAIL
                self.add("dynamodb-replica", region, status, f"replica {replicas[region]}")
            elif not self.backend.has(Capability.TABLE_REPLICAS):
                self._emulated_replica(region, table_name)
            else:
                self.add("dynamodb-replica", region, FAIL, f"no replica of {table_name}")

    def orders_mrsc(self, region: str) -> None:
        """dynamodb-mrsc: each region's orders replica is ACTIVE and the table STRONG; the
        emulator has plain tables without MRSC, so there the mode is not emulated."""
        table_name = self.names.orders_table
        table = self.client("dynamodb", region).describe_table(TableName=table_name)["Table"]
        status = table["TableStatus"]
        if status != "ACTIVE":
            self.add("orders-mrsc", region, FAIL, f"{table_name} {status}")
            return
        mode = table.get("MultiRegionConsistency")
        if mode == "STRONG":
            self.add("orders-mrsc", region, OK, f"{table_name} ACTIVE, STRONG")
        elif mode is None and (
            gap := self.backend.gap(Capability.MRSC, f"{table_name} ACTIVE as a plain table")
        ):
            self.add("orders-mrsc", region, NOT_EMULATED, gap)
        else:
            self.add(
                "orders-mrsc", region, FAIL, f"{table_name} is {mode or 'EVENTUAL'}, not STRONG"
            )

    def _emulated_replica(self, region: str, table_name: str) -> None:
        try:
            status = self.client("dynamodb", region).describe_table(TableName=table_name)["Table"][
                "TableStatus"
            ]
        except ClientError:
            self.add("dynamodb-replica", region, FAIL, f"{table_name} missing in {region}")
            return
        gap = self.backend.gap(
            Capability.TABLE_REPLICAS,
            f"{table_name} {status} as a separate table; global-table replication is not emulated",
        )
        self.add("dynamodb-replica", region, NOT_EMULATED, str(gap))

    def s3(self) -> None:
        primary = self.settings.primary_region
        bucket = self.names.bucket(primary)
        s3 = self.client("s3", primary)
        versioning = s3.get_bucket_versioning(Bucket=bucket).get("Status", "Disabled")
        self.add(
            "s3-versioning",
            primary,
            OK if versioning == "Enabled" else FAIL,
            f"{bucket} versioning {versioning}",
        )
        if not self.settings.posture.replicates_data:
            return
        try:
            config = s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"]
        except ClientError as exc:
            self.add("s3-replication", primary, FAIL, f"{bucket}: {exc}")
            return
        destinations = {
            rule["Destination"]["Bucket"].rsplit(":", 1)[-1]
            for rule in config.get("Rules", [])
            if rule.get("Status") == "Enabled"
        }
        for region in self.settings.standby_regions:
            target = self.names.bucket(region)
            ok = target in destinations
            detail = f"{bucket} -> {target}" + ("" if ok else " missing")
            self.add("s3-replication", region, OK if ok else FAIL, detail)

    def route53(self) -> None:
        primary = self.settings.primary_region
        out = self.outputs.get(self.names.global_stack, {})
        zone_id = out.get("HostedZoneId")
        if not zone_id:
            self.add("route53", "global", FAIL, f"stack {self.names.global_stack} not deployed")
            return
        r53 = self.client("route53", primary)
        fqdn = self.names.record_fqdn
        zone_records = [
            r
            for r in r53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
            if r["Type"] == "A" and r["Name"].rstrip(".").endswith(fqdn)
        ]
        named = [r for r in zone_records if r["Name"].rstrip(".") == fqdn]
        self.add(
            "route53-records",
            "global",
            OK if named else FAIL,
            f"{len(named)} A records for {fqdn}",
        )
        if self.settings.routing.traffic == "global-accelerator":
            return  # the name points at the accelerator, which health-checks the ALBs itself
        for region in self.app_regions():
            dns = self.outputs.get(self.names.app_stack(region), {}).get("AlbDnsName", "")
            mine = [
                r
                for r in zone_records
                if r.get("AliasTarget", {}).get("DNSName", "").rstrip(".").lower() == dns.lower()
            ]
            checked = [r for r in mine if r.get("HealthCheckId")]
            ok = bool(dns) and bool(checked)
            self.add(
                "route53-endpoint",
                region,
                OK if ok else FAIL,
                f"{len(mine)} alias records to {dns or 'no ALB output'}, "
                f"{len(checked)} with a health check",
            )
        for key, check_id in sorted(out.items()):
            if not key.startswith("HealthCheck"):
                continue
            observations = r53.get_health_check_status(HealthCheckId=check_id)[
                "HealthCheckObservations"
            ]
            healthy = sum(
                1 for o in observations if o["StatusReport"]["Status"].startswith("Success")
            )
            ok = bool(observations) and healthy / len(observations) > 0.18
            detail = self.caveat(
                Capability.HEALTH, f"{check_id}: {healthy}/{len(observations)} checkers healthy"
            )
            self.add(
                f"route53-health-{key.removeprefix('HealthCheck').lower()}",
                "global",
                OK if ok else FAIL,
                detail,
            )

    def alarms(self, region: str) -> None:
        prefix = f"{self.settings.prefix}-{region}-"
        alarms = self.client("cloudwatch", region).describe_alarms(AlarmNamePrefix=prefix)[
            "MetricAlarms"
        ]
        if not alarms:
            if gap := self.backend.gap(Capability.ALARMS, f"no alarms named {prefix}*"):
                self.add("alarms", region, NOT_EMULATED, gap)
            else:
                self.add("alarms", region, FAIL, f"no alarms named {prefix}*")
            return
        firing = [a["AlarmName"] for a in alarms if a["StateValue"] == "ALARM"]
        detail = f"{len(alarms)} alarms" + (f", in ALARM: {', '.join(firing)}" if firing else "")
        self.add("alarms", region, FAIL if firing else OK, detail)

    def secret(self) -> None:
        primary = self.settings.primary_region
        name = self.names.db_secret(primary)
        sm = self.client("secretsmanager", primary)
        try:
            described = sm.describe_secret(SecretId=name)
        except ClientError:
            self.add("secret", primary, FAIL, f"{name} missing")
            return
        detail = f"{name} present"
        if described.get("RotationEnabled"):
            detail += ", rotation on"
        self.add("secret", primary, OK, self.caveat(Capability.SECRETS, detail))
        replicas = {r["Region"]: r.get("Status") for r in described.get("ReplicationStatus", [])}
        if not replicas:
            return  # a secret without replicas: standbys read the primary's
        for region in self.settings.standby_regions:
            status = replicas.get(region)
            self.add(
                "secret-replica",
                region,
                OK if status == "InSync" else FAIL,
                f"{name} replica {status or 'missing'}",
            )


def validate_deployment(
    settings: Settings,
    provider: ClientProvider,
    outputs: dict[str, dict[str, str]],
    *,
    target: str = "local",
    backend: Backend | None = None,
    runs_dir: Path | None = None,
) -> ValidationReport:
    """Run every check against the current roles; never raises for a failed check, only
    for an unreachable endpoint. `backend`: what the target really performs (default: the
    target's)."""
    backend = backend or backend_for(target)
    try:
        roles = current_roles(settings, provider, runs_dir=runs_dir, backend=backend)
    except BotoCoreError as exc:
        raise AwsOperationError(f"validate: {exc}") from None
    v = _Validator(settings, provider, outputs, backend, roles=roles)
    v.add(
        "roles",
        "all",
        FAIL if roles.problems else OK,
        roles.describe(settings) + "".join(f"; PROBLEM: {p}" for p in roles.problems),
    )
    posture = settings.posture
    try:
        for region in settings.all_regions:
            v.guarded("vpc", region, partial(v.vpc, region))
            runs_app = region == settings.primary_region or posture.runs_standby_app
            if runs_app:
                v.guarded("alb", region, partial(v.alb, region))
                v.guarded("asg", region, partial(v.asg, region))
                v.guarded("alarms", region, partial(v.alarms, region))
        if settings.database.is_mrsc:
            for region in settings.all_regions:
                v.guarded("orders-mrsc", region, partial(v.orders_mrsc, region))
        elif settings.database.is_aurora_global:
            for region in settings.all_regions:
                v.guarded("aurora", region, partial(v.aurora, region))
        else:
            v.guarded("rds", roles.writer, partial(v.rds_primary, roles.writer))
            if posture.replicates_data:
                for region in roles.standbys(settings):
                    v.guarded("rds-replica", region, partial(v.rds_replica, region))
            v.rds_stale()
        v.guarded("dynamodb", settings.primary_region, v.dynamodb)
        v.guarded("s3", settings.primary_region, v.s3)
        v.guarded("route53", "global", v.route53)
        if not settings.database.is_mrsc:  # no DB, so no DB secret
            v.guarded("secret", settings.primary_region, v.secret)
    except BotoCoreError as exc:
        raise AwsOperationError(f"validate: {exc}") from None
    return ValidationReport(target=target, checks=v.checks)


def validate_region_serves(
    settings: Settings,
    provider: ClientProvider,
    outputs: dict[str, dict[str, str]],
    region: str,
    *,
    target: str = "local",
    backend: Backend | None = None,
) -> ValidationReport:
    """The role-independent checks of one region (VPC, ALB and its targets), for when
    another region is lost and the full validation's role expectations cannot hold."""
    v = _Validator(settings, provider, outputs, backend or backend_for(target))
    try:
        v.guarded("vpc", region, partial(v.vpc, region))
        v.guarded("alb", region, partial(v.alb, region))
    except BotoCoreError as exc:
        raise AwsOperationError(f"validate {region}: {exc}") from None
    return ValidationReport(target=target, checks=v.checks)


def run_validate(
    settings: Settings, *, target: str, profile: str | None, runs_dir: Path | None = None
) -> ValidationReport:
    """Validate what is deployed on the target, reading outputs from CloudFormation."""
    from tradedr.ops.target import open_target

    with open_target(target, profile) as opened:
        outputs = stack_outputs(settings, opened.provider)
        return validate_deployment(
            settings,
            opened.provider,
            outputs,
            target=target,
            backend=opened.backend,
            runs_dir=runs_dir,
        )
