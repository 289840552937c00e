"""Comparing candidates with the curated graph: what the article supports, what is new, what
no passage supports, and the extractor's precision and recall on the document's curated facts.

A document's curated facts are the curated rdf:Statements derived from a passage of it. A
candidate is right when it is one of them (same subject, predicate and object), and cites the
right passage when one of its passages has the offsets of one of the fact's curated passages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sdgkg.extract.rules import Candidate
from sdgkg.extract.run import Extraction
from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import Engine

_CURATED = """SELECT ?s ?p ?o ?start ?end ?doc WHERE {
  ?fact a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
    prov:wasDerivedFrom ?passage .
  ?passage oa:hasSource ?doc ; oa:hasSelector ?position .
  ?position oa:start ?start ; oa:end ?end .
}"""

Triple = tuple[Term, Term, Term]
Span = tuple[int, int]


@dataclass(frozen=True)
class Supported:
    triple: Triple
    curated: tuple[Span, ...]
    extracted: tuple[Span, ...]

    @property
    def right_passage(self) -> bool:
        return bool(set(self.curated) & set(self.extracted))


@dataclass(frozen=True)
class Comparison:
    document: str
    candidates: int
    curated: int
    supported: tuple[Supported, ...]
    to_review: tuple[Candidate, ...]
    unsupported: tuple[tuple[Triple, tuple[Span, ...]], ...]
    # (entity, words, start, end, motivation) of every mention, written as Web Annotations
    mentions: tuple[tuple[str, str, int, int, str], ...] = ()

    @property
    def precision(self) -> float:
        return len(self.supported) / self.candidates if self.candidates else 0.0

    @property
    def recall(self) -> float:
        return len(self.supported) / self.curated if self.curated else 0.0

    @property
    def right_passages(self) -> int:
        return sum(1 for s in self.supported if s.right_passage)


def compare(extraction: Extraction, graph: Engine) -> Comparison:
    """Compare one document's candidates with the curated facts derived from it."""
    curated: dict[Triple, set[Span]] = {}
    source = Term.iri(extraction.source.iri)
    for s, p, o, start, end, _ in graph.query(_CURATED, {"doc": source}).rows:
        if s and p and o and start and end:
            curated.setdefault((s, p, o), set()).add((int(start.value), int(end.value)))
    supported, review = [], []
    for cand in extraction.candidates:
        spans = tuple((p.start, p.end) for p in cand.passages)
        if cand.triple() in curated:
            supported.append(Supported(cand.triple(), tuple(sorted(curated[cand.triple()])), spans))
        else:
            review.append(cand)
    found = {s.triple for s in supported}
    missing = tuple(
        (t, tuple(sorted(spans))) for t, spans in sorted(curated.items()) if t not in found
    )
    text = extraction.document.text
    mentions = tuple(
        (m.entity, text[m.start : m.end], m.start, m.end, "linking" if m.derived else "identifying")
        for m in extraction.mentions
    )
    return Comparison(
        extraction.document.shown,
        len(extraction.candidates),
        len(curated),
        tuple(supported),
        tuple(review),
        missing,
        mentions,
    )


def summary_line(c: Comparison) -> str:
    """The figures the README records."""
    if not c.curated:
        return f"{c.candidates} candidates; the graph has no curated facts from this document"
    return (
        f"precision {c.precision:.2f} ({len(c.supported)} of {c.candidates} candidates are "
        f"curated facts), recall {c.recall:.2f} ({len(c.supported)} of {c.curated} curated "
        f"facts found), right passage for {c.right_passages} of {len(c.supported)}"
    )


def render_text(comparisons: list[Comparison]) -> str:
    blocks = []
    for c in comparisons:
        lines = [
            f"{c.document}: {summary_line(c)}",
            "",
            f"Supported curated facts ({len(c.supported)}):",
        ]
        lines += [
            f"  {_triple(s.triple)}  at {_spans(s.extracted)}"
            + ("" if s.right_passage else f"  (curated at {_spans(s.curated)})")
            for s in c.supported
        ]
        lines += ["", f"To review, candidates not curated ({len(c.to_review)}):"]
        lines += [
            f"  {_triple(x.triple())}  at {_spans(tuple((p.start, p.end) for p in x.passages))}"
            f"  [{', '.join(x.rules)}; {x.confidence:.2f}]"
            for x in c.to_review
        ]
        lines += ["", f"Curated facts no passage supports ({len(c.unsupported)}):"]
        lines += [f"  {_triple(t)}  curated at {_spans(spans)}" for t, spans in c.unsupported]
        lines += ["", f"Mentions, written as annotations ({len(c.mentions)}):"]
        lines += [
            f"  {a}-{b} {words!r} -> {Term.iri(entity).display()} ({why})"
            for entity, words, a, b, why in c.mentions
        ]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def render_json(comparisons: list[Comparison]) -> str:
    def triple(t: Triple) -> list[str]:
        return [term.n3() for term in t]

    data = [
        {
            "document": c.document,
            "candidates": c.candidates,
            "curated": c.curated,
            "precision": round(c.precision, 4),
            "recall": round(c.recall, 4),
            "right_passages": c.right_passages,
            "supported": [
                {"triple": triple(s.triple), "passages": s.extracted, "curated_passages": s.curated}
                for s in c.supported
            ],
            "to_review": [
                {
                    "triple": triple(x.triple()),
                    "rules": x.rules,
                    "confidence": x.confidence,
                    "passages": [(p.start, p.end) for p in x.passages],
                }
                for x in c.to_review
            ],
            "unsupported": [
                {"triple": triple(t), "curated_passages": spans} for t, spans in c.unsupported
            ],
            "mentions": [
                {"entity": e, "text": w, "start": a, "end": b, "motivation": why}
                for e, w, a, b, why in c.mentions
            ],
        }
        for c in comparisons
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _triple(t: Triple) -> str:
    text = " ".join(term.display() for term in t)
    return text if len(text) <= 110 else text[:107] + "..."


def _spans(spans: tuple[Span, ...]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in spans)
