"""`sdgkg accept` and `sdgkg reject`: candidates become curated facts, or are remembered as
rejected.

An accepted candidate becomes, through the one validated, locked, all-or-nothing write of the
curated graph (`sdgkg.curation.change_facts`, as `sdgkg add`):

- the fact itself, in the file of its subject (a new entity: the file with most of its class);
- its evidence, reified as the curated facts are: an rdf:Statement (kg:fact-SUBJECT-PREDICATE
  [-OBJECT]) derived from the passages (oa:SpecificResource with both selectors, oa:hasSource
  the registered source), attributed (prov:wasAttributedTo) to the speaker of the quotation the
  passage belongs to, where there is one;
- a fact the graph already holds gains the new passages as further evidence (a second source);
- a conflicting value (a property the shapes allow once) supersedes the old one: the old fact
  leaves the graph, and its statement stays, with sdgkg:supersededBy the new statement, so the
  old value, the new one, when and on which source stay queryable (`history`);
- a minted entity (kgx:) gets a readable kg: IRI (the prefix its class's entities share, then
  its English label, or its label transliterated), its type and its labels; the languages it
  has no label in are reported and must be given (--label), never made up.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import overload

import pyoxigraph as ox

from sdgkg.curation.add import AddResult, change_facts, editable_root
from sdgkg.curation.diff import GraphDiff, SubjectDiff, render_diff
from sdgkg.curation.review import Item, Passage, Review, minted, review
from sdgkg.errors import InputError
from sdgkg.extract.rejections import REJECTIONS_FILE, with_rejections
from sdgkg.extract.run import curated_store
from sdgkg.namespaces import KG, KGX, OA, PROV, RDF, RDF_TYPE, SCHEMA, SDGKG, SKOS, XSD, compact
from sdgkg.rdfio.turtle import term
from sdgkg.rdfio.turtle import term as turtle_term
from sdgkg.store.writes import locked, write_files

Value = ox.NamedNode | ox.Literal  # what a candidate's object, and a minted term, can be
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
ACCEPTED_GROUPS = ("conflict", "new", "second-source", "new-entity")
LANGUAGES = ("kk", "en", "ru")

# Cyrillic (Russian and Kazakh letters) to Latin, for the IRI of an entity named in kk or ru.
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
    "a", "g", "q", "n", "o", "u", "u", "h", "i",
)  # fmt: skip
_TRANSLIT = dict(zip(_CYRILLIC, _LATIN, strict=True))


@dataclass
class AcceptResult:
    add: AddResult
    accepted: list[Item]
    iris: dict[str, str]  # minted entity -> its new kg: IRI
    labels: dict[str, str] = field(default_factory=dict)  # subject -> English label
    superseded: list[tuple[ox.Triple, ox.Triple]] = field(default_factory=list)  # (old, new)
    missing_labels: dict[str, list[str]] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        return self.add.conforms


def select(
    reviews: Sequence[Review], ids: Sequence[str], min_confidence: float | None
) -> list[Item]:
    """The candidates named by ID (every extraction that proposes that ID), or all those to
    review at `min_confidence` or above; a new entity's type and labels come with it."""
    pool = [item for rev in reviews for item in rev.items]
    chosen: dict[str, Item] = {}
    for wanted in ids:
        found = [item for item in pool if item.id == wanted.lower()]
        if not found:
            raise InputError(f"no candidate has the ID {wanted}", hint="see `sdgkg review`")
        open_ = [item for item in found if item.group in ACCEPTED_GROUPS]
        if not open_:
            state = "already in the graph" if found[0].group == "curated" else "rejected"
            raise InputError(f"candidate {wanted} is {state}")
        chosen.update((item.iri, item) for item in open_)
    if min_confidence is not None:
        for item in pool:
            if item.group in ACCEPTED_GROUPS and item.confidence >= min_confidence:
                chosen[item.iri] = item
    entities = {
        t.value for item in chosen.values() for t in (item.subject, item.object) if minted(t)
    }
    for item in pool:
        essential = item.predicate.value in (RDF + "type", SKOS + "prefLabel")
        if item.subject.value in entities and essential and item.group == "new-entity":
            chosen[item.iri] = item
    return sorted(chosen.values(), key=lambda i: (str(i.extraction), i.passages[0].start, i.id))


