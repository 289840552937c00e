"""A SPARQL-based constraint (`sh:select`) asked for many focus nodes, meaning what SHACL's
pre-binding of `$this` means.

Pre-binding is the query with `$this` replaced by the focus node: exact, but one query per
node, and tens of thousands of nodes take seconds. Most constraints can instead be asked once
with `$this` free, keeping the rows of the focus nodes: the same rows, when every row binds
`$this` in the first triple pattern block of the outer group, before anything that reads it
(a BIND, OPTIONAL, MINUS, a nested group) is evaluated. Oxigraph joins a large `VALUES` of focus
nodes far more slowly than it answers the free query, so `VALUES` is not used. A query that
does not pass these checks, or aggregates, is asked node by node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from sdgkg.errors import QueryError
from sdgkg.safety.sparql_lexer import Token, closing, normalise
from sdgkg.validation.native.graph import Node

_THIS = ("$this", "?this")
# Words after which rows of the free query are not those of a pre-bound one, or which SHACL
# does not allow with pre-binding (SHACL 1.0, 5.2.1): such a query is asked node by node.
_NODE_BY_NODE = frozenset(
    {"MINUS", "VALUES", "GROUP", "HAVING", "LIMIT", "OFFSET", "ORDER"}
    | {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
)


class Unanswerable(Exception):
    """The constraint cannot be asked here (not one SELECT, unreadable, blank focus nodes)."""


@dataclass(frozen=True)
class Row:
    """A solution of the constraint: a validation result for the focus node at `index`."""

    index: int
    this: Node
    path: Node | None
    value: Node | None
    message: str  # the template with the row's values filled in


@dataclass(frozen=True)
class SelectConstraint:
    node: Node
    query: str
    message: str

    @cached_property
    def tokens(self) -> list[Token]:
        try:
            significant = normalise(self.query)[1]
        except QueryError as exc:
            raise Unanswerable(f"{self.node}: {exc}") from None
        words = [_word(t) for t in significant]
        if words.count("SELECT") != 1 or "{" not in [t.text for t in significant]:
            raise Unanswerable(f"{self.node}: not one SELECT query with a WHERE group")
        if {"GRAPH", "FROM", "SERVICE"} & set(words):
            # The data is one graph to pySHACL, and named graphs (one per file) to Oxigraph.
            raise Unanswerable(f"{self.node}: a query that names graphs or services")
        return significant

    @cached_property
    def asked_once(self) -> bool:
        """Whether one query with `$this` free gives the rows of every pre-bound one."""
        significant = self.tokens
        select = [_word(t) for t in significant].index("SELECT")
        return (
            not any(_word(t) in _NODE_BY_NODE for t in significant[select + 1 :])
            and _projects_this(significant[select + 1 :])
            and _bound_first(significant)
            and not _this_in_detached_group(significant)
        )

    def rows(self, store: ox.Store, focus: Sequence[Node], many: int = 20) -> list[Row]:
        """The rows for each focus node (asked once when there are `many` or more nodes and
        that gives the same rows, else node by node), each distinct row once."""
        if any(isinstance(node, ox.BlankNode) for node in focus):
            raise Unanswerable(f"{self.node}: blank focus nodes cannot be pre-bound")
        found: dict[Row, None] = {}
        if len(focus) >= many and self.asked_once:
            position = {node: index for index, node in enumerate(focus)}
            for solution in self._solutions(store, self.query):
                this = solution["this"]
                if this in position:
                    found[self._row(position[this], this, solution)] = None
        else:
            for index, node in enumerate(focus):
                for solution in self._solutions(store, self._bound_to(node)):
                    found[self._row(index, node, solution)] = None
        return list(found)

    def _bound_to(self, node: Node) -> str:
        """The query with `$this` replaced by `node` (in the projection, `(node AS ?this)`)."""
        parts, last = [], 0
        projection = True
        for token in self.tokens:
            if token.text == "{" or _word(token) in ("WHERE", "FROM"):
                projection = False
            if token.kind == "var" and token.text in _THIS:
                parts += [
                    self.query[last : token.start],
                    f"({node} AS ?this)" if projection else str(node),
                ]
                last = token.start + len(token.text)
        return "".join(parts) + self.query[last:]

    def _solutions(self, store: ox.Store, query: str) -> Iterator[ox.QuerySolution]:
        try:
            solutions = store.query(query, use_default_graph_as_union=True)
        except (SyntaxError, OSError, ValueError) as exc:
            raise Unanswerable(f"{self.node}: {exc}") from None
        if not isinstance(solutions, ox.QuerySolutions):
            raise Unanswerable(f"{self.node}: not a SELECT query")
        for solution in solutions:
            if bound(solution, "failure") is not None:
                raise Unanswerable(f"{self.node}: the query reports a failure")
            yield solution

    def _row(self, index: int, this: Node, solution: ox.QuerySolution) -> Row:
        filled = _fill(self.message, solution)
        return Row(index, this, bound(solution, "path"), bound(solution, "value"), filled)


def bound(solution: ox.QuerySolution, name: str) -> Node | None:
    try:
        return solution[name]  # type: ignore[no-any-return]
    except KeyError:  # not a variable of the query
        return None


def _word(token: Token) -> str:
    return token.text.upper() if token.kind == "word" else ""


def _fill(template: str, solution: ox.QuerySolution) -> str:
    def value(match: re.Match[str]) -> str:
        term = bound(solution, match.group(1))
        return (
            term.value
            if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal))
            else match.group(0)
        )

    return re.sub(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}", value, template)


def _projects_this(clause: Sequence[Token]) -> bool:
    """Whether the SELECT clause names $this (or is `*`): rows then say which node they are for."""
    previous = ""
    for token in clause:
        if token.text == "{" or _word(token) in ("WHERE", "FROM"):
            return False
        if token.text in (*_THIS, "*"):
            return previous != "AS"  # `(... AS ?this)` names something else $this
        previous = _word(token)
    return False


def _bound_first(significant: Sequence[Token]) -> bool:
    """Whether a triple pattern of the outer group binds $this before any other element reads
    it: only FILTERs (which apply to the whole group), BINDs not naming it and other triple
    patterns may come first."""
    start = [t.text for t in significant].index("{") + 1
    index = start
    while index < len(significant):
        token = significant[index]
        word = _word(token)
        if word == "FILTER":
            index = _skip_filter(significant, index + 1)
            continue
        if word == "BIND":
            end = closing(significant, index + 1)
            if any(t.text in _THIS for t in significant[index + 1 : end]):
                return False
            index = end + 1
            continue
        if token.text in ("{", "}") or word in ("OPTIONAL", "UNION", "GRAPH", "MINUS", "VALUES"):
            return False
        if token.kind == "var" and token.text in _THIS:
            return True
        index += 1
    return False


def _skip_filter(significant: Sequence[Token], index: int) -> int:
    """The index after a FILTER's constraint: (expression), a call, or [NOT] EXISTS {...}."""
    while index < len(significant) and _word(significant[index]) in ("NOT", "EXISTS"):
        index += 1
    if index < len(significant) and significant[index].text not in ("(", "{"):
        index += 1  # a function name or IRI, before its arguments
    return closing(significant, index) + 1


def _this_in_detached_group(significant: Sequence[Token]) -> bool:
    """Whether $this appears in a nested group that a solution of the outer group does not
    reach (plain groups, UNION and GRAPH ones are evaluated on their own; FILTER EXISTS and
    OPTIONAL see the outer solution)."""
    reached: list[bool] = []
    previous = ""
    for token in significant:
        if token.text == "{":
            reached.append(not reached or (reached[-1] and previous in ("EXISTS", "OPTIONAL")))
        elif token.text == "}" and reached:
            reached.pop()
        elif token.kind == "var" and token.text in _THIS and reached and not reached[-1]:
            return True
        previous = _word(token)
    return False
