"""A fast SHACL checker: SHACL Core and SPARQL-based constraints in Python, over an index of
the data held in memory.

`extract` writes tens of thousands of evidence nodes for a long article, and pySHACL checks
them at a few milliseconds a node: half a minute for a 1 MB article. This checker follows the
SHACL 1.0 definitions directly, a constraint at a time over all the focus nodes of a shape
(value nodes from the index, nested shapes remembered per node), and asks each SPARQL
constraint of Oxigraph once for all the focus nodes where that means the same as pre-binding
(`prebound`); the same check takes about a second.

pySHACL stays the reference. This checker raises `Unsupported` for a shapes feature it does not
implement (and for a value it cannot judge), and its callers then run pySHACL; they also run
pySHACL for the report whenever it finds a violation, so what it decides alone is only that
data conforms. tests/test_native_shacl.py holds it to pySHACL's results on the project's graph
with seeded faults, and to the SHACL test suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Union

import pyoxigraph as ox

from sdgkg.namespaces import RDF, RDF_TYPE, RDFS, SH, XSD, compact
from sdgkg.validation.prebound import SelectConstraint, Unanswerable

Node = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]  # noqa: UP007 - a runtime alias
Edges = dict[Node, list[Node]]  # predicate -> objects
# A check's answer: the index of the focus node, the value (None: the focus node as a whole)
# and the path it reports when not the shape's own (sh:closed reports each predicate).
Hit = tuple[int, Node | None, Node | None]

_NO_EDGES: Edges = {}
_NO_VALUES: list[Node] = []
_TYPE = ox.NamedNode(RDF_TYPE)
_SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
_FIRST, _REST, _NIL = (ox.NamedNode(RDF + name) for name in ("first", "rest", "nil"))
_OWL_CLASS = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
_RDFS_CLASS = ox.NamedNode(RDFS + "Class")
_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))


def text(node: Node) -> str:
    """An IRI's, blank node's or literal's string; triple terms are not for SHACL 1.0."""
    if isinstance(node, ox.Triple):
        raise Unsupported(f"a triple term: {node}")
    return node.value


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


class Unsupported(Exception):
    """The shapes (or a value) need a SHACL feature this checker does not implement."""


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
        return self.out.get(subject, _NO_EDGES).get(predicate, _NO_VALUES)

    def subjects(self, predicate: Node, value: Node) -> list[Node]:
        return self.into.get(value, _NO_EDGES).get(predicate, _NO_VALUES)

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


# --- paths ---------------------------------------------------------------------------------


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
                nodes = _unique(v for n in nodes for v in step.values(data, n))
            return nodes
        if self.kind == "alternative":
            return _unique(v for step in self.inner for v in step.values(data, node))
        return self._repeated(data, node)

    def _repeated(self, data: Triples, node: Node) -> list[Node]:
        step = self.inner[0]
        if self.kind == "zeroOrOne":
            return _unique([node, *step.values(data, node)])
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


def _unique(nodes: Iterable[Node]) -> list[Node]:
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


# --- shapes ----------------------------------------------------------------------------------