def accept(
    ids: Sequence[str],
    root: Path,
    *,
    min_confidence: float | None = None,
    labels: Mapping[str, str] | None = None,
    names: Sequence[str] = (),
    dry_run: bool = False,
) -> AcceptResult:
    """Make the chosen candidates curated facts (see the module's documentation)."""

    if not ids and min_confidence is None:
        raise InputError("name the candidates to accept (IDs) or give --min-confidence")
    data_root = editable_root(root)
    with locked(data_root):
        reviews = review(names, data_root)
        items = select(reviews, ids, min_confidence)
        if not items:
            raise InputError("no candidate to accept", hint="see `sdgkg review`")
        graph = curated_store(data_root)
        builder = _Builder(graph, reviews, dict(labels or {}))
        for item in items:
            builder.accept(item)
        extraction = items[0].extraction
        result = change_facts(
            data_root,
            {extraction: builder.added},
            {extraction: builder.removed},
            dry_run=dry_run,
        )
    labels = _english_labels(graph, [*builder.added, *builder.removed])
    return AcceptResult(result, items, builder.iris, labels, builder.superseded, builder.missing())


def _english_labels(graph: ox.Store, triples: Sequence[ox.Triple]) -> dict[str, str]:
    found = {}
    for triple in triples:
        for quad in graph.quads_for_pattern(triple.subject, ox.NamedNode(SKOS + "prefLabel"), None):
            if isinstance(quad.object, ox.Literal) and quad.object.language == "en":
                found[term(triple.subject)] = quad.object.value
    return found


