"""Progress on the graph's tasks: "the centre's director was appointed on 15 January 2026".

A `[[progress]]` pattern of kg/extraction-patterns.toml names a task the graph knows, the status
a sentence with one of its trigger phrases reports, and the confidence. A date written in the
same sentence (15 January 2026, January 15, 2026, 2026-01-15, 15 января 2026 года, 2026 жылғы
15 қаңтарда) becomes the task's schema:endTime. The sentence must name the patterns' topic (the
centre), so an appointment elsewhere is not read as the centre's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sdgkg.extract import dates
from sdgkg.extract.documents import Passage
from sdgkg.morphology import find_parts, tokenize, words
from sdgkg.rdfio.terms import Term

SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class ProgressRule:
    name: str
    task: str
    status: str
    confidence: float
    triggers: dict[str, tuple[str, ...]]


def progress_rule(item: dict[str, Any], iri: Any) -> ProgressRule:
    """One `[[progress]]` table, its names expanded by `iri` (the patterns' own checker)."""
    return ProgressRule(
        name=item["name"],
        task=iri(item["task"]),
        status=iri(item.get("status", "schema:CompletedActionStatus")),
        confidence=float(item.get("confidence", 0.5)),
        triggers={lang: tuple(p) for lang, p in item["trigger"].items()},
    )


def find_dates(text: str, lang: str) -> list[str]:
    """The calendar dates written in `text`, as YYYY-MM-DD, in the order they appear: the
    full dates of sdgkg.extract.dates (a month or a year alone is not a task's end date)."""
    return [d.value for d in dates.find_dates(text, lang, None) if d.datatype == XSD + "date"]


def apply_progress(ctx: Any, rules: tuple[ProgressRule, ...]) -> None:
    """Add the status and end date each progress rule finds, passage by passage."""
    if not ctx.topic:
        return
    lang = ctx.doc.lang
    for passage in ctx.passages:
        if not any(m.entity == ctx.topic for m in ctx.mentions.get(passage.id, [])):
            continue  # the sentence must name the centre: a director elsewhere is not its own
        tokens = tokenize(passage.text, passage.start)  # the mentions' (cached): no offsets used
        for rule in rules:
            phrases = rule.triggers.get(lang, ())
            parts = ([list(words(part)) for part in p.split("...")] for p in phrases)
            if any(find_parts(tokens, ps, lang) for ps in parts):
                _report(ctx, rule, passage)


def _report(ctx: Any, rule: ProgressRule, passage: Passage) -> None:
    task = Term.iri(rule.task)
    ctx.add(
        rule.name, task, SCHEMA + "actionStatus", Term.iri(rule.status), [passage], rule.confidence
    )
    for date in find_dates(passage.text, ctx.doc.lang)[:1]:
        when = Term.literal(date, XSD + "date")
        ctx.add(rule.name, task, SCHEMA + "endTime", when, [passage], rule.confidence)
