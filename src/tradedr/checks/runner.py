"""`tradedr check`: cdk-nag packs, cfn-lint for every region and the DR rules, in one report.

`check_config` synthesizes a config and checks the result; `check_templates` checks the
CloudFormation templates in a directory, whoever wrote them. Both return a CheckReport.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tradedr.checks.findings import NAG_PACKS, Acknowledged, CheckReport, Finding
from tradedr.checks.lint import config_acknowledgments, lint_acknowledgments, run_lint
from tradedr.checks.nag import (
    AckDeclaration,
    ack_source,
    acknowledgments,
    assembly_stacks,
    nag_findings,
    run_nag,
    start_jsii,
    validate_packs,
)
from tradedr.checks.rules import ALL_RULES, DrContext
from tradedr.checks.rules.base import SOURCE as DR_SOURCE
from tradedr.checks.templates import TemplateDoc
from tradedr.config import REQUIRED_TAG_KEYS, Posture, Settings
from tradedr.fileio import private_dir
from tradedr.infra.synth import StackTemplate
from tradedr.templates import read_directory
from tradedr.templates.markers import DR_TAG
from tradedr.templates.topology import Topology, topology_for

DEFAULT_PACKS: tuple[str, ...] = ("AwsSolutions", "PCI", "NIST")


def run_rules(docs: Sequence[TemplateDoc], context: DrContext) -> list[Finding]:
    findings: list[Finding] = []
    for rule in ALL_RULES:
        findings.extend(rule.check(docs, context))
    return findings


def context_from_settings(settings: Settings) -> DrContext:
    return DrContext(
        posture=settings.posture,
        primary_region=settings.primary_region,
        standby_regions=tuple(settings.standby_regions),
        rto_seconds=settings.targets.rto_seconds,
        required_tags=REQUIRED_TAG_KEYS,
    )


def _synthesized_docs(outdir: Path) -> list[TemplateDoc]:
    docs = []
    for stack in assembly_stacks(outdir):
        text = stack.template_path.read_text(encoding="utf-8")
        docs.append(
            TemplateDoc(stack.name, stack.region, stack.template_path, text, json.loads(text))
        )
    return docs


def _stack_templates(outdir: Path, prefix: str) -> list[StackTemplate]:
    """The assembly's stacks as `synthesize` describes them, in manifest (deployment) order."""
    from tradedr.infra.synth import _kind

    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    artifacts = manifest.get("artifacts", {})
    found = []
    for stack in assembly_stacks(outdir):
        artifact: dict[str, Any] = next(
            (
                a
                for a in artifacts.values()
                if (a.get("properties") or {}).get("stackName") == stack.name
            ),
            {},
        )
        body = json.loads(stack.template_path.read_text(encoding="utf-8"))
        found.append(
            StackTemplate(
                name=stack.name,
                region=stack.region,
                kind=_kind(stack.name, prefix),
                template_path=stack.template_path,
                resources=len(body.get("Resources", {})),
                bytes=stack.template_path.stat().st_size,
                dependencies=[
                    d
                    for d in artifact.get("dependencies", [])
                    if d in artifacts and artifacts[d].get("type") == "aws:cloudformation:stack"
                ],
            )
        )
    return found


def _sources(packs: Sequence[str]) -> list[str]:
    return [NAG_PACKS[p] for p in packs] + ["cfn-lint", DR_SOURCE]


def check_config(
    settings: Settings, outdir: Path, *, packs: Sequence[str] = DEFAULT_PACKS
) -> CheckReport:
    """Synthesize `settings` into `outdir` and run every gate over the result."""
    from tradedr.infra.app import build_app

    chosen = validate_packs(packs)
    private_dir(outdir)  # the synthesized templates name accounts, ARNs and endpoints
    # Acknowledgments are matched by tradedr, so cdk-nag must report every finding.
    app = build_app(settings, outdir=outdir, native_acknowledgments=False)
    app.synth()
    stacks = assembly_stacks(outdir)
    docs = _synthesized_docs(outdir)
    report = CheckReport(stacks=_stack_templates(outdir, settings.prefix), sources=_sources(chosen))
    if chosen:
        findings, acknowledged, _ = run_nag(app, stacks, chosen)
        report.findings += findings
        report.acknowledged += acknowledged
    # Each stack is linted for the region it deploys to (the global stack: the primary's).
    findings, acknowledged = run_lint(
        docs,
        lambda doc: [doc.region or settings.primary_region],
        ignore=settings.checks.ignore_lint_rules,
    )
    report.findings += findings
    report.acknowledged += acknowledged
    report.findings += run_rules(docs, context_from_settings(settings))
    return report


def list_acknowledged(settings: Settings, outdir: Path) -> list[Acknowledged]:
    """Every acknowledgment declared in code for `settings`, without running the packs."""
    from tradedr.infra.app import build_app

    private_dir(outdir)
    build_app(settings, outdir=outdir, native_acknowledgments=False).synth()
    declared = [
        Acknowledged(ack_source(a.rule), a.rule, a.stack, a.resource, a.reason, matched=False)
        for a in acknowledgments(assembly_stacks(outdir))
    ]
    for doc in _synthesized_docs(outdir):
        declared += lint_acknowledgments(doc)
    return declared + config_acknowledgments(settings.checks.ignore_lint_rules)


