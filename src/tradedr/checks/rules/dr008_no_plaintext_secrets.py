"""DR008: no plaintext secret in parameters, properties, user data or outputs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from tradedr.checks.findings import Finding
from tradedr.checks.rules.base import DrContext, DrRule, is_true, properties
from tradedr.checks.templates import TemplateDoc

_SECRET_NAME = re.compile(r"pass(word|wd|phrase)?|secret|token|api_?key|private_?key", re.I)
_REFERENCE_NAME = re.compile(r"(arn|name|id|parameter|path)$", re.I)
_SECRET_PROPERTIES = {
    "MasterUserPassword",
    "Password",
    "SecretString",
    "AuthToken",
    "MasterUserSecret",
}
_USER_DATA_SECRET = re.compile(
    r"(password|passwd|secret|token|api_?key)\s*[:=]\s*['\"]?[A-Za-z0-9!@#$%^&*()_+\-/]{6,}",
    re.I,
)


def _is_dynamic_reference(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{{resolve:")


def _literal(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not _is_dynamic_reference(value)


class NoPlaintextSecrets(DrRule):
    id = "DR008"
    title = "No plaintext secrets"
    description = (
        "A secret in a template is in every copy of it: S3 staging buckets, CloudFormation "
        "history, git. Secret parameters need NoEcho and no Default; password properties "
        "take dynamic references or service-managed secrets; user data and outputs carry none."
    )
    source = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/security-best-practices.html#creds"

    def check(self, docs: Sequence[TemplateDoc], context: DrContext) -> Iterator[Finding]:
        for doc in docs:
            yield from self._parameters(doc)
            yield from self._resources(doc)
            yield from self._outputs(doc)

    def _parameters(self, doc: TemplateDoc) -> Iterator[Finding]:
        for name, param in (doc.body.get("Parameters") or {}).items():
            if not isinstance(param, dict) or not _SECRET_NAME.search(name):
                continue
            if _REFERENCE_NAME.search(name) or str(param.get("Type", "")).startswith("AWS::SSM"):
                continue
            if "Default" in param:
                yield self.finding(
                    doc, name, "secret parameter has a Default value in the template"
                )
            elif not is_true(param.get("NoEcho")):
                yield self.finding(doc, name, "secret parameter lacks NoEcho: true")

    def _resources(self, doc: TemplateDoc) -> Iterator[Finding]:
        for logical, resource in doc.resources.items():
            props = properties(resource)
            for key in _SECRET_PROPERTIES & set(props):
                if key != "MasterUserSecret" and _literal(props[key]):
                    yield self.finding(doc, logical, f"{key} is a literal value in the template")
            for user_data in _user_data(props):
                if _USER_DATA_SECRET.search(user_data):
                    yield self.finding(doc, logical, "user data contains a secret assignment")

    def _outputs(self, doc: TemplateDoc) -> Iterator[Finding]:
        parameters = doc.body.get("Parameters") or {}
        for name, output in (doc.body.get("Outputs") or {}).items():
            if not isinstance(output, dict):
                continue
            value = output.get("Value")
            text = json.dumps(value)
            if "SecretString" in text or "{{resolve:secretsmanager" in text:
                yield self.finding(doc, name, "output resolves a secret string")
            elif isinstance(value, dict) and isinstance(value.get("Ref"), str):
                param = parameters.get(value["Ref"])
                if isinstance(param, dict) and is_true(param.get("NoEcho")):
                    yield self.finding(doc, name, "output echoes a NoEcho parameter")
            elif isinstance(value, str) and _SECRET_NAME.search(name):
                yield self.finding(doc, name, "output holds a literal secret value")


def _user_data(props: dict[str, Any]) -> Iterator[str]:
    """User data of instances and launch templates, flattened to text."""
    candidates = [props.get("UserData"), (props.get("LaunchTemplateData") or {}).get("UserData")]
    for value in candidates:
        if value is not None:
            yield json.dumps(value)
