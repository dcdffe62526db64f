"""What cdk.json runs (`python -m tradedr.cli.cdk_app`): the CDK app of `TRADEDR_CONFIG`,
with the Region switch plan builder registered as the `tradedr` CLI registers it (infra's
own `python -m tradedr.infra.app` cannot import ops, so it refuses that opt-in)."""

from __future__ import annotations

from typing import Any

from tradedr.infra.region_switch_plan import use_plan_source


def _region_switch_plan(settings: Any, inputs: Any) -> dict[str, Any]:
    from tradedr.ops.region_switch import template_request

    return template_request(settings, inputs)


def main() -> None:
    from tradedr.infra.app import main as synth_app

    use_plan_source(_region_switch_plan)
    synth_app()


if __name__ == "__main__":
    main()
