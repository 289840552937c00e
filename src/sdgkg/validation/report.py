"""The validation report: its types, how results are merged and ordered, and how it is shown.

No pySHACL or rdflib here: reports come back from the cache and are rendered without them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from sdgkg.namespaces import SH
from sdgkg.rdfio.terms import Term


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, in the project's term model."""

    focus_node: Term
    path: Term | None
    value: Term | None
    severity: Severity
    message: str
    constraint_component: Term
    source_shape: Term
    introduced: bool = False

    def key(self) -> tuple[Term | None, ...]:
        shape = self.source_shape
        return (self.focus_node, self.path, self.value, self.constraint_component, shape)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    results: tuple[ValidationResult, ...]
    report_turtle: str = ""  # the pySHACL report graph, for `--format turtle`

    def count(self, severity: Severity) -> int:
        return sum(1 for result in self.results if result.severity is severity)


def sort_key(result: ValidationResult) -> tuple[str, ...]:
    return tuple(t.n3() if t else "" for t in result.key()) + (result.message,)


def render_text(report: ValidationReport) -> str:
    """Plain words: a summary line, then one block per result."""
    if not report.results:
        return "The graph conforms to the shapes: no results.\n"
    verdict = "conforms" if report.conforms else "does NOT conform"
    counts = ", ".join(f"{report.count(s)} {s.value}(s)" for s in Severity)
    blocks = [f"The graph {verdict} to the shapes: {counts}."]
    blocks += [_text_block(result) for result in report.results]
    return "\n\n".join(blocks) + "\n"


def _text_block(result: ValidationResult) -> str:
    mark = " (introduced by the new facts)" if result.introduced else ""
    lines = [f"{result.severity.value.capitalize()}{mark}: {result.message}"]
    lines.append(f"  focus node: {result.focus_node.display()}")
    if result.path:
        lines.append(f"  path:       {result.path.display()}")
    if result.value:
        lines.append(f"  value:      {result.value.display()}")
    shape = result.source_shape.display()
    lines.append(f"  shape:      {shape} ({result.constraint_component.display()})")
    return "\n".join(lines)


def render_json(report: ValidationReport) -> str:
    """A JSON list with one object per result; terms in N-Triples syntax."""
    items = [_json_item(result) for result in report.results]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def _json_item(result: ValidationResult) -> dict[str, Any]:
    item = {}
    for field in fields(result):
        value = getattr(result, field.name)
        item[field.name] = value.n3() if isinstance(value, Term) else value
    item["severity"] = result.severity.value
    return item


def render_turtle(report: ValidationReport) -> str:
    """The pySHACL report graph."""
    return report.report_turtle


def merged_with(
    base: ValidationReport, fresh: Sequence[ValidationResult], focus: set[Term]
) -> ValidationReport:
    """Base results for untouched nodes plus fresh results for the affected ones."""
    base_keys = {r.key() for r in base.results}
    kept = [r for r in base.results if r.focus_node not in focus]
    marked = [replace(r, introduced=r.key() not in base_keys) for r in fresh]
    results = tuple(sorted(kept + marked, key=sort_key))
    conforms = not any(r.severity is Severity.VIOLATION for r in results)
    return ValidationReport(conforms, results, report_turtle(results, conforms))


def report_turtle(results: Sequence[ValidationResult], conforms: bool) -> str:
    """A SHACL validation report graph built from results (for `--format turtle`)."""
    lines = [
        f"@prefix sh: <{SH}> .",
        "",
        "[] a sh:ValidationReport ;",
        f"    sh:conforms {'true' if conforms else 'false'}" + (" ;" if results else " ."),
    ]
    for index, result in enumerate(results):
        end = " ." if index == len(results) - 1 else " ;"
        fields = [
            f"sh:focusNode {result.focus_node.n3()}",
            f"sh:resultSeverity sh:{result.severity.value.capitalize()}",
            f"sh:resultMessage {json.dumps(result.message, ensure_ascii=False)}",
            f"sh:sourceConstraintComponent {result.constraint_component.n3()}",
        ]
        if result.source_shape.kind == "iri":
            fields.append(f"sh:sourceShape {result.source_shape.n3()}")
        if result.path is not None and result.path.kind == "iri":
            fields.append(f"sh:resultPath {result.path.n3()}")
        if result.value is not None and result.value.kind != "bnode":
            fields.append(f"sh:value {result.value.n3()}")
        lines.append("    sh:result [ a sh:ValidationResult ; " + " ; ".join(fields) + " ]" + end)
    return "\n".join(lines) + "\n"
