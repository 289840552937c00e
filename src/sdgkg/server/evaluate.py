"""Evaluating one protocol request's query inside a worker, with the result-size limit.

The query runs through the project's one engine (`sdgkg.store.engine`): rows and triples are
read lazily and reading stops at the limit, so a query that would return millions of rows ends
early instead of filling memory; a page for people reads only its own rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from sdgkg.errors import ResultTooLarge
from sdgkg.namespaces import PREFIXES
from sdgkg.query.named import without_bound
from sdgkg.rdfio.terms import Term
from sdgkg.safety.limits import SERVER_MAX_ROWS
from sdgkg.safety.screen import screen
from sdgkg.server.pages import Pager
from sdgkg.store.engine import Dataset, EmbeddedEngine, QueryResult, Started


@dataclass(frozen=True)
class Job:
    """What a worker runs: the query, its bound parameters, the dataset and the row limit."""

    sparql: str
    bindings: Mapping[str, Term] = field(default_factory=dict)
    dataset: Dataset = Dataset()
    max_rows: int = SERVER_MAX_ROWS
    renames: Mapping[str, str] = field(default_factory=dict)  # a named query's columns


@dataclass(frozen=True)
class Page:
    """One page of a result, for people: its rows (or triples) and where it stands."""

    result: QueryResult
    pager: Pager


def evaluate(store: ox.Store, job: Job) -> QueryResult:
    """Run the job's query on the store; QueryError for a bad query, ResultTooLarge past the
    limit."""
    engine = engine_for(store, job)
    return _shown(job, engine.read(start(engine, job)))


def start(engine: EmbeddedEngine, job: Job) -> Started:
    """The job's query, screened, parsed and started: its kind is known, its rows are not
    read yet."""
    # SERVICE, updates, FROM of other graphs and deep nesting never reach the engine; the
    # engine runs the very text that was screened, and a FROM clause is never widened to the
    # default graphs.
    screened = screen(job.sparql, engine.named_graphs())
    dataset = job.dataset
    if not (dataset.default or dataset.named) and screened.names_dataset:
        dataset = Dataset(in_query=True)
    return engine.start(screened.text, job.bindings, dataset)


def finish(engine: EmbeddedEngine, job: Job, started: Started) -> QueryResult:
    """Read the whole result, up to the row limit."""
    return _shown(job, engine.read(started))


def read_page(engine: EmbeddedEngine, job: Job, started: Started, pager: Pager) -> Page:
    """Only the rows of the page (and one more, to know whether a next page exists)."""
    result, more = engine.read_page(started, pager.offset, pager.size)
    return Page(_shown(job, result), replace(pager, more=more))


def engine_for(store: ox.Store, job: Job) -> EmbeddedEngine:
    """The engine a job runs on: the protocol lets the service define the base IRI, so
    relative IRIs name graph resources."""
    return EmbeddedEngine(store, job.max_rows, _too_large, base_iri=PREFIXES["kg"])


def _shown(job: Job, result: QueryResult) -> QueryResult:
    return without_bound(result, job.bindings, job.renames)


def _too_large(limit: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the result has more than {limit} rows or triples, the server's limit",
        hint="add LIMIT to the query, or start the server with a larger --max-rows",
    )
