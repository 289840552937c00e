"""A small RDF term model, so results and bindings do not depend on one engine's types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as TypingLiteral

import pyoxigraph as ox

from sdgkg.namespaces import XSD, XSD_STRING, compact

RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_BARE_TYPES = {XSD + "integer", XSD + "decimal", XSD + "double", XSD + "boolean"}

TermKind = TypingLiteral["iri", "bnode", "literal", "triple"]


@dataclass(frozen=True, order=True)
class Term:
    """An IRI, blank node, literal or (RDF 1.2) triple term.

    `value` is the IRI, the blank node id, the literal's lexical form, or the triple's
    N-Triples text. Literals carry `datatype` (xsd:string when plain) or `language`.
    """

    kind: TermKind
    value: str
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        return cls("iri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, language: str | None = None) -> Term:
        if language:
            return cls("literal", value, RDF_LANGSTRING, language.lower())
        return cls("literal", value, datatype or XSD_STRING)

    def n3(self) -> str:
        """The term in N-Triples syntax."""
        if self.kind == "iri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.kind == "triple":
            return f"<<( {self.value} )>>"
        return _quoted(self.value) + self._suffix(f"<{self.datatype}>")

    def display(self) -> str:
        """A short human form: prefixed IRIs, `"text"@lang`, bare numbers."""
        if self.kind == "iri":
            return compact(self.value)
        if self.kind != "literal":
            return self.n3()
        if self.datatype in _BARE_TYPES:
            return self.value
        return _quoted(self.value) + self._suffix(compact(self.datatype or XSD_STRING))

    def _suffix(self, datatype: str) -> str:
        if self.language:
            return f"@{self.language}"
        return "" if self.datatype in (None, XSD_STRING) else f"^^{datatype}"


def _quoted(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'


def from_oxigraph(term: object) -> Term:
    """Convert a pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return Term.iri(term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        return Term.literal(term.value, term.datatype.value, term.language)
    if isinstance(term, ox.Triple):
        parts = (from_oxigraph(t).n3() for t in (term.subject, term.predicate, term.object))
        return Term("triple", " ".join(parts))
    raise TypeError(f"not an RDF term: {term!r}")


def to_oxigraph(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert to a pyoxigraph term (triple terms are not needed as input)."""
    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.kind == "literal":
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or XSD_STRING))
    raise TypeError("triple terms cannot be converted back")


def to_triple(subject: Term, predicate: Term, obj: Term) -> ox.Triple:
    """A pyoxigraph triple of three terms: an IRI or blank node, an IRI, any term."""
    node, verb = to_oxigraph(subject), to_oxigraph(predicate)
    if isinstance(node, ox.Literal) or not isinstance(verb, ox.NamedNode):
        raise TypeError(f"not a triple: {subject.n3()} {predicate.n3()} {obj.n3()}")
    return ox.Triple(node, verb, to_oxigraph(obj))
