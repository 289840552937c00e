"""The validation report: its types, how results are merged and ordered, and how it is shown.

No pySHACL or rdflib here: reports come back from the cache and are rendered without them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from sdgkg.namespaces import SH
from sdgkg.rdfio.terms import Term


class Severity(StrEnum):
    VIOLATION = "violation"
    WARNING = "warning"
    INFO = "info"


def severity_of(iri: str) -> Severity:
    """The severity an sh: IRI names; any other (a custom severity) counts as a violation."""
    local = iri.removeprefix(SH).lower()
    return Severity(local) if local in {s.value for s in Severity} else Severity.VIOLATION


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
    # The source shape as people read it: its IRI, or the nearest named shape and the path of
    # a blank one. Unlike a blank node's id it is the same in every parse of the shapes.
    shape_name: str = field(default="", compare=False)
    # Explanations (`explain`), added after the run: they never make two results differ.
    shapes: tuple[str, ...] = field(default=(), compare=False)  # node shapes that reached it
    constraint: str = field(default="", compare=False)  # the constraint in words
    hint: str = field(default="", compare=False)
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    column: int | None = field(default=None, compare=False)

    def key(self) -> tuple[Term | None, ...]:
        shape = self.source_shape
        if shape.kind == "bnode" and self.shape_name:  # stable across parses of the shapes
            shape = Term("bnode", f"{self.shape_name} {self.message}")
        return (self.focus_node, self.path, self.value, self.constraint_component, shape)

    def where(self) -> str:
        """`file:line:column` as far as known, else the focus node."""
        if self.file is None:
            return self.focus_node.display()
        parts = [self.file] + [str(n) for n in (self.line, self.column) if n is not None]
        return ":".join(parts)


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    results: tuple[ValidationResult, ...]
    report_turtle: str = ""  # the pySHACL report graph, for `--format turtle`

    def count(self, severity: Severity) -> int:
        return sum(1 for result in self.results if result.severity is severity)

    def summary(self) -> dict[str, Any]:
        """Counts of distinct results, by severity, and of those the new facts introduced."""
        counts: dict[str, Any] = {"conforms": self.conforms, "results": len(self.results)}
        counts |= {f"{s.value}s": self.count(s) for s in Severity}
        counts["introduced"] = sum(1 for r in self.results if r.introduced)
        return counts


def sort_key(result: ValidationResult) -> tuple[str, ...]:
    return tuple(t.n3() if t else "" for t in result.key()) + (result.message,)


def render_text(report: ValidationReport) -> str:
    """One block per result, led by `FILE:LINE:COLUMN: severity: message` (what editors and
    terminals make clickable), then a summary line."""
    if not report.results:
        return "The graph conforms to the shapes: no results.\n"
    blocks = [_text_block(result) for result in report.results]
    return "\n\n".join(blocks) + "\n\n" + _text_summary(report) + "\n"


def _text_summary(report: ValidationReport) -> str:
    verdict = "conforms" if report.conforms else "does NOT conform"
    counts = ", ".join(f"{report.count(s)} {s.value}(s)" for s in Severity)
    introduced = sum(1 for r in report.results if r.introduced)
    new = f"; {introduced} introduced by the new facts" if introduced else ""
    return f"The graph {verdict} to the shapes: {counts}{new}."


def _text_block(result: ValidationResult) -> str:
    lines = [f"{result.where()}: {result.severity.value}: {result.message}"]
    if result.introduced:
        lines.append("  introduced by the new facts")
    lines.append(f"  focus node: {result.focus_node.display()}")
    if result.path:
        lines.append(f"  path:       {path_display(result.path)}")
    if result.value:
        lines.append(f"  value:      {result.value.display()}")
    component = result.constraint_component.display()
    shape = result.shape_name or result.source_shape.display()
    lines.append(f"  shape:      {shape} ({component})")
    if len(result.shapes) > 1 or result.shapes and not shape.startswith(result.shapes[0]):
        lines.append(f"  reached by: {', '.join(result.shapes)}")
    if result.constraint:
        lines.append(f"  constraint: {result.constraint}")
    if result.hint:
        lines.append("  hint:       " + result.hint.replace("\n", "\n              "))
    return "\n".join(lines)


def path_display(path: Term) -> str:
    """A result path: a prefixed IRI, or a complex path's SPARQL text (kept in a blank node)."""
    return path.value if path.kind == "bnode" else path.display()


def render_json(report: ValidationReport) -> str:
    """`{"conforms", "summary", "results"}`; each result with its terms in N-Triples syntax,
    where it is (`file`, `line`, `column`) and a `hint`."""
    document = {
        "conforms": report.conforms,
        "summary": report.summary(),
        "results": [_json_item(result) for result in report.results],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _json_item(result: ValidationResult) -> dict[str, Any]:
    item = {}
    for one in fields(result):
        value = getattr(result, one.name)
        item[one.name] = value.n3() if isinstance(value, Term) else value
    item["severity"] = result.severity.value
    item["shapes"] = list(result.shapes)
    if result.path is not None and result.path.kind == "bnode":  # a complex path's text
        item["path"] = result.path.value
    if result.source_shape.kind == "bnode":  # its id differs in each parse: its name
        item["source_shape"] = result.shape_name
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
