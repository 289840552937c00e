"""Shapes read from a shapes graph: targets, path, constraint components, SPARQL constraints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from sdgkg.namespaces import RDFS, SH, compact
from sdgkg.validation.native import components
from sdgkg.validation.native.components import Run
from sdgkg.validation.native.graph import (
    NO_EDGES,
    SUBCLASS,
    TRUE,
    TYPE,
    Edges,
    Node,
    Path,
    Triples,
    Unsupported,
    read_path,
    sh,
    text,
)
from sdgkg.validation.native.prebound import SelectConstraint

_OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
_RDFS_CLASS = ox.NamedNode(RDFS + "Class")
_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")


@dataclass(frozen=True)
class Check:
    """One constraint component of a shape, run over all its focus nodes at once."""

    component: ox.NamedNode
    run: Run


@dataclass(eq=False)
class Shape:
    node: Node
    path: Path | None
    severity: ox.NamedNode
    message: str
    deactivated: bool = False
    checks: list[Check] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SelectConstraint] = field(default_factory=list)
    target_nodes: list[Node] = field(default_factory=list)
    target_classes: list[Node] = field(default_factory=list)
    subjects_of: list[Node] = field(default_factory=list)
    objects_of: list[Node] = field(default_factory=list)

    def targeted(self) -> bool:
        targets = (self.target_nodes, self.target_classes, self.subjects_of, self.objects_of)
        return not self.deactivated and any(targets)


# The parameters this checker reads on a shape; any other sh: parameter makes it Unsupported.
_KNOWN = frozenset(
    SH + name
    for name in (
        *("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "path"),
        *("property", "node", "class", "datatype", "nodeKind", "minCount", "maxCount"),
        *("minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "minLength"),
        *("maxLength", "pattern", "flags", "languageIn", "uniqueLang", "in", "hasValue"),
        *("or", "and", "not", "xone", "closed", "ignoredProperties", "qualifiedValueShape"),
        *("qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "sparql"),
        *("severity", "message", "name", "description", "order", "group", "deactivated"),
        *("defaultValue", "select", "prefixes"),  # a shape may be its own SPARQL constraint
    )
)
_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")


class ShapesReader:
    """Reads the shapes of a shapes graph into `Shape`s, each node once."""

    def __init__(self, triples: Iterable[ox.Triple | ox.Quad]) -> None:
        self.graph = Triples(triples)
        self.read: dict[Node, Shape] = {}
        self.reading: set[Node] = set()
        class_types = {_RDFS_CLASS, _OWL_CLASS}
        for node, edges in self.graph.out.items():
            if _RDFS_CLASS in edges.get(SUBCLASS, ()):
                class_types.add(node)  # type: ignore[arg-type]
        self.class_types = class_types

    def targeted(self) -> list[Shape]:
        """Every shape with a target (explicit, or implicit: a shape that is also a class)."""
        if any(sh("parameter") in edges for edges in self.graph.out.values()):
            # A shape may use a SPARQL-defined component through a parameter of any name.
            raise Unsupported("constraint components defined in the shapes (sh:parameter)")
        found: list[Shape] = []
        for node, edges in self.graph.out.items():
            implicit = self._is_class(edges) and self._is_shape(edges)
            if implicit or any(sh(name) in edges for name in _TARGETS):
                shape = self.shape(node)
                if implicit and node not in shape.target_classes:
                    shape.target_classes.append(node)
                if shape.targeted():
                    found.append(shape)
        return found

    def _is_class(self, edges: Edges) -> bool:
        return any(t in self.class_types for t in edges.get(TYPE, ()))

    @staticmethod
    def _is_shape(edges: Edges) -> bool:
        kinds = {sh("NodeShape"), sh("PropertyShape")}
        return any(t in kinds for t in edges.get(TYPE, ()))

    def shape(self, node: Node) -> Shape:
        if node in self.read:
            return self.read[node]
        if node in self.reading:
            raise Unsupported(f"recursive shapes at {node}")
        self.reading.add(node)
        try:
            shape = self._compile(node)
        finally:
            self.reading.discard(node)
        self.read[node] = shape
        return shape

    def _compile(self, node: Node) -> Shape:
        g = self.graph
        edges = g.out.get(node, NO_EDGES)
        unknown = [text(p) for p in edges if text(p).startswith(SH) and text(p) not in _KNOWN]
        if unknown:
            raise Unsupported(f"{compact(unknown[0])} on {node}")
        path_node = g.one(node, sh("path"))
        messages = [m.value for m in g.objects(node, sh("message")) if isinstance(m, ox.Literal)]
        severity = g.one(node, sh("severity")) or sh("Violation")
        shape = Shape(
            node=node,
            path=read_path(g, path_node) if path_node is not None else None,
            severity=severity,  # type: ignore[arg-type]
            message=messages[0] if messages else "",
            deactivated=g.one(node, sh("deactivated")) == TRUE,
        )
        shape.target_nodes = list(g.objects(node, sh("targetNode")))
        shape.target_classes = list(g.objects(node, sh("targetClass")))
        shape.subjects_of = list(g.objects(node, sh("targetSubjectsOf")))
        shape.objects_of = list(g.objects(node, sh("targetObjectsOf")))
        shape.properties = [self.shape(p) for p in g.objects(node, sh("property"))]
        shape.checks = list(self._checks(node, shape))
        constraints = (self._sparql(shape, c) for c in g.objects(node, sh("sparql")))
        shape.sparql = [c for c in constraints if c is not None]
        return shape

    def _checks(self, node: Node, shape: Shape) -> Iterator[Check]:
        g = self.graph
        for parameter, values in g.out.get(node, NO_EDGES).items():
            name = text(parameter).removeprefix(SH)
            for value in values:
                made = self._check(name, value, node, shape)
                if made is not None:
                    yield made

    def _check(self, name: str, value: Node, node: Node, shape: Shape) -> Check | None:
        g = self.graph
        simple: dict[str, Callable[[Node], Run]] = {
            "minCount": components.min_count,
            "maxCount": components.max_count,
            "class": components.class_of,
            "datatype": components.datatype_of,
            "nodeKind": components.node_kind,
            "minInclusive": lambda bound: components.value_range(bound, lambda c: c >= 0),
            "maxInclusive": lambda bound: components.value_range(bound, lambda c: c <= 0),
            "minExclusive": lambda bound: components.value_range(bound, lambda c: c > 0),
            "maxExclusive": lambda bound: components.value_range(bound, lambda c: c < 0),
            "minLength": lambda bound: components.length(bound, lambda n, b: n >= b),
            "maxLength": lambda bound: components.length(bound, lambda n, b: n <= b),
            "hasValue": components.has_value,
        }
        if name in simple:
            return Check(
                sh(name[0].upper() + name[1:] + "ConstraintComponent"), simple[name](value)
            )
        if name == "pattern":
            flags = g.one(node, sh("flags"))
            return Check(sh("PatternConstraintComponent"), components.pattern(value, flags))
        if name == "languageIn":
            ranges = [text(r).lower() for r in g.items(value)]
            return Check(sh("LanguageInConstraintComponent"), components.language_in(ranges))
        if name == "uniqueLang" and value == TRUE:
            return Check(sh("UniqueLangConstraintComponent"), components.unique_lang)
        if name == "in":
            return Check(
                sh("InConstraintComponent"), components.member_of(frozenset(g.items(value)))
            )
        if name in ("node", "not"):
            nested = self.shape(value)
            component = sh(
                "NodeConstraintComponent" if name == "node" else "NotConstraintComponent"
            )
            return Check(component, components.nested(nested, name == "node"))
        if name in ("and", "or", "xone"):
            members = [self.shape(m) for m in g.items(value)]
            accept = {"and": len(members).__eq__, "or": (0).__lt__, "xone": (1).__eq__}[name]
            return Check(
                sh(name.capitalize() + "ConstraintComponent"), components.logical(members, accept)
            )
        if name == "closed" and value == TRUE:
            return Check(sh("ClosedConstraintComponent"), self._closed(node, shape))
        if name in ("qualifiedMinCount", "qualifiedMaxCount"):
            return self._qualified(name, value, node)
        return None

    def _closed(self, node: Node, shape: Shape) -> Run:
        g = self.graph
        allowed: set[Node | None] = {
            p.path.predicate
            for p in shape.properties
            if p.path is not None and p.path.kind == "predicate"
        }
        for ignored in g.objects(node, sh("ignoredProperties")):
            allowed.update(g.items(ignored))
        return components.closed(frozenset(allowed))

    def _qualified(self, name: str, bound: Node, node: Node) -> Check | None:
        g = self.graph
        if g.one(node, sh("qualifiedValueShapesDisjoint")) == TRUE:
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        inner = g.one(node, sh("qualifiedValueShape"))
        if inner is None:
            return None  # the component's mandatory parameter is missing: it does not apply
        limit = components.integer(bound)
        accept = (lambda n: n >= limit) if name == "qualifiedMinCount" else (lambda n: n <= limit)
        component = sh(name[0].upper() + name[1:] + "ConstraintComponent")
        return Check(component, components.qualified(self.shape(inner), accept))

    def _declarers(self, constraint: Node) -> list[Node]:
        """The nodes whose sh:declare give a constraint its prefixes: sh:prefixes/owl:imports*."""
        found = list(dict.fromkeys(self.graph.objects(constraint, sh("prefixes"))))
        for node in found:  # grows while it is read
            found.extend(i for i in self.graph.objects(node, _IMPORTS) if i not in found)
        return found

    def _sparql(self, shape: Shape, constraint: Node) -> SelectConstraint | None:
        g = self.graph
        if shape.path is not None:
            raise Unsupported("a SPARQL constraint on a property shape")
        if g.one(constraint, sh("deactivated")) == TRUE:
            return None
        select = g.one(constraint, sh("select"))
        if not isinstance(select, ox.Literal):
            raise Unsupported(f"a SPARQL constraint without sh:select: {constraint}")
        prefixes = "".join(
            f"PREFIX {text(prefix)}: <{text(namespace)}>\n"
            for declarer in self._declarers(constraint)
            for declaration in g.objects(declarer, sh("declare"))
            if (prefix := g.one(declaration, sh("prefix"))) is not None
            and (namespace := g.one(declaration, sh("namespace"))) is not None
        )
        messages = [text(m) for m in g.objects(constraint, sh("message"))]
        message = messages[0] if messages else shape.message
        return SelectConstraint(constraint, prefixes + select.value, message)