# --- templates from a directory ------------------------------------------------------

_TAG_POSTURE = re.compile(r"^([a-z-]+):(primary|standby|global)$")


def context_from_templates(docs: Sequence[TemplateDoc]) -> DrContext:
    """Read posture and roles from DisasterRecovery tags ("<posture>:<role>") when present."""
    posture: Posture | None = None
    primary: str | None = None
    standbys: set[str] = set()
    for doc in docs:
        for resource in doc.resources.values():
            tags = (resource.get("Properties") or {}).get("Tags")
            value = _tag(tags, DR_TAG)
            match = _TAG_POSTURE.match(value or "")
            if not match:
                continue
            try:
                posture = Posture(match.group(1))
            except ValueError:
                continue
            if doc.region and match.group(2) == "primary":
                primary = doc.region
            elif doc.region and match.group(2) == "standby":
                standbys.add(doc.region)
    return DrContext(
        posture=posture if primary else None,
        primary_region=primary,
        standby_regions=tuple(sorted(standbys - {primary} if primary else standbys)),
    )


def _tag(tags: Any, key: str) -> str | None:
    if isinstance(tags, list):
        for tag in tags:
            if (
                isinstance(tag, dict)
                and tag.get("Key") == key
                and isinstance(tag.get("Value"), str)
            ):
                return str(tag["Value"])
    return None


def check_templates(
    directory: Path,
    *,
    regions: Sequence[str] | None = None,
    packs: Sequence[str] = DEFAULT_PACKS,
    ignore_lint_rules: Sequence[str] = (),
    topology: Topology | None = None,
) -> CheckReport:
    """Check every CloudFormation template in `directory` (JSON or YAML, SAM and language
    extensions expanded); the findings of the cfn-lint rules in `ignore_lint_rules` are
    reported as acknowledged. Files that are not templates are skipped with a note.

    Where each template deploys and as what comes from the cloud assembly and the
    DisasterRecovery tags (tradedr's own stacks), else from `topology` (assess.toml),
    else from what the templates imply (`infer_topology`, shown in the notes).
    """
    chosen = validate_packs(packs)
    # cdk-nag runs in jsii's Node process, cfn-lint and the reader in this one. One worker
    # thread (so every jsii call comes from the same thread) starts Node while the files are
    # read, then runs the packs while cfn-lint lints here: it mostly waits on Node, so on
    # two cores the packs add little wall time to cfn-lint's. The report keeps the order
    # of a serial run (packs, cfn-lint, DR rules).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tradedr-nag") as pool:
        if chosen:
            pool.submit(start_jsii)
        docs, context, notes = read_for_rules(directory, regions=regions, topology=topology)
        nagged = pool.submit(nag_templates, docs, chosen) if chosen else None
        linted = run_lint(
            docs,
            lambda doc: list(regions or [doc.region or "us-east-1"]),
            ignore=ignore_lint_rules,
        )
        ruled = run_rules(docs, context)
        nag_result = nagged.result() if nagged is not None else ([], [])
    report = CheckReport(
        stacks=[
            StackTemplate(
                d.stack, d.region or "", "template", d.path, len(d.resources), len(d.text.encode())
            )
            for d in docs
        ],
        sources=_sources(chosen),
        notes=notes,
    )
    for findings, acknowledged in (nag_result, linted):
        report.findings += findings
        report.acknowledged += acknowledged
    report.findings += ruled
    return report


def read_for_rules(
    directory: Path,
    *,
    regions: Sequence[str] | None = None,
    topology: Topology | None = None,
) -> tuple[list[TemplateDoc], DrContext, list[str]]:
    """The directory's templates placed in their regions, the rules' context, and the
    notes to show (skipped files, transforms not applied, an inferred topology).

    With `--regions` and no topology file, every template keeps the first region given
    (the way `check --templates --regions` always placed them)."""
    found = read_directory(directory, regions=regions)
    docs = found.templates
    notes = found.notes
    tagged = context_from_templates(docs)
    if tagged.posture is not None and topology is None:
        return docs, tagged, notes  # tradedr's own stacks: their tags say it all
    placed = topology_for(docs, topology)
    if placed.inferred:
        notes.append(inferred_note(placed))
    if not (regions and topology is None):
        docs = place(docs, placed)
    return docs, context_from_topology(placed), notes


def inferred_note(topology: Topology) -> str:
    return "topology inferred (pass --topology assess.toml to confirm or correct it): " + (
        "; ".join(f"{s.template} -> {s.region} {s.role}" for s in topology.stacks)
    )


def place(docs: Sequence[TemplateDoc], topology: Topology) -> list[TemplateDoc]:
    """Each template in the region the topology gives it."""
    from dataclasses import replace

    placed = []
    for doc in docs:
        where = topology.placement(doc.path.name)
        placed.append(replace(doc, region=where.region) if where else doc)
    return placed


