"""Stable physical names shared by the stacks and the operations side.

Stacks never reference each other across regions; instead both sides derive the same
name (or ARN) from the config, so a standby can find the primary's resources without
the primary's control plane.
"""

from __future__ import annotations

from dataclasses import dataclass

from tradedr.config import Settings

REGION_CODES = {
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-1": "usw1",
    "us-west-2": "usw2",
}


_DIRECTIONS = {
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "central": "c",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}


def region_code(region: str) -> str:
    """Short region code for names with length limits (eu-west-1 -> euw1, ap-southeast-1 ->
    apse1). Distinct for every region: construct ids and names in the global stack use it."""
    if region in REGION_CODES:
        return REGION_CODES[region]
    parts = region.split("-")
    if len(parts) != 3:
        return region
    geography, direction, number = parts
    return f"{geography}{_DIRECTIONS.get(direction, direction[:1])}{number}"


@dataclass(frozen=True)
class Names:
    """Every stable name of one environment, derived from the config alone."""

    settings: Settings

    @property
    def prefix(self) -> str:
        return self.settings.prefix

    # Stacks
    def data_stack(self, region: str) -> str:
        return f"{self.prefix}-data-{region}"

    def replica_stack(self, region: str) -> str:
        return f"{self.prefix}-replica-{region}"

    def app_stack(self, region: str) -> str:
        return f"{self.prefix}-app-{region}"

    @property
    def global_stack(self) -> str:
        return f"{self.prefix}-global"

    # Resources
    def db_identifier(self, region: str) -> str:
        role = "primary" if region == self.settings.primary_region else "replica"
        return f"{self.prefix}-orders-{role}-{region_code(region)}"

    def db_arn(self, region: str) -> str:
        return (
            f"arn:${{AWS::Partition}}:rds:{region}:${{AWS::AccountId}}:db:"
            f"{self.db_identifier(region)}"
        )

    def db_secret(self, region: str) -> str:
        return f"{self.prefix}/orders-db/{region}"

    def rotation_function(self, region: str) -> str:
        return f"{self.prefix}-db-rotation-{region_code(region)}"

    @property
    def sessions_table(self) -> str:
        return f"{self.prefix}-sessions"

    @property
    def orders_table(self) -> str:
        """The orders store under database.engine = "dynamodb-mrsc". Its own name (never the
        sessions table's): a global table's consistency mode cannot change after creation."""
        return f"{self.prefix}-orders-mrsc"

    def bucket(self, region: str) -> str:
        return f"{self.prefix}-objects-{region}"

    def bucket_arn(self, region: str) -> str:
        return f"arn:${{AWS::Partition}}:s3:::{self.bucket(region)}"

    def log_bucket(self, region: str) -> str:
        return f"{self.prefix}-logs-{region}"

    @property
    def trail(self) -> str:
        return f"{self.prefix}-trail"

    @property
    def trail_bucket(self) -> str:
        return f"{self.prefix}-trail-{self.settings.primary_region}"

    def web_acl(self, region: str) -> str:
        return f"{self.prefix}-{region_code(region)}"

    def kms_alias(self, region: str) -> str:
        return f"alias/{self.prefix}-data-{region_code(region)}"

    def kms_alias_arn(self, region: str) -> str:
        return f"arn:${{AWS::Partition}}:kms:{region}:${{AWS::AccountId}}:{self.kms_alias(region)}"

    def backup_vault(self, region: str) -> str:
        return f"{self.prefix}-vault-{region}"

    def backup_vault_arn(self, region: str) -> str:
        return (
            f"arn:${{AWS::Partition}}:backup:{region}:${{AWS::AccountId}}:backup-vault:"
            f"{self.backup_vault(region)}"
        )

    @property
    def backup_plan(self) -> str:
        return f"{self.prefix}-plan"

    def sessions_table_arn(self, region: str) -> str:
        """For Fn::Sub: the sessions table replica in `region`."""
        return (
            f"arn:${{AWS::Partition}}:dynamodb:{region}:${{AWS::AccountId}}:table/"
            f"{self.sessions_table}"
        )

    def orders_table_arn(self, region: str) -> str:
        """For Fn::Sub: the orders MRSC table replica in `region`."""
        return (
            f"arn:${{AWS::Partition}}:dynamodb:{region}:${{AWS::AccountId}}:table/"
            f"{self.orders_table}"
        )

    def db_secret_arn(self, region: str, secret_region: str) -> str:
        """For Fn::Sub: the DB master secret of `secret_region` as replicated into `region`;
        the six "?" match the random suffix Secrets Manager appends."""
        return (
            f"arn:${{AWS::Partition}}:secretsmanager:{region}:${{AWS::AccountId}}:secret:"
            f"{self.db_secret(secret_region)}-??????"
        )

    # Parameters the operations side reads in every region
    @property
    def db_endpoint_parameter(self) -> str:
        """The SSM parameter the app tier reads its orders-DB endpoint from."""
        return f"/{self.prefix}/orders-db/endpoint"

    @property
    def traffic_controls_parameter(self) -> str:
        """The SSM copy of the traffic controls, for when their control plane's region is lost."""
        return f"/{self.prefix}/traffic/controls"

    def alarm_prefix(self, region: str) -> str:
        return f"{self.prefix}-{region}"

    def asg(self, region: str) -> str:
        return f"{self.prefix}-app-{region_code(region)}"

    def alb(self, region: str) -> str:
        return f"{self.prefix}-{region_code(region)}"

    def target_group(self, region: str) -> str:
        return f"{self.prefix}-tg-{region_code(region)}"

    def alarm_topic(self, region: str) -> str:
        return f"{self.prefix}-alarms-{region}"

    def dashboard(self, region: str) -> str:
        return f"{self.prefix}-{region}"

    def alarm(self, region: str, what: str) -> str:
        return f"{self.prefix}-{region}-{what}"

    @property
    def record_fqdn(self) -> str:
        routing = self.settings.routing
        return f"{routing.record_name}.{routing.domain_name}"

    # Fast-failover options (Aurora global database, ARC, Global Accelerator)
    @property
    def global_cluster(self) -> str:
        return f"{self.prefix}-orders-global"

    def db_cluster(self, region: str) -> str:
        return f"{self.prefix}-orders-{region_code(region)}"

    @property
    def traffic_stack(self) -> str:
        return f"{self.prefix}-traffic"

    @property
    def arc_cluster(self) -> str:
        return f"{self.prefix}-arc"

    @property
    def control_panel(self) -> str:
        return f"{self.prefix}-panel"

    def routing_control(self, region: str) -> str:
        return f"{self.prefix}-{region}"

    @property
    def accelerator(self) -> str:
        return f"{self.prefix}-accelerator"

    def failover_detector(self, region: str) -> str:
        return f"{self.prefix}-region-loss-{region_code(region)}"

    def readiness_function(self, region: str) -> str:
        """The scheduled readiness checks (`[readiness] schedule`) in `region`."""
        return f"{self.prefix}-readiness-{region_code(region)}"

    @property
    def operation_lock_parameter(self) -> str:
        """SSM parameter, one per region, leased by the run that is changing the deployment."""
        return f"/{self.prefix}/tradedr/operation-lock"


# AWS limits on the physical names tradedr sets (characters).
NAME_LIMITS: tuple[tuple[str, int], ...] = (
    ("alb", 32),
    ("target_group", 32),
    ("bucket", 63),
    ("db_identifier", 63),
    ("db_cluster", 63),
    ("asg", 255),
    ("rotation_function", 64),
    ("failover_detector", 64),
)


def name_length_problems(settings: Settings) -> list[str]:
    """Names that would exceed an AWS limit: caught at config time, never truncated."""
    names = Names(settings)
    problems = []
    for region in settings.all_regions:
        for kind, limit in NAME_LIMITS:
            name = getattr(names, kind)(region)
            if len(name) > limit:
                problems.append(f"{kind} name {name!r} is {len(name)} characters (limit {limit})")
    return problems
