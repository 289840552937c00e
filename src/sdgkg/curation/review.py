"""`sdgkg review`: what the extractions in kg/extracted/ propose, grouped for a curator.

Each candidate (an sdgkg:Candidate of `sdgkg extract`) falls in one group, compared with the
curated graph:

- conflict: the graph holds another value of a property its shapes allow only once for the
  subject (sh:maxCount 1), e.g. a task pending in the graph and done in the article;
- new: a fact about entities the graph knows, which it does not hold;
- second-source: a fact the graph holds, from another source than this document;
- new-entity: a fact about an entity the extractor minted (kgx:), its type and labels;
- curated: a fact the graph holds from this very document (counted, listed with --all);
- rejected: a candidate a curator rejected (kg/rejections.tsv; listed with --all).

A candidate's ID is the 12 hexadecimal digits of its IRI: a digest of its triple, so the same
fact of the same document has the same ID in every extraction run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.extract.rejections import load_rejections, rejection_key
from sdgkg.extract.run import curated_store
from sdgkg.namespaces import KGX, PREFIXES, RDF, SKOS, compact
from sdgkg.rdfio.turtle import term as turtle_term
from sdgkg.store.graph import read_rdf_bytes, syntax_message
from sdgkg.store.paths import GENERATED_DIR, display_path, shape_files

GROUPS = ("conflict", "new", "second-source", "new-entity", "mention", "curated", "rejected")
TITLES = {
    "conflict": "Conflicts with the graph",
    "new": "New facts",
    "second-source": "Facts the graph has, now with a second source",
    "new-entity": "New entities",
    "mention": "Mentions",
    "curated": "Already curated from this source",
    "rejected": "Rejected earlier",
}
LANGUAGES = ("kk", "en", "ru")

_CANDIDATES = """
SELECT ?c ?s ?p ?o ?confidence ?passage ?source ?start ?end ?exact WHERE {
  ?c a sdgkg:Candidate ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
     sdgkg:confidence ?confidence ; prov:wasDerivedFrom ?passage .
  ?passage oa:hasSource ?source ; oa:hasSelector ?position, ?quote .
  ?position oa:start ?start ; oa:end ?end .
  ?quote oa:exact ?exact .
} ORDER BY ?c ?start"""
_MENTIONS = """
SELECT ?a ?body ?start ?end ?exact WHERE {
  ?a a oa:Annotation ; oa:hasTarget ?target .
  OPTIONAL { ?a oa:hasBody ?body }
  OPTIONAL { ?target oa:hasSelector ?position . ?position oa:start ?start ; oa:end ?end }
  OPTIONAL { ?target oa:hasSelector ?quote . ?quote oa:exact ?exact }
} ORDER BY ?start ?a"""
_FUNCTIONAL = """
SELECT DISTINCT ?class ?path WHERE {
  ?shape sh:targetClass ?class ; sh:property ?property .
  ?property sh:path ?path ; sh:maxCount 1 .
  FILTER isIRI(?path)
}"""
_EVIDENCE_SOURCES = """
SELECT DISTINCT ?fact ?source WHERE {
  ?fact a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
        prov:wasDerivedFrom ?evidence .
  FILTER NOT EXISTS { ?fact a sdgkg:Candidate }
  OPTIONAL { ?evidence oa:hasSource ?document }
  BIND (COALESCE(?document, ?evidence) AS ?source)
}"""


@dataclass(frozen=True)
class Passage:
    iri: str
    start: int
    end: int
    text: str


@dataclass
class Item:
    """One candidate as the curator sees it."""

    id: str
    iri: str
    extraction: Path
    subject: ox.NamedNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.Literal
    confidence: float
    source: str
    passages: list[Passage] = field(default_factory=list)
    group: str = "new"
    graph_values: list[ox.NamedNode | ox.Literal] = field(default_factory=list)
    entity: str | None = None  # the minted entity this candidate is about, if any

    @property
    def triple(self) -> ox.Triple:
        return ox.Triple(self.subject, self.predicate, self.object)

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "id": self.id,
            "group": self.group,
            "subject": compact(self.subject.value),
            "predicate": compact(self.predicate.value),
            "object": _shown(self.object),
            "confidence": self.confidence,
            "source": compact(self.source),
            "passages": [{"start": p.start, "end": p.end, "text": p.text} for p in self.passages],
        }
        if self.graph_values:
            found["graph"] = [_shown(v) for v in self.graph_values]
        if self.entity:
            found["entity"] = compact(self.entity)
        return found


@dataclass
class Mention:
    iri: str
    body: str | None
    start: int | None
    end: int | None
    text: str | None


@dataclass
class Review:
    """The candidates of one extraction file, grouped."""

    extraction: Path
    shown: str
    source: str | None
    items: list[Item]
    mentions: list[Mention]
    missing_labels: dict[str, list[str]]  # minted entity -> languages it has no label in

    def group(self, name: str) -> list[Item]:
        return [item for item in self.items if item.group == name]


def _select(store: ox.Store, query: str) -> list[tuple[Any, ...]]:
    """The rows of a SELECT with the project's prefixes, as pyoxigraph terms."""
    header = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
    result = store.query(header + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [tuple(row[name] for name in names) for row in result]  # type: ignore[union-attr]


def _shown(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    return turtle_term(term)


def extraction_files(root: Path, names: Sequence[str] = ()) -> list[Path]:
    """The extraction outputs to review: the named ones (a file, or a NAME under kg/extracted/),
    else all of them."""
    folder = root / GENERATED_DIR
    if not names:
        return sorted(folder.glob("*.ttl"))
    found = []
    for name in names:
        path = Path(name)
        for candidate in (path, folder / name, folder / f"{name}.ttl"):
            if candidate.is_file():
                found.append(candidate)
                break
        else:
            raise InputError(f"{name}: no such extraction", hint="list them: ls kg/extracted/")
    return found


def review(names: Sequence[str], root: Path) -> list[Review]:
    """Group the candidates of the extraction files (default: all of kg/extracted/)."""

    data_root = root
    curated = curated_store(data_root)
    context = _GraphContext(curated, data_root)
    rejected = load_rejections(data_root)
    reviews = []
    for path in extraction_files(data_root, names):
        store = _parse(path, data_root)
        items = _items(store, path)
        for item in items:
            _classify(item, context, rejected)
        reviews.append(
            Review(
                path,
                display_path(path, data_root),
                items[0].source if items else None,
                items,
                _mentions(store),
                _missing_labels(items),
            )
        )
    return reviews


def _parse(path: Path, root: Path) -> ox.Store:
    store = ox.Store()
    data = read_rdf_bytes(path, display_path(path, root))
    try:
        store.load(data, format=ox.RdfFormat.TURTLE)
    except SyntaxError as exc:
        raise InputError(syntax_message(display_path(path, root), exc)) from None
    return store


def _items(store: ox.Store, path: Path) -> list[Item]:
    by_iri: dict[str, Item] = {}
    for row in _select(store, _CANDIDATES):
        c, s, p, o, confidence, passage, source, start, end, exact = row
        item = by_iri.get(c.value)
        if item is None:
            item = Item(
                id=c.value.rsplit("-", 1)[-1],
                iri=c.value,
                extraction=path,
                subject=s,
                predicate=p,
                object=o,
                confidence=float(confidence.value),
                source=source.value,
            )
            by_iri[c.value] = item
        item.passages.append(Passage(passage.value, int(start.value), int(end.value), exact.value))
    return list(by_iri.values())


def _mentions(store: ox.Store) -> list[Mention]:
    found = []
    for a, body, start, end, exact in _select(store, _MENTIONS):
        found.append(
            Mention(
                a.value,
                body.value if body is not None else None,
                int(start.value) if start is not None else None,
                int(end.value) if end is not None else None,
                exact.value if exact is not None else None,
            )
        )
    return found


class _GraphContext:
    """What the classification needs of the curated graph: its facts, the classes of its
    subjects, the properties its shapes allow once per class, and each fact's sources."""

    def __init__(self, curated: ox.Store, root: Path) -> None:
        self.store = curated
        shapes = ox.Store()
        for path in shape_files(root):
            shapes.load(path.read_bytes(), format=ox.RdfFormat.TURTLE)
        self.functional: set[tuple[str, str]] = {
            (row[0].value, row[1].value) for row in _select(shapes, _FUNCTIONAL)
        }
        self.sources: dict[ox.Triple, set[str]] = {}
        for fact, source in _select(curated, _EVIDENCE_SOURCES):
            triple = self._reified(fact)
            if triple is not None:
                self.sources.setdefault(triple, set()).add(source.value)

    def _reified(self, fact: ox.NamedNode) -> ox.Triple | None:
        def one(name: str) -> Any:
            return next(
                (
                    q.object
                    for q in self.store.quads_for_pattern(fact, ox.NamedNode(RDF + name), None)
                ),
                None,
            )

        s, p, o = one("subject"), one("predicate"), one("object")
        return ox.Triple(s, p, o) if s is not None and p is not None and o is not None else None

    def holds(self, triple: ox.Triple) -> bool:
        return any(self.store.quads_for_pattern(triple.subject, triple.predicate, triple.object))

    def once_only(self, subject: ox.NamedNode, predicate: ox.NamedNode) -> bool:
        classes = [
            q.object.value
            for q in self.store.quads_for_pattern(subject, ox.NamedNode(RDF + "type"), None)
            if isinstance(q.object, ox.NamedNode)
        ]
        return any((klass, predicate.value) in self.functional for klass in classes)

    def values(
        self, subject: ox.NamedNode, predicate: ox.NamedNode
    ) -> list[ox.NamedNode | ox.Literal]:
        found = self.store.quads_for_pattern(subject, predicate, None)
        return sorted((q.object for q in found if _is_value(q.object)), key=str)


def _is_value(term: object) -> TypeGuard[ox.NamedNode | ox.Literal]:
    return isinstance(term, ox.NamedNode | ox.Literal)


def minted(term: object) -> bool:
    return isinstance(term, ox.NamedNode) and term.value.startswith(KGX)


def _classify(item: Item, graph: _GraphContext, rejected: set[tuple[str, str]]) -> None:
    if minted(item.subject) or minted(item.object):
        item.entity = item.subject.value if minted(item.subject) else item.object.value
    if rejection_key(item.source, item.triple) in rejected:
        item.group = "rejected"
    elif item.entity:
        item.group = "new-entity"
    elif graph.holds(item.triple):
        sources = graph.sources.get(item.triple, set())
        item.group = "curated" if item.source in sources else "second-source"
        item.graph_values = [ox.NamedNode(s) for s in sorted(sources)]
    elif graph.once_only(item.subject, item.predicate) and graph.values(
        item.subject, item.predicate
    ):
        item.group = "conflict"
        item.graph_values = graph.values(item.subject, item.predicate)
    else:
        item.group = "new"


def _missing_labels(items: list[Item]) -> dict[str, list[str]]:
    have: dict[str, set[str]] = {}
    for item in items:
        if item.entity and minted(item.subject) and item.predicate.value == SKOS + "prefLabel":
            language = item.object.language if isinstance(item.object, ox.Literal) else None
            have.setdefault(item.subject.value, set()).add(language or "")
        elif item.entity:
            have.setdefault(item.entity, set())
    return {
        entity: [lang for lang in LANGUAGES if lang not in langs]
        for entity, langs in sorted(have.items())
        if any(lang not in langs for lang in LANGUAGES)
    }


# Rendering ------------------------------------------------------------------------------------


def render_text(reviews: Sequence[Review], show_all: bool = False) -> str:
    blocks = []
    for rev in reviews:
        source = compact(rev.source) if rev.source else "no candidates"
        lines = [f"{rev.shown} ({source}): {len(rev.items)} candidates"]
        for name in GROUPS:
            if name == "mention":
                if rev.mentions:
                    lines += ["", f"{TITLES[name]} ({len(rev.mentions)})"]
                    lines += [_mention_line(m) for m in rev.mentions]
                continue
            items = rev.group(name)
            if not items:
                continue
            if name in ("curated", "rejected") and not show_all:
                lines += ["", f"{TITLES[name]}: {len(items)} (--all lists them)"]
                continue
            lines += ["", f"{TITLES[name]} ({len(items)})"]
            for item in sorted(items, key=lambda i: (-i.confidence, i.passages[0].start, i.id)):
                lines += _item_lines(item)
            if name == "new-entity":
                for entity, langs in rev.missing_labels.items():
                    lines.append(f"  {compact(entity)} has no label in {', '.join(langs)}")
        if not any(rev.group(g) for g in ("conflict", "new", "second-source", "new-entity")):
            lines += ["", "Nothing new to review."]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _item_lines(item: Item) -> list[str]:
    triple = f"{compact(item.subject.value)} {compact(item.predicate.value)} {_shown(item.object)}"
    lines = [f"  {item.id}  {item.confidence:.2f}  {triple}"]
    if item.group == "conflict":
        lines.append(f"      the graph has: {', '.join(_shown(v) for v in item.graph_values)}")
    if item.group == "second-source":
        lines.append(
            f"      the graph cites: {', '.join(compact(v.value) for v in item.graph_values)}"
        )
    for passage in item.passages:
        lines.append(f"      [{passage.start}-{passage.end}] {passage.text}")
    return lines


def _mention_line(mention: Mention) -> str:
    body = compact(mention.body) if mention.body else "?"
    where = f"[{mention.start}-{mention.end}] " if mention.start is not None else ""
    return f"  {body}  {where}{mention.text or ''}".rstrip()


def render_json(reviews: Sequence[Review]) -> str:
    data = [
        {
            "extraction": rev.shown,
            "source": compact(rev.source) if rev.source else None,
            "groups": {
                name: [item.as_dict() for item in rev.group(name)]
                for name in GROUPS
                if name != "mention"
            },
            "mentions": [
                {"body": m.body, "start": m.start, "end": m.end, "text": m.text}
                for m in rev.mentions
            ],
            "missing_labels": {compact(e): langs for e, langs in rev.missing_labels.items()},
        }
        for rev in reviews
    ]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
