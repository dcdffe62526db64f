"""cfn-lint over every template, for every region given, through its library API."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from tradedr.checks.findings import Acknowledged, Finding, Severity
from tradedr.checks.templates import TemplateDoc
from tradedr.templates.markers import LINT_ACK_METADATA_KEY
from tradedr.templates.values import describe

SOURCE = "cfn-lint"
# The reason an acknowledgment from the config gives (checks.ignore_lint_rules).
CONFIG_IGNORE_REASON = "turned off in the config ([checks] ignore_lint_rules)"
_SEVERITY: dict[str, Severity] = {"error": "error", "warning": "warning"}
# cfn-lint warnings that predict a rejection by CloudFormation or the service: a deploy
# would fail, so tradedr reports them as errors (docs/check.md lists each with its reason).
# cfn-lint's own errors already cover invalid values (instance classes for the engine and
# version, EC2 instance types for the region, AMI ids, engine versions, blocked runtimes);
# these are the warnings whose value is certain to be refused.
_RESOLVED = (
    "the value this intrinsic resolves to in the region fails the resource's schema, and "
    "CloudFormation passes that value to the service, which rejects it"
)
DEPLOY_BLOCKERS: dict[str, str] = {
    "W3690": "RDS refuses to create new DB clusters with a deprecated engine version",
    "W3691": "RDS refuses to create new DB instances with a deprecated engine version",
    "W1031": f"Fn::Sub: {_RESOLVED}",
    "W1032": f"Fn::Join: {_RESOLVED}",
    "W1033": f"Fn::Split: {_RESOLVED}",
    "W1034": f"Fn::FindInMap: {_RESOLVED}",
    "W1035": f"Fn::Select: {_RESOLVED}",
    "W1036": f"Fn::GetAZs: {_RESOLVED}",
}


def _location(path: Sequence[Any]) -> str:
    if len(path) >= 2 and path[0] in ("Resources", "Parameters", "Outputs", "Conditions"):
        return str(path[1])
    return "/".join(str(p) for p in path) or "(template)"


def in_words(message: str) -> str:
    """cfn-lint's message with each printed intrinsic (`{'Ref': 'PrimaryRegion'}`) said in
    words ("the value in parameter PrimaryRegion"), as every tradedr message is."""
    import ast

    out, index = [], 0
    while (start := message.find("{'", index)) >= 0:
        depth, end = 0, start
        for end in range(start, len(message)):
            depth += {"{": 1, "}": -1}.get(message[end], 0)
            if depth == 0:
                break
        try:
            value = ast.literal_eval(message[start : end + 1])
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = None
        out.append(message[index:start])
        intrinsic = isinstance(value, dict) and len(value) == 1
        if intrinsic and str(next(iter(value))).startswith(("Ref", "Fn::")):
            out.append(describe(value))
        else:
            out.append(message[start : end + 1])
        index = end + 1
    out.append(message[index:])
    return "".join(out)


@cache
def lint_rules() -> Any:
    """cfn-lint's rule collection, loaded once per process as its own CLI does.

    `cfnlint.api.lint` without `rules` loads every rule module again for each template
    (about 0.3 s each); loaded once, a directory lints as fast as `cfn-lint DIR/*`.
    """
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    return Runner(ConfigMixIn(regions=["us-east-1"])).rules


@cache
def _config(regions: tuple[str, ...]) -> Any:
    from cfnlint.config import ConfigMixIn

    return ConfigMixIn(regions=list(regions))


def _lint(text: str, regions: tuple[str, ...]) -> list[Any]:
    """`cfnlint.api.lint`, with the rules and config loaded once (the API takes only the
    legacy RulesCollection and otherwise builds a Runner, so every rule, per template)."""
    from cfnlint.decode.decode import decode_str
    from cfnlint.runner import run_template_by_data

    template, errors = decode_str(text)
    if errors:
        return list(errors)
    if template is None:
        return []
    return list(run_template_by_data(template, _config(regions), lint_rules()))


def lint_text(text: str, stack: str, regions: Sequence[str], *, file: str = "") -> list[Finding]:
    """Lint one template's text; a plain function so worker processes can run it."""
    findings = []
    seen: set[tuple[str, str, str]] = set()
    for match in _lint(text, tuple(regions)):
        rule_id = str(match.rule.id)
        resource = _location(getattr(match, "path", None) or [])
        message = in_words(str(match.message).splitlines()[0])
        key = (rule_id, resource, message)
        if key in seen:
            continue
        seen.add(key)
        severity = _SEVERITY.get(str(match.rule.severity).lower(), "info")
        if rule_id in DEPLOY_BLOCKERS:
            severity = "error"
            message = f"{message} (a deploy blocker: {DEPLOY_BLOCKERS[rule_id]})"
        line = getattr(match, "linenumber", None)
        findings.append(
            Finding(
                SOURCE,
                rule_id,
                severity,
                stack,
                resource,
                message,
                file=file,
                line=int(line) if isinstance(line, int) and line > 0 else None,
            )
        )
    return findings


def lint_template(doc: TemplateDoc, regions: Sequence[str]) -> list[Finding]:
    return lint_text(doc.text, doc.stack, regions, file=str(doc.path))


def lint_acknowledgments(doc: TemplateDoc) -> list[Acknowledged]:
    """cfn-lint ignores declared in resource Metadata, with tradedr's reason when present."""
    found = []
    for logical, resource in doc.resources.items():
        metadata = resource.get("Metadata") or {}
        config = (metadata.get("cfn-lint") or {}).get("config") or {}
        reasons = {
            str(entry.get("rule")): str(entry.get("reason"))
            for entry in metadata.get(LINT_ACK_METADATA_KEY) or []
            if isinstance(entry, dict)
        }
        for rule in config.get("ignore_checks") or []:
            reason = reasons.get(str(rule), "(no reason given in the template)")
            found.append(Acknowledged(SOURCE, str(rule), doc.stack, logical, reason))
    return found


def ignore_rules(
    findings: Sequence[Finding], ignored: Sequence[str]
) -> tuple[list[Finding], list[Acknowledged]]:
    """(the findings of rules not in `ignored`, one acknowledgment per finding left out)."""
    if not ignored:
        return list(findings), []
    off = set(ignored)
    kept = [f for f in findings if f.rule not in off]
    dropped = [
        Acknowledged(SOURCE, f.rule, f.stack, f.resource, CONFIG_IGNORE_REASON)
        for f in findings
        if f.rule in off
    ]
    return kept, dropped


def config_acknowledgments(ignored: Sequence[str]) -> list[Acknowledged]:
    """The config's ignored rules, as declared acknowledgments (for --list-acknowledged)."""
    return [
        Acknowledged(
            SOURCE, rule, "(every stack)", "(every resource)", CONFIG_IGNORE_REASON, matched=False
        )
        for rule in ignored
    ]


def run_lint(
    docs: Sequence[TemplateDoc],
    regions_of: Callable[[TemplateDoc], Sequence[str]],
    *,
    ignore: Sequence[str] = (),
) -> tuple[list[Finding], list[Acknowledged]]:
    """Lint each template for the regions `regions_of` names; findings of the rules in
    `ignore` (the config's `[checks] ignore_lint_rules`) become acknowledgments.

    In-process and serial: a process pool measured slower on two shared cores (workers
    compete with the CDK synth's Node process).
    """
    findings: list[Finding] = []
    acknowledged: list[Acknowledged] = []
    for doc in docs:
        kept, dropped = ignore_rules(lint_template(doc, regions_of(doc)), ignore)
        findings += kept
        acknowledged += lint_acknowledgments(doc) + dropped
    return findings, acknowledged
