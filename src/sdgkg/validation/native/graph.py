"""The data a check reads: terms, an index of triples by subject (and object), paths."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Union

import pyoxigraph as ox

from sdgkg.namespaces import RDF, RDF_TYPE, RDFS, SH, XSD, compact

Node = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]  # noqa: UP007 - a runtime alias
Edges = dict[Node, list[Node]]  # predicate -> objects

NO_EDGES: Edges = {}
NO_VALUES: list[Node] = []
TYPE = ox.NamedNode(RDF_TYPE)
SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_FIRST, _REST, _NIL = (ox.NamedNode(RDF + name) for name in ("first", "rest", "nil"))
TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))


def text(node: Node) -> str:
    """An IRI's, blank node's or literal's string; triple terms are not for SHACL 1.0."""
    if isinstance(node, ox.Triple):
        raise Unsupported(f"a triple term: {node}")
    return node.value


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


class Unsupported(Exception):
    """The shapes (or a value) need a SHACL feature this checker does not implement."""


class Triples:
    """A graph's triples by subject and predicate, and by object for the predicates asked."""

    def __init__(
        self, triples: Iterable[ox.Triple | ox.Quad], backward: Iterable[Node] = ()
    ) -> None:
        out: dict[Node, Edges] = {}
        into: dict[Node, Edges] = {}
        inverse = frozenset(backward)
        for triple in triples:  # the hot loop of a large check: `_add`, written inline
            subject, predicate, value = triple.subject, triple.predicate, triple.object
            edges = out.get(subject)
            if edges is None:
                out[subject] = {predicate: [value]}
            else:
                values = edges.get(predicate)
                if values is None:
                    edges[predicate] = [value]
                elif value not in values:  # a triple in two graphs of the union counts once
                    values.append(value)
            if predicate in inverse:
                _add(into, value, predicate, subject)
        self.out = out
        self.into = into

    def objects(self, subject: Node, predicate: Node) -> list[Node]:
        return self.out.get(subject, NO_EDGES).get(predicate, NO_VALUES)

    def subjects(self, predicate: Node, value: Node) -> list[Node]:
        return self.into.get(value, NO_EDGES).get(predicate, NO_VALUES)

    def one(self, subject: Node, predicate: Node) -> Node | None:
        values = self.objects(subject, predicate)
        return values[0] if values else None

    def items(self, head: Node) -> list[Node]:
        """The members of the RDF list starting at `head`."""
        members: list[Node] = []
        while head != _NIL:
            first, rest = self.one(head, _FIRST), self.one(head, _REST)
            if first is None or rest is None or len(members) > 100_000:
                raise Unsupported(f"a malformed RDF list at {head}")
            members.append(first)
            head = rest
        return members


def _add(index: dict[Node, Edges], subject: Node, predicate: Node, value: Node) -> None:
    edges = index.get(subject)
    if edges is None:
        index[subject] = {predicate: [value]}
        return
    values = edges.get(predicate)
    if values is None:
        edges[predicate] = [value]
    elif value not in values:  # the same triple in two graphs of the union counts once
        values.append(value)


@dataclass(frozen=True)
class Path:
    """A SHACL property path: a predicate, or an operator over inner paths."""

    kind: str  # predicate, inverse, sequence, alternative, zeroOrMore, oneOrMore, zeroOrOne
    predicate: Node | None = None
    inner: tuple[Path, ...] = ()

    def values(self, data: Triples, node: Node) -> list[Node]:
        if self.kind == "predicate":
            assert self.predicate is not None
            return data.objects(node, self.predicate)
        if self.kind == "inverse":
            inner = self.inner[0]
            if inner.kind == "predicate":
                assert inner.predicate is not None
                return data.subjects(inner.predicate, node)
            raise Unsupported("an inverse of a complex path")
        if self.kind == "sequence":
            nodes = [node]
            for step in self.inner:
                nodes = unique(v for n in nodes for v in step.values(data, n))
            return nodes
        if self.kind == "alternative":
            return unique(v for step in self.inner for v in step.values(data, node))
        return self._repeated(data, node)

    def _repeated(self, data: Triples, node: Node) -> list[Node]:
        step = self.inner[0]
        if self.kind == "zeroOrOne":
            return unique([node, *step.values(data, node)])
        reached: dict[Node, None] = {node: None} if self.kind == "zeroOrMore" else {}
        frontier = [node]
        while frontier:
            ahead = [v for n in frontier for v in step.values(data, n) if v not in reached]
            reached.update(dict.fromkeys(ahead))
            frontier = list(dict.fromkeys(ahead))
        return list(reached)

    def predicates(self) -> Iterator[tuple[Node, bool]]:
        """Every predicate the path reads, and whether it is read backward."""
        if self.predicate is not None:
            yield self.predicate, False
        for inner in self.inner:
            for predicate, backward in inner.predicates():
                yield predicate, backward != (self.kind == "inverse")

    def text(self) -> str:
        """The path in SPARQL's syntax, with prefixed names (as `names.path_text` writes it)."""
        if self.predicate is not None:
            return compact(text(self.predicate))
        marks = {"zeroOrMore": "*", "oneOrMore": "+", "zeroOrOne": "?"}
        if self.kind == "inverse":
            return "^" + self.inner[0].text()
        if self.kind in marks:
            return self.inner[0].text() + marks[self.kind]
        joint = "|" if self.kind == "alternative" else "/"
        return joint.join(step.text() for step in self.inner)


def unique(nodes: Iterable[Node]) -> list[Node]:
    return list(dict.fromkeys(nodes))


def read_path(shapes: Triples, node: Node) -> Path:
    if isinstance(node, ox.NamedNode):
        return Path("predicate", node)
    if isinstance(node, ox.Literal):
        raise Unsupported(f"a literal as sh:path: {node}")
    if shapes.one(node, _FIRST) is not None:
        return Path("sequence", inner=tuple(read_path(shapes, n) for n in shapes.items(node)))
    for kind in ("inverse", "alternative", "zeroOrMore", "oneOrMore", "zeroOrOne"):
        value = shapes.one(node, sh(kind + "Path"))
        if value is None:
            continue
        if kind == "alternative":
            return Path(kind, inner=tuple(read_path(shapes, n) for n in shapes.items(value)))
        return Path(kind, inner=(read_path(shapes, value),))
    raise Unsupported(f"an unknown kind of path at {node}")
