"""The Route 53 health checks (or Global Accelerator endpoints) see the regions healthy.

Every serving region that runs instances must be healthy: a standby whose health check is
failing cannot take traffic the moment DNS or the accelerator turns to it. A pilot-light
standby runs no instances, so its check is expected to fail until the failover scales it;
the verdict says so instead of failing. Route 53 counts an endpoint healthy when more than
18 % of its checkers report it healthy.
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html
moto answers every health check "Success" whatever the endpoint does, so the check is not
emulated.
"""

from __future__ import annotations

from tradedr.readiness.model import ReadinessCheck, ReadinessContext, Status, Verdict

HEALTHY_FRACTION = 0.18


class RoutingHealthCheck(ReadinessCheck):
    name = "routing-health"
    summary = "the Route 53 health checks or accelerator endpoints are healthy"
    emulated = False
    not_emulated_reason = "moto answers every health check Success whatever the endpoint does"

    def regions(self, ctx: ReadinessContext) -> tuple[list[str], list[str]]:
        """(regions that must be healthy, routed regions expected down for now)."""
        desired = ctx.facts.desired
        must = [r for r in ctx.facts.routed if desired[r] > 0]
        return must, [r for r in ctx.facts.routed if r not in must]

    def run(self, ctx: ReadinessContext) -> Verdict:
        must, idle = self.regions(ctx)
        if ctx.facts.traffic == "global-accelerator":
            health = self.accelerator(ctx, must + idle)
        else:
            health = self.health_checks(ctx, must + idle)
        unhealthy = [f"{r}: {health[r]}" for r in must if health[r] != "healthy"]
        shown = ", ".join(f"{r} {health[r]}" for r in must)
        idle_note = (
            f"; {', '.join(idle)} runs no instances, so {health[idle[0]]} is expected"
            if idle
            else ""
        )
        if unhealthy:
            return self.verdict(ctx, Status.FAIL, f"unhealthy: {', '.join(unhealthy)}{idle_note}")
        return self.verdict(ctx, Status.PASS, f"{shown}{idle_note}", health=health)

    def health_checks(self, ctx: ReadinessContext, regions: list[str]) -> dict[str, str]:
        outputs = ctx.stack_outputs(ctx.facts.global_stack, ctx.primary)
        route53 = ctx.client("route53", ctx.primary)
        health = {}
        for region in regions:
            check_id = outputs.get(f"HealthCheck{ctx.facts.codes[region].upper()}")
            if not check_id:
                health[region] = "no health check"
                continue
            observations = route53.get_health_check_status(HealthCheckId=check_id).get(
                "HealthCheckObservations", []
            )
            ok = sum(
                1
                for o in observations
                if o.get("StatusReport", {}).get("Status", "").startswith("Success")
            )
            fraction = ok / len(observations) if observations else 0.0
            health[region] = (
                "healthy"
                if fraction > HEALTHY_FRACTION
                else f"unhealthy ({ok}/{len(observations)})"
            )
        return health

    def accelerator(self, ctx: ReadinessContext, regions: list[str]) -> dict[str, str]:
        home = ctx.facts.control_plane_region
        outputs = ctx.stack_outputs(ctx.facts.traffic_stack, home)
        ga = ctx.client("globalaccelerator", home)
        health = {}
        for region in regions:
            arn = outputs.get(f"EndpointGroupArn{ctx.facts.codes[region].upper()}")
            if not arn:
                health[region] = "no endpoint group"
                continue
            group = ga.describe_endpoint_group(EndpointGroupArn=arn)["EndpointGroup"]
            states = [
                e.get("HealthState", "UNKNOWN") for e in group.get("EndpointDescriptions", [])
            ]
            health[region] = (
                "healthy"
                if states and all(s == "HEALTHY" for s in states)
                else f"unhealthy ({', '.join(states) or 'no endpoints'})"
            )
        return health
