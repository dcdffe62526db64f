"""Failover recipes: planned (fence, drain, promote, retire), practice (the unplanned path
rehearsed on a healthy system, the primary fenced and drained first and retired last) and
unplanned (nothing in the failed region), for RDS MySQL and Aurora global."""

from __future__ import annotations

from tradedr.ops import steps
from tradedr.ops.plans import Step, StepGroup, control_plane_region
from tradedr.ops.recipes import standbys
from tradedr.ops.recipes.base import PlanRequest
from tradedr.ops.steps import group

Groups = tuple[list[StepGroup], list[str]]


def _head(request: PlanRequest) -> list[StepGroup]:
    """The lag check, then (unless waived) the operator's go."""
    settings, source, target = request.settings, request.source, request.target
    groups = [
        group(
            "preconditions",
            steps.lag_check(settings, target, allow_data_loss=request.allow_data_loss),
        )
    ]
    if request.approval:
        prefix = settings.prefix
        groups.append(
            group(
                "approval",
                steps.approval(
                    target,
                    title=f"Approve failover of {prefix} from {source} to {target}",
                    prompt=f"Fail {prefix} over from {source} to {target} ({request.mode})?",
                ),
            )
        )
    return groups


def _scale(request: PlanRequest) -> Step:
    return steps.scale_active(request.settings, request.target)


def _fence(request: PlanRequest) -> Step:
    source = request.source
    return steps.fence_app(
        request.settings,
        source,
        title=f"Fence the old primary: scale {request.names.asg(source)} to 0",
        verification="no instances left, so its deep health check fails and writes stop",
        preconditions=[f"{source} answers API calls"],
        phase=request.cleanup,
    )


def _drain(request: PlanRequest) -> Step:
    return steps.drain(
        request.settings,
        request.target,
        verification="ReplicaLag reaches 0 after the old primary stopped writing",
    )


def _promote(request: PlanRequest) -> Step:
    return steps.promote(
        request.settings,
        request.target,
        verification="instance available with no replication source",
    )


def _repoint_target(request: PlanRequest) -> Step:
    settings, target = request.settings, request.target
    writer = (
        request.names.db_cluster(target)
        if settings.database.is_aurora_global
        else request.names.db_identifier(target)
    )
    return steps.repoint(
        settings,
        target,
        db_region=target,
        title=f"Point {steps.endpoint_parameter(settings)} in {target} at {writer}",
        verification="parameter value equals the writer's endpoint address",
    )


def _repoint_source(request: PlanRequest) -> Step:
    settings, source, target = request.settings, request.source, request.target
    what = "writer cluster" if settings.database.is_aurora_global else "writer"
    return steps.repoint(
        settings,
        source,
        db_region=target,
        title=f"Point {steps.endpoint_parameter(settings)} in {source} at the new {what} in "
        f"{target}",
        verification="parameter value equals the writer's endpoint address",
        phase=request.cleanup,
    )


def _retire(request: PlanRequest) -> Step:
    return steps.retire(
        request.settings,
        request.source,
        stamp=request.stamp,
        title="Retire the old writer {db}: rename and stop (data kept)",
        verification="the old writer is stopped, so it cannot take writes",
        phase=request.cleanup,
    )


def _tail(request: PlanRequest) -> list[StepGroup]:
    settings, target = request.settings, request.target
    return [
        group(
            "move traffic",
            *steps.traffic_steps(settings, target, request.traffic_mode, request.traffic),
        ),
        group("verify", steps.verify(settings, target)),
    ]


def _unplanned_notes(request: PlanRequest, note: str) -> list[str]:
    notes = [note, *standbys.note(request, writer=request.target)]
    if request.source == "us-east-1":
        notes.append(
            "Route 53's control plane is in us-east-1: the plan edits no records or health checks"
        )
    return notes


# RDS MySQL ------------------------------------------------------------------------------


def mysql_planned(request: PlanRequest) -> Groups:
    return [
        *_head(request),
        group("prepare the standby", _scale(request)),
        group("stop writes in the old primary", _fence(request)),
        group("let the replica catch up", _drain(request)),
        group("promote", _promote(request)),
        group("repoint the app", _repoint_target(request), _repoint_source(request)),
        *standbys.rebuild(request, writer=request.target),
        group("fence the old writer", _retire(request)),
        *_tail(request),
    ], standbys.note(request, writer=request.target)


def mysql_practice(request: PlanRequest) -> Groups:
    tail = _tail(request)
    return [
        *_head(request),
        group("prepare the standby", _scale(request)),
        group("stop writes in the old primary (practice only)", _fence(request)),
        group("let the replica catch up", _drain(request)),
        group("promote", _promote(request)),
        group("repoint the app", _repoint_target(request)),
        *tail,
        *standbys.rebuild(request, writer=request.target),
        group(
            "clean up the old primary (practice only)",
            _repoint_source(request),
            _retire(request),
        ),
    ], [
        f"practice: recovery steps use nothing in {request.source}; the steps marked cleanup "
        "fence the healthy primary so the rehearsal leaves one writer",
        *standbys.note(request, writer=request.target),
    ]


def mysql_unplanned(request: PlanRequest) -> Groups:
    source = request.source
    return [
        *_head(request),
        group("prepare the standby", _scale(request)),
        group("promote", _promote(request)),
        group("repoint the app", _repoint_target(request)),
        *_tail(request),
        *standbys.rebuild(request, writer=request.target),
    ], _unplanned_notes(
        request,
        f"unplanned: nothing in {source} is called. Its app and DB are NOT fenced: "
        f"when {source} comes back, run `tradedr failback` (it retires the old writer "
        "first) before its health check can pull traffic back",
    )


