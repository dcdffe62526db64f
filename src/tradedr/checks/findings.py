"""The result types every gate produces: findings, acknowledgments and the report."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: tuple[Severity, ...] = ("error", "warning", "info")
NAG_PACKS: dict[str, str] = {
    "AwsSolutions": "cdk-nag:AwsSolutions",
    "PCI": "cdk-nag:PCI",
    "NIST": "cdk-nag:NIST",
    "HIPAA": "cdk-nag:HIPAA",
}


@dataclass(frozen=True)
class Finding:
    """One problem in one resource (or parameter/output) of one stack, and where it is
    written: the template file and the resource's line (when the reader knows them)."""

    source: str
    rule: str
    severity: Severity
    stack: str
    resource: str
    message: str
    file: str = ""
    line: int | None = None

    @property
    def location(self) -> str:
        """`file:line`, the file alone, or the stack when the file is not known."""
        if not self.file:
            return self.stack
        return f"{self.file}:{self.line}" if self.line else self.file

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Acknowledged:
    """A finding the code accepts on purpose, with the trade-off written next to it."""

    source: str
    rule: str
    stack: str
    resource: str
    reason: str
    matched: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckReport:
    """Everything one `tradedr check` run found; `passed` means no errors."""

    findings: list[Finding] = field(default_factory=list)
    acknowledged: list[Acknowledged] = field(default_factory=list)
    # tradedr.infra.synth.StackTemplate per checked stack: `tradedr plan` reuses them.
    stacks: list[Any] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # What the reader left out or could not expand (a buildspec skipped, a macro not run).
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        counts = Counter(f.severity for f in self.findings)
        return {
            "errors": counts["error"],
            "warnings": counts["warning"],
            "acknowledged": len(self.acknowledged),
        }

    @property
    def passed(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    def passes(self, fail_on: Severity = "error") -> bool:
        """No finding at `fail_on` or above ("warning": warnings fail too)."""
        worst = SEVERITY_ORDER.index(fail_on)
        return not any(SEVERITY_ORDER.index(f.severity) <= worst for f in self.findings)

    def sorted_findings(self) -> list[Finding]:
        return sorted(
            self.findings,
            key=lambda f: (SEVERITY_ORDER.index(f.severity), f.source, f.rule, f.stack, f.resource),
        )

    def counts_by_source(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for source in self.sources:
            table[source] = {"error": 0, "warning": 0, "info": 0, "acknowledged": 0}
        for f in self.findings:
            table.setdefault(f.source, {"error": 0, "warning": 0, "info": 0, "acknowledged": 0})
            table[f.source][f.severity] += 1
        for a in self.acknowledged:
            table.setdefault(a.source, {"error": 0, "warning": 0, "info": 0, "acknowledged": 0})
            table[a.source]["acknowledged"] += 1
        return table

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "summary": self.summary(),
            "findings": [f.to_dict() for f in self.sorted_findings()],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data
