"""Progress on the graph's tasks: "the centre's director was appointed on 15 January 2026".

A `[[progress]]` pattern of kg/extraction-patterns.toml names a task the graph knows, the status
a sentence with one of its trigger phrases reports, and the confidence. A date written in the
same sentence (15 January 2026, January 15, 2026, 2026-01-15, 15 января 2026 года, 2026 жылғы
15 қаңтарда) becomes the task's schema:endTime. The sentence must name the patterns' topic (the
centre), so an appointment elsewhere is not read as the centre's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date as calendar
from typing import Any

from sdgkg.extract.documents import Passage
from sdgkg.morphology import find_parts, tokenize, words
from sdgkg.rdfio.terms import Term

SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"

MONTHS = {
    "en": [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december",
    ],
    "ru": [
        "январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август",
        "сентябр", "октябр", "ноябр", "декабр",
    ],
    "kk": [
        "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз",
        "қыркүйек", "қазан", "қараша", "желтоқсан",
    ],
}  # fmt: skip
_RU_ENDINGS = r"(?:я|ь|а|е|т|та|те)"
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


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
    """The calendar dates written in `text`, as YYYY-MM-DD, in the order they appear."""
    found: list[tuple[int, str]] = []
    for match in _ISO.finditer(text):
        found.append((match.start(), match.group(0)))
    for pattern, order in _patterns(lang):
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = _month(parts["month"], lang)
            if month:
                found.append((match.start(), _iso(parts["year"], month, parts["day"])))
    return [date for _, date in sorted(found) if _valid(date)]


def _patterns(lang: str) -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    word = r"([^\W\d_]+)"
    if lang == "en":
        return [
            (re.compile(rf"\b(\d{{1,2}})\s+{word}\s+(\d{{4}})\b"), ("day", "month", "year")),
            (re.compile(rf"\b{word}\s+(\d{{1,2}}),?\s+(\d{{4}})\b"), ("month", "day", "year")),
        ]
    if lang == "ru":
        return [(re.compile(rf"\b(\d{{1,2}})\s+{word}\s+(\d{{4}})"), ("day", "month", "year"))]
    return [(re.compile(rf"\b(\d{{4}})\s+жылғы\s+(\d{{1,2}})\s+{word}"), ("year", "day", "month"))]


def _month(word: str, lang: str) -> int | None:
    lowered = word.lower()
    for number, stem in enumerate(MONTHS[lang], start=1):
        if lang == "en" and lowered == stem:
            return number
        if lang == "ru" and re.fullmatch(stem + _RU_ENDINGS + "?", lowered):
            return number
        if lang == "kk" and lowered.startswith(stem):
            return number
    return None


def _iso(year: str, month: int, day: str) -> str:
    return f"{int(year):04d}-{month:02d}-{int(day):02d}"


def _valid(date: str) -> bool:
    try:
        calendar.fromisoformat(date)
    except ValueError:
        return False
    return True


def apply_progress(ctx: Any, rules: tuple[ProgressRule, ...]) -> None:
    """Add the status and end date each progress rule finds, passage by passage."""
    if not ctx.topic:
        return
    lang = ctx.doc.lang
    for passage in ctx.passages:
        if not any(m.entity == ctx.topic for m in ctx.mentions.get(passage.id, [])):
            continue  # the sentence must name the centre: a director elsewhere is not its own
        tokens = tokenize(passage.text)
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
