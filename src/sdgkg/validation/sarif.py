"""The validation report as SARIF 2.1.0 (Static Analysis Results Interchange Format), which
code-review tools and editors read to show results inline.

One run; a rule per SHACL constraint component met; a result per distinct validation result,
located at the triple (or the focus node's block) when known, with the focus node as a
logical location and the SHACL details in the result's property bag.
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from sdgkg.validation.report import Severity, ValidationReport, ValidationResult

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_LEVELS = {Severity.VIOLATION: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(report: ValidationReport) -> str:
    rules = sorted({r.constraint_component.value for r in report.results})
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": _driver(rules)},
                "columnKind": "unicodeCodePoints",
                "results": [_result(r, rules) for r in report.results],
                "properties": report.summary(),
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _driver(rules: list[str]) -> dict[str, Any]:
    try:
        own = version("sdgkg")
    except PackageNotFoundError:  # running from a source tree that is not installed
        own = "0"
    return {
        "name": "sdgkg validate",
        "version": own,
        "informationUri": "https://www.w3.org/TR/shacl/",
        "rules": [
            {
                "id": _rule_id(rule),
                "name": _rule_id(rule),
                "shortDescription": {"text": f"SHACL {_rule_id(rule)}"},
                "helpUri": rule,
            }
            for rule in rules
        ],
    }


def _rule_id(component: str) -> str:
    return component.rsplit("#", 1)[-1]


def _result(result: ValidationResult, rules: list[str]) -> dict[str, Any]:
    message = result.message
    if result.constraint:
        message += f" ({result.constraint})"
    if result.hint:
        message += f"\nHint: {result.hint}"
    item: dict[str, Any] = {
        "ruleId": _rule_id(result.constraint_component.value),
        "ruleIndex": rules.index(result.constraint_component.value),
        "level": _LEVELS[result.severity],
        "message": {"text": message},
        "locations": [_location(result)],
        "properties": _properties(result),
    }
    if result.introduced:
        item["baselineState"] = "new"
    return item


def _location(result: ValidationResult) -> dict[str, Any]:
    location: dict[str, Any] = {
        "logicalLocations": [{"fullyQualifiedName": result.focus_node.n3(), "kind": "resource"}]
    }
    if result.file is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(result.file)}}
        if result.line is not None:
            region = {"startLine": result.line}
            if result.column is not None:
                region["startColumn"] = result.column
            physical["region"] = region
        location["physicalLocation"] = physical
    return location


def _uri(file: str) -> str:
    # A path below the data root or as given (relative), else a file: URI.
    path = PurePath(file)
    return path.as_uri() if path.is_absolute() else quote(path.as_posix())


def _properties(result: ValidationResult) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "focusNode": result.focus_node.n3(),
        "sourceShape": result.shape_name or result.source_shape.n3(),
        "constraintComponent": result.constraint_component.n3(),
        "introduced": result.introduced,
    }
    if result.path is not None:
        properties["resultPath"] = result.path.n3()
    if result.value is not None:
        properties["value"] = result.value.n3()
    if result.shapes:
        properties["reachedBy"] = list(result.shapes)
    if result.constraint:
        properties["constraint"] = result.constraint
    if result.hint:
        properties["hint"] = result.hint
    return properties
