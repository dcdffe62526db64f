"""Lambda functions: the region-loss detector, because it runs all the time, and the
scheduled readiness checks, with the custom metrics they publish. (The module is not called
`lambda.py`: that is a Python keyword.)"""

from __future__ import annotations

from tradedr.analysis.cost import keys
from tradedr.analysis.cost.context import PricingContext
from tradedr.analysis.cost.registry import prices
from tradedr.analysis.templates import Resource, StackDoc
from tradedr.infra.components import readiness
from tradedr.templates.markers import DETECTOR_ROLE, ROLE_VARIABLE


@prices("AWS::Lambda::Function")
def function(ctx: PricingContext, stack: StackDoc, function: Resource) -> None:
    """The detector is invoked once a minute and may probe until its timeout.

    The secret rotation function runs four short invocations every 30 days; its requests
    and GB-seconds round to $0.00 a month, so it has no line.
    """
    role = function.prop(f"Environment.Variables.{ROLE_VARIABLE}")
    if role == readiness.ROLE:
        readiness_checks(ctx, stack, function)
        return
    if role != DETECTOR_ROLE:
        return
    region = stack.region
    memory_gb = int(function.prop("MemorySize", 128) or 128) / 1024
    invocations = ctx.hours * 60  # rate(1 minute)
    seconds = invocations * int(function.prop("Timeout", 60) or 60)
    ctx.add(
        region=region,
        component="lambda",
        resource=function,
        charge=f"Lambda compute, region-loss detector ({memory_gb * 1024:.0f} MB, running "
        "continuously)",
        quantity=seconds * memory_gb,
        key=keys.LAMBDA_GB_SECOND,
    )
    ctx.add(
        region=region,
        component="lambda",
        resource=function,
        charge="Lambda requests, region-loss detector (one a minute)",
        quantity=invocations / 1_000_000,
        key=keys.LAMBDA_REQUESTS,
    )


def readiness_checks(ctx: PricingContext, stack: StackDoc, function: Resource) -> None:
    """One run per scheduled interval, each bounded by the function's timeout (an upper
    bound: a run takes as long as its drift detections), and its custom metrics."""
    schedule = ctx.settings.readiness.schedule or "rate(30 minutes)"
    region = stack.region
    memory_gb = int(function.prop("MemorySize", 128) or 128) / 1024
    runs = ctx.hours * 3600 / readiness.schedule_seconds(schedule)
    timeout = int(function.prop("Timeout", 600) or 600)
    ctx.add(
        region=region,
        component="lambda",
        resource=function,
        charge=f"Lambda compute, readiness checks ({schedule}, at most {timeout} s a run)",
        quantity=runs * timeout * memory_gb,
        key=keys.LAMBDA_GB_SECOND,
    )
    ctx.add(
        region=region,
        component="lambda",
        resource=function,
        charge=f"Lambda requests, readiness checks ({schedule})",
        quantity=runs / 1_000_000,
        key=keys.LAMBDA_REQUESTS,
    )
    ctx.add(
        region=region,
        component="cloudwatch",
        resource=function,
        charge=f"CloudWatch custom metrics, {readiness.NAMESPACE} (one per check, and Ready)",
        quantity=readiness.PUBLISHED_METRICS,
        key=keys.CLOUDWATCH_METRIC,
    )
