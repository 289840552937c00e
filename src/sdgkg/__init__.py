"""sdgkg: a small library and CLI over the curated knowledge graph of the UN Regional SDG Centre
for Central Asia and Afghanistan (Almaty)."""

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
from sdgkg.validation import Severity, ValidationReport, ValidationResult, validate

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
    "bind_params",
    "export_graph",
    "graph_stats",
    "list_queries",
    "load_extra",
    "load_graph",
    "render",
    "resolve_query",
    "resolve_root",
    "run_query",
    "validate",
]
