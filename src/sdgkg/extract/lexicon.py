"""The lexicon: the graph's own names for its entities, found in a document's passages.

Every resource of the graph (`kg:`) with a skos:prefLabel or skos:altLabel in the document's
language is an entry, with the classes it belongs to (through rdfs:subClassOf). A label matches
a run of words of a passage when each of its words is matched by a form of it (see
`morphology.same_word`); the longest label wins, left to right. Words in parentheses may sit
inside a name without breaking it: "тұрақты даму мақсаттарына (ТДМ) арналған".

Names in use that the graph does not spell out are derived from its labels (see `variants`):
a name inside a longer name may be replaced by a shorter name of the same entity ("UN office
in Kazakhstan", "БҰҰ-ның ... өңірлік орталығы"), an organisation's capitalised words give its
acronym ("ГА ООН", matched in capitals only), and in English an article may be left out.
Such a mention is `derived`: it links the text to the entity rather than quoting its name.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from sdgkg.extract.documents import Passage
from sdgkg.extract.variants import Entry, variants
from sdgkg.morphology import Token, key, same_word, tokenize, words
from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import EmbeddedEngine

# Sources and quotations are named for people, not mentioned by these names in articles.
_LABELS = """SELECT ?entity ?label ?lang WHERE {
  ?entity skos:prefLabel|skos:altLabel ?label .
  FILTER (STRSTARTS(STR(?entity), STR(kg:)) && LANG(?label) = ?lang)
  FILTER NOT EXISTS { VALUES ?skip { schema:CreativeWork schema:NewsArticle schema:Quotation
    skos:ConceptScheme } ?entity a ?skip }
}"""
_CLASSES = """SELECT DISTINCT ?entity ?class WHERE {
  ?entity a/rdfs:subClassOf* ?class . FILTER (STRSTARTS(STR(?entity), STR(kg:)))
}"""


@dataclass(frozen=True)
class Mention:
    """An entity named in a passage: which words (token indices) and where (offsets)."""

    entity: str
    classes: frozenset[str]
    first: int  # index of the first token in the passage
    last: int  # index of the last token
    start: int  # code point offsets into the document
    end: int
    derived: bool = False  # found through a name derived from the graph's labels


class Lexicon:
    """Labels of the graph's entities in one language, indexed by the key of their first word."""

    def __init__(self, entries: list[Entry], classes: dict[str, frozenset[str]], lang: str):
        self.lang = lang
        self.classes = classes
        self._index: dict[str, list[Entry]] = defaultdict(list)
        self._labels: dict[str, set[str]] = defaultdict(set)
        for entry in entries:
            self._index[key(entry.words[0], lang)].append(entry)
            self._labels[entry.entity].add(entry.label)
        for bucket in self._index.values():
            # Longest first; of names as long, a graph's own label before a derived one ("UN"
            # is the United Nations' altLabel, and also derived from "UN Secretariat").
            bucket.sort(key=lambda e: (-len(e.words), e.derived, e.entity, e.label))

    @classmethod
    def from_store(cls, store: ox.Store, lang: str) -> Lexicon:
        """Read the labels in `lang` and the classes of every entity from the graph."""
        engine = EmbeddedEngine(store, all_graphs=True)
        rows = engine.query(_LABELS, {"lang": Term.literal(lang)}).rows
        entries = [
            Entry(entity.value, label.value, tuple(words(label.value)))
            for entity, label, *_ in rows
            if entity and label
        ]
        classes: dict[str, set[str]] = defaultdict(set)
        for entity, klass in engine.query(_CLASSES).rows:
            if entity and klass:
                classes[entity.value].add(klass.value)
        frozen = {entity: frozenset(found) for entity, found in classes.items()}
        entries = [e for e in entries if e.words]
        return cls(entries + variants(entries, frozen, lang), frozen, lang)

    def mentions(self, passage: Passage) -> list[Mention]:
        """The entities the passage names, left to right, longest name first."""
        tokens = tokenize(passage.text, passage.start)
        bracketed = _bracketed(passage.text, tokens, passage.start)
        found, index = [], 0
        while index < len(tokens):
            match = self._longest(tokens, bracketed, index)
            if match is None:
                index += 1
                continue
            entry, last = match
            found.append(
                Mention(
                    entry.entity,
                    self.classes.get(entry.entity, frozenset()),
                    index,
                    last,
                    tokens[index].start,
                    tokens[last].end,
                    entry.derived,
                )
            )
            index = last + 1
        return found

    def _longest(
        self, tokens: list[Token], bracketed: set[int], index: int
    ) -> tuple[Entry, int] | None:
        best: tuple[Entry, int] | None = None
        for entry in self._index.get(key(tokens[index].text, self.lang), []):
            last = self._match(entry, tokens, bracketed, index)
            if last is not None and (best is None or len(entry.words) > len(best[0].words)):
                best = (entry, last)
        return best

    def _match(
        self, entry: Entry, tokens: list[Token], bracketed: set[int], index: int
    ) -> int | None:
        position = index
        if entry.capitals and not _capitals(tokens[index].text):
            return None
        for number, word in enumerate(entry.words):
            if (
                number
                and self.lang == "en"
                and word.lower() == "the"
                and position < len(tokens)
                and tokens[position].text.lower() != "the"
            ):
                continue  # "Regional Centre for Sustainable Development Goals": no article
            while (
                number
                and position < len(tokens)
                and position in bracketed
                and not same_word(tokens[position].text, word, self.lang)
            ):
                position += 1  # "(ТДМ)" inside a name
            if position >= len(tokens) or not same_word(tokens[position].text, word, self.lang):
                return None
            position += 1
        return position - 1

    def restricted(self, klass: str) -> Lexicon:
        """The part of the lexicon that names entities of `klass`."""
        entries = [
            e for b in self._index.values() for e in b if klass in self.classes.get(e.entity, ())
        ]
        return Lexicon(entries, self.classes, self.lang)

    def entities_of(self, klass: str) -> list[str]:
        """Every entity of the graph in `klass` (for matching list items by their labels)."""
        return sorted(e for e, found in self.classes.items() if klass in found)

    def labels_of(self, entity: str) -> list[str]:
        """The entity's labels in the lexicon's language."""
        return sorted(self._labels.get(entity, ()))


def _capitals(word: str) -> bool:
    head = word.split("-")[0]
    return head.isupper() and len(head) > 1


def _bracketed(text: str, tokens: list[Token], offset: int) -> set[int]:
    if "(" not in text:
        return set()  # most sentences: no need to count brackets before every word
    inside, depth, position = set(), 0, 0
    for index, token in enumerate(tokens):
        for ch in text[position : token.start - offset]:
            depth += {"(": 1, ")": -1}.get(ch, 0)
        position = token.start - offset
        if depth > 0:
            inside.add(index)
    return inside