Run = Callable[["Checker", Sequence[Node], Sequence[list[Node]]], Iterable[Hit]]


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
            if _RDFS_CLASS in edges.get(_SUBCLASS, ()):
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
        return any(t in self.class_types for t in edges.get(_TYPE, ()))

    @staticmethod
    def _is_shape(edges: Edges) -> bool:
        kinds = {sh("NodeShape"), sh("PropertyShape")}
        return any(t in kinds for t in edges.get(_TYPE, ()))

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
        edges = g.out.get(node, _NO_EDGES)
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
            deactivated=g.one(node, sh("deactivated")) == _TRUE,
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
        for parameter, values in g.out.get(node, _NO_EDGES).items():
            name = text(parameter).removeprefix(SH)
            for value in values:
                made = self._check(name, value, node, shape)
                if made is not None:
                    yield made

    def _check(self, name: str, value: Node, node: Node, shape: Shape) -> Check | None:
        g = self.graph
        simple: dict[str, Callable[[Node], Run]] = {
            "minCount": _min_count,
            "maxCount": _max_count,
            "class": _class,
            "datatype": _datatype,
            "nodeKind": _node_kind,
            "minInclusive": lambda bound: _range(bound, lambda c: c >= 0),
            "maxInclusive": lambda bound: _range(bound, lambda c: c <= 0),
            "minExclusive": lambda bound: _range(bound, lambda c: c > 0),
            "maxExclusive": lambda bound: _range(bound, lambda c: c < 0),
            "minLength": lambda bound: _length(bound, lambda n, b: n >= b),
            "maxLength": lambda bound: _length(bound, lambda n, b: n <= b),
            "hasValue": _has_value,
        }
        if name in simple:
            return Check(
                sh(name[0].upper() + name[1:] + "ConstraintComponent"), simple[name](value)
            )
        if name == "pattern":
            flags = g.one(node, sh("flags"))
            return Check(sh("PatternConstraintComponent"), _pattern(value, flags))
        if name == "languageIn":
            ranges = [text(r).lower() for r in g.items(value)]
            return Check(sh("LanguageInConstraintComponent"), _language_in(ranges))
        if name == "uniqueLang" and value == _TRUE:
            return Check(sh("UniqueLangConstraintComponent"), _unique_lang)
        if name == "in":
            return Check(sh("InConstraintComponent"), _in(frozenset(g.items(value))))
        if name in ("node", "not"):
            nested = self.shape(value)
            component = sh(
                "NodeConstraintComponent" if name == "node" else "NotConstraintComponent"
            )
            return Check(component, _nested(nested, name == "node"))
        if name in ("and", "or", "xone"):
            members = [self.shape(m) for m in g.items(value)]
            accept = {"and": len(members).__eq__, "or": (0).__lt__, "xone": (1).__eq__}[name]
            return Check(sh(name.capitalize() + "ConstraintComponent"), _logical(members, accept))
        if name == "closed" and value == _TRUE:
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
        return _closed(frozenset(allowed))

    def _qualified(self, name: str, bound: Node, node: Node) -> Check | None:
        g = self.graph
        if g.one(node, sh("qualifiedValueShapesDisjoint")) == _TRUE:
            raise Unsupported("sh:qualifiedValueShapesDisjoint")
        inner = g.one(node, sh("qualifiedValueShape"))
        if inner is None:
            return None  # the component's mandatory parameter is missing: it does not apply
        limit = _integer(bound)
        accept = (lambda n: n >= limit) if name == "qualifiedMinCount" else (lambda n: n <= limit)
        component = sh(name[0].upper() + name[1:] + "ConstraintComponent")
        return Check(component, _qualified(self.shape(inner), accept))

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
        if g.one(constraint, sh("deactivated")) == _TRUE:
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


# --- constraint components ------------------------------------------------------------------


def _integer(node: Node) -> int:
    if not isinstance(node, ox.Literal) or not re.fullmatch(r"[+-]?[0-9]+", node.value):
        raise Unsupported(f"not an integer: {node}")
    return int(node.value)


def _min_count(bound: Node) -> Run:
    least = _integer(bound)
    return lambda _, focus, values: (
        (i, None, None) for i, v in enumerate(values) if len(v) < least
    )


def _max_count(bound: Node) -> Run:
    most = _integer(bound)
    return lambda _, focus, values: ((i, None, None) for i, v in enumerate(values) if len(v) > most)


def _each(values: Sequence[list[Node]], wrong: Callable[[Node], bool]) -> Iterator[Hit]:
    for index, nodes in enumerate(values):
        for node in nodes:
            if wrong(node):
                yield index, node, None


def _class(cls: Node) -> Run:
    return lambda checker, _, values: _each(values, lambda v: not checker.is_instance(v, cls))


def _datatype(datatype: Node) -> Run:
    if not isinstance(datatype, ox.NamedNode):
        raise Unsupported(f"sh:datatype {datatype}")
    if datatype.value.startswith(XSD) and datatype.value not in _LEXICAL:
        raise Unsupported(f"sh:datatype {compact(datatype.value)}")
    return lambda _, focus, values: _each(values, lambda v: not has_datatype(v, datatype))


def has_datatype(node: Node, datatype: ox.NamedNode) -> bool:
    """A literal of `datatype` whose lexical form is valid for it."""
    if not isinstance(node, ox.Literal) or node.datatype != datatype:
        return False
    if node.language:
        return True  # rdf:langString, the one datatype of tagged literals
    form = _LEXICAL.get(datatype.value)
    return form is None or form(node.value)


def _valid_date(text: str, parse: Callable[[str], object]) -> bool:
    try:
        parse(re.sub(r"(Z|[+-]\d\d:\d\d)$", "", text))
    except ValueError:
        return False
    return True


def _numeric(pattern: str) -> Callable[[str], bool]:
    return lambda text: re.fullmatch(pattern, text) is not None


