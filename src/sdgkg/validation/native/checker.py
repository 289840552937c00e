"""The checker: focus nodes from targets, each shape's results over all of them at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from sdgkg.parallel import on_two_cores
from sdgkg.validation.native.graph import (
    NO_EDGES,
    SUBCLASS,
    TYPE,
    Node,
    Path,
    Triples,
    Unsupported,
    sh,
)
from sdgkg.validation.native.prebound import SelectConstraint, Unanswerable
from sdgkg.validation.native.shapes import Shape, ShapesReader


@dataclass(frozen=True)
class Finding:
    """One validation result, as SHACL defines it."""

    focus: Node
    path: Path | None
    value: Node | None
    component: ox.NamedNode
    shape: Node
    severity: ox.NamedNode
    message: str


class Checker:
    """Validates data (a `Triples` index, and a Store for SPARQL constraints) against shapes."""

    def __init__(self, data: Triples, store: Callable[[], ox.Store]) -> None:
        self.data = data
        self._store = store
        self._sparql_store: ox.Store | None = None
        self._supers: dict[Node, frozenset[Node]] = {}
        self._fits: dict[int, dict[Node, bool]] = {}
        self._typed: dict[Node, list[Node]] | None = None
        self._subjects_of: dict[Node, list[Node]] | None = None

    def sparql_store(self) -> ox.Store:
        if self._sparql_store is None:
            self._sparql_store = self._store()
        return self._sparql_store

    def findings(self, shapes: Sequence[Shape]) -> list[Finding]:
        """Every result of the targeted `shapes`, each once. The shapes are dealt into two
        halves of about as many focus nodes, and the second half is checked in a forked child
        (`parallel.on_two_cores`) while this process checks the first."""
        work = sorted(((s, self.focus_nodes(s)) for s in shapes), key=lambda w: -len(w[1]))
        halves: tuple[list[tuple[Shape, list[Node]]], ...] = ([], [])
        for item in work:  # the larger shapes first, each to the lighter half
            min(halves, key=lambda half: sum(len(nodes) for _, nodes in half)).append(item)

        def check(half: list[tuple[Shape, list[Node]]]) -> list[Finding]:
            return [f for shape, focus in half for _, f in self.results(shape, focus)]

        first, second = on_two_cores(check, [*halves[0], *halves[1]], len(halves[0]))
        return list(dict.fromkeys([*first, *second]))

    def focus_nodes(self, shape: Shape) -> list[Node]:
        nodes: dict[Node, None] = dict.fromkeys(shape.target_nodes)
        out = self.data.out
        for cls in shape.target_classes:
            nodes.update(dict.fromkeys(self.instances(cls)))
        for predicate in shape.subjects_of:
            nodes.update(dict.fromkeys(self.subjects_of(predicate)))
        for predicate in shape.objects_of:
            nodes.update((o, None) for edges in out.values() for o in edges.get(predicate, ()))
        return list(nodes)

    def subjects_of(self, predicate: Node) -> list[Node]:
        if self._subjects_of is None:
            self._subjects_of = {}
            for subject, edges in self.data.out.items():
                for used in edges:
                    self._subjects_of.setdefault(used, []).append(subject)
        return self._subjects_of.get(predicate, [])

    def instances(self, cls: Node) -> list[Node]:
        """The nodes of type `cls` or of a subclass of it (rdf:type/rdfs:subClassOf*)."""
        if self._typed is None:
            self._typed = {}
            for subject, edges in self.data.out.items():
                for cls_of in edges.get(TYPE, ()):
                    self._typed.setdefault(cls_of, []).append(subject)
        return [s for t, members in self._typed.items() if cls in self.supers(t) for s in members]

    def supers(self, cls: Node) -> frozenset[Node]:
        """`cls` and every class it is a subclass of (rdfs:subClassOf*, in the data)."""
        known = self._supers.get(cls)
        if known is None:
            reached = {cls}
            frontier = [cls]
            while frontier:
                ahead = [s for c in frontier for s in self.data.objects(c, SUBCLASS)]
                frontier = [s for s in ahead if s not in reached]
                reached.update(frontier)
            known = self._supers[cls] = frozenset(reached)
        return known

    def is_instance(self, node: Node, cls: Node) -> bool:
        for cls_of in self.data.out.get(node, NO_EDGES).get(TYPE, ()):
            if cls in (self._supers.get(cls_of) or self.supers(cls_of)):
                return True
        return False

    def results(self, shape: Shape, focus: Sequence[Node]) -> list[tuple[int, Finding]]:
        """Every result of `shape` on each focus node, with the index of the node it is for."""
        if shape.deactivated or not focus:
            return []
        path = shape.path
        values = (
            [[node] for node in focus]
            if path is None
            else [path.values(self.data, n) for n in focus]
        )
        found: list[tuple[int, Finding]] = []
        for check in shape.checks:
            for index, value, own_path in check.run(self, focus, values):
                finding = Finding(
                    focus[index],
                    shape.path if own_path is None else Path("predicate", own_path),
                    value,
                    check.component,
                    shape.node,
                    shape.severity,
                    shape.message,
                )
                found.append((index, finding))
        if shape.properties:
            found.extend(self._property_results(shape, focus, values))
        for constraint in shape.sparql:
            found.extend(self._sparql_results(shape, constraint, focus))
        return found

    def _sparql_results(
        self, shape: Shape, constraint: SelectConstraint, focus: Sequence[Node]
    ) -> Iterator[tuple[int, Finding]]:
        for row in constraint.rows(self.sparql_store(), focus):
            path = Path("predicate", row.path) if isinstance(row.path, ox.NamedNode) else shape.path
            value = row.value if row.value is not None else row.this  # a node shape's default
            component = sh("SPARQLConstraintComponent")
            finding = Finding(
                row.this, path, value, component, shape.node, shape.severity, row.message
            )
            yield row.index, finding

    def _property_results(
        self, shape: Shape, focus: Sequence[Node], values: Sequence[list[Node]]
    ) -> Iterator[tuple[int, Finding]]:
        """The results of the shape's property shapes, each applied to its value nodes."""
        if shape.path is None:  # the value node is the focus node itself
            for prop in shape.properties:
                yield from self.results(prop, focus)
            return
        origins: dict[Node, list[int]] = {}
        for index, nodes in enumerate(values):
            for node in nodes:
                origins.setdefault(node, []).append(index)
        flat = list(origins)
        for prop in shape.properties:
            for at, finding in self.results(prop, flat):
                yield from ((index, finding) for index in origins[flat[at]])

    def conforming(self, shape: Shape, nodes: Sequence[Node]) -> dict[Node, bool]:
        """Whether each node conforms to `shape` (no results at all), remembered per node."""
        known = self._fits.setdefault(id(shape), {})
        asked = [n for n in dict.fromkeys(nodes) if n not in known]
        if asked:
            failed = {index for index, _ in self.results(shape, asked)}
            known.update((node, index not in failed) for index, node in enumerate(asked))
        return known


def check(
    data: Iterable[ox.Triple | ox.Quad] | ox.Store, shapes: Iterable[ox.Triple | ox.Quad]
) -> list[Finding]:
    """Validate `data` (its union graph, for a Store) against the shapes graph `shapes`;
    raises Unsupported where it cannot. SPARQL constraints are asked of `data` if it is a
    Store, else of one made from it."""
    reader = ShapesReader(shapes)
    targeted = reader.targeted()
    backward = {SUBCLASS} | {
        predicate
        for shape in reader.read.values()
        if shape.path is not None
        for predicate, inverse in shape.path.predicates()
        if inverse
    }
    triples = data if isinstance(data, (ox.Store, Sequence)) else list(data)
    index = Triples(triples, backward)

    def make_store() -> ox.Store:
        if isinstance(triples, ox.Store):
            return triples
        made = ox.Store()
        made.extend(q if isinstance(q, ox.Quad) else ox.Quad(*q) for q in triples)
        return made

    try:
        return Checker(index, make_store).findings(targeted)
    except Unanswerable as exc:
        raise Unsupported(str(exc)) from None
