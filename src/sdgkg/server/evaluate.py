"""Evaluating one protocol request's query inside a worker, with the result-size limit.

Rows and triples are read lazily from pyoxigraph and reading stops at the limit, so a query
that would return millions of rows ends early instead of filling memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import TypeVar

import pyoxigraph as ox

from sdgkg.engine import _UPDATE, QueryResult, _row, _triple, materialize, syntax_error
from sdgkg.errors import QueryError
from sdgkg.guard import screen_query
from sdgkg.namespaces import PREFIXES
from sdgkg.queries import without_bound
from sdgkg.server.pages import Pager
from sdgkg.server.sparql_errors import explain_syntax_error
from sdgkg.terms import Term, to_oxigraph

T = TypeVar("T")


class ResultTooLarge(QueryError):
    """The query has more rows or triples than the server's limit."""


@dataclass(frozen=True)
class Dataset:
    """The protocol's default-graph-uri and named-graph-uri; empty means the server's default
    (the union of all named graphs as default graph)."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()


@dataclass(frozen=True)
class Job:
    """What a worker runs: the query, its bound parameters, the dataset and the row limit."""

    sparql: str
    bindings: Mapping[str, Term] = field(default_factory=dict)
    dataset: Dataset = Dataset()
    max_rows: int = 10_000
    renames: Mapping[str, str] = field(default_factory=dict)  # a named query's columns


def evaluate(store: ox.Store, job: Job) -> QueryResult:
    """Run the job's query on the store; QueryError for a bad query, ResultTooLarge past the
    limit."""
    return finish(store, job, start(store, job))


def start(store: ox.Store, job: Job) -> object:
    """The job's query, parsed and started: pyoxigraph's lazy result (its kind is known, its
    rows are read later)."""
    # The protocol lets the service define the base IRI: relative IRIs name graph resources.
    options: dict[str, object] = {"prefixes": PREFIXES, "base_iri": PREFIXES["kg"]}
    if job.dataset.default or job.dataset.named:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.dataset.default]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.dataset.named]
    else:
        options["use_default_graph_as_union"] = True
    if job.bindings:
        options["substitutions"] = {
            ox.Variable(name): to_oxigraph(term) for name, term in job.bindings.items()
        }
    # SERVICE, updates, FROM of other graphs and deep nesting never reach the engine.
    screen_query(job.sparql, {graph.value for graph in store.named_graphs()})
    try:
        return store.query(job.sparql, **options)  # type: ignore[arg-type]
    except SyntaxError as exc:
        if _UPDATE.match(job.sparql):  # the embedded engine's wording for updates
            raise syntax_error(job.sparql, exc) from None
        raise explain_syntax_error(job.sparql, exc) from None
    except (RuntimeError, OSError, ValueError) as exc:
        raise _failed(exc) from None


def result_kind(raw: object) -> str:
    if isinstance(raw, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(raw, ox.QuerySolutions) else "graph"


def finish(store: ox.Store, job: Job, raw: object) -> QueryResult:
    """Read the whole result, up to the row limit."""
    try:
        result = materialize(raw, job.max_rows, _too_large)
    except (RuntimeError, OSError, ValueError) as exc:
        raise _failed(exc) from None
    return without_bound(result, job.bindings, job.renames)


@dataclass(frozen=True)
class Page:
    """One page of a result, for people: its rows (or triples) and where it stands."""

    result: QueryResult
    pager: Pager


def read_page(job: Job, raw: object, pager: Pager) -> Page:
    """Only the rows of the page (and one more, to know whether a next page exists): a
    page of a huge result costs what the page costs, and the row limit does not apply."""
    if isinstance(raw, ox.QueryBoolean):
        return Page(QueryResult("ask", boolean=bool(raw)), pager)
    try:
        if isinstance(raw, ox.QuerySolutions):
            names = tuple(v.value for v in raw.variables)
            window = list(islice(raw, pager.offset, pager.offset + pager.size + 1))
            rows = tuple(_row(solution) for solution in window)
            result = QueryResult("select", variables=names, rows=rows[: pager.size])
            found = len(rows)
        else:
            distinct = _distinct(_triple(t) for t in raw)  # type: ignore[attr-defined]
            triples = tuple(islice(distinct, pager.offset, pager.offset + pager.size + 1))
            result = QueryResult("graph", triples=triples[: pager.size])
            found = len(triples)
    except (RuntimeError, OSError, ValueError) as exc:
        raise _failed(exc) from None
    more = replace(pager, more=found > pager.size)
    return Page(without_bound(result, job.bindings, job.renames), more)


def _distinct(items: Iterable[T]) -> Iterator[T]:
    """The items without repeats, lazily (a triple found in two files comes once)."""
    seen: set[T] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def _failed(exc: Exception) -> QueryError:
    return QueryError(f"query failed: {' '.join(str(exc).split())}")


def _too_large(limit: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the result has more than {limit} rows or triples, the server's limit",
        hint="add LIMIT to the query, or start the server with a larger --max-rows",
    )
