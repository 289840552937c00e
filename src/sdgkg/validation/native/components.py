"""SHACL Core constraint components, each run over all the focus nodes of a shape at once.

A component is made from its parameter (`min_count(1)`) into a `Run`: given the checker, the
focus nodes and each one's value nodes, it yields a `Hit` for each result, as SHACL 1.0 section
4 defines them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

import pyoxigraph as ox

from sdgkg.namespaces import RDF, SH, XSD, compact
from sdgkg.validation.native.graph import NO_EDGES, Node, Triples, Unsupported, text

# A check's answer: the index of the focus node, the value (None: the focus node as a whole)
# and the path it reports when not the shape's own (sh:closed reports each predicate).
Hit = tuple[int, Node | None, Node | None]


class Checker(Protocol):
    """What a component asks of the checker (`checker.Checker`)."""

    data: Triples

    def is_instance(self, node: Node, cls: Node) -> bool: ...

    # `shape` is a `shapes.Shape`, which this module does not import (shapes import it).
    def conforming(self, shape: Any, nodes: Sequence[Node]) -> dict[Node, bool]: ...


Run = Callable[[Checker, Sequence[Node], Sequence[list[Node]]], Iterable[Hit]]


def integer(node: Node) -> int:
    if not isinstance(node, ox.Literal) or not _INTEGER(node.value):
        raise Unsupported(f"not an integer: {node}")
    return int(node.value)


def min_count(bound: Node) -> Run:
    least = integer(bound)
    return lambda _, focus, values: (
        (i, None, None) for i, v in enumerate(values) if len(v) < least
    )


def max_count(bound: Node) -> Run:
    most = integer(bound)
    return lambda _, focus, values: ((i, None, None) for i, v in enumerate(values) if len(v) > most)


def _each(values: Sequence[list[Node]], wrong: Callable[[Node], bool]) -> Iterator[Hit]:
    for index, nodes in enumerate(values):
        for node in nodes:
            if wrong(node):
                yield index, node, None


def class_of(cls: Node) -> Run:
    return lambda checker, _, values: _each(values, lambda v: not checker.is_instance(v, cls))


def datatype_of(datatype: Node) -> Run:
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


_INTEGER = _numeric(r"[+-]?[0-9]+")
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_DOUBLE = rf"({_DECIMAL}([eE][+-]?[0-9]+)?|[+-]?INF|NaN)"
_ZONE = r"(Z|[+-]\d\d:\d\d)?"
# Lexical forms of the XSD datatypes this checker judges (strict: a form pySHACL would still
# accept only costs a pySHACL run; input screening's looser forms would not do). Strings and
# URIs accept every form.
_LEXICAL: dict[str, Callable[[str], bool] | None] = {
    XSD + "string": None,
    XSD + "anyURI": None,
    RDF + "langString": lambda _: False,  # a literal with a language tag passes before this
    XSD + "integer": _INTEGER,
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


def node_kind(kind: Node) -> Run:
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


# Datatypes whose values compare when both sides have the type (dates in zones are left out).
_ORDERED: dict[str, Callable[[str], Any]] = {
    XSD + "string": str,
    XSD + "date": date.fromisoformat,
    XSD + "dateTime": datetime.fromisoformat,
}


def compare(value: Node, bound: ox.Literal) -> int | None:
    """-1, 0 or 1 as `value` is below, equal to or above `bound` (a well-typed literal); None
    if they do not compare (a value that does not compare fails a range constraint)."""
    if not isinstance(value, ox.Literal) or not _well_formed(value):
        return None  # an ill-typed literal has no value to compare
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


def _well_formed(literal: ox.Literal) -> bool:
    if literal.datatype.value in _LEXICAL:
        return has_datatype(literal, literal.datatype)
    if literal.datatype.value in _NUMBERS:  # the integer types derived from xsd:integer
        return _INTEGER(literal.value)
    return True


def value_range(bound: Node, accept: Callable[[int], bool]) -> Run:
    if not isinstance(bound, ox.Literal) or not _well_formed(bound):
        return lambda _, focus, values: _each(values, lambda v: True)  # nothing compares to it

    def wrong(value: Node) -> bool:
        order = compare(value, bound)
        return order is None or not accept(order)

    return lambda _, focus, values: _each(values, wrong)


def length(bound: Node, accept: Callable[[int, int], bool]) -> Run:
    limit = integer(bound)

    def wrong(value: Node) -> bool:
        return isinstance(value, ox.BlankNode) or not accept(len(text(value)), limit)

    return lambda _, focus, values: _each(values, wrong)


_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def pattern(pattern: Node, flags: Node | None) -> Run:
    letters = flags.value if isinstance(flags, ox.Literal) else ""
    if any(letter not in _FLAGS for letter in letters):
        raise Unsupported(f"sh:flags {letters!r}")
    compiled = re.compile(text(pattern), sum(_FLAGS[letter] for letter in letters))

    def wrong(value: Node) -> bool:
        return isinstance(value, ox.BlankNode) or compiled.search(text(value)) is None

    return lambda _, focus, values: _each(values, wrong)


def language_in(ranges: Sequence[str]) -> Run:
    def wrong(value: Node) -> bool:
        if not isinstance(value, ox.Literal) or not value.language:
            return True
        tag = value.language.lower()
        return not any(r == "*" or tag == r or tag.startswith(r + "-") for r in ranges)

    return lambda _, focus, values: _each(values, wrong)


def unique_lang(_: Checker, focus: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
    for index, nodes in enumerate(values):
        tags = [v.language.lower() for v in nodes if isinstance(v, ox.Literal) and v.language]
        for _tag in sorted({t for t in tags if tags.count(t) > 1}):
            yield index, None, None


def member_of(allowed: frozenset[Node]) -> Run:
    return lambda _, focus, values: _each(values, lambda v: v not in allowed)


def has_value(wanted: Node) -> Run:
    return lambda _, focus, values: (
        (i, None, None) for i, v in enumerate(values) if wanted not in v
    )


def nested(shape: Any, must_conform: bool) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        fits = checker.conforming(shape, [v for nodes in values for v in nodes])
        return _each(values, lambda v: fits[v] != must_conform)

    return run


def logical(members: Sequence[Any], accept: Callable[[int], bool]) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        flat = [v for nodes in values for v in nodes]
        fits = [checker.conforming(member, flat) for member in members]
        return _each(values, lambda v: not accept(sum(1 for f in fits if f[v])))

    return run


def qualified(shape: Any, accept: Callable[[int], bool]) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        fits = checker.conforming(shape, [v for nodes in values for v in nodes])
        for index, nodes in enumerate(values):
            if not accept(sum(1 for v in nodes if fits[v])):
                yield index, None, None

    return run


def closed(allowed: frozenset[Node | None]) -> Run:
    def run(checker: Checker, _: Sequence[Node], values: Sequence[list[Node]]) -> Iterator[Hit]:
        out = checker.data.out
        for index, nodes in enumerate(values):
            for node in nodes:
                for predicate, objects in out.get(node, NO_EDGES).items():
                    if predicate not in allowed:
                        yield from ((index, o, predicate) for o in objects)

    return run
