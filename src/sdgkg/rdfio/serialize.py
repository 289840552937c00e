"""Writing sets of triples in the RDF syntaxes sdgkg outputs, always in a deterministic order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from sdgkg.namespaces import PREFIXES, RDF_TYPE
from sdgkg.rdfio.jsonld import write_jsonld
from sdgkg.rdfio.ntriples import bytes_written
from sdgkg.rdfio.turtle import write_turtle


def canonical_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Distinct triples, blank nodes renamed canonically (RDFC-1.0), sorted with types first."""
    unique = list(dict.fromkeys(triples))
    if any(_has_blank(t) for t in unique):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in unique)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        unique = [q.triple for q in dataset]
    return sorted(unique, key=_sort_key)


def _sort_key(triple: ox.Triple) -> tuple[str, bool, str, str]:
    predicate = triple.predicate.value
    return (str(triple.subject), predicate != RDF_TYPE, predicate, str(triple.object))


def _has_blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def to_turtle(triples: Iterable[ox.Triple]) -> bytes:
    """Turtle with the project prefixes; the project's canonical layout when there are no
    blank nodes (which the curated graph never has)."""
    ordered = canonical_triples(triples)
    if not any(_has_blank(t) for t in ordered):
        return write_turtle(ordered).encode("utf-8")
    turtle = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    body = bytes_written(turtle).decode("utf-8")
    # pyoxigraph orders @prefix lines by hash; put them in the project's order instead.
    lines = [line for line in body.splitlines() if not line.startswith("@prefix ")]
    header = [f"@prefix {name}: <{iri}> ." for name, iri in PREFIXES.items()]
    return ("\n".join(header + [""] + lines) + "\n").encode("utf-8")


def to_ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples, one sorted line per distinct triple."""
    lines = sorted(f"{t} .\n" for t in canonical_triples(triples))
    return "".join(lines).encode("utf-8")


def to_rdfxml(triples: Iterable[ox.Triple]) -> bytes:
    """RDF/XML by pyoxigraph: it writes triples in the order given, so the output is stable."""
    ordered = canonical_triples(triples)
    return bytes_written(ox.serialize(ordered, format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES))


def to_jsonld(triples: Iterable[ox.Triple], context: dict[str, Any]) -> bytes:
    """Compact JSON-LD using the given (local) context; nodes and values sorted for stable bytes."""
    return write_jsonld(canonical_triples(triples), context)
