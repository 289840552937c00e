"""The one module that executes SPARQL; everything else sees `QueryResult`, not engine types."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Literal, Protocol, TypeVar

import pyoxigraph as ox

from sdgkg.errors import QueryError
from sdgkg.namespaces import PREFIXES
from sdgkg.rdfio.terms import Term, from_oxigraph, to_oxigraph
from sdgkg.safety.limits import too_many_rows
from sdgkg.safety.screen import UPDATE_KEYWORDS
from sdgkg.store.datasets import default_graphs, every_graph
from sdgkg.store.sparql_errors import explain_syntax_error

T = TypeVar("T")
ResultKind = Literal["select", "ask", "graph"]
Row = tuple[Term | None, ...]
TripleRow = tuple[Term, Term, Term]

# After the prologue, an update starts with one of these words; a query never does.
_UPDATE = re.compile(
    r"^\s*(?:(?:#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)\s*)*"
    rf"({'|'.join(sorted(UPDATE_KEYWORDS))})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryResult:
    """What a query returned: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    kind: ResultKind
    variables: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    boolean: bool | None = None
    triples: tuple[TripleRow, ...] = ()


class Engine(Protocol):
    """Anything that answers SPARQL queries: the embedded store, or a server
    (`sdgkg.store.remote.RemoteEngine`)."""

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a read-only query with `?name` variables pre-bound from `bindings`."""
        ...


@dataclass(frozen=True)
class Dataset:
    """The graphs a query reads (the protocol's default-graph-uri and named-graph-uri); empty
    means the default: the curated graphs as the default graph (`sdgkg.store.datasets`), every
    named graph reachable with GRAPH."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    # The query's own FROM / FROM NAMED clauses say which graphs it reads: the union option
    # would override them, so it is left off.
    in_query: bool = False


class EmbeddedEngine:
    """Runs queries on a pyoxigraph Store, the default graph being the union of the curated
    graphs (`sdgkg.store.datasets`), or of all graphs with `all_graphs`: every SPARQL
    evaluation of the package, CLI, server and pages alike, goes through here.

    The project prefixes are predeclared, so ad-hoc queries may use `kg:` and friends. More
    than `max_rows` rows or triples raise `too_many(max_rows)`, never a silent cut; `base_iri`
    resolves relative IRIs (the server resolves them against the graph's namespace).
    """

    def __init__(
        self,
        store: ox.Store,
        max_rows: int | None = None,
        too_many: Callable[[int], QueryError] = too_many_rows,
        base_iri: str | None = None,
        all_graphs: bool = False,
        curated_copy: bool = False,
    ) -> None:
        self._store = store
        self._max_rows = max_rows
        self._too_many = too_many
        self._base_iri = base_iri
        self._all_graphs = all_graphs
        self._curated_copy = curated_copy  # the store's default graph copies the curated ones

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        dataset: Dataset = Dataset(),
    ) -> QueryResult:
        return self.read(self.start(sparql, bindings, dataset))

    def start(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        dataset: Dataset = Dataset(),
    ) -> Started:
        """The query parsed and started: its kind is known, its rows are read later."""
        options = self._options(bindings or {}, dataset)
        with _engine_errors(sparql):
            raw = self._store.query(sparql, **options)  # type: ignore[arg-type]
        return Started(_kind(raw), raw)

    def read(self, started: Started) -> QueryResult:
        """The whole result, up to the row limit."""
        with _engine_errors(""):
            return materialize(started.raw, self._max_rows, self._too_many)

    def read_page(self, started: Started, offset: int, size: int) -> tuple[QueryResult, bool]:
        """Only the rows (or distinct triples) from `offset`, at most `size` of them, and
        whether more follow: a page of a huge result costs what the page costs, and the row
        limit does not apply."""
        raw = started.raw
        if started.kind == "ask":
            return QueryResult("ask", boolean=bool(raw)), False
        with _engine_errors(""):
            if isinstance(raw, ox.QuerySolutions):
                names = tuple(v.value for v in raw.variables)
                rows = tuple(_row(s) for s in islice(raw, offset, offset + size + 1))
                return QueryResult("select", names, rows[:size]), len(rows) > size
            found = _distinct(_triple(t) for t in raw)  # type: ignore[attr-defined]
            triples = tuple(islice(found, offset, offset + size + 1))
            return QueryResult("graph", triples=triples[:size]), len(triples) > size

    def named_graphs(self) -> set[str]:
        """The IRIs of the store's named graphs (one per graph file)."""
        return {graph.value for graph in self._store.named_graphs()}

    def _options(self, bindings: Mapping[str, Term], dataset: Dataset) -> dict[str, object]:
        options: dict[str, object] = {"prefixes": PREFIXES}
        if self._base_iri:
            options["base_iri"] = self._base_iri
        if dataset.default or dataset.named:
            options["default_graph"] = [ox.NamedNode(iri) for iri in dataset.default]
            options["named_graphs"] = [ox.NamedNode(iri) for iri in dataset.named]
        elif dataset.in_query:
            pass  # FROM / FROM NAMED say it; any option here would override them
        elif self._all_graphs:
            everything = every_graph(self._store, self._curated_copy)
            if everything is None:
                options["use_default_graph_as_union"] = True
            else:
                options["default_graph"] = everything
        else:
            options["default_graph"] = default_graphs(self._store, self._curated_copy)
        if bindings:
            options["substitutions"] = {ox.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
        return options


@dataclass(frozen=True)
class Started:
    """A query the engine has parsed and started: pyoxigraph's lazy result and its kind."""

    kind: ResultKind
    raw: object


def _kind(raw: object) -> ResultKind:
    if isinstance(raw, ox.QueryBoolean):
        return "ask"
    return "select" if isinstance(raw, ox.QuerySolutions) else "graph"


@contextmanager
def _engine_errors(sparql: str) -> Iterator[None]:
    """pyoxigraph's errors as the project's: a syntax error in words, a failure in one line."""
    try:
        yield
    except SyntaxError as exc:
        raise syntax_error(sparql, exc) from None
    except RuntimeError as exc:
        raise _runtime_error(exc) from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"query failed: {' '.join(str(exc).split())}") from None


