"""sdgkg: a small library and CLI over the curated knowledge graph of the UN Regional SDG Centre
for Central Asia and Afghanistan (Almaty)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The public API, loaded on first use (PEP 562): `import sdgkg.cli` must not pay for every
# module, since the command line starts a new process for each call.
_EXPORTS: dict[str, str] = {
    "EmbeddedEngine": "sdgkg.store.engine",
    "Engine": "sdgkg.store.engine",
    "ExportFormat": "sdgkg.formats",
    "GraphStats": "sdgkg.query.stats",
    "InputError": "sdgkg.errors",
    "NamedQuery": "sdgkg.query.named",
    "PREFIXES": "sdgkg.namespaces",
    "Param": "sdgkg.query.named",
    "QueryError": "sdgkg.errors",
    "QueryResult": "sdgkg.store.engine",
    "ResultFormat": "sdgkg.formats",
    "SdgkgError": "sdgkg.errors",
    "Severity": "sdgkg.validation",
    "Term": "sdgkg.rdfio.terms",
    "ValidationReport": "sdgkg.validation",
    "ValidationResult": "sdgkg.validation",
    "add_facts": "sdgkg.api",
    "bind_params": "sdgkg.query.named",
    "export_graph": "sdgkg.api",
    "graph_stats": "sdgkg.query.stats",
    "list_queries": "sdgkg.api",
    "load_extra": "sdgkg.store.graph",
    "load_graph": "sdgkg.api",
    "render": "sdgkg.query.results",
    "render_report": "sdgkg.validation.render",
    "resolve_query": "sdgkg.api",
    "resolve_root": "sdgkg.store.paths",
    "run_query": "sdgkg.api",
    "validate": "sdgkg.api",
}

if TYPE_CHECKING:
    from sdgkg.api import (
        add_facts,
        export_graph,
        list_queries,
        load_graph,
        resolve_query,
        run_query,
        validate,
    )
    from sdgkg.errors import InputError, QueryError, SdgkgError
    from sdgkg.formats import ExportFormat, ResultFormat
    from sdgkg.namespaces import PREFIXES
    from sdgkg.query.named import NamedQuery, Param, bind_params
    from sdgkg.query.results import render
    from sdgkg.query.stats import GraphStats, graph_stats
    from sdgkg.rdfio.terms import Term
    from sdgkg.store.engine import EmbeddedEngine, Engine, QueryResult
    from sdgkg.store.graph import load_extra
    from sdgkg.store.paths import resolve_root
    from sdgkg.validation import Severity, ValidationReport, ValidationResult
    from sdgkg.validation.render import render_report


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
