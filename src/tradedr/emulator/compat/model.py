"""What the transforms produce: a stack's prepared template and the notes, substitutes
and follow-up work they record, and the markers they write into templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NOT_EMULATED = "not emulated"
SUBSTITUTED = "substituted"
PLACEHOLDER_PREFIX = "not-emulated:"
# Outputs the transforms add so moto resolves intrinsics for a post-deploy API call.
COMPAT_OUTPUT_PREFIX = "TradedrCompat"


@dataclass(frozen=True)
class CompatNote:
    """A resource the emulator does not create as the template says, and what we did."""

    stack: str
    region: str
    logical_id: str
    resource_type: str
    handling: str  # NOT_EMULATED or SUBSTITUTED
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {
            "stack": self.stack,
            "region": self.region,
            "logical_id": self.logical_id,
            "type": self.resource_type,
            "handling": self.handling,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class SecretSubstitute:
    """A Secrets Manager secret created through the API before its stack (see secretsmanager)."""

    logical_id: str
    name: str
    kms_key: Any
    generate: dict[str, Any]
    description: str = ""
    replica_regions: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class PropertyApplication:
    """A property moto ignores on deploy, applied through the service API afterwards."""

    logical_id: str
    resource_type: str
    prop: str
    output_key: str


@dataclass
class PreparedStack:
    """One stack's template after the emulator transforms, and what they changed."""

    name: str
    region: str
    template: dict[str, Any]
    notes: list[CompatNote] = field(default_factory=list)
    secrets: list[SecretSubstitute] = field(default_factory=list)
    applications: list[PropertyApplication] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (secret name, DB id)
    certificates: list[tuple[str, str]] = field(default_factory=list)  # (listener, ACM ARN)
    dropped_exports: list[str] = field(default_factory=list)
