"""Applying the relation patterns to a segmented document: passages in, candidate facts out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from operator import attrgetter

from sdgkg.extract.documents import Document, Passage
from sdgkg.extract.lexicon import Lexicon, Mention
from sdgkg.extract.patterns import Patterns, Role, Rule
from sdgkg.morphology import (
    Token,
    content_words,
    find_parts,
    first_letters,
    lowered_words,
    same_word,
    tokenize,
    words,
)
from sdgkg.namespaces import RDF_TYPE, XSD
from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import Engine

SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
POSITION = "https://schema.org/position"
_LABEL_COVERAGE = 0.75  # share of a label's content words an item must contain
_ITEM_COVERAGE = 0.5  # share of an item's content words the label must account for


@dataclass(frozen=True)
class Candidate:
    """A triple the document states, the passages that state it, and how sure the rule is."""

    subject: Term
    predicate: Term
    object: Term
    passages: tuple[Passage, ...]
    confidence: float
    rules: tuple[str, ...]

    def triple(self) -> tuple[Term, Term, Term]:
        return (self.subject, self.predicate, self.object)


@dataclass
class Context:
    """What the rules see: the document, its passages and mentions, the lexicon, the graph."""

    doc: Document
    passages: list[Passage]
    lexicon: Lexicon
    graph: Engine
    patterns: Patterns
    mentions: dict[str, list[Mention]] = field(default_factory=dict)
    topic: str | None = None
    new_entities: Counter[str] = field(default_factory=Counter)
    found: list[Candidate] = field(default_factory=list)
    linked: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # see _via

    def add(
        self, rule: Rule | str, s: Term, p: str, o: Term, where: list[Passage], confidence: float
    ) -> None:
        name = rule if isinstance(rule, str) else rule.name
        unique = tuple(sorted(set(where), key=lambda x: x.start))
        self.found.append(Candidate(s, Term.iri(p), o, unique, confidence, (name,)))

    def new_entity(self, kind: str) -> str:
        self.new_entities[kind] += 1
        return f"new:{kind}-{self.new_entities[kind]}"  # made an IRI by the writer


def apply_patterns(
    ctx: Context, finders: Sequence[Callable[[Context], None]] = ()
) -> list[Candidate]:
    """Every candidate the patterns find in the document, and those `finders` add to
    `ctx.found` (the quotations' finder builds on this module, so it is passed in), merged
    per triple."""
    if not ctx.mentions:
        ctx.mentions = {p.id: ctx.lexicon.mentions(p) for p in ctx.passages}
    ctx.topic = _topic(ctx)
    numbering: Counter[str] = Counter()
    _lists(ctx, numbering)
    _enumerations(ctx, numbering)
    relations, appositions = ctx.patterns.section("relation"), ctx.patterns.section("apposition")
    for passage in ctx.passages:
        for rule in relations:
            _relation(ctx, rule, passage)
        for rule in appositions:
            _apposition(ctx, rule, passage)
    for finder in finders:
        finder(ctx)
    return merge(ctx.found)


def merge(found: list[Candidate]) -> list[Candidate]:
    """One candidate per triple: the union of passages and rules, the highest confidence."""
    # Grouped first and merged once per triple: a fact a long article states a thousand times
    # would otherwise have its growing list of passages copied and sorted a thousand times.
    by_triple: dict[tuple[Term, Term, Term], list[Candidate]] = {}
    for cand in found:
        by_triple.setdefault(cand.triple(), []).append(cand)
    merged = []
    for triple in sorted(by_triple, key=_fields):
        same = by_triple[triple]
        if len(same) == 1:
            merged.append(same[0])
            continue
        passages = tuple(sorted({p for c in same for p in c.passages}, key=lambda x: x.start))
        rules = tuple(sorted({r for c in same for r in c.rules}))
        merged.append(Candidate(*triple, passages, max(c.confidence for c in same), rules))
    return merged


# A term's fields in order, as its dataclass compares them.
_TERM_FIELDS = attrgetter(*(f.name for f in fields(Term)))


def _fields(triple: tuple[Term, Term, Term]) -> tuple[tuple[str | None, ...], ...]:
    """The order of triples as plain tuples of their terms' fields: sorting thousands of
    triples by these costs no Python-level comparison of terms, and gives the same order."""
    return tuple(_TERM_FIELDS(t) for t in triple)


# The topic ------------------------------------------------------------------------------------


def _topic(ctx: Context) -> str | None:
    klass = ctx.patterns.topic_class
    counts = Counter(m.entity for ms in ctx.mentions.values() for m in ms if klass in m.classes)
    if counts:
        return sorted(counts, key=lambda e: (-counts[e], e))[0]
    known = ctx.lexicon.entities_of(klass)
    return known[0] if len(known) == 1 else None


# Lists ----------------------------------------------------------------------------------------


def _groups(passages: list[Passage]) -> Iterator[tuple[list[Passage], list[Passage]]]:
    """(heading line's passages, items) for every heading followed by list items."""
    for index, passage in enumerate(passages):
        if passage.kind != "heading":
            continue
        items = []
        for following in passages[index + 1 :]:
            if following.kind != "item":
                break
            items.append(following)
        if items:
            yield [p for p in passages if p.line == passage.line], items


def _lists(ctx: Context, numbering: Counter[str]) -> None:
    rules = ctx.patterns.section("list")
    for heading, items in _groups(ctx.passages):
        matches = {item.id: _best_item_match(ctx, rules, item) for item in items}
        by_heading = [r for r in rules if _heading_passages(ctx, r, heading)]
        rule = _list_rule(ctx, matches, by_heading)
        for item in items if rule else []:
            match = matches[item.id]
            entity = match[1] if match and match[0] is rule else None
            if entity is not None or rule in by_heading:  # a new item needs the heading's word
                _list_item(ctx, rule, heading, item, entity, numbering)  # type: ignore[arg-type]


def _list_rule(
    ctx: Context, matches: dict[str, tuple[Rule, str] | None], by_heading: list[Rule]
) -> Rule | None:
    """The list's kind: the one most of its items match, else the one its heading names."""
    voted = Counter(rule.name for rule, _ in filter(None, matches.values()))
    if voted:
        return ctx.patterns.rule(voted.most_common(1)[0][0])
    return by_heading[0] if by_heading else None


def _best_item_match(ctx: Context, rules: list[Rule], item: Passage) -> tuple[Rule, str] | None:
    item_words = content_words(item.text, ctx.doc.lang)
    best: tuple[float, str, Rule] | None = None
    for rule in rules:
        for entity in ctx.lexicon.entities_of(rule.item_class or ""):
            for label in ctx.lexicon.labels_of(entity):
                score = _item_score(content_words(label, ctx.doc.lang), item_words, ctx.doc.lang)
                if score and (best is None or score > best[0]):
                    best = (score, entity, rule)
    return (best[2], best[1]) if best else None


def _item_score(label_words: list[str], item_words: list[str], lang: str) -> float:
    if not label_words or not item_words:
        return 0.0
    covered = [w for w in label_words if any(same_word(i, w, lang) for i in item_words)]
    used = [i for i in item_words if any(same_word(i, w, lang) for w in label_words)]
    label_share, item_share = len(covered) / len(label_words), len(used) / len(item_words)
    if label_share < _LABEL_COVERAGE or item_share < _ITEM_COVERAGE:
        return 0.0
    return label_share + item_share


def _list_item(
    ctx: Context,
    rule: Rule,
    heading: list[Passage],
    item: Passage,
    entity: str | None,
    numbering: Counter[str],
) -> None:
    if entity is None:
        entity = ctx.new_entity(rule.name)
        ctx.add(rule, Term.iri(entity), RDF_TYPE, Term.iri(rule.item_class or ""), [item], 0.5)
        label = Term.literal(item.text.rstrip(";,."), language=ctx.doc.lang)
        ctx.add(rule, Term.iri(entity), SKOS_PREF, label, [item], 0.5)
    cited = _heading_passages(ctx, rule, heading) or [p for p in heading if p.kind == "heading"]
    _fill(ctx, rule, cited + [item], heading, entity)
    numbering[rule.name] += 1
    position = Term.literal(str(numbering[rule.name]), XSD + "integer")
    ctx.add(rule, Term.iri(entity), POSITION, position, [item], rule.confidence)
    for predicate, obj in rule.item_facts:
        ctx.add(rule, Term.iri(entity), predicate, Term.iri(obj), cited, rule.confidence)
    for klass, predicate in rule.item_mentions:
        for mention in ctx.lexicon.restricted(klass).mentions(item):
            ctx.add(
                rule, Term.iri(entity), predicate, Term.iri(mention.entity), [item], rule.confidence
            )


def _heading_passages(ctx: Context, rule: Rule, heading: list[Passage]) -> list[Passage]:
    """The passages of a heading line that hold one of the rule's heading words."""
    wanted, lang = rule.triggers.get(ctx.doc.lang, ()), ctx.doc.lang
    return [p for p in heading if any(same_word(w, t, lang) for w in words(p.text) for t in wanted)]


def _fill(
    ctx: Context, rule: Rule, cited: list[Passage], context: list[Passage], item: str
) -> None:
    """Add the rule's triple for one list item, the other role taken from the heading line."""
    for subject, s_where in _fillers(ctx, rule.subject, context, item):
        for obj, o_where in _fillers(ctx, rule.object, context, item):
            ctx.add(rule, subject, rule.predicate, obj, cited + s_where + o_where, rule.confidence)


def _fillers(
    ctx: Context, role: Role, context: list[Passage], item: str
) -> list[tuple[Term, list[Passage]]]:
    if role.kind == "item":
        return [(Term.iri(item), [])]
    if role.kind == "topic":
        return [(Term.iri(ctx.topic), [])] if ctx.topic else []
    found = [
        (Term.iri(m.entity), [p])
        for p in context
        for m in ctx.mentions[p.id]
        if set(role.classes) & m.classes
    ]
    return found or _via(ctx, role)


# Enumerations ---------------------------------------------------------------------------------


def _enumerations(ctx: Context, numbering: Counter[str]) -> None:
    listed = {c.object.value for c in ctx.found} | {c.subject.value for c in ctx.found}
    for rule in ctx.patterns.section("enumeration"):
        target = ctx.patterns.rule(rule.list_name or "")
        for passage in ctx.passages:
            if passage.kind == "item" or _trigger(ctx, rule, passage) is None:
                continue
            for entity in _enumerated(ctx, rule, target, passage):
                if entity in listed:
                    continue
                listed.add(entity)
                numbering[target.name] += 1
                # The list's triple, under this pattern's name and confidence.
                as_list = replace(target, name=rule.name, confidence=rule.confidence)
                _fill(ctx, as_list, [passage], [passage], entity)
                position = Term.literal(str(numbering[target.name]), XSD + "integer")
                ctx.add(rule, Term.iri(entity), POSITION, position, [passage], rule.confidence)


def _enumerated(ctx: Context, rule: Rule, target: Rule, passage: Passage) -> list[str]:
    lang = ctx.doc.lang
    ignore = frozenset(rule.ignore.get(lang, ()))
    tokens = tokenize(passage.text, passage.start)  # the mentions' (cached): indices are used
    found = []
    for entity in ctx.lexicon.entities_of(target.item_class or ""):
        for label in ctx.lexicon.labels_of(entity):
            wanted = content_words(label, lang, ignore)
            places = [_first_form(tokens, w, lang) for w in wanted]
            if len(wanted) >= 2 and all(p is not None for p in places):
                found.append((min(places), entity))  # type: ignore[type-var]
                break
    return [entity for _, entity in sorted(found)]


def _first_form(tokens: list[Token], word: str, lang: str) -> int | None:
    return next((i for i, t in enumerate(tokens) if same_word(t.text, word, lang)), None)


# Relations ------------------------------------------------------------------------------------


def _trigger(ctx: Context, rule: Rule, passage: Passage) -> tuple[int, int, int] | None:
    """(first token, first token of the last part, last token) of the rule's trigger, if any."""
    lang = ctx.doc.lang
    lowered = lowered_words(passage.text)  # may_contain's test, the text lowered once
    for phrase in rule.triggers.get(lang, ()):
        parts, letters = _phrase_parts(phrase, lang)
        for prefix in letters:  # a loop, not all(...): this runs for every rule and sentence
            if prefix not in lowered:
                break
        else:
            # The tokens the mentions were found in (cached); only their indices are used.
            found = find_parts(tokenize(passage.text, passage.start), parts, lang)
            if found:
                return found
    return None


@lru_cache(maxsize=1 << 12)  # few phrases, each tried on every passage
def _phrase_parts(phrase: str, lang: str) -> tuple[list[list[str]], tuple[str, ...]]:
    """The phrase's parts (split at "..."), and the first letters its parts' first words
    start with in any form (see morphology.may_contain)."""
    parts = [list(words(part)) for part in phrase.split("...")]
    return parts, first_letters(tuple(part[0] for part in parts if part), lang)


def _relation(ctx: Context, rule: Rule, passage: Passage) -> None:
    trigger = _trigger(ctx, rule, passage)
    if trigger is None:
        return
    subjects = _role_terms(ctx, rule.subject, passage, trigger)
    objects = _role_terms(ctx, rule.object, passage, trigger)
    for subject in subjects:
        for obj in objects:
            if subject != obj:
                ctx.add(rule, subject, rule.predicate, obj, [passage], rule.confidence)


def _role_terms(
    ctx: Context, role: Role, passage: Passage, trigger: tuple[int, int, int]
) -> list[Term]:
    if role.kind == "topic":
        return [Term.iri(ctx.topic)] if ctx.topic else []
    if role.kind == "value":
        return [Term.literal("true" if role.value else "false", XSD + "boolean")]
    _, last_part, last = trigger
    found = [m for m in ctx.mentions[passage.id] if set(role.classes) & m.classes]
    side = role.side_for(ctx.doc.lang)
    if side == "before":
        found = [m for m in found if m.last < last_part][-1:]
    elif side == "after":
        found = [m for m in found if m.first > last][:1]
    terms = [Term.iri(m.entity) for m in found]
    return terms or [term for term, _ in _via(ctx, role)]


def _via(ctx: Context, role: Role) -> list[tuple[Term, list[Passage]]]:
    """The entity the graph links to the topic by the role's `via` path, if one."""
    if not role.via or not ctx.topic:
        return []
    asked = (role.via, ctx.topic)
    if asked not in ctx.linked:  # the graph is asked once per path, not once per sentence
        inverse = role.via.startswith("^")
        path = f"^<{role.via[1:]}>" if inverse else f"<{role.via}>"
        rows = ctx.graph.query(
            f"SELECT ?x ?topic WHERE {{ ?topic {path} ?x }}", {"topic": Term.iri(ctx.topic)}
        ).rows
        ctx.linked[asked] = sorted({row[0].value for row in rows if row[0]})
    values = ctx.linked[asked]
    return [
        (Term.iri(v), []) for v in values if set(role.classes) & ctx.lexicon.classes.get(v, set())
    ]


def _apposition(ctx: Context, rule: Rule, passage: Passage) -> None:
    found = ctx.mentions[passage.id]
    for first, second in zip(found, found[1:], strict=False):
        if second.first != first.last + 1:
            continue
        pair = {"first": first, "second": second}
        s, o = pair[rule.subject.kind], pair[rule.object.kind]
        if set(rule.subject.classes) & s.classes and set(rule.object.classes) & o.classes:
            subject, obj = Term.iri(s.entity), Term.iri(o.entity)
            ctx.add(rule, subject, rule.predicate, obj, [passage], rule.confidence)