class _Builder:
    """The triples an acceptance adds and removes."""

    def __init__(self, graph: ox.Store, reviews: Sequence[Review], labels: dict[str, str]):
        self.graph = graph
        self.reviews = reviews
        self.user_labels = labels
        self.added: list[ox.Triple] = []
        self.removed: list[ox.Triple] = []
        self.iris: dict[str, str] = {}
        self.superseded: list[tuple[ox.Triple, ox.Triple]] = []
        self.taken: set[str] = set()
        self.speakers = _speakers(reviews, graph)
        self.label_langs: dict[str, set[str]] = {}

    # Terms -------------------------------------------------------------------------------

    @overload
    def term(self, node: ox.NamedNode) -> ox.NamedNode: ...
    @overload
    def term(self, node: Value) -> Value: ...
    def term(self, node: Value) -> Value:
        """The node, or the kg: IRI a minted entity gets."""
        if not isinstance(node, ox.NamedNode) or not minted(node):
            return node
        if node.value not in self.iris:
            self.iris[node.value] = self._slug(node.value)
        return ox.NamedNode(self.iris[node.value])

    def _slug(self, entity: str) -> str:
        items = [i for rev in self.reviews for i in rev.items if i.subject.value == entity]
        classes = [i.object.value for i in items if i.predicate.value == RDF + "type"]
        labels = {
            i.object.language: i.object.value
            for i in items
            if i.predicate.value == SKOS + "prefLabel" and isinstance(i.object, ox.Literal)
        }
        # A quotation has its words, not a label, until the curator names it.
        words_of = [
            i.object.value
            for i in items
            if i.predicate.value == SCHEMA + "text" and isinstance(i.object, ox.Literal)
        ]
        # Nothing to name it by: the kind the extractor gave it (`event-meeting-1`).
        minted_as = entity.removeprefix(KGX)
        if items:
            minted_as = minted_as.removeprefix(_document_key(items[0].extraction) + "-")
        fallback = " ".join(words_of[0].split()[:6]) if words_of else minted_as
        text = labels.get("en") or next(iter(labels.values()), fallback)
        words = re.findall(r"\w+", "".join(_TRANSLIT.get(ch, ch) for ch in text.lower()))
        words = [re.sub(r"[^a-z0-9]", "", w) for w in words]
        base = "-".join(w for w in words if w)[:48].strip("-") or "entity"
        prefix = _class_prefix(self.graph, classes[0]) if classes else None
        stem = f"{prefix}-{base}" if prefix and not base.startswith(prefix + "-") else base
        iri, number = KG + stem, 1
        while iri in self.taken or _exists(self.graph, iri):
            number += 1
            iri = KG + f"{stem}-{number}"
        self.taken.add(iri)
        return iri

    # Facts -------------------------------------------------------------------------------

    def accept(self, item: Item) -> None:
        self._refuse_unregistered(item)
        s, p, o = self.term(item.subject), item.predicate, self.term(item.object)
        fact = ox.Triple(s, p, o)
        if p.value == SKOS + "prefLabel" and isinstance(o, ox.Literal):
            self.label_langs.setdefault(s.value, set()).add(o.language or "")
        if p.value == RDF + "type":
            self.label_langs.setdefault(s.value, set())
            self._user_labels(item.subject.value, s)
        if not _holds(self.graph, fact):
            self.added.append(fact)
        if p.value in (RDF + "type", SKOS + "prefLabel"):
            return  # types and labels carry no evidence (as in the curated graph)
        passages = [self._passage(item, passage) for passage in item.passages]
        existing = _statements(self.graph, fact)
        if existing:
            statement = existing[0]
        else:
            statement = self._new_statement(fact)
            speaker = self._speaker(item)
            if speaker is not None:
                self._add(statement, PROV + "wasAttributedTo", speaker)
        for passage in passages:
            self._add(statement, PROV + "wasDerivedFrom", passage)
        if item.group == "conflict":
            self._supersede(fact, statement)

    def _refuse_unregistered(self, item: Item) -> None:
        if item.source.startswith(KGX):
            raise InputError(
                f"{item.extraction.name}: its document is not a registered source",
                hint="register it with `sdgkg source add FILE ...`, then run `sdgkg extract` again",
            )

    def _user_labels(self, entity: str, node: ox.NamedNode) -> None:
        names = {entity.removeprefix(KGX), node.value.removeprefix(KG)}
        for key, text in self.user_labels.items():
            name, _, lang = key.rpartition("@")
            if name in names:
                self.added.append(
                    ox.Triple(
                        node, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(text, language=lang)
                    )
                )
                self.label_langs.setdefault(node.value, set()).add(lang)

    def _add(self, s: ox.NamedNode, p: str, o: Term) -> None:
        triple = ox.Triple(s, ox.NamedNode(p), o)
        if not _holds(self.graph, triple) and triple not in self.added:
            self.added.append(triple)

    def _new_statement(self, fact: ox.Triple) -> ox.NamedNode:
        parts = [_local(_text(fact.subject)), _local(fact.predicate.value)]
        if isinstance(fact.object, ox.NamedNode):
            parts.append(_local(fact.object.value))
        stem, number = KG + "fact-" + "-".join(parts), 1
        iri = stem
        while iri in self.taken or _exists(self.graph, iri):
            number += 1
            iri = f"{stem}-{number}"
        self.taken.add(iri)
        node = ox.NamedNode(iri)
        self._add(node, RDF + "type", ox.NamedNode(RDF + "Statement"))
        self._add(node, RDF + "subject", fact.subject)
        self._add(node, RDF + "predicate", fact.predicate)
        self._add(node, RDF + "object", fact.object)
        return node

    def _passage(self, item: Item, passage: Passage) -> ox.NamedNode:
        source = ox.NamedNode(item.source)
        known = _curated_passage(self.graph, source, passage.start, passage.end)
        if known is not None:
            return known
        key = _document_key(item.extraction)
        pid = passage.iri.removeprefix(KGX + key + "-")
        base = item.source.removeprefix(KG).removeprefix("source-")
        node = ox.NamedNode(KG + f"{base}-{pid}")
        position, quote = (
            ox.NamedNode(node.value + "-position"),
            ox.NamedNode(node.value + "-quote"),
        )
        language = _language_of(self.graph, source)
        self._add(node, RDF + "type", ox.NamedNode(OA + "SpecificResource"))
        self._add(node, OA + "hasSource", source)
        self._add(node, OA + "hasSelector", position)
        self._add(node, OA + "hasSelector", quote)
        self._add(position, RDF + "type", ox.NamedNode(OA + "TextPositionSelector"))
        self._add(position, OA + "start", _integer(passage.start))
        self._add(position, OA + "end", _integer(passage.end))
        self._add(quote, RDF + "type", ox.NamedNode(OA + "TextQuoteSelector"))
        self._add(quote, OA + "exact", ox.Literal(passage.text, language=language))
        return node

    def _speaker(self, item: Item) -> ox.NamedNode | None:
        for passage in item.passages:
            speaker = self.speakers.get((item.source, passage.start))
            if speaker is not None and speaker[0] != item.subject.value:
                return self.term(speaker[1])
        return None

    def _supersede(self, fact: ox.Triple, statement: ox.NamedNode) -> None:
        for old in _values(self.graph, fact.subject, fact.predicate):
            if old == fact.object:
                continue
            gone = ox.Triple(fact.subject, fact.predicate, old)
            self.removed.append(gone)
            self.superseded.append((gone, fact))
            for reified in _statements(self.graph, gone):
                self._add(reified, SDGKG + "supersededBy", statement)

    def missing(self) -> dict[str, list[str]]:
        return {
            entity: [lang for lang in LANGUAGES if lang not in langs]
            for entity, langs in sorted(self.label_langs.items())
            if entity.startswith(KG) and any(lang not in langs for lang in LANGUAGES)
        }


