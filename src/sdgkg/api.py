"""The library's entry points for Python callers: each takes the data root as the caller has it
(a path, or None for `$SDGKG_ROOT`, the checkout or the installed copy), resolves it once, and
hands the resolved folder to the package below, which never resolves it again.

The CLI is the other edge: it resolves `--root` once per command (`sdgkg.cli.Settings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pyoxigraph as ox

from sdgkg import export
from sdgkg.formats import ExportFormat
from sdgkg.query import named
from sdgkg.query.named import NamedQuery
from sdgkg.safety.limits import QueryLimits
from sdgkg.store import graph
from sdgkg.store.engine import Engine, QueryResult
from sdgkg.store.paths import resolve_root

if TYPE_CHECKING:
    from sdgkg.curation.add import AddResult
    from sdgkg.validation import ValidationReport

Root = str | os.PathLike[str] | None


def load_graph(root: Root = None) -> ox.Store:
    """Every ontology/ and kg/ file in its own named graph of an in-memory Store."""
    return graph.load_graph(resolve_root(root))


def list_queries(root: Root = None) -> list[NamedQuery]:
    """Every named query under queries/, checks included as `checks/NAME`, sorted by name."""
    return named.list_queries(resolve_root(root))


def resolve_query(arg: str, root: Root = None) -> NamedQuery:
    """A query from a NAME in queries/, a path to a .rq file, or literal SPARQL text."""
    return named.resolve_query(arg, resolve_root(root))


def run_query(
    query: str | NamedQuery,
    params: Mapping[str, str] | None = None,
    root: Root = None,
    engine: Engine | None = None,
    limits: QueryLimits | None = None,
    all_graphs: bool = False,
) -> QueryResult:
    """Run a named query, a .rq file or SPARQL text with `params` bound, on the graph (or on
    `engine`), within `limits` (default: none). The default graph holds the curated files;
    evidence and candidates are reached with GRAPH, or read with the rest by `all_graphs`."""
    needs_root = engine is None or (isinstance(query, str) and named.is_query_name(query))
    data_root = resolve_root(root) if needs_root else None
    return named.run_query(query, params, data_root, engine, limits, all_graphs)


def export_graph(fmt: ExportFormat | str = ExportFormat.TURTLE, root: Root = None) -> bytes:
    """The graph (ontology/ and kg/) serialized in `fmt`; the same data gives the same bytes."""
    return export.export_graph(resolve_root(root), fmt)


def validate(
    root: Root = None, new_files: Sequence[str | os.PathLike[str]] = ()
) -> ValidationReport:
    """The graph plus `new_files` against the shapes; results the graph alone does not have are
    marked `introduced`."""
    from sdgkg import validation  # rdflib and pySHACL: only for the calls that validate

    return validation.validate(resolve_root(root), new_files)


def add_facts(
    files: Sequence[str | os.PathLike[str]],
    root: Root = None,
    *,
    remove: Sequence[str | os.PathLike[str]] = (),
    to: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> AddResult:
    """Add the facts of `files` (and take away those of `remove`) if the graph after the change
    conforms to the shapes; write the kg/ files unless `dry_run`."""
    from sdgkg.curation import add  # as validate: only for the calls that validate

    return add.add_facts(files, resolve_root(root), remove=remove, to=to, dry_run=dry_run)
