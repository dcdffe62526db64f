"""One root for every error a user should see as a message rather than a traceback."""

from __future__ import annotations


class TradedrError(Exception):
    """A problem the user can fix; the CLI prints the message and exits with `exit_code`."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(TradedrError):
    """Bad configuration or bad command-line input: exit code 2, like any usage error."""

    exit_code = 2


class TemplateError(TradedrError):
    """A template that cannot be read or is not CloudFormation."""

    exit_code = 2


class AwsOperationError(TradedrError):
    """An AWS (or emulator) call failed in a way retrying did not fix: exit code 3."""

    exit_code = 3


class PlanBugError(TradedrError):
    """A plan that breaks its own rules (a bug in tradedr, not the operator's input): exit 3."""

    exit_code = 3
