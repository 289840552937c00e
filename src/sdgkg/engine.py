"""The one module that executes SPARQL; everything else sees `QueryResult`, not engine types."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

import pyoxigraph as ox

from sdgkg.errors import QueryError
from sdgkg.namespaces import PREFIXES
from sdgkg.terms import Term, from_oxigraph, to_oxigraph

T = TypeVar("T")
ResultKind = Literal["select", "ask", "graph"]
Row = tuple[Term | None, ...]
TripleRow = tuple[Term, Term, Term]

# After the prologue, an update starts with one of these words; a query never does.
_UPDATE = re.compile(
    r"^\s*(?:(?:#[^\n]*\n|BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
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
    """Anything that answers SPARQL queries (the embedded store now, an endpoint later)."""

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        """Run a read-only query with `?name` variables pre-bound from `bindings`."""
        ...


class EmbeddedEngine:
    """Runs queries on a pyoxigraph Store, the default graph being the union of all graphs.

    The project prefixes are predeclared, so ad-hoc queries may use `kg:` and friends.
    """

    def __init__(self, store: ox.Store, max_rows: int | None = None) -> None:
        self._store = store
        self._max_rows = max_rows  # more rows than this is an error, not a silent cut

    def query(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            raw = self._store.query(
                sparql,
                prefixes=PREFIXES,
                use_default_graph_as_union=True,
                substitutions=substitutions,
            )
            return materialize(raw, self._max_rows)
        except SyntaxError as exc:
            raise syntax_error(sparql, exc) from None
        except RuntimeError as exc:
            raise _runtime_error(exc) from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from None


def _runtime_error(exc: RuntimeError) -> QueryError:
    # pyoxigraph only substitutes variables that the SELECT clause projects.
    match = re.search(r"variable \?(\w+) in its SELECT projection", str(exc))
    if match:
        return QueryError(
            f"cannot bind ?{match.group(1)}: the query does not select it",
            hint="a bound variable must appear in the SELECT clause (or use SELECT *)",
        )
    return QueryError(f"query failed: {exc}")


def syntax_error(sparql: str, exc: SyntaxError) -> QueryError:
    """The error for a query pyoxigraph cannot parse; an update is named as such."""
    match = _UPDATE.match(sparql)
    if match:
        return QueryError(
            f"{match.group(1).upper()} is an update; sdgkg only runs read-only queries",
            hint="use SELECT, ASK, CONSTRUCT or DESCRIBE",
        )
    from sdgkg.sparql_errors import explain  # the position and a message in words

    return explain(sparql, str(exc.msg if exc.msg else exc))


def materialize(
    raw: object,
    max_rows: int | None = None,
    too_many: Callable[[int], QueryError] | None = None,
) -> QueryResult:
    """A pyoxigraph result as a `QueryResult`; more than `max_rows` rows or triples raise
    `too_many(max_rows)` (default: the CLI's row-limit error)."""
    if isinstance(raw, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(raw))
    if isinstance(raw, ox.QuerySolutions):
        names = tuple(v.value for v in raw.variables)
        rows = tuple(_row(solution) for solution in _capped(raw, max_rows, too_many))
        return QueryResult("select", variables=names, rows=rows)
    # CONSTRUCT/DESCRIBE over the union may repeat a triple found in two files.
    capped = _capped(raw, max_rows, too_many)  # type: ignore[arg-type]
    triples = dict.fromkeys(_triple(t) for t in capped)
    return QueryResult("graph", triples=tuple(triples))


def _capped(
    items: Iterable[T], limit: int | None, too_many: Callable[[int], QueryError] | None
) -> Iterator[T]:
    # Results are lazy: stopping after limit + 1 stops a cartesian join from running on.
    for count, item in enumerate(items, start=1):
        if limit is not None and count > limit:
            if too_many is None:
                from sdgkg.limits import too_many_rows as too_many
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
