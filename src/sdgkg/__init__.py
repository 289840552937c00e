"""sdgkg: a small library and CLI over the curated knowledge graph of the UN Regional SDG Centre
for Central Asia and Afghanistan (Almaty)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The public API, loaded on first use (PEP 562): `import sdgkg.cli` must not pay for every
# module, since the command line starts a new process for each call.
_EXPORTS: dict[str, str] = {
    "EmbeddedEngine": "sdgkg.engine",
    "Engine": "sdgkg.engine",
    "ExportFormat": "sdgkg.export",
    "GraphStats": "sdgkg.stats",
    "InputError": "sdgkg.errors",
    "NamedQuery": "sdgkg.queries",
    "PREFIXES": "sdgkg.namespaces",
    "Param": "sdgkg.queries",
    "QueryError": "sdgkg.errors",
    "QueryResult": "sdgkg.engine",
    "ResultFormat": "sdgkg.results",
    "SdgkgError": "sdgkg.errors",
    "add_facts": "sdgkg.curation",
    "Severity": "sdgkg.validation",
    "Term": "sdgkg.terms",
    "ValidationReport": "sdgkg.validation",
    "ValidationResult": "sdgkg.validation",
    "bind_params": "sdgkg.queries",
    "export_graph": "sdgkg.export",
    "graph_stats": "sdgkg.stats",
    "list_queries": "sdgkg.queries",
    "load_extra": "sdgkg.graph",
    "load_graph": "sdgkg.graph",
    "render": "sdgkg.results",
    "render_report": "sdgkg.validation",
    "resolve_query": "sdgkg.queries",
    "resolve_root": "sdgkg.paths",
    "run_query": "sdgkg.queries",
    "validate": "sdgkg.validation",
}

if TYPE_CHECKING:
    from sdgkg.curation import add_facts
    from sdgkg.engine import EmbeddedEngine, Engine, QueryResult
    from sdgkg.errors import InputError, QueryError, SdgkgError
    from sdgkg.export import ExportFormat, export_graph
    from sdgkg.graph import load_extra, load_graph
    from sdgkg.namespaces import PREFIXES
    from sdgkg.paths import resolve_root
    from sdgkg.queries import NamedQuery, Param, bind_params, list_queries, resolve_query, run_query
    from sdgkg.results import ResultFormat, render
    from sdgkg.stats import GraphStats, graph_stats
    from sdgkg.terms import Term
    from sdgkg.validation import (
        Severity,
        ValidationReport,
        ValidationResult,
        render_report,
        validate,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sdgkg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "PREFIXES",
    "EmbeddedEngine",
    "Engine",
    "ExportFormat",
    "GraphStats",
    "InputError",
    "NamedQuery",
    "Param",
    "QueryError",
    "QueryResult",
    "ResultFormat",
    "SdgkgError",
    "Severity",
    "Term",
    "ValidationReport",
    "ValidationResult",
    "add_facts",
    "bind_params",
    "export_graph",
    "graph_stats",
    "list_queries",
    "load_extra",
    "load_graph",
    "render",
    "render_report",
    "resolve_query",
    "resolve_root",
    "run_query",
    "validate",
]
