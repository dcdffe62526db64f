"""Run every check once; an API failure is that check's `error` verdict, not a crash.

Standard library and botocore only: inlined into the scheduled function as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from botocore.exceptions import BotoCoreError, ClientError

from tradedr.readiness.checks import CHECKS
from tradedr.readiness.model import (
    CheckTimeoutError,
    ReadinessCheck,
    ReadinessContext,
    ReadinessReport,
    Status,
    Verdict,
)


def _api_failure(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        operation = getattr(exc, "operation_name", "?")
        return f"API failure: {operation}: {error.get('Code')}: {error.get('Message')}"
    return f"API failure: {exc}"


def run_checks(
    ctx: ReadinessContext,
    *,
    emulated: bool,
    checks: Sequence[ReadinessCheck] = CHECKS,
    progress: Callable[[Verdict], None] | None = None,
) -> ReadinessReport:
    verdicts = []
    for check in checks:
        if emulated and not check.emulated:
            verdict = Verdict(
                check.name, ctx.standby, Status.NOT_EMULATED, check.not_emulated_reason
            )
        else:
            try:
                verdict = check.run(ctx)
            except (ClientError, BotoCoreError, CheckTimeoutError) as exc:
                verdict = Verdict(check.name, ctx.standby, Status.ERROR, _api_failure(exc))
        verdicts.append(verdict)
        if progress is not None:
            progress(verdict)
    return ReadinessReport("local" if emulated else "aws", ctx.standby, verdicts)