_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_DOUBLE = rf"({_DECIMAL}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
_ZONE = r"(Z|[+-]\d\d:\d\d)?"
# Lexical forms of the XSD datatypes this checker judges (strict: a form pySHACL would still
# accept only costs a pySHACL run). Strings and URIs accept every form.
_LEXICAL: dict[str, Callable[[str], bool] | None] = {
    XSD + "string": None,
    XSD + "anyURI": None,
    RDF + "langString": lambda _: False,  # a literal with a language tag passes before this
    XSD + "integer": _numeric(r"[+-]?[0-9]+"),
    XSD + "decimal": _numeric(_DECIMAL),
    XSD + "double": _numeric(_DOUBLE),
    XSD + "float": _numeric(_DOUBLE),
    XSD + "boolean": _numeric(r"true|false|1|0"),
    XSD + "date": lambda t: (
        re.fullmatch(rf"\d{{4}}-\d\d-\d\d{_ZONE}", t) is not None
        and _valid_date(t, date.fromisoformat)
    ),
    XSD + "dateTime": lambda t: (
        re.fullmatch(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?{_ZONE}", t) is not None
        and _valid_date(t, datetime.fromisoformat)
    ),
    XSD + "gYear": _numeric(rf"\d{{4}}{_ZONE}"),
    XSD + "gYearMonth": _numeric(rf"\d{{4}}-(0[1-9]|1[0-2]){_ZONE}"),
}

_KINDS = {
    "IRI": (ox.NamedNode,),
    "BlankNode": (ox.BlankNode,),
    "Literal": (ox.Literal,),
    "BlankNodeOrIRI": (ox.BlankNode, ox.NamedNode),
    "BlankNodeOrLiteral": (ox.BlankNode, ox.Literal),
    "IRIOrLiteral": (ox.NamedNode, ox.Literal),
}


def _node_kind(kind: Node) -> Run:
    name = kind.value.removeprefix(SH) if isinstance(kind, ox.NamedNode) else ""
    if name not in _KINDS:
        raise Unsupported(f"sh:nodeKind {kind}")
    types = _KINDS[name]
    return lambda _, focus, values: _each(values, lambda v: not isinstance(v, types))


_NUMBERS = frozenset(
    XSD + name
    for name in (
        *("integer", "decimal", "int", "long", "short", "byte", "nonNegativeInteger"),
        *("positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt"),
        *("unsignedLong", "unsignedShort", "unsignedByte"),
    )
)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Datatypes whose values compare when both sides have the type (dates in zones are left out).
_ORDERED: dict[str, Callable[[str], Any]] = {
    XSD + "string": str,
    XSD + "date": date.fromisoformat,
    XSD + "dateTime": _moment,
}


def compare(value: Node, bound: Node) -> int | None:
    """-1, 0 or 1 as `value` is below, equal to or above `bound`; None if they do not compare
    (a value that does not compare fails a range constraint)."""
    if not isinstance(value, ox.Literal) or not isinstance(bound, ox.Literal):
        return None
    kinds = (value.datatype.value, bound.datatype.value)
    try:
        if all(k in _NUMBERS for k in kinds):
            a, b = Decimal(value.value.strip()), Decimal(bound.value.strip())
        elif kinds[0] == kinds[1] and kinds[0] in _ORDERED:
            a, b = _ORDERED[kinds[0]](value.value), _ORDERED[kinds[0]](bound.value)
            if isinstance(a, datetime) and (a.tzinfo is None) != (b.tzinfo is None):
                return None  # one in a time zone, one not: XSD leaves the order open
        else:
            return None
    except (InvalidOperation, ValueError):
        return None
    return int(a > b) - int(a < b)


def _range(bound: Node, accept: Callable[[int], bool]) -> Run:
    def wrong(value: Node) -> bool:
        order = compare(value, bound)
        return order is None or not accept(order)

    return lambda _, focus, values: _each(values, wrong)


def _length(bound: Node, accept: Callable[[int, int], bool]) -> Run:
    limit = _integer(bound)

    def wrong(value: Node) -> bool:
        return isinstance(value, ox.BlankNode) or not accept(len(text(value)), limit)

    return lambda _, focus, values: _each(values, wrong)


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _pattern(pattern: Node, flags: Node | None) -> Run:
    letters = flags.value if isinstance(flags, ox.Literal) else ""
    if any(letter not in _FLAGS for letter in letters):
        raise Unsupported(f"sh:flags {letters!r}")
    compiled = re.compile(text(pattern), sum(_FLAGS[letter] for letter in letters))

    def wrong(value: Node) -> bool:
        return isinstance(value, ox.BlankNode) or compiled.search(text(value)) is None

    return lambda _, focus, values: _each(values, wrong)


def _language_in(ranges: Sequence[str]) -> Run:
    def wrong(value: Node) -> bool:
        if not isinstance(value, ox.Literal) or not value.language:
            return True
        tag = value.language.lower()
        return not any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)

    return lambda _, focus, values: _each(values, wrong)


