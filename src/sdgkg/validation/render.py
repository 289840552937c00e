"""A validation report in any of its formats, by name: the one dispatch the CLI and the
library share."""

from __future__ import annotations

from collections.abc import Callable

from sdgkg.formats import ValidateFormat, choose
from sdgkg.validation.report import ValidationReport, render_json, render_text, render_turtle
from sdgkg.validation.sarif import render_sarif

_RENDERERS: dict[ValidateFormat, Callable[[ValidationReport], str]] = {
    ValidateFormat.TEXT: render_text,
    ValidateFormat.TURTLE: render_turtle,
    ValidateFormat.JSON: render_json,
    ValidateFormat.SARIF: render_sarif,
}


def render_report(report: ValidationReport, fmt: ValidateFormat | str = "text") -> str:
    """The report as `fmt`: "text", "turtle", "json" or "sarif" (or a ValidateFormat)."""
    return _RENDERERS[choose(ValidateFormat, fmt)](report)
