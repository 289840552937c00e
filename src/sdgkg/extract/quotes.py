"""Quotations: what someone said, its speaker, and the passages that report it.

Three shapes of quotation are recognised: a paragraph opened by a dash and closed by
", – said X" (the verbs are `dash_verbs` in the patterns file); words in quotation marks followed
by a verb of saying (`inline_verbs`); and a quotation the graph already knows (its schema:text)
in a sentence with such a verb. The speaker is the person or organisation named after the verb
(dash) or in the sentence outside the quote; a post stands for the one person the graph says
holds it. A quotation whose text the graph has is that quotation; any other is a new one.
"""

from __future__ import annotations

import re

from sdgkg.extract.documents import Passage
from sdgkg.extract.lexicon import Mention
from sdgkg.extract.rules import Context
from sdgkg.morphology import find_phrase, may_contain, same_word, tokenize, words
from sdgkg.namespaces import RDF_TYPE, SCHEMA
from sdgkg.rdfio.terms import Term

ORG_POST = "http://www.w3.org/ns/org#Post"

_DASH = "–—-"


def find_quotations(ctx: Context) -> None:
    """Add the text and speaker of every quotation in the document."""
    by_line: dict[int, list[Passage]] = {}
    for passage in ctx.passages:
        by_line.setdefault(passage.line, []).append(passage)
    known = _known_quotes(ctx)  # once per document, not once per line
    for line in by_line.values():
        for text, speaker, where in _dash_quote(ctx, line) or _inline_quotes(ctx, line, known):
            _quotation(ctx, text, speaker, where)


def _dash_quote(ctx: Context, line: list[Passage]) -> list[tuple[str, str, list[Passage]]]:
    first = line[0]
    if first.kind == "item" or first.text[:1] not in _DASH:
        return []
    text = ctx.doc.text[first.start : line[-1].end]
    verbs = ctx.patterns.quotes.dash_verbs.get(ctx.doc.lang, ())
    for match in reversed(list(re.finditer(rf",?\s+[{_DASH}]\s+", text))):
        after = text[match.end() :]
        if not any(_starts_with_phrase(after, verb, ctx.doc.lang) for verb in verbs):
            continue
        quote = text[1 : match.start()].strip()
        speaker = _speaker(ctx, line, first.start + match.end(), None)
        return [(quote, speaker, line)] if speaker and quote else []
    return []


def _starts_with_phrase(text: str, phrase: str, lang: str) -> bool:
    got, wanted = list(words(text))[: len(phrase.split())], phrase.split()
    return len(got) == len(wanted) and all(
        same_word(g, w, lang) for g, w in zip(got, wanted, strict=True)
    )


_QUOTED = re.compile(r"«([^«»]+)»|“([^“”]+)”|\"([^\"]+)\"")


def _inline_quotes(
    ctx: Context, line: list[Passage], known: list[str]
) -> list[tuple[str, str, list[Passage]]]:
    verbs = ctx.patterns.quotes.inline_verbs.get(ctx.doc.lang, ())
    found = []
    for passage in line:
        # The quotes first: most sentences have none, and need no look for a verb of saying.
        spans = [(m.start() + 1, m.end() - 1) for m in _QUOTED.finditer(passage.text)]
        spans += [(i, i + len(q)) for q in known if (i := passage.text.find(q)) >= 0]
        if not spans or not any(_has_phrase(passage.text, v, ctx.doc.lang) for v in verbs):
            continue
        for a, b in spans:
            after = passage.text[b:].lstrip('»”" ,')
            if not (
                any(_starts_with_phrase(after, v, ctx.doc.lang) for v in verbs)
                or passage.text[b:].lstrip('»”"').startswith(",")
            ):
                continue
            span = (passage.start + a, passage.start + b)
            speaker = _speaker(ctx, [passage], passage.start, span)
            if speaker:
                found.append((passage.text[a:b].rstrip(" ,"), speaker, [passage]))
    return found


def _has_phrase(text: str, phrase: str, lang: str) -> bool:
    wanted = phrase.split()
    if not may_contain(text, wanted, lang):
        return False  # most sentences hold no verb of saying: no word-by-word comparison
    return find_phrase(tokenize(text), wanted, lang, 0) is not None


def _known_quotes(ctx: Context) -> list[str]:
    rows = ctx.graph.query("SELECT ?text WHERE { ?q a schema:Quotation ; schema:text ?text }").rows
    return sorted({row[0].value for row in rows if row[0]}, key=len, reverse=True)


def _speaker(
    ctx: Context, line: list[Passage], after: int, inside: tuple[int, int] | None
) -> str | None:
    classes = set(ctx.patterns.quotes.speaker_classes)
    found = [
        m
        for p in line
        for m in ctx.mentions[p.id]
        if classes & m.classes
        and m.start >= after
        and not (inside and inside[0] <= m.start < inside[1])
    ]
    for mention in found:
        person = _holder(ctx, mention) if ORG_POST in mention.classes else mention.entity
        if person:
            return person
    return None


def _holder(ctx: Context, mention: Mention) -> str | None:
    rows = ctx.graph.query(
        "SELECT ?person ?post WHERE { ?person org:holds ?post }", {"post": Term.iri(mention.entity)}
    ).rows
    people = sorted({row[0].value for row in rows if row[0]})
    return people[0] if len(people) == 1 else None


def _quotation(ctx: Context, text: str, speaker: str, where: list[Passage]) -> None:
    rules = ctx.patterns.quotes
    rows = ctx.graph.query(
        "SELECT ?q ?text WHERE { ?q a schema:Quotation ; schema:text ?text }",
        {"text": Term.literal(text, language=ctx.doc.lang)},
    ).rows
    known = sorted(row[0].value for row in rows if row[0])
    quote = known[0] if known else ctx.new_entity("quote")
    if not known:
        ctx.add("quotes", Term.iri(quote), RDF_TYPE, Term.iri(SCHEMA + "Quotation"), where, 0.5)
    ctx.add(
        "quotes", Term.iri(quote), SCHEMA + "creator", Term.iri(speaker), where, rules.confidence
    )
    ctx.add(
        "quotes",
        Term.iri(quote),
        SCHEMA + "text",
        Term.literal(text, language=ctx.doc.lang),
        where,
        rules.confidence,
    )