def _unique_lang(_: Checker, focus: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
    for index, nodes in enumerate(values):
        tags = [v.language.lower() for v in nodes if isinstance(v, ox.Literal) and v.language]
        for _tag in sorted({t for t in tags if tags.count(t) > 1}):
            yield index, None, None


def _in(allowed: frozenset[Node]) -> Run:
    return lambda _, focus, values: _each(values, lambda v: v not in allowed)


def _has_value(wanted: Node) -> Run:
    return lambda _, focus, values: (
        (i, None, None) for i, v in enumerate(values) if wanted not in v
    )


def _nested(shape: Shape, must_conform: bool) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        fits = checker.conforming(shape, [v for nodes in values for v in nodes])
        return _each(values, lambda v: fits[v] != must_conform)

    return run


def _logical(members: Sequence[Shape], accept: Callable[[int], bool]) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        flat = [v for nodes in values for v in nodes]
        fits = [checker.conforming(member, flat) for member in members]
        return _each(values, lambda v: not accept(sum(1 for f in fits if f[v])))

    return run


def _qualified(shape: Shape, accept: Callable[[int], bool]) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        fits = checker.conforming(shape, [v for nodes in values for v in nodes])
        for index, nodes in enumerate(values):
            if not accept(sum(1 for v in nodes if fits[v])):
                yield index, None, None

    return run


def _closed(allowed: frozenset[Node | None]) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        out = checker.data.out
        for index, nodes in enumerate(values):
            for node in nodes:
                for predicate, objects in out.get(node, _NO_EDGES).items():
                    if predicate not in allowed:
                        yield from ((index, o, predicate) for o in objects)

    return run


# --- the checker -----------------------------------------------------------------------------


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
        found: dict[Finding, None] = {}
        for shape in shapes:
            for _, finding in self.results(shape, self.focus_nodes(shape)):
                found[finding] = None
        return list(found)

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
                for cls_of in edges.get(_TYPE, ()):
                    self._typed.setdefault(cls_of, []).append(subject)
        return [s for t, members in self._typed.items() if cls in self.supers(t) for s in members]

    def supers(self, cls: Node) -> frozenset[Node]:
        """`cls` and every class it is a subclass of (rdfs:subClassOf*, in the data)."""
        known = self._supers.get(cls)
        if known is None:
            reached = {cls}
            frontier = [cls]
            while frontier:
                ahead = [s for c in frontier for s in self.data.objects(c, _SUBCLASS)]
                frontier = [s for s in ahead if s not in reached]
                reached.update(frontier)
            known = self._supers[cls] = frozenset(reached)
        return known

    def is_instance(self, node: Node, cls: Node) -> bool:
        for cls_of in self.data.out.get(node, _NO_EDGES).get(_TYPE, ()):
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
    data: Iterable[ox.Triple | ox.Quad],
    shapes: Iterable[ox.Triple | ox.Quad],
    store: Callable[[], ox.Store] | None = None,
) -> list[Finding]:
    """Validate `data` against the shapes graph `shapes`; raises Unsupported where it cannot.

    `store` gives the data as an Oxigraph store for SPARQL constraints (made from `data` if
    not given; `data` must then be a sequence)."""
    reader = ShapesReader(shapes)
    targeted = reader.targeted()
    backward = {_SUBCLASS} | {
        predicate
        for shape in reader.read.values()
        if shape.path is not None
        for predicate, inverse in shape.path.predicates()
        if inverse
    }
    triples = data if isinstance(data, Sequence) else list(data)
    index = Triples(triples, backward)

    def make_store() -> ox.Store:
        if store is not None:
            return store()
        made = ox.Store()
        made.extend(q if isinstance(q, ox.Quad) else ox.Quad(*q) for q in triples)
        return made

    try:
        return Checker(index, make_store).findings(targeted)
    except Unanswerable as exc:
        raise Unsupported(str(exc)) from None
