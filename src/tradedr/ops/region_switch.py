"""Export the failover plan as an AWS ARC Region switch plan (CreatePlan input).

Our plan's groups become the workflow's steps in order (a group of several steps becomes a
Parallel block). Steps with a native Region switch execution block map to it; the others
become a CustomActionLambda step that calls a Lambda the user supplies
(`--custom-action-lambda`) with the step as its payload. tradedr ships no such Lambda and
never invents an ARN: a missing input is an error naming the steps that need it.

Mapping (docs/failover.md has the full table):
- scale-asg (target) -> EC2AutoScaling; manual-approval -> ManualApproval;
- promote-replica -> RdsPromoteReadReplica; aurora-global-failover -> AuroraGlobalDatabase
  (switchoverOnly, ungraceful failover); set-routing-control -> ARCRoutingControl;
  shift-traffic -> Route53HealthCheck;
- everything else (lag check, fencing, SSM endpoint updates, retiring the old writer,
  traffic dials, verification) -> CustomActionLambda.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.config import Posture, Settings
from tradedr.errors import AwsOperationError, ConfigError
from tradedr.infra.region_switch_plan import PlanInputs
from tradedr.names import Names
from tradedr.ops.clients import ClientProvider
from tradedr.ops.plans import ActionKind, Plan, Step, TrafficMode
from tradedr.ops.traffic import TrafficControls

FORMAT = "arc-region-switch"
CUSTOM_ACTIONS = frozenset(
    {
        ActionKind.CHECK_REPLICA_LAG,
        ActionKind.FENCE_PRIMARY,
        ActionKind.WAIT_REPLICA,
        ActionKind.UPDATE_DB_ENDPOINT,
        ActionKind.RETIRE_DB,
        ActionKind.SET_TRAFFIC_DIAL,
        ActionKind.VERIFY_HEALTH,
        ActionKind.CREATE_REPLICA,
        ActionKind.UPDATE_TABLE_REPLICAS,
        ActionKind.BACKUP_JOB,
        ActionKind.CHECK_MRSC_REPLICAS,
    }
)
STEP_TIMEOUT_MINUTES = 60


@dataclass(frozen=True)
class Inventory:
    """ARNs of the deployed resources the native blocks name (read from the account)."""

    asg_arns: dict[str, str] = field(default_factory=dict)
    db_instance_arns: dict[str, str] = field(default_factory=dict)
    db_cluster_arns: dict[str, str] = field(default_factory=dict)
    hosted_zone_id: str | None = None


@dataclass(frozen=True)
class ExportOptions:
    """What only the user can supply: roles and the Lambda behind custom actions."""

    execution_role: str
    approval_role: str | None = None
    custom_action_lambda: str | None = None
    include_approval: bool = True


@dataclass
class RegionSwitchExport:
    request: dict[str, Any]
    notes: list[str]

    def to_json(self) -> str:
        return json.dumps(self.request, indent=2, sort_keys=False)


def app_regions(settings: Settings) -> list[str]:
    return [
        r
        for r in settings.all_regions
        if r == settings.primary_region or settings.posture.runs_standby_app
    ]


def read_inventory(settings: Settings, provider: ClientProvider) -> Inventory:
    """The ARNs from each region's own APIs (ASG ARNs carry a UUID, so they are not
    derivable from names)."""
    names = Names(settings)
    asgs: dict[str, str] = {}
    instances: dict[str, str] = {}
    clusters: dict[str, str] = {}
    zone = None
    try:
        for region in app_regions(settings):
            found = (
                provider.client("autoscaling", region)
                .describe_auto_scaling_groups(AutoScalingGroupNames=[names.asg(region)])
                .get("AutoScalingGroups", [])
            )
            if not found:
                raise AwsOperationError(f"no ASG {names.asg(region)} in {region}; deploy first")
            asgs[region] = found[0]["AutoScalingGroupARN"]
        for region in [] if settings.database.is_mrsc else settings.all_regions:
            rds = provider.client("rds", region)
            if settings.database.is_aurora_global:
                cluster = rds.describe_db_clusters(DBClusterIdentifier=names.db_cluster(region))
                clusters[region] = cluster["DBClusters"][0]["DBClusterArn"]
            else:
                instance = rds.describe_db_instances(
                    DBInstanceIdentifier=names.db_identifier(region)
                )
                instances[region] = instance["DBInstances"][0]["DBInstanceArn"]
        if settings.routing.traffic == "dns-failover":
            cf = provider.client("cloudformation", settings.primary_region)
            stack = cf.describe_stacks(StackName=names.global_stack)["Stacks"][0]
            outputs = {o["OutputKey"]: o.get("OutputValue", "") for o in stack.get("Outputs", [])}
            zone = outputs.get("HostedZoneId") or None
            if zone is None:
                raise AwsOperationError(f"{names.global_stack} has no output HostedZoneId")
    except (ClientError, BotoCoreError) as exc:
        raise AwsOperationError(f"cannot read the deployed resources: {exc}") from None
    return Inventory(asgs, instances, clusters, zone)


class _Mapper:
    def __init__(
        self,
        plan: Plan,
        settings: Settings,
        inventory: Inventory,
        controls: TrafficControls,
        options: ExportOptions,
    ) -> None:
        self.plan, self.settings, self.inventory = plan, settings, inventory
        self.controls, self.options = controls, options
        self.names = Names(settings)
        self.notes: list[str] = []
        # The region a deactivate workflow takes out (dynamodb-mrsc), else None.
        self.deactivating: str | None = None

    def step(self, step: Step) -> dict[str, Any]:
        kind = step.action
        base: dict[str, Any] = {"name": step.id, "description": step.title[:1024]}
        timeout = {"timeoutMinutes": STEP_TIMEOUT_MINUTES}
        if kind is ActionKind.SCALE_ASG and step.region == self.plan.target_region:
            return {
                **base,
                "executionBlockType": "EC2AutoScaling",
                "executionBlockConfiguration": {
                    "ec2AsgCapacityIncreaseConfig": {
                        **timeout,
                        "asgs": [{"arn": arn} for arn in self.inventory.asg_arns.values()],
                        "targetPercent": 100,
                        "capacityMonitoringApproach": "sampledMaxInLast24Hours",
                    }
                },
            }
        if kind is ActionKind.MANUAL_APPROVAL:
            return {
                **base,
                "executionBlockType": "ManualApproval",
                "executionBlockConfiguration": {
                    "executionApprovalConfig": {
                        **timeout,
                        "approvalRole": self.options.approval_role,
                    }
                },
            }
        if kind is ActionKind.PROMOTE_REPLICA:
            return {
                **base,
                "executionBlockType": "RdsPromoteReadReplica",
                "executionBlockConfiguration": {
                    "rdsPromoteReadReplicaConfig": {
                        **timeout,
                        "dbInstanceArnMap": dict(self.inventory.db_instance_arns),
                    }
                },
            }
        if kind is ActionKind.AURORA_GLOBAL_FAILOVER:
            return {
                **base,
                "executionBlockType": "AuroraGlobalDatabase",
                "executionBlockConfiguration": {
                    "globalAuroraConfig": {
                        **timeout,
                        "behavior": "switchoverOnly",
                        "ungraceful": {"ungraceful": "failover"},
                        "globalClusterIdentifier": step.params["global_cluster_id"],
                        "databaseClusterArns": list(self.inventory.db_cluster_arns.values()),
                    }
                },
            }
        if kind is ActionKind.SET_ROUTING_CONTROL:
            return {
                **base,
                "executionBlockType": "ARCRoutingControl",
                "executionBlockConfiguration": {
                    "arcRoutingControlConfig": {
                        **timeout,
                        "regionAndRoutingControls": {
                            region: [{"routingControlArn": arn, "state": "On"}]
                            for region, arn in self.controls.routing_controls.items()
                        },
                    }
                },
            }
        if kind is ActionKind.SHIFT_TRAFFIC:
            return {
                **base,
                "executionBlockType": "Route53HealthCheck",
                "executionBlockConfiguration": {
                    "route53HealthCheckConfig": {
                        **timeout,
                        "hostedZoneId": self.inventory.hosted_zone_id,
                        "recordName": step.params["record_name"],
                        "recordSets": [
                            {"recordSetIdentifier": region, "region": region}
                            for region in app_regions(self.settings)
                        ],
                    }
                },
            }
        return self.custom(step)

    def custom(self, step: Step) -> dict[str, Any]:
        if self.deactivating is not None:
            return self._custom_config(
                step,
                # dynamodb-mrsc: no step needs the region being taken out (the dial is turned
                # through the accelerator's control plane), so every one runs where it stays up.
                {"regionToRun": "activeRegion"},
            )
        activating = step.region == self.plan.target_region
        where: dict[str, Any] = {
            "regionToRun": "activatingRegion" if activating else "deactivatingRegion"
        }
        if not activating:
            # In an ungraceful switch the deactivating region may be gone: skip, as our
            # unplanned plans do, rather than block the recovery on it.
            where["ungraceful"] = {"behavior": "skip"}
        return self._custom_config(step, where)

    def _custom_config(self, step: Step, where: dict[str, Any]) -> dict[str, Any]:
        payload = json.dumps(
            {
                "tradedr": {
                    "prefix": self.plan.prefix,
                    "step": step.id,
                    "action": step.action.value,
                    "region": step.region,
                    "params": step.params,
                }
            },
            sort_keys=True,
        )
        config: dict[str, Any] = {
            "timeoutMinutes": STEP_TIMEOUT_MINUTES,
            "lambdas": [{"arn": self.options.custom_action_lambda, "payload": payload}],
            "retryIntervalMinutes": 1.0,
            **where,
        }
        return {
            "name": step.id,
            "description": step.title[:1024],
            "executionBlockType": "CustomActionLambda",
            "executionBlockConfiguration": {"customActionLambdaConfig": config},
        }

    def workflow_steps(self) -> list[dict[str, Any]]:
        steps = []
        for index, group in enumerate(self.plan.groups, start=1):
            mapped = [self.step(s) for s in group.steps]
            if len(mapped) == 1:
                steps.append(mapped[0])
            else:
                steps.append(
                    {
                        "name": f"group-{index}",
                        "description": group.name[:1024],
                        "executionBlockType": "Parallel",
                        "executionBlockConfiguration": {"parallelConfig": {"steps": mapped}},
                    }
                )
        return steps


def needs_custom_action(step: Step, plan: Plan) -> bool:
    if step.action is ActionKind.SCALE_ASG:
        return step.region != plan.target_region
    return step.action in CUSTOM_ACTIONS


def region_switch_plan(
    plan: Plan,
    settings: Settings,
    inventory: Inventory,
    controls: TrafficControls,
    options: ExportOptions,
    *,
    failback: Plan | None = None,
) -> RegionSwitchExport:
    """The CreatePlan request for `plan` (a planned failover), and what the user should know.

    dynamodb-mrsc (active-active): the failover is a `deactivate` workflow for the region
    taken out and `failback` an `activate` workflow for its return; Region switch has no
    DynamoDB (or Global Accelerator) block, so both are custom actions apart from the
    approval, and the notes say what Region switch cannot express."""
    if not options.execution_role:
        raise ConfigError("--execution-role ARN is required: Region switch runs the plan as it")
    steps = [
        s
        for s in plan.steps()
        if options.include_approval or s.action is not ActionKind.MANUAL_APPROVAL
    ]
    if not options.include_approval:
        plan = plan.model_copy(
            update={
                "groups": [
                    g.model_copy(update={"steps": [s for s in g.steps if s in steps]})
                    for g in plan.groups
                    if any(s in steps for s in g.steps)
                ]
            }
        )
    plans = [plan, *([failback] if failback is not None else [])]
    if not options.include_approval and failback is not None:
        failback = _without_approval(failback)
        plans = [plan, failback]
    custom = sorted(
        {s.id for p in plans for s in p.steps() if needs_custom_action(s, p)},
        key=[s.id for p in plans for s in p.steps()].index,
    )
    if custom and not options.custom_action_lambda:
        raise ConfigError(
            "these steps have no native Region switch block and run as a custom action: "
            f"{', '.join(custom)}; pass --custom-action-lambda ARN (a Lambda you deploy that "
            "performs the step named in its payload)"
        )
    if (
        options.include_approval
        and not options.approval_role
        and any(s.action is ActionKind.MANUAL_APPROVAL for s in plan.steps())
    ):
        raise ConfigError(
            "the plan's manual approval needs --approval-role ARN (the role allowed to "
            "approve), or --no-approval to leave the step out"
        )
    mapper = _Mapper(plan, settings, inventory, controls, options)
    names = Names(settings)
    workflows = [
        {
            "workflowTargetAction": "activate",
            "workflowTargetRegion": plan.target_region,
            "workflowDescription": f"activate {plan.target_region} ({names.prefix})",
            "steps": mapper.workflow_steps(),
        }
    ]
    if settings.database.is_mrsc:
        mapper.deactivating = plan.source_region
        workflows = [
            {
                "workflowTargetAction": "deactivate",
                "workflowTargetRegion": plan.source_region,
                "workflowDescription": f"take {plan.source_region} out ({names.prefix}): "
                "its accelerator dial to 0, the others confirmed serving",
                "steps": mapper.workflow_steps(),
            }
        ]
        if failback is not None:
            back = _Mapper(failback, settings, inventory, controls, options)
            back.deactivating = plan.source_region
            workflows.append(
                {
                    "workflowTargetAction": "activate",
                    "workflowTargetRegion": failback.target_region,
                    "workflowDescription": f"return {failback.target_region} ({names.prefix}) "
                    "once its health and its orders replica are confirmed",
                    "steps": back.workflow_steps(),
                }
            )
    request: dict[str, Any] = {
        "name": f"{settings.prefix}-failover"[:32].rstrip("-"),
        "description": f"tradedr failover of {settings.prefix}: {plan.title}",
        "executionRole": options.execution_role,
        "recoveryTimeObjectiveMinutes": max(1, math.ceil(plan.rto_seconds / 60)),
        "regions": list(settings.all_regions),
        "recoveryApproach": "activeActive"
        if settings.posture is Posture.ACTIVE_ACTIVE
        else "activePassive",
        "workflows": workflows,
        "tags": {"Application": settings.application, "ManagedBy": "tradedr"},
    }
    if settings.posture is not Posture.ACTIVE_ACTIVE:
        request["primaryRegion"] = settings.primary_region
    notes = [
        f"{len(custom)} step(s) run as custom actions through {options.custom_action_lambda}"
        if custom
        else "every step maps to a native block",
        "EC2AutoScaling scales the activating region to the active region's sampled maximum "
        "of the last 24 h, not to the configured active capacity",
    ]
    if controls.mode is TrafficMode.TRAFFIC_DIAL:
        notes.append("Global Accelerator has no Region switch block: the dials are custom actions")
    if settings.database.is_mrsc:
        notes = [n for n in notes if not n.startswith("EC2AutoScaling")]
        notes += MRSC_NOTES
    return RegionSwitchExport(request, notes)


# What Region switch can and cannot express for dynamodb-mrsc (execution block types from the
# arc-region-switch service model: no DynamoDB and no Global Accelerator block).
MRSC_NOTES = [
    "Region switch has no DynamoDB block: it cannot check an MRSC table's consistency mode or "
    "its replicas' and witness's status, so check-orders-replicas runs as a custom action",
    "nothing in Region switch needs to promote anything here, and nothing should: MRSC has no "
    "writer to move, so the plan has no database block at all",
    "the region's loss is detected and traffic moved by Global Accelerator's own health "
    "checks, outside Region switch; the deactivate workflow only makes that explicit (dial 0) "
    "and confirms the other regions serve",
    "no EC2AutoScaling block: every region already runs at full capacity (DR019)",
]


def _without_approval(plan: Plan) -> Plan:
    return plan.model_copy(
        update={
            "groups": [
                g.model_copy(
                    update={
                        "steps": [s for s in g.steps if s.action is not ActionKind.MANUAL_APPROVAL]
                    }
                )
                for g in plan.groups
                if any(s.action is not ActionKind.MANUAL_APPROVAL for s in g.steps)
            ]
        }
    )


def export_region_switch(
    settings: Settings,
    provider: ClientProvider,
    *,
    to_region: str | None,
    options: ExportOptions,
    target: str = "aws",
) -> RegionSwitchExport:
    """Build the planned failover plan for the deployment and map it (the CLI entry point)."""
    from tradedr.ops.failover import failover_plan
    from tradedr.ops.traffic import resolve_traffic

    to = to_region or settings.standby_regions[0]
    controls = resolve_traffic(settings, provider, read_region=to, emulated=target == "local")
    plan = failover_plan(
        settings,
        to_region=to,
        mode="planned",
        approval=options.include_approval,
        traffic_mode=controls.mode,
        traffic=controls.params_for(to),
    )
    if controls.placeholders:
        raise ConfigError(
            "the emulator has no ARC or Global Accelerator: export from --target aws, where "
            "the traffic controls exist"
        )
    inventory = read_inventory(settings, provider)
    back = None
    if settings.database.is_mrsc:
        from tradedr.ops.failback import failback_plan

        home = settings.primary_region
        back_controls = resolve_traffic(
            settings, provider, read_region=home, emulated=target == "local"
        )
        back = failback_plan(
            settings,
            current_region=to,
            home_region=home,
            approval=options.include_approval,
            traffic_mode=back_controls.mode,
            traffic=back_controls.params_for(home),
        )
    return region_switch_plan(plan, settings, inventory, controls, options, failback=back)


def export_on_target(
    settings: Settings,
    *,
    target: str,
    profile: str | None,
    to_region: str | None,
    options: ExportOptions,
) -> RegionSwitchExport:
    from tradedr.ops.target import check_target, open_target

    check_target(target, profile)
    with open_target(target, profile) as opened:
        return export_region_switch(
            settings,
            opened.provider,
            to_region=to_region,
            options=options,
            target="local" if opened.is_emulator else "aws",
        )


def template_request(settings: Settings, inputs: PlanInputs) -> dict[str, Any]:
    """The CreatePlan request the region-switch stack holds: the same planned failover plan
    and the same mapping (`region_switch_plan`) as the export, with the ARNs as the
    template's tokens instead of values read from the account."""
    from tradedr.ops.failover import failover_plan
    from tradedr.ops.traffic import traffic_mode_for

    to = settings.standby_regions[0]
    controls = TrafficControls(
        traffic_mode_for(settings),
        routing_controls=dict(inputs.routing_controls),
        endpoint_groups=dict(inputs.endpoint_groups),
        source="template parameters",
    )
    plan = failover_plan(
        settings,
        to_region=to,
        mode="planned",
        traffic_mode=controls.mode,
        traffic=controls.params_for(to),
    )
    inventory = Inventory(
        asg_arns=dict(inputs.asg_arns),
        db_instance_arns=dict(inputs.db_instance_arns),
        db_cluster_arns=dict(inputs.db_cluster_arns),
        hosted_zone_id=inputs.hosted_zone_id,
    )
    options = ExportOptions(
        execution_role=inputs.execution_role,
        approval_role=inputs.approval_role,
        custom_action_lambda=inputs.custom_action_lambda,
    )
    return region_switch_plan(plan, settings, inventory, controls, options).request