# Aurora global --------------------------------------------------------------------------


def _switch(request: PlanRequest) -> Step:
    return steps.aurora_switch(
        request.settings,
        request.target,
        planned=request.mode != "unplanned",
        allow_data_loss=request.allow_data_loss,
    )


def aurora_planned(request: PlanRequest) -> Groups:
    return [
        *_head(request),
        group("prepare the standby", _scale(request)),
        group("stop writes in the old primary", _fence(request)),
        group("switch the writer (managed switchover)", _switch(request)),
        group("repoint the app", _repoint_target(request), _repoint_source(request)),
        *standbys.rebuild(request, writer=request.target),
        *_tail(request),
    ], [
        "Aurora managed switchover waits until the secondary has every write, then "
        f"swaps roles: the old writer cluster in {request.source} becomes a secondary",
        *standbys.note(request, writer=request.target),
    ]


def aurora_practice(request: PlanRequest) -> Groups:
    return [
        *_head(request),
        group("prepare the standby", _scale(request)),
        group("stop writes in the old primary (practice only)", _fence(request)),
        group("switch the writer (managed switchover)", _switch(request)),
        group("repoint the app", _repoint_target(request)),
        *_tail(request),
        group("clean up the old primary (practice only)", _repoint_source(request)),
        *standbys.rebuild(request, writer=request.target),
    ], [
        "practice: a managed switchover (no data loss) on a healthy system; recovery "
        f"steps use nothing in {request.source}",
        *standbys.note(request, writer=request.target),
    ]


def aurora_unplanned(request: PlanRequest) -> Groups:
    source = request.source
    return [
        *_head(request),
        group("prepare the standby", _scale(request)),
        group("fail the writer over (AllowDataLoss)", _switch(request)),
        group("repoint the app", _repoint_target(request)),
        *_tail(request),
        *standbys.rebuild(request, writer=request.target),
    ], _unplanned_notes(
        request,
        f"unplanned: FailoverGlobalCluster with AllowDataLoss (--allow-data-loss); "
        f"when {source} comes back Aurora rejoins its cluster as a secondary. Its app "
        f"is NOT fenced: run `tradedr failback` before routing returns to {source}",
    )


# DynamoDB MRSC (active-active) --------------------------------------------------------
#
# No promotion exists: every surviving region already writes orders (MRSC acknowledges
# only what a second Region holds) and runs at full capacity, and the accelerator's health
# checks already moved traffic. "Failover" is taking the lost region out of the accelerator
# (its dial to 0, so it takes nothing back while it flaps) and confirming the survivors
# serve. The region-loss detector is not needed and not deployed.


def _mrsc_survivors(request: PlanRequest) -> list[str]:
    settings = request.settings
    witness = settings.database.witness_region
    return [r for r in settings.all_regions if r != request.source] + ([witness] if witness else [])


def _mrsc(request: PlanRequest, *, planned: bool) -> Groups:
    settings, source, target = request.settings, request.source, request.target
    survivors = _mrsc_survivors(request)
    serving = [r for r in settings.all_regions if r != source]
    groups = [
        group(
            "preconditions",
            steps.mrsc_replicas(
                settings,
                target,
                survivors,
                title=f"Check from {target}: the orders table is STRONG and the replicas of "
                f"{', '.join(survivors)} are ACTIVE",
            ),
        )
    ]
    if request.approval:
        groups.append(
            group(
                "approval",
                steps.approval(
                    target,
                    title=f"Approve taking {source} out of {settings.prefix}'s traffic",
                    prompt=f"Set {source}'s accelerator dial to 0 ({request.mode})?",
                ),
            )
        )
    notes: list[str] = [
        "dynamodb-mrsc: no promotion and no detector; the accelerator's health checks already "
        f"send {source}'s clients to {', '.join(serving)}, which write orders through MRSC"
    ]
    arn = ((request.traffic or {}).get("other_endpoint_groups") or {}).get(source)
    dial_blocked = not planned and control_plane_region("globalaccelerator", source) == source
    if dial_blocked:
        notes.append(
            f"the Global Accelerator control plane is in {source}, the lost region: its dial "
            "cannot be turned, and need not be (its failed health checks keep traffic away); "
            f"set it to 0 with `tradedr failover --from {source}` once {source} answers"
        )
    elif arn is not None:
        groups.append(
            group(
                "take the lost region out",
                steps.traffic_dial(
                    source,
                    str(arn),
                    0,
                    title=f"Set the Global Accelerator traffic dial of {source} to 0%",
                    verification="DescribeEndpointGroup shows TrafficDialPercentage 0",
                ),
            )
        )
    groups.append(group("confirm", *(steps.verify(settings, r) for r in serving)))
    if not planned:
        notes.append(
            f"unplanned: nothing in {source} is called; when it returns, `tradedr failback` "
            "sets its dial back to 100 only after its health and its table replica are confirmed"
        )
    return groups, notes


def mrsc_planned(request: PlanRequest) -> Groups:
    return _mrsc(request, planned=True)


def mrsc_practice(request: PlanRequest) -> Groups:
    groups, notes = _mrsc(request, planned=True)
    return groups, [
        *notes,
        f"practice: {request.source} is healthy; after the rehearsal `tradedr failback` returns it",
    ]


def mrsc_unplanned(request: PlanRequest) -> Groups:
    return _mrsc(request, planned=False)
