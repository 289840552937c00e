"""Evaluating one protocol request's query inside a worker, with the result-size limit.

Rows and triples are read lazily from pyoxigraph and reading stops at the limit, so a query
that would return millions of rows ends early instead of filling memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from sdgkg.errors import QueryError
from sdgkg.namespaces import PREFIXES
from sdgkg.query.named import without_bound
from sdgkg.rdfio.terms import Term, to_oxigraph
from sdgkg.safety.screen import screen
from sdgkg.store.engine import QueryResult, materialize, syntax_error


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


def evaluate(store: ox.Store, job: Job) -> QueryResult:
    """Run the job's query on the store; QueryError for a bad query, ResultTooLarge past the
    limit."""
    # SERVICE, updates, FROM of other graphs and deep nesting never reach the engine; the
    # engine runs the text that was screened.
    screened = screen(job.sparql, {graph.value for graph in store.named_graphs()})
    # The protocol lets the service define the base IRI: relative IRIs name graph resources.
    options: dict[str, object] = {"prefixes": PREFIXES, "base_iri": PREFIXES["kg"]}
    if job.dataset.default or job.dataset.named:
        options["default_graph"] = [ox.NamedNode(iri) for iri in job.dataset.default]
        options["named_graphs"] = [ox.NamedNode(iri) for iri in job.dataset.named]
    elif not screened.names_dataset:  # the union would override the query's own FROM
        options["use_default_graph_as_union"] = True
    if job.bindings:
        options["substitutions"] = {
            ox.Variable(name): to_oxigraph(term) for name, term in job.bindings.items()
        }
    try:
        raw = store.query(screened.text, **options)  # type: ignore[arg-type]
        result = materialize(raw, job.max_rows, _too_large)
    except SyntaxError as exc:
        # The embedded engine's wording, so an update is named as such in both places.
        raise syntax_error(job.sparql, exc) from None
    except (RuntimeError, OSError, ValueError) as exc:
        raise QueryError(f"query failed: {' '.join(str(exc).split())}") from None
    return without_bound(result, job.bindings)


def _too_large(limit: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the result has more than {limit} rows or triples, the server's limit",
        hint="add LIMIT to the query, or start the server with a larger --max-rows",
    )
