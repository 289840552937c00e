"""The output format names the CLI offers, in a module that imports nothing heavy.

The CLI needs these enums to build its options, so they live apart from the code that writes
each format: `sdgkg --help` then loads neither pyoxigraph nor the writers.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from sdgkg.errors import InputError

F = TypeVar("F", bound=StrEnum)


class ResultFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    XML = "xml"
    TURTLE = "turtle"
    JSONLD = "jsonld"
    NT = "nt"


class ValidateFormat(StrEnum):
    TEXT = "text"
    TURTLE = "turtle"
    JSON = "json"
    SARIF = "sarif"


class ReportFormat(StrEnum):
    """A summary for people (text) or for programs (JSON): queries, stats, extract's report."""

    TEXT = "text"
    JSON = "json"


class ExportFormat(StrEnum):
    TURTLE = "turtle"
    NT = "nt"
    NQUADS = "nquads"
    TRIG = "trig"
    XML = "xml"
    JSONLD = "jsonld"


def choose(kind: type[F], value: F | str) -> F:
    """The format `value` names, given as an enum member or its string (any case); an unknown
    one is an InputError listing the known ones, not a bare ValueError or KeyError."""
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip().lower())
    except ValueError:
        known = ", ".join(member.value for member in kind)
        raise InputError(f"unknown format '{value}'", hint=f"one of {known}") from None