def _speakers(
    reviews: Sequence[Review], graph: ox.Store
) -> dict[tuple[str, int], tuple[str, ox.NamedNode]]:
    """(source, passage start) -> (quotation, speaker) for the passages of quotations."""
    creator = SCHEMA + "creator"
    found = {}
    for rev in reviews:
        speakers = {
            i.subject.value: i.object
            for i in rev.items
            if i.predicate.value == creator and isinstance(i.object, ox.NamedNode)
        }
        for item in rev.items:
            if item.predicate.value != SCHEMA + "text":
                continue
            quote = item.subject.value
            speaker = speakers.get(quote) or next(
                iter(_values(graph, item.subject, ox.NamedNode(creator))), None
            )
            if isinstance(speaker, ox.NamedNode):
                for passage in item.passages:
                    found[(item.source, passage.start)] = (quote, speaker)
    return found


def _class_prefix(graph: ox.Store, klass: str) -> str | None:
    """The first word the kg: names of a class's entities share (function-, task-), if most
    of them share one."""
    names = [
        _text(q.subject).removeprefix(KG)
        for q in graph.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(klass))
        if _text(q.subject).startswith(KG)
    ]
    counts = Counter(name.split("-", 1)[0] for name in names if "-" in name)
    if not counts:
        return None
    word, count = counts.most_common(1)[0]
    return word if count * 2 > len(names) else None


def _holds(graph: ox.Store, triple: ox.Triple) -> bool:
    return any(graph.quads_for_pattern(triple.subject, triple.predicate, triple.object))


def _exists(graph: ox.Store, iri: str) -> bool:
    node = ox.NamedNode(iri)
    return any(graph.quads_for_pattern(node, None, None)) or any(
        graph.quads_for_pattern(None, None, node)
    )


def _values(
    graph: ox.Store, s: ox.NamedNode | ox.BlankNode | ox.Triple, p: ox.NamedNode
) -> list[Value]:
    found = graph.quads_for_pattern(s, p, None)
    return sorted((q.object for q in found if isinstance(q.object, Value)), key=str)


def _statements(graph: ox.Store, fact: ox.Triple) -> list[ox.NamedNode]:
    """The curated statements that reify `fact` (never candidates)."""
    found = []
    for quad in graph.quads_for_pattern(None, ox.NamedNode(RDF + "subject"), fact.subject):
        node = quad.subject
        if not isinstance(node, ox.NamedNode):
            continue
        types = {
            _text(q.object) for q in graph.quads_for_pattern(node, ox.NamedNode(RDF + "type"), None)
        }
        if RDF + "Statement" not in types or SDGKG + "Candidate" in types:
            continue
        if _holds(
            graph, ox.Triple(node, ox.NamedNode(RDF + "predicate"), fact.predicate)
        ) and _holds(graph, ox.Triple(node, ox.NamedNode(RDF + "object"), fact.object)):
            found.append(node)
    return sorted(found, key=lambda n: n.value)


def _curated_passage(
    graph: ox.Store, source: ox.NamedNode, start: int, end: int
) -> ox.NamedNode | None:
    for quad in graph.quads_for_pattern(None, ox.NamedNode(OA + "hasSource"), source):
        if not isinstance(quad.subject, ox.NamedNode):
            continue
        for selector in graph.quads_for_pattern(
            quad.subject, ox.NamedNode(OA + "hasSelector"), None
        ):
            s = selector.object
            if (
                isinstance(s, ox.NamedNode | ox.BlankNode)
                and _holds(graph, ox.Triple(s, ox.NamedNode(OA + "start"), _integer(start)))
                and _holds(graph, ox.Triple(s, ox.NamedNode(OA + "end"), _integer(end)))
            ):
                return quad.subject
    return None


