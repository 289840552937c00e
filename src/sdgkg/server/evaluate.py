"""Evaluating one protocol request's query inside a worker, with the result-size limit.

Rows and triples are read lazily from pyoxigraph and reading stops at the limit, so a query
that would return millions of rows ends early instead of filling memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from sdgkg.errors import ResultTooLarge
from sdgkg.namespaces import PREFIXES
from sdgkg.query.named import without_bound
from sdgkg.rdfio.terms import Term
from sdgkg.safety.limits import SERVER_MAX_ROWS
from sdgkg.safety.screen import screen_query
from sdgkg.store.engine import Dataset, EmbeddedEngine, QueryResult


@dataclass(frozen=True)
class Job:
    """What a worker runs: the query, its bound parameters, the dataset and the row limit."""

    sparql: str
    bindings: Mapping[str, Term] = field(default_factory=dict)
    dataset: Dataset = Dataset()
    max_rows: int = SERVER_MAX_ROWS


def evaluate(store: ox.Store, job: Job) -> QueryResult:
    """Run the job's query on the store; QueryError for a bad query, ResultTooLarge past the
    limit."""
    # The protocol lets the service define the base IRI: relative IRIs name graph resources.
    engine = EmbeddedEngine(store, job.max_rows, _too_large, base_iri=PREFIXES["kg"])
    # SERVICE, updates, FROM of other graphs and deep nesting never reach the engine.
    screen_query(job.sparql, engine.named_graphs())
    return without_bound(engine.query(job.sparql, job.bindings, job.dataset), job.bindings)


def _too_large(limit: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the result has more than {limit} rows or triples, the server's limit",
        hint="add LIMIT to the query, or start the server with a larger --max-rows",
    )
