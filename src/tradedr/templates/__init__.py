"""The one template model: how tradedr reads CloudFormation, whoever wrote it.

`read_directory` / `read_template` (in `directory`) decode JSON and YAML with cfn-lint's
decoder, apply SAM and the language extensions (`transforms`), keep every resource's line,
and order stacks by their dependencies. `reading` bounds what a file may cost; `markers`
spells the tags and metadata keys tradedr writes and reads back; `values` reads property
values for rules and messages. The checks, the RTO and cost models and the assessment all
read templates through here; this package imports nothing of tradedr above the base layer.
"""

from tradedr.templates.directory import (
    NotATemplateError,
    Skipped,
    TemplateDirectory,
    dependency_order,
    read_directory,
    read_template,
)
from tradedr.templates.model import Template

__all__ = [
    "NotATemplateError",
    "Skipped",
    "Template",
    "TemplateDirectory",
    "dependency_order",
    "read_directory",
    "read_template",
]
