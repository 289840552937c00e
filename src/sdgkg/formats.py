"""The output format names the CLI offers, in a module that imports nothing heavy.

The CLI needs these enums to build its options, so they live apart from the code that writes
each format: `sdgkg --help` then loads neither pyoxigraph nor the writers.
"""

from __future__ import annotations

from enum import StrEnum


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