def _distinct(items: Iterable[T]) -> Iterator[T]:
    """The items without repeats, lazily (a triple found in two files comes once)."""
    seen: set[T] = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def _runtime_error(exc: RuntimeError) -> QueryError:
    # pyoxigraph only substitutes variables that the SELECT clause projects.
    match = re.search(r"variable \?(\w+) in its SELECT projection", str(exc))
    if match:
        return QueryError(
            f"cannot bind ?{match.group(1)}: the query does not select it",
            hint="a bound variable must appear in the SELECT clause (or use SELECT *)",
        )
    return QueryError(f"query failed: {' '.join(str(exc).split())}")


def syntax_error(sparql: str, exc: SyntaxError) -> QueryError:
    """The error for a query pyoxigraph cannot parse; an update is named as such."""
    match = _UPDATE.match(sparql)
    if match:
        return QueryError(
            f"{match.group(1).upper()} is an update; sdgkg only runs read-only queries",
            hint="use SELECT, ASK, CONSTRUCT or DESCRIBE",
        )
    return explain_syntax_error(sparql, exc)


def materialize(
    raw: object,
    max_rows: int | None = None,
    too_many: Callable[[int], QueryError] = too_many_rows,
) -> QueryResult:
    """A pyoxigraph result as a `QueryResult`; more than `max_rows` rows or triples raise
    `too_many(max_rows)`."""
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        names = tuple(v.value for v in raw.variables)
        rows = tuple(_row(solution) for solution in _capped(raw, max_rows, too_many))
        return QueryResult("select", variables=names, rows=rows)
    # CONSTRUCT/DESCRIBE over the union may repeat a triple found in two files.
    capped: Iterator[ox.Triple] = _capped(raw, max_rows, too_many)  # type: ignore[arg-type]
    triples = dict.fromkeys(_triple(t) for t in capped)
    return QueryResult("graph", triples=tuple(triples))


def _capped(
    items: Iterable[T], limit: int | None, too_many: Callable[[int], QueryError]
) -> Iterator[T]:
    # Results are lazy: stopping after limit + 1 stops a cartesian join from running on.
    for count, item in enumerate(items, start=1):
        if limit is not None and count > limit:
            raise too_many(limit)
        yield item


def _row(solution: ox.QuerySolution) -> Row:
    # A solution iterates its values in the order of the result's variables: a third of the
    # cost of looking each one up by name.
    return tuple(None if term is None else _term(term) for term in solution)


def _triple(triple: ox.Triple) -> TripleRow:
    return (_term(triple.subject), _term(triple.predicate), _term(triple.object))


# Terms already converted: the same IRIs and labels come back row after row and query after
# query (in a server's workers), and a look-up costs a fifth of a conversion. Bounded: it
# starts afresh when full.
_CONVERTED: dict[object, Term] = {}
_MOST_CONVERTED = 1 << 16


def _term(term: object) -> Term:
    found = _CONVERTED.get(term)
    if found is None:
        if len(_CONVERTED) >= _MOST_CONVERTED:
            _CONVERTED.clear()
        found = _CONVERTED[term] = from_oxigraph(term)
    return found
