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

from sdgkg.extract.documents import Document
from sdgkg.extract.lexicon import Mention
from sdgkg.extract.rdf import Written, segment, suffixed
from sdgkg.namespaces import KGX, compact


def mention_annotations(
    doc: Document, source: str, key: str, mentions: Sequence[Mention]
) -> Iterator[Written]:
    """The annotation triples of a document's mentions, one annotation per mention."""
    for mention in sorted(mentions, key=lambda m: (m.start, m.end, m.entity)):
        iri = KGX + f"{key}-mention-{mention.start}-{mention.end}"
        target = iri + "-target"
        node = compact(iri)
        yield node, "a", "oa:Annotation"
        yield node, "oa:motivatedBy", "oa:linking" if mention.derived else "oa:identifying"
        yield node, "oa:hasBody", compact(mention.entity)
        yield node, "oa:hasTarget", suffixed(node, iri, "-target")
        yield from segment(target, doc, source, mention.start, mention.end)