def context_from_topology(topology: Topology) -> DrContext:
    """What the DR rules know from a topology: roles, pairs, the RTO target, the tags."""
    return DrContext(
        posture=topology.effective_posture,
        primary_region=topology.primary_region,
        standby_regions=topology.standby_regions,
        rto_seconds=topology.targets.rto_seconds,
        required_tags=topology.tags.required,
        tag_severity=topology.tags.severity,
        pairs=topology.pairs,
    )


def nag_templates(
    docs: Sequence[TemplateDoc], packs: Sequence[str]
) -> tuple[list[Finding], list[Acknowledged]]:
    """cdk-nag over plain templates: each is included into a throwaway CDK app.

    cdk-nag v2-style `Metadata.cdk_nag.rules_to_suppress` entries count as acknowledgments.
    """
    import aws_cdk as cdk
    from aws_cdk import cloudformation_include as cfn_inc

    findings: list[Finding] = []
    acknowledged: list[Acknowledged] = []
    app = cdk.App(context={"aws:cdk:enable-path-metadata": False})
    by_path: dict[str, tuple[str, str]] = {}
    declared: list[AckDeclaration] = []
    with tempfile.TemporaryDirectory(prefix="tradedr-nag-") as tmp:
        for index, doc in enumerate(docs):
            construct_id = f"T{index}"
            stack = cdk.Stack(
                app,
                construct_id,
                env=cdk.Environment(region=doc.region or None) if doc.region else None,
            )
            path = Path(tmp) / f"{construct_id}.json"
            path.write_text(json.dumps(doc.body), encoding="utf-8")
            try:
                cfn_inc.CfnInclude(stack, "Template", template_file=str(path))
            except Exception as exc:  # jsii surfaces every include problem as RuntimeError
                findings.append(
                    Finding(
                        "cdk-nag",
                        "NAG-INCLUDE",
                        "warning",
                        doc.stack,
                        "(template)",
                        f"cdk-nag could not load this template: {str(exc).splitlines()[0]}",
                    )
                )
                continue
            for logical, resource in doc.resources.items():
                by_path[f"{construct_id}/Template/{logical}"] = (doc.stack, logical)
                suppressions = ((resource.get("Metadata") or {}).get("cdk_nag") or {}).get(
                    "rules_to_suppress"
                ) or []
                for entry in suppressions:
                    if isinstance(entry, dict) and entry.get("id"):
                        declared.append(
                            AckDeclaration(
                                stack=doc.stack,
                                scope=f"{construct_id}/Template/{logical}",
                                path=f"{construct_id}/Template/{logical}",
                                resource=logical,
                                rule=str(entry["id"]),
                                reason=str(entry.get("reason") or "(no reason given)"),
                            )
                        )
        found, acknowledged, _ = nag_findings(app, packs, by_path, declared)
        findings += found
    return [_located(f, docs) for f in findings], acknowledged


def _located(finding: Finding, docs: Sequence[TemplateDoc]) -> Finding:
    """The finding at its template's file and the resource's line (cdk-nag knows neither)."""
    from dataclasses import replace

    if finding.file:
        return finding
    doc = next((d for d in docs if d.stack == finding.stack), None)
    if doc is None:
        return finding
    return replace(finding, file=str(doc.path), line=doc.line_of(finding.resource))


# --- SARIF ---------------------------------------------------------------------------

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def to_sarif(report: CheckReport) -> dict[str, Any]:
    """SARIF 2.1.0 with one run per source, for code-scanning UIs."""
    runs = []
    sources = list(dict.fromkeys([*report.sources, *(f.source for f in report.findings)]))
    for source in sources:
        findings = [f for f in report.sorted_findings() if f.source == source]
        rule_ids = sorted({f.rule for f in findings})
        runs.append(
            {
                "tool": {
                    "driver": {
                        "name": source,
                        "informationUri": "https://github.com/tradedr/tradedr",
                        "rules": [{"id": rule} for rule in rule_ids],
                    }
                },
                "results": [
                    {
                        "ruleId": f.rule,
                        "ruleIndex": rule_ids.index(f.rule),
                        "level": _SARIF_LEVEL[f.severity],
                        "message": {"text": f.message},
                        "locations": [
                            {
                                "physicalLocation": _physical(f),
                                "logicalLocations": [
                                    {
                                        "name": f.resource,
                                        "fullyQualifiedName": f"{f.stack}/{f.resource}",
                                        "kind": "resource",
                                    }
                                ],
                            }
                        ],
                    }
                    for f in findings
                ],
            }
        )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs,
    }


def _physical(finding: Finding) -> dict[str, Any]:
    """The real file (relative to the working directory when under it) and line."""
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding)}}
    if finding.line:
        location["region"] = {"startLine": finding.line}
    return location


def _uri(finding: Finding) -> str:
    if not finding.file:
        return f"{finding.stack}.template.json"
    path = Path(finding.file)
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
