"""The query screen: refuses what a read-only graph must never run, before any engine sees it.

Refused: `SERVICE` (an engine would call out to the network, and `SERVICE SILENT` would hide
it), `LOAD` and every other update form, `FROM`/`FROM NAMED` of anything but the graph's own
named graphs (an engine may load a dataset clause from a file or a URL), and brackets nested
deeper than a limit (a parser that recurses may overflow its stack).

The screen reads the tokens of the query's normal form (`sparql_lexer`), and returns that
normal form: callers hand the engine exactly the text that was screened, so the two cannot
read it differently. Keywords inside comments, string literals, IRIs, variables or prefixed
names never trigger it. It is pure, linear in the length of the query, and imports nothing
heavy, so the CLI's query path and `serve` can both call it on every query.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urljoin

from sdgkg.errors import QueryError
from sdgkg.namespaces import GRAPH_BASE, PREFIXES
from sdgkg.safety.sparql_lexer import Token, is_closing, is_opening, normalise

MAX_DEPTH = 64
# Joins, unions, path steps and arithmetic chain into trees the engine walks recursively:
# about 10,000 in one query overflowed its stack (a crash, not an error). A real query has
# tens; VALUES rows and literals do not count.
MAX_OPERATORS = 4000
_CHAINING = frozenset({"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH", "VALUES"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


@dataclass(frozen=True)
class ScreenedQuery:
    """A query that passed the screen: the text to run, and whether it names its dataset."""

    text: str  # the normal form: hand exactly this to the engine
    names_dataset: bool  # it has FROM or FROM NAMED: the engine must not widen the default graph


def screen_query(
    sparql: str, graphs: Collection[str] | None = None, max_depth: int = MAX_DEPTH
) -> str:
    """Raise QueryError if `sparql` holds anything a read-only, offline graph must not run;
    return the normal form to run instead of `sparql`.

    `graphs` are the named graphs a `FROM`/`FROM NAMED` may name; None allows any IRI in the
    project's graph namespace.
    """
    return screen(sparql, graphs, max_depth).text


def screen(
    sparql: str, graphs: Collection[str] | None = None, max_depth: int = MAX_DEPTH
) -> ScreenedQuery:
    """`screen_query`, telling also whether the query names its own dataset (FROM)."""
    text, tokens = normalise(sparql)
    names_dataset = _screen_tokens(tokens, graphs, max_depth)
    return ScreenedQuery(text, names_dataset)


def _screen_tokens(tokens: list[Token], graphs: Collection[str] | None, max_depth: int) -> bool:
    """The screen proper, token by token; True if the query has a FROM clause."""
    prefixes = dict(PREFIXES)
    base: str | None = None
    depth = prefix_run = operators = 0
    names_dataset = False
    for index, token in enumerate(tokens):
        if (token.kind == "punct" and token.text not in "{}()[]") or (
            token.kind == "word" and token.text.upper() in _CHAINING
        ):
            operators += 1
            if operators > MAX_OPERATORS:
                raise QueryError(
                    f"query has more than {MAX_OPERATORS} operators, joins and unions",
                    hint="split it into smaller queries",
                )
        # A run of prefix operators (`!!!x`, `- - -1`, `^^^p`) nests the parser as deep as
        # brackets do: it counts towards the same limit.
        prefix_run = prefix_run + 1 if token.kind == "punct" and token.text in "!-+^" else 0
        if depth + prefix_run > max_depth:
            raise QueryError(f"query nested deeper than {max_depth} levels")
        upper = token.text.upper() if token.kind == "word" else ""
        if upper == "SERVICE":
            raise QueryError(
                "SERVICE is refused: sdgkg never queries other endpoints on a query's behalf",
                hint="query the remote endpoint directly",
            )
        if upper in UPDATE_KEYWORDS:
            raise QueryError(
                f"{upper} is an update; sdgkg only runs read-only queries",
                hint="use SELECT, ASK, CONSTRUCT or DESCRIBE",
            )
        if upper == "PREFIX":
            _declare(tokens, index, prefixes)
        elif upper == "BASE" and _next(tokens, index + 1).kind == "iri":
            base = _next(tokens, index + 1).text[1:-1]
        elif upper == "FROM":
            _check_from(tokens, index, prefixes, base, graphs)
            names_dataset = True
        elif is_opening(token):
            depth += 1
            if depth > max_depth:
                raise QueryError(f"query nested deeper than {max_depth} levels")
        elif is_closing(token):
            depth -= 1
    return names_dataset


_END = Token("end", "", -1)


def _next(tokens: list[Token], index: int) -> Token:
    return tokens[index] if index < len(tokens) else _END


def _declare(tokens: list[Token], index: int, prefixes: dict[str, str]) -> None:
    name, iri = _next(tokens, index + 1), _next(tokens, index + 2)
    if name.kind == "pname" and name.text.endswith(":") and iri.kind == "iri":
        prefixes[name.text[:-1]] = iri.text[1:-1]


def _check_from(
    tokens: list[Token],
    index: int,
    prefixes: dict[str, str],
    base: str | None,
    graphs: Collection[str] | None,
) -> None:
    target = _next(tokens, index + 1)
    if target.kind == "word" and target.text.upper() == "NAMED":
        target = _next(tokens, index + 2)
    iri = _iri_of(target, prefixes, base)
    allowed = iri is not None and iri.startswith(GRAPH_BASE) if graphs is None else iri in graphs
    if not allowed:
        raise QueryError(
            f"FROM {target.text} is refused: only the graph's own named graphs can be named",
            hint=f"name a graph such as <{GRAPH_BASE}kg/centre.ttl>, or leave FROM out",
        )


def _iri_of(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    kind, text = token.kind, token.text
    if kind == "iri":
        iri = text[1:-1]
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            return iri
        return urljoin(base, iri) if base else None
    if kind == "pname":
        prefix, _, local = text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None
