"""`validate`: the graph, plus new files, against the shapes.

The graph's own report comes from the cache when it can; new files are then checked by a
focus-node run (`focus`), else by a full run of graph and files together (`shacl`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from sdgkg.store.graph import graph_iri, load_extra, load_graph
from sdgkg.store.index import query_store
from sdgkg.store.paths import graph_files, shape_files
from sdgkg.store.writes import reading
from sdgkg.validation.cache import load_cached_report, report_key, store_cached_report
from sdgkg.validation.explain import explain
from sdgkg.validation.focus import validate_change, validate_delta
from sdgkg.validation.graphrules import check_graph_rules
from sdgkg.validation.report import ValidationReport
from sdgkg.validation.shacl import data_graph, run_shacl, shapes_graph, union_ntriples


def validate(root: Path, new_files: Sequence[str | os.PathLike[str]] = ()) -> ValidationReport:
    """Validate the graph plus `new_files` against shapes/; results the graph alone does not
    have are marked `introduced`. Each result is explained and located (`explain`)."""
    # The report's cache key and the data read must describe the same files: no add between.
    with reading(root):
        shapes = shapes_graph(root)
        key = report_key(root, [*graph_files(root), *shape_files(root)])
        # The graph's own report comes from the cache when it can (one full run per version
        # of the graph and shapes); new files are then checked only where they change a result.
        base = load_cached_report(key) if new_files else None
        graph = load_graph(root) if base is None else query_store(root)
    check_graph_rules(graph, root)
    if base is None:
        base = run_shacl(data_graph(union_ntriples(graph), {}), shapes)
        store_cached_report(key, base)  # so checking new facts next needs no full run
    if not new_files:
        return explain(base, shapes, [graph], root)
    report = validate_delta(root, graph, new_files, shapes, base)
    report = report or _full_with_new(root, new_files, shapes, base)
    new = ox.Store()
    load_extra(new, new_files, root)
    return explain(report, shapes, [graph, new], root, [Path(p) for p in new_files])


def validate_changed_copy(root: Path, copy: Path, changed: Sequence[Path]) -> ValidationReport:
    """Validate `copy`, a copy of `root`'s graph whose files `changed` (paths relative to
    both) are rewritten, as `validate(copy)` would, with the results the change introduced
    marked. With `root`'s own report cached, only the nodes the change can affect are checked
    (`focus.validate_change`); the copy's report is then cached for the next check."""
    with reading(root):
        shapes = shapes_graph(root)
        key = report_key(root, [*graph_files(root), *shape_files(root)])
        base = load_cached_report(key)
        before = load_graph(root) if base is not None else None
    with reading(copy):
        after = load_graph(copy)
        after_key = report_key(copy, [*graph_files(copy), *shape_files(copy)])
    check_graph_rules(after, copy)
    graphs = [ox.NamedNode(graph_iri(copy, copy / path)) for path in changed]
    report = None
    if base is not None and before is not None:
        report = validate_change(before, after, graphs, shapes, base)
    if report is None:  # a full run of the copy; the graph's own report only when needed
        report = run_shacl(data_graph(union_ntriples(after), {}), shapes)
        if not report.conforms:
            base = base or _own_report(root, key)
            known = {r.key() for r in base.results}
            marked = tuple(replace(r, introduced=r.key() not in known) for r in report.results)
            report = ValidationReport(report.conforms, marked, report.report_turtle)
    unmarked = tuple(replace(r, introduced=False) for r in report.results)
    own = ValidationReport(report.conforms, unmarked, report.report_turtle)
    store_cached_report(after_key, own)  # the next check of the changed graph builds on it
    return explain(report, shapes, [after], copy)


def _own_report(root: Path, key: str) -> ValidationReport:
    """The graph's own report, from a full run, cached under `key`."""
    report = run_shacl(data_graph(union_ntriples(load_graph(root)), {}), shapes_graph(root))
    store_cached_report(key, report)
    return report


def _full_with_new(
    root: Path, new_files: Sequence[str | os.PathLike[str]], shapes: Graph, base: ValidationReport
) -> ValidationReport:
    with reading(root):
        store = load_graph(root)
    load_extra(store, new_files, root)
    report = run_shacl(data_graph(union_ntriples(store), {}), shapes)
    base_keys = {r.key() for r in base.results}
    results = tuple(replace(r, introduced=r.key() not in base_keys) for r in report.results)
    return ValidationReport(report.conforms, results, report.report_turtle)
