"""Events and their attributes, found by the patterns of kg/extraction-events.toml.

A sentence with an event's trigger is an event of that kind; its attributes are filled from the
sentence's names (see the fillers in the patterns file): the graph's entities, the new entities,
the dates (a dateline's date and agency are the report's, not the event's), numbers, sessions.
A trigger sentence without the attributes the kind needs adds what it has to the kind's last
event ("The vote took place on March 4"). Cues add one attribute to an event of their kind in
the same sentence or before ("The ceremony was attended by ...", "co-sponsored by 152").
Quotations: words in quotation marks or a paragraph opened by a dash, in a sentence with a verb
of saying; the speaker is the person named outside the quote (a post stands for the one person
the graph says holds it, a surname for the person named in full before), else the speaker of
the quotation before. Counts: a number just before a name the graph knows (18 UN agencies).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from sdgkg.extract.dates import DateMention, find_dates
from sdgkg.extract.documents import Document, Passage
from sdgkg.extract.entities import ORGANISATIONS, NewEntity
from sdgkg.extract.eventrules import EventRule, EventRules, Found, find_any, word_matches
from sdgkg.extract.lexicon import Lexicon, Mention
from sdgkg.morphology import Token, content_words, same_word, tokenize
from sdgkg.namespaces import compact
from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import Engine

SCHEMA = "https://schema.org/"
PERSON = SCHEMA + "Person"
COUNTRY = SCHEMA + "Country"
CITY = SCHEMA + "City"
POST = "http://www.w3.org/ns/org#Post"
TASK = "https://w3id.org/sdgkg/ontology#OrganisationalTask"
_DATELINE = re.compile(r"^(.{3,80}?)\s[–—-]\s")
_QUOTED = re.compile(r"«([^«»]+)»|“([^“”]+)”|\"([^\"]+)\"")
_DASHES = "–—-"
_NEAR = 4  # words between an appointee and the verb of appointment
_TASK_COVERAGE = 0.75  # most of a task's words: not 'leadership appointments will follow'
Value = str | NewEntity | DateMention | int


@dataclass
class Event:
    """One event the text reports, with its attributes and the passages that state them."""

    kind: str
    klass: str
    confidence: float
    passages: list[Passage] = field(default_factory=list)
    attributes: dict[str, list[Value]] = field(default_factory=dict)
    text: str = ""  # a quotation's words

    def add(self, attribute: str, values: list[Value], passage: Passage) -> None:
        if not values:
            return
        have = self.attributes.setdefault(attribute, [])
        for value in values:
            if not any(_same(value, old) for old in have):
                have.append(value)
        if passage not in self.passages:
            self.passages.append(passage)

    def facts(self) -> set[tuple[str, str, str]]:
        """(kind, attribute, value) as the gold files write them."""
        return {(self.kind, a, shown(v)) for a, vs in self.attributes.items() for v in vs}


def shown(value: Value) -> str:
    if isinstance(value, NewEntity):
        return value.label
    if isinstance(value, DateMention):
        return value.value
    if isinstance(value, int):
        return str(value)
    return compact(value) if value.startswith("http") else value


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, NewEntity) or isinstance(b, NewEntity):
        return a is b
    return shown(a) == shown(b)


@dataclass
class _Sentence:
    passage: Passage
    tokens: list[Token]
    mentions: list[Mention]
    dates: list[DateMention]
    people: list[tuple[int, NewEntity]]  # (offset, person) of new people named here
    reported: int  # offset where the report's own part ends (dateline), else passage start
    dateline_city: str | None = None
    words: str = ""  # the tokens' words joined, for the phrase finders' substring test
    body: list[Mention] | None = None  # see _body

    def find_any(self, phrases: tuple[str, ...], lang: str, exact: bool = False) -> Found:
        if not phrases:
            return None  # most rules continue no event: no call for every sentence
        return find_any(self.tokens, phrases, lang, exact, self.words)


@dataclass
class _Doc:
    doc: Document
    rules: EventRules
    lexicon: Lexicon
    graph: Engine
    topic: str | None
    entities: list[NewEntity]
    events: list[Event] = field(default_factory=list)
    named: list[tuple[int, int]] = field(default_factory=list)  # new organisations and posts
    named_starts: list[int] = field(default_factory=list)
    people: dict[str, list[tuple[int, NewEntity]]] = field(default_factory=dict)  # by passage
    task_clauses: dict[str, tuple[str, list[Token]] | None] = field(default_factory=dict)
    holders: dict[str, str | None] = field(default_factory=dict)  # post -> holder, asked once
    # The last event of each kind, which a sentence without the whole event adds to: looked up
    # here, not in all the events so far (a long article has thousands).
    last: dict[str, Event] = field(default_factory=dict)

    def add(self, event: Event) -> None:
        self.events.append(event)
        self.last[event.kind] = event

    def index(self, passages: list[Passage]) -> None:
        """Where the new entities are named, for look-ups by offset (a long article has many)."""
        self.named = sorted(
            span for e in self.entities if e.kind in ("organisation", "post") for span in e.mentions
        )
        self.named_starts = [a for a, _ in self.named]
        starts = [p.start for p in passages]
        for entity in self.entities:
            for start, _ in entity.mentions if entity.kind == "person" else ():
                passage = passages[bisect_right(starts, start) - 1]
                self.people.setdefault(passage.id, []).append((start, entity))


def find_events(
    doc: Document,
    passages: list[Passage],
    mentions: dict[str, list[Mention]],
    lexicon: Lexicon,
    graph: Engine,
    rules: EventRules,
    topic: str | None,
    entities: list[NewEntity],
) -> list[Event]:
    """Every event of the document, in order, with its attributes."""
    state = _Doc(doc, rules, lexicon, graph, topic, entities)
    state.index(passages)
    sentences = [_sentence(state, p, mentions.get(p.id, []), i) for i, p in enumerate(passages)]
    for sentence in sentences:
        if sentence.passage.kind == "title":
            continue  # a headline repeats the report in telegraphic words ("UN chief visits")
        for rule in rules.events:
            _event(state, rule, sentence)
        _cues(state, sentence)
        _counts(state, sentence)
    _quotations(state, sentences)
    return state.events


def _sentence(state: _Doc, passage: Passage, mentions: list[Mention], number: int) -> _Sentence:
    lang, text = state.doc.lang, passage.text
    dates = find_dates(text, lang, state.doc.date, passage.start)
    people = sorted(state.people.get(passage.id, []), key=lambda x: x[0])
    reported, city = passage.start, None
    head = _DATELINE.match(text) if number <= 2 and passage.kind != "title" else None
    if head and head.group(1)[:1].isupper() and any(c in head.group(1) for c in ",.(/"):
        reported = passage.start + head.end()
        cities = [m for m in mentions if CITY in m.classes and m.start < reported]
        city = cities[0].entity if cities else None
    tokens = tokenize(text, passage.start)
    joined = " ".join(t.text for t in tokens)
    return _Sentence(passage, tokens, mentions, dates, people, reported, city, joined)


# Events ----------------------------------------------------------------------------------------


def _event(state: _Doc, rule: EventRule, sentence: _Sentence) -> None:
    lang = state.doc.lang
    trigger = sentence.find_any(rule.triggers.get(lang, ()), lang, rule.exact)
    follows = sentence.find_any(rule.continues.get(lang, ()), lang)
    if trigger is None and follows is None:
        return
    at = sentence.tokens[(trigger or follows)[0]].start  # type: ignore[index]
    filled = {
        name: _fill(state, sentence, spec, at, rule) for name, spec in rule.attributes.items()
    }
    complete = trigger is not None and (not rule.needs or any(filled.get(n) for n in rule.needs))
    if complete and rule.when and not any(filled.get(n) for n in rule.when):
        return  # "preparations for the launch": no when or where, no event reported
    if complete:
        event = Event(rule.kind, rule.klass, rule.confidence)
        state.add(event)
    else:
        if rule.kind not in state.last:
            return
        event = state.last[rule.kind]
        filled = {n: v for n, v in filled.items() if n in ("date", "place", "agent")}
    event.passages.append(sentence.passage) if sentence.passage not in event.passages else None
    for name, values in filled.items():
        event.add(name, values, sentence.passage)


def _fill(state: _Doc, sentence: _Sentence, spec: tuple[str, ...], at: int, rule: EventRule):  # type: ignore[no-untyped-def]
    kinds, found = set(spec), []
    if "completed" in kinds and _status(state, sentence, rule) != ["completed"]:
        return []
    for kind in kinds:
        found += _filler(state, sentence, kind, rule)
    if "before" in kinds:
        found = [v for v in found if _offset(v, sentence) < at]
    if "near" in kinds:  # the appointee stands by the verb, not a speaker further off
        found = [v for v in found if _distance(sentence, _offset(v, sentence), at) <= _NEAR]
    return _unique(found)


def _distance(sentence: _Sentence, one: int, two: int) -> int:
    """How many words apart two offsets of the sentence are."""
    low, high = sorted((one, two))
    return sum(1 for t in sentence.tokens if low < t.start <= high)


def _offset(value: Value, sentence: _Sentence) -> int:
    if isinstance(value, NewEntity):
        return next((s for s, p in sentence.people if p is value), value.start)
    for mention in sentence.mentions:
        if mention.entity == value:
            return mention.start
    return sentence.passage.start


def _unique(values: list[Value]) -> list[Value]:
    kept: list[Value] = []
    for value in values:
        if not any(_same(value, old) for old in kept):
            kept.append(value)
    return kept


def _filler(state: _Doc, sentence: _Sentence, kind: str, rule: EventRule) -> list[Value]:
    body = _body(state, sentence)
    if kind == "organisation":
        return [
            m.entity
            for m in body
            if ORGANISATIONS & m.classes
            and m.entity != state.topic
            and not _reporting(state, sentence, m)
        ]
    if kind in ("person", "known-person"):
        found: list[Value] = [p for m in body if (p := _person(state, m))]
        return found + ([p for _, p in sentence.people] if kind == "person" else [])
    if kind == "new-person":
        return [p for _, p in sentence.people]
    if kind == "country":
        return [m.entity for m in body if COUNTRY in m.classes]
    if kind == "city":
        cities: list[Value] = [m.entity for m in body if CITY in m.classes]
        return cities or ([sentence.dateline_city] if sentence.dateline_city else [])
    if kind == "date":
        return [d for d in sentence.dates if d.start >= sentence.reported]
    if kind == "topic":
        return [state.topic] if state.topic and _names_topic(state, sentence) else []
    if kind == "task":
        return _task(state, sentence)
    if kind == "status":
        return _status(state, sentence, rule)  # type: ignore[return-value]
    if kind == "session":
        pattern = state.rules.session.get(state.doc.lang)
        return [int(m.group(1)) for m in pattern.finditer(sentence.passage.text)] if pattern else []
    if kind == "post":
        return [p.post for _, p in sentence.people if p.post is not None]
    if kind == "post-organisation":
        return [p.organisation for _, p in sentence.people if p.organisation is not None]
    return []


def _body(state: _Doc, sentence: _Sentence) -> list[Mention]:
    """The mentions in the report's own words, not inside a new entity's name: worked out once
    per sentence, not once per attribute of every pattern."""
    if sentence.body is None:
        sentence.body = [
            m for m in sentence.mentions if m.start >= sentence.reported and not _in_new(state, m)
        ]
    return sentence.body


def _in_new(state: _Doc, mention: Mention) -> bool:
    """A known name inside a new entity's name (Kazakhstan in its ministry's name)."""
    at = bisect_right(state.named_starts, mention.start) - 1
    return at >= 0 and mention.end <= state.named[at][1]


def _reporting(state: _Doc, sentence: _Sentence, mention: Mention) -> bool:
    """An organisation named as the source of the news ("..., the UN office said")."""
    lang = state.doc.lang
    verbs = state.rules.speech.get(f"report_{lang}", ())
    near = [
        t
        for t in sentence.tokens
        if abs(t.start - mention.start) < 60 or abs(t.end - mention.end) < 40
    ]
    return any(
        word_matches(t.text, v, lang, exact=not v.endswith("*")) for t in near for v in verbs
    )


def _person(state: _Doc, mention: Mention) -> str | None:
    if PERSON in mention.classes:
        return mention.entity
    if POST in mention.classes:
        if mention.entity not in state.holders:
            state.holders[mention.entity] = holder(state.graph, mention.entity)
        return state.holders[mention.entity]
    return None


def holder(graph: Engine, post: str) -> str | None:
    """The one person the graph says holds a post."""
    rows = graph.query(
        "SELECT ?person ?post WHERE { ?person org:holds ?post }", {"post": Term.iri(post)}
    ).rows
    people = sorted({row[0].value for row in rows if row[0]})
    return people[0] if len(people) == 1 else None


def _names_topic(state: _Doc, sentence: _Sentence) -> bool:
    if any(m.entity == state.topic for m in sentence.mentions):
        return True
    words = state.rules.words_of("topic", state.doc.lang)
    return any(word_matches(t.text, w, state.doc.lang) for t in sentence.tokens for w in words)


def _task(state: _Doc, sentence: _Sentence) -> list[Value]:
    found = _task_clause(state, sentence)
    return [found[0]] if found else []


def _task_clause(state: _Doc, sentence: _Sentence) -> tuple[str, list[Token]] | None:
    key = sentence.passage.id
    if key not in state.task_clauses:
        state.task_clauses[key] = _best_task_clause(state, sentence)
    return state.task_clauses[key]


def _best_task_clause(state: _Doc, sentence: _Sentence) -> tuple[str, list[Token]] | None:
    """The pending task whose label the sentence covers best, and the clause that names it
    (its status must be said in that clause, not in the next: "X is being finalized, and
    leadership appointments will follow")."""
    lang, best = state.doc.lang, None
    for clause in _clauses(sentence):
        text_words = content_words(" ".join(t.text for t in clause), lang)
        for task in state.lexicon.entities_of(TASK):
            for label in state.lexicon.labels_of(task):
                wanted = content_words(label, lang)
                covered = [w for w in wanted if any(same_word(t, w, lang) for t in text_words)]
                share = len(covered) / len(wanted) if wanted else 0.0
                if share >= _TASK_COVERAGE and (best is None or share > best[0]):
                    best = (share, task, clause)
    return (best[1], best[2]) if best else None


def _clauses(sentence: _Sentence) -> list[list[Token]]:
    clauses: list[list[Token]] = [[]]
    base, text = sentence.passage.start, sentence.passage.text
    for index, token in enumerate(sentence.tokens):
        if index:
            gap = text[sentence.tokens[index - 1].end - base : token.start - base]
            if any(ch in gap for ch in ",;:–—"):
                clauses.append([])
        clauses[-1].append(token)
    return [c for c in clauses if c]


def _status(state: _Doc, sentence: _Sentence, rule: EventRule) -> list[str]:
    lang = state.doc.lang
    found = _task_clause(state, sentence)
    tokens = found[1] if found else sentence.tokens
    for name, phrases in rule.status.items():
        if find_any(tokens, phrases.get(lang, ()), lang, exact=True):
            return [name]
    return []


# Cues and counts -------------------------------------------------------------------------------


def _cues(state: _Doc, sentence: _Sentence) -> None:
    lang = state.doc.lang
    for cue in state.rules.cues:
        found = sentence.find_any(cue.triggers.get(lang, ()), lang)
        if found is None:
            continue
        if cue.kind not in state.last:
            continue
        event = state.last[cue.kind]
        if cue.filler == "number":
            values: list[Value] = _nearest_number(sentence, found)
        elif cue.filler == "how":
            values = [
                n for n, p in state.rules.how.items() if sentence.find_any(p.get(lang, ()), lang)
            ]
        else:
            values = _filler(state, sentence, cue.filler, None)  # type: ignore[arg-type]
            values = [v for v in values if _outside_quotes(sentence, _offset(v, sentence))]
        event.add(cue.attribute, values[:1] if cue.filler == "number" else values, sentence.passage)


def _nearest_number(sentence: _Sentence, found: tuple[int, int]) -> list[Value]:
    numbers = [
        (abs(i - found[0]), int(t.text))
        for i, t in enumerate(sentence.tokens)
        if t.text.isdigit() and not _is_date(sentence, t)
    ]
    return [min(numbers)[1]] if numbers else []


def _is_date(sentence: _Sentence, token: Token) -> bool:
    return any(d.start <= token.start < d.end for d in sentence.dates) or (
        len(token.text) == 4 and token.text[:2] in ("19", "20")
    )


def _outside_quotes(sentence: _Sentence, offset: int) -> bool:
    text, base = sentence.passage.text, sentence.passage.start
    return not any(m.start() + base <= offset < m.end() + base for m in _QUOTED.finditer(text))


def _counts(state: _Doc, sentence: _Sentence) -> None:
    starts = {m.first: m for m in sentence.mentions}
    # The words just before a mention, in order: not every word of the sentence.
    for first, mention in sorted(starts.items()):
        index = first - 1
        if not 0 <= index < len(sentence.tokens):
            continue
        token = sentence.tokens[index]
        if (
            token.text.isdigit()
            and mention
            and token.start >= sentence.reported
            and not _is_date(sentence, token)
        ):
            event = Event("count", SCHEMA + "QuantitativeValue", 0.6)
            event.add("value", [int(token.text)], sentence.passage)
            event.add("what", [mention.entity], sentence.passage)
            state.add(event)


# Quotations ------------------------------------------------------------------------------------


def _quotations(state: _Doc, sentences: list[_Sentence]) -> None:
    lang, last_speaker = state.doc.lang, None
    verbs = state.rules.speech.get(lang, ())
    recent: Value | None = None
    for sentence in sentences:
        text, base = sentence.passage.text, sentence.passage.start
        spans = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        if text[:1] in _DASHES and sentence.passage.kind != "item":
            closing = [m.start() for m in re.finditer(rf",?\s[{_DASHES}]\s", text)]
            if closing:
                spans.append((0, closing[-1]))
        speaking = bool(spans) and any(  # only a quoted sentence needs a verb of saying
            word_matches(t.text, v, lang, exact=not v.endswith("*"))
            for t in sentence.tokens
            if not any(a <= t.start - base < b for a, b in spans)  # a word outside the quotes
            for v in verbs
        )
        speakers = _speakers(state, sentence, spans)
        if spans and speaking and len(text) > 20:
            speaker = speakers[0] if speakers else last_speaker or recent
            if speaker is not None:
                event = Event("quote", SCHEMA + "Quotation", 0.6)
                event.text = text[spans[0][0] : spans[0][1]].strip('«»“”"–—- ,')
                event.add("speaker", [speaker], sentence.passage)
                state.add(event)
                last_speaker = speaker
        if speakers:
            recent = speakers[-1]


def _speakers(state: _Doc, sentence: _Sentence, spans: list[tuple[int, int]]) -> list[Value]:
    base = sentence.passage.start
    found: list[tuple[int, Value]] = []
    for mention in sentence.mentions:
        if any(a <= mention.start - base < b for a, b in spans):
            continue
        known = _person(state, mention)
        if known:
            found.append((mention.start, known))
    for start, new in sentence.people:
        if not any(a <= start - base < b for a, b in spans):
            found.append((start, new))
    return _unique([v for _, v in sorted(found, key=lambda x: x[0])])
