"""The query screen: refuses what a read-only graph must never run, before any engine sees it.

Refused: `SERVICE` (an engine would call out to the network, and `SERVICE SILENT` would hide
it), `LOAD` and every other update form, `FROM`/`FROM NAMED` of anything but the graph's own
named graphs (an engine may load a dataset clause from a file or a URL), and brackets nested
deeper than a limit (a parser that recurses may overflow its stack).

The screen reads tokens, not text: keywords inside comments, string literals, IRIs,
variables or prefixed names never trigger it. It is pure and imports nothing heavy, so the
CLI's query path and `serve` can both call it on every query.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from urllib.parse import urljoin

from sdgkg.errors import QueryError
from sdgkg.namespaces import GRAPH_BASE, PREFIXES

MAX_DEPTH = 64
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_OPEN, _CLOSE = "{([", "})]"
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# One alternative per token kind; the first that matches at a position wins.
_KINDS = (
    ("space", r"\s+"),
    ("comment", r"\#[^\n]*"),
    (
        "string",
        r"'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
        r"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"",
    ),
    ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
    ("var", r"[?$]\w*"),
    ("pname", r"(?:[^\W\d][\w.\-]*)?:(?:[\w\-.:%]|\\.)*"),
    ("word", r"[A-Za-z_][\w\-]*"),
    ("lang", r"@[A-Za-z][A-Za-z0-9\-]*"),
    ("other", r"."),
)
_TOKEN = re.compile("|".join(f"(?P<{kind}>{rx})" for kind, rx in _KINDS), re.DOTALL)
# The same tokens, capturing only words: one pass in C finds every keyword of a query.
# Spaces are taken with the token that follows them (a match fewer per token).
_WORD = re.compile(
    r"\s*+(?:"
    + "|".join(
        f"({rx})" if kind == "word" else f"(?:{rx})" for kind, rx in _KINDS if kind != "space"
    )
    + ")",
    re.DOTALL,
)
# The words that make the screen look closer (PREFIX and BASE only matter to FROM).
_WATCHED = UPDATE_KEYWORDS | {"SERVICE", "FROM"}


def screen_query(
    sparql: str, graphs: Collection[str] | None = None, max_depth: int = MAX_DEPTH
) -> None:
    """Raise QueryError if `sparql` holds anything a read-only, offline graph must not run.

    `graphs` are the named graphs a `FROM`/`FROM NAMED` may name; None allows any IRI in the
    project's graph namespace.
    """
    text = _unescaped(sparql)
    if not _plainly_harmless(text, max_depth):
        _screen_tokens(text, graphs, max_depth)


def _screen_tokens(query: str, graphs: Collection[str] | None, max_depth: int) -> None:
    """The screen proper: read the query token by token, as a parser would."""
    prefixes = dict(PREFIXES)
    base: str | None = None
    depth = 0
    tokens = list(_significant(query))
    for index, (kind, text) in enumerate(tokens):
        upper = text.upper() if kind == "word" else ""
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
        elif upper == "BASE" and _next(tokens, index + 1)[0] == "iri":
            base = _next(tokens, index + 1)[1][1:-1]
        elif upper == "FROM":
            _check_from(tokens, index, prefixes, base, graphs)
        elif kind == "other" and text in _OPEN:
            depth += 1
            if depth > max_depth:
                raise QueryError(f"query nested deeper than {max_depth} levels")
        elif kind == "other" and text in _CLOSE:
            depth -= 1


def _unescaped(sparql: str) -> str:
    # SPARQL applies \u and \U escapes before parsing, anywhere: so does the screen.
    if "\\" not in sparql:
        return sparql
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)


def _plainly_harmless(text: str, max_depth: int) -> bool:
    """True when the token-by-token reading cannot refuse the query: none of its words is
    one the screen watches, and the whole text has no more opening brackets than the depth
    limit. Most queries end here, at a third of the cost of the full reading."""
    if sum(text.count(bracket) for bracket in _OPEN) > max_depth:
        return False
    words = set(_WORD.findall(text))
    return not any(word.upper() in _WATCHED for word in words if word)


def _significant(text: str) -> Iterator[tuple[str, str]]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield kind, match.group()


def _next(tokens: list[tuple[str, str]], index: int) -> tuple[str, str]:
    return tokens[index] if index < len(tokens) else ("end", "")


def _declare(tokens: list[tuple[str, str]], index: int, prefixes: dict[str, str]) -> None:
    name, iri = _next(tokens, index + 1), _next(tokens, index + 2)
    if name[0] == "pname" and name[1].endswith(":") and iri[0] == "iri":
        prefixes[name[1][:-1]] = iri[1][1:-1]


def _check_from(
    tokens: list[tuple[str, str]],
    index: int,
    prefixes: dict[str, str],
    base: str | None,
    graphs: Collection[str] | None,
) -> None:
    target = _next(tokens, index + 1)
    if target[0] == "word" and target[1].upper() == "NAMED":
        target = _next(tokens, index + 2)
    iri = _iri_of(target, prefixes, base)
    allowed = iri is not None and iri.startswith(GRAPH_BASE) if graphs is None else iri in graphs
    if not allowed:
        raise QueryError(
            f"FROM {target[1]} is refused: only the graph's own named graphs can be named",
            hint=f"name a graph such as <{GRAPH_BASE}kg/centre.ttl>, or leave FROM out",
        )


def _iri_of(token: tuple[str, str], prefixes: dict[str, str], base: str | None) -> str | None:
    kind, text = token
    if kind == "iri":
        iri = text[1:-1]
        if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
            return iri
        return urljoin(base, iri) if base else None
    if kind == "pname":
        prefix, _, local = text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None
