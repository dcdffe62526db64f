"""One root for every error a user should see as a message rather than a traceback."""

from __future__ import annotations

from typing import ClassVar


class TradedrError(Exception):
    """A problem the user can fix; the CLI prints the message and exits with `exit_code`.

    `prefix` names the kind of problem in front of the message ("config error: ..."), so no
    raise site spells it and every error of a kind reads the same."""

    exit_code: ClassVar[int] = 1
    prefix: ClassVar[str] = ""

    def __init__(self, message: str) -> None:
        self.message = f"{self.prefix}: {message}" if self.prefix else message
        super().__init__(self.message)


class ConfigError(TradedrError):
    """Bad configuration or bad command-line input: exit code 2, like any usage error."""

    exit_code = 2


class ConfigFileError(ConfigError):
    """The config file itself (its bytes, its TOML or a value in it) is wrong."""

    prefix = "config error"


class TemplateError(TradedrError):
    """A template that cannot be read or is not CloudFormation."""

    exit_code = 2
    prefix = "template error"


class AwsOperationError(TradedrError):
    """An AWS (or emulator) call failed in a way retrying did not fix: exit code 3."""

    exit_code = 3


class ResourceNotFoundError(AwsOperationError):
    """A resource the deployment should have is not there (not deployed, or deleted)."""


class PlanBugError(TradedrError):
    """A plan that breaks its own rules (a bug in tradedr, not the operator's input): exit 3."""

    exit_code = 3
