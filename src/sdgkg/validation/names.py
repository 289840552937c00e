"""Names for SHACL shapes and paths, as a reader of the shapes files would write them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from sdgkg.namespaces import RDF, SH, compact

_PARENT_LINKS = ("property", "node", "qualifiedValueShape")
_LIST_LINKS = ("or", "and", "xone")


def sh(name: str) -> URIRef:
    return URIRef(SH + name)


def show(node: Any) -> str:
    if isinstance(node, URIRef):
        return compact(str(node))
    if isinstance(node, Literal):
        return str(node)
    return "[]"


def shape_name(shapes: Graph, shape: Any) -> str:
    """An IRI shape's prefixed name; for a blank one, the nearest named shape and its path."""
    if not isinstance(shape, BNode):
        return compact(str(shape))
    path = shapes.value(shape, sh("path"))
    own = f"property {path_text(shapes, path)}" if path is not None else ""
    parent = _parent(shapes, shape)
    if parent is None:
        return own or "a blank shape"
    if own and isinstance(parent, BNode) and shapes.value(parent, sh("path")) is not None:
        return f"{shape_name(shapes, parent)}, {own}"
    name = shape_name(shapes, parent)
    return f"{name}, {own}" if own else f"{name}, a nested shape"


def _parent(shapes: Graph, shape: Any) -> Any:
    for link in _PARENT_LINKS:
        for parent in shapes.subjects(sh(link), shape):
            return parent
    for head in _list_heads(shapes, shape):
        for link in _LIST_LINKS:
            for parent in shapes.subjects(sh(link), head):
                return parent
    return None


def _list_heads(shapes: Graph, member: Any) -> Iterable[Any]:
    first, rest = URIRef(RDF + "first"), URIRef(RDF + "rest")
    for cell in shapes.subjects(first, member):
        while True:
            previous = next(iter(shapes.subjects(rest, cell)), None)
            if previous is None:
                break
            cell = previous
        yield cell


def path_text(shapes: Graph, path: Any) -> str:
    """A SHACL property path in SPARQL's path syntax, with prefixed names."""
    if isinstance(path, URIRef):
        return compact(str(path))
    inverse = shapes.value(path, sh("inversePath"))
    if inverse is not None:
        return "^" + path_text(shapes, inverse)
    alternative = shapes.value(path, sh("alternativePath"))
    if alternative is not None:
        return "|".join(path_text(shapes, p) for p in Collection(shapes, alternative))
    for name, mark in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
        inner = shapes.value(path, sh(name))
        if inner is not None:
            return path_text(shapes, inner) + mark
    if (path, URIRef(RDF + "first"), None) in shapes:
        return "/".join(path_text(shapes, p) for p in Collection(shapes, path))
    return "[]"
