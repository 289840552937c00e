"""Mentions of known entities as Web Annotations (W3C Web Annotation Data Model).

Each mention is an oa:Annotation whose oa:hasBody is the entity and whose oa:hasTarget is the
mention's own words in the document: an oa:SpecificResource with the same two selectors the
candidates' passages use (a TextPositionSelector with code point offsets and a
TextQuoteSelector with the exact words). The motivation is oa:identifying when the words are
one of the entity's names in the graph (in any inflected form), oa:linking when they are a name
derived from them (an acronym, a short form: see sdgkg.extract.variants). Annotations are not
candidates: they assert nothing about the entity, so a curator can list and check them apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pyoxigraph import Triple

from sdgkg.extract.documents import Document
from sdgkg.extract.lexicon import Mention
from sdgkg.extract.rdf import _t, segment
from sdgkg.namespaces import KGX, OA, RDF


def mention_annotations(
    doc: Document, source: str, key: str, mentions: Sequence[Mention]
) -> Iterator[Triple]:
    """The annotation triples of a document's mentions, one annotation per mention."""
    for mention in sorted(mentions, key=lambda m: (m.start, m.end, m.entity)):
        iri = KGX + f"{key}-mention-{mention.start}-{mention.end}"
        target = iri + "-target"
        motivation = "linking" if mention.derived else "identifying"
        yield _t(iri, RDF + "type", OA + "Annotation")
        yield _t(iri, OA + "motivatedBy", OA + motivation)
        yield _t(iri, OA + "hasBody", mention.entity)
        yield _t(iri, OA + "hasTarget", target)
        yield from segment(target, doc, source, mention.start, mention.end)