def _language_of(graph: ox.Store, source: ox.NamedNode) -> str | None:
    for quad in graph.quads_for_pattern(source, ox.NamedNode(SCHEMA + "inLanguage"), None):
        return _text(quad.object)
    return None


def _text(node: Term) -> str:
    """A term's IRI, label or lexical form (a triple term as N-Triples)."""
    return str(node) if isinstance(node, ox.Triple) else node.value


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _local(iri: str) -> str:
    if iri.startswith(KG):
        return iri.removeprefix(KG)
    return re.split(r"[/#]", iri)[-1]


def _document_key(extraction: Path) -> str:
    key = re.sub(r"[^A-Za-z0-9.-]+", "-", extraction.name.removesuffix(".ttl")).strip("-.")
    return key or "document"


# Reject ---------------------------------------------------------------------------------------


def reject(
    ids: Sequence[str],
    root: Path,
    *,
    reason: str = "",
    names: Sequence[str] = (),
    dry_run: bool = False,
) -> list[Item]:
    """Remember the candidates as rejected (kg/rejections.tsv), so that no extraction of their
    source proposes them again; written under the graph's lock, all or nothing."""

    if not ids:
        raise InputError("name the candidates to reject (IDs)")
    data_root = editable_root(root)
    with locked(data_root):
        pool = [item for rev in review(names, data_root) for item in rev.items]
        chosen = []
        for wanted in ids:
            found = [item for item in pool if item.id == wanted.lower()]
            if not found:
                raise InputError(f"no candidate has the ID {wanted}", hint="see `sdgkg review`")
            open_ = [item for item in found if item.group != "curated"]
            if not open_:
                raise InputError(
                    f"candidate {wanted} is already in the graph",
                    hint="take the fact out with `sdgkg add --remove`",
                )
            chosen += open_
        data = with_rejections(data_root, [(i.source, i.triple) for i in chosen], reason)
        if not dry_run:
            write_files(data_root, {data_root / REJECTIONS_FILE: data})
    return chosen


# Rendering ------------------------------------------------------------------------------------


def render_accept(result: AcceptResult) -> str:
    """The change as `sdgkg diff` shows it, then what was done."""
    lines = [render_diff(_as_diff(result)).rstrip("\n")]
    for entity, iri in sorted(result.iris.items()):
        lines.append(f"{compact(entity)} is {compact(iri)}")
    for old, new in result.superseded:
        lines.append(
            f"superseded: {compact(_text(old.subject))} {compact(old.predicate.value)} "
            f"{_shown(old.object)} -> {_shown(new.object)}"
        )
    for entity, langs in result.missing_labels.items():
        lines.append(
            f"{compact(entity)} has no label in {', '.join(langs)}: give --label "
            + " ".join(f"{entity.removeprefix(KG)}@{lang}=TEXT" for lang in langs)
        )
    written = result.add.written
    verb = "Accepted" if written else "Dry run: nothing written; would accept"
    lines.append(f"{verb} {len(result.accepted)} candidates.")
    return "\n".join(lines) + "\n"


def _shown(node: Term) -> str:
    return turtle_term(node)


def _as_diff(result: AcceptResult) -> GraphDiff:

    grouped: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    labels = dict(result.labels)
    for change in result.add.changes:
        for sign, triples in (("-", change.removed), ("+", change.added)):
            for t in triples:
                p = "a" if t.predicate.value == RDF_TYPE else term(t.predicate)
                grouped[term(t.subject)][sign].append((p, term(t.object)))
                english = isinstance(t.object, ox.Literal) and t.object.language == "en"
                if t.predicate.value == SKOS + "prefLabel" and english:
                    labels[term(t.subject)] = _text(t.object)
    subjects = tuple(
        SubjectDiff(
            s,
            labels.get(s),
            tuple(sorted(grouped[s]["-"])),
            tuple(sorted(grouped[s]["+"])),
        )
        for s in sorted(grouped)
    )
    return GraphDiff(subjects)
