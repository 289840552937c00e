"""Dates in the text, normalised to xsd:date, xsd:gYearMonth or xsd:gYear.

Every usual form in the three languages: "3 August 2025", "August 3", "Aug. 3", "in September
2019", "in 2022", 2025-08-03; "4 марта 2025 года", "3 августа", "в сентябре 2019 года", "на
апрель 2026 года", "в 2022 году"; "2025 жылғы 4 наурызда", "3 тамызда", "2019 жылғы қыркүйекте",
"2022 жылы". A day without a year takes the article's year; "today", a weekday ("on Sunday")
and their Russian and Kazakh forms count back from the article's date. Month names are matched
by their stems, so every case ending (genitive марта, locative қыркүйекте, dative наурызға) is
covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

XSD = "http://www.w3.org/2001/XMLSchema#"

# Month stems: a month name is one of these followed by letters (its case ending).
_MONTHS = {
    "en": (
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        r"(?:january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug"
        r"|september|sept|sep|october|oct|november|nov|december|dec)\.?",
    ),
    "ru": (
        [
            "январ",
            "феврал",
            "март",
            "апрел",
            "ма",
            "июн",
            "июл",
            "август",
            "сентябр",
            "октябр",
            "ноябр",
            "декабр",
        ],
        r"(?:январ|феврал|март|апрел|ма[йяею]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*",
    ),
    "kk": (
        [
            "қаңтар",
            "ақпан",
            "наурыз",
            "сәуір",
            "мамыр",
            "маусым",
            "шілде",
            "тамыз",
            "қыркүйек",
            "қазан",
            "қараша",
            "желтоқсан",
        ],
        r"(?:қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша"
        r"|желтоқсан)\w*",
    ),
}
_WEEKDAYS = {
    "en": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "ru": ["понедельник", "вторник", "сред[ауы]\\b", "четверг", "пятниц", "суббот", "воскресень"],
    "kk": ["дүйсенбі", "сейсенбі", "сәрсенбі", "бейсенбі", "жұма", "сенбі", "жексенбі"],
}
_TODAY = {"en": r"today", "ru": r"сегодня", "kk": r"бүгін"}
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_DAY = r"(?P<d>[0-3]?\d)"
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class DateMention:
    """A date the text states: where, and its value with the XSD datatype that fits it."""

    start: int
    end: int
    value: str  # 2025-08-03, 2019-09 or 2022
    datatype: str  # XSD + date / gYearMonth / gYear


@cache
def _patterns(lang: str) -> list[re.Pattern[str]]:
    """The patterns of `lang`, most specific first, compiled once."""
    m = rf"(?P<m>{_MONTHS[lang][1]})"
    iso = rf"\b{_YEAR}-(?P<n>[01]\d)-(?P<d>[0-3]\d)\b"  # 2026-01-15, in any language
    if lang == "en":
        forms = [
            rf"\b{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{m}\s+{_YEAR}\b",
            rf"\b{m}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR}\b",
            rf"\b{m}\s+{_DAY}(?:st|nd|rd|th)?\b(?!\s*\d)",
            rf"\b{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{m}(?!\s*\d)",
            rf"\b(?:in|since|by|until|for|of)\s+(?:early\s+|late\s+|mid-)?{m}\s+{_YEAR}\b",
            rf"\b(?:in|since|by|until|of)\s+{_YEAR}\b(?![-–]\d)",
        ]
    elif lang == "ru":
        forms = [
            rf"\b{_DAY}\s+{m}\s+{_YEAR}(?:\s+(?:года|г\.))?",
            rf"\b{_DAY}\s+{m}(?!\s*\d)",
            rf"(?:\b[вВ]|\b[нН]а|\b[сС]|\b[кК]|\bдо)\s+{m}\s+{_YEAR}(?:\s+(?:года|г\.))?",
            rf"(?:\b[вВ]|\b[нН]а|\b[сС]|\bдо)\s+{_YEAR}\s+(?:году|год|года)\b",
        ]
    else:
        forms = [
            rf"{_YEAR}\s+жылғы\s+{_DAY}\s+{m}",
            rf"\b{_DAY}\s+{m}",
            rf"{_YEAR}\s+жылғы\s+{m}",
            rf"{_YEAR}\s+(?:жылы|жылдың|жылға|жылдан)",
        ]
    return [re.compile(f, re.IGNORECASE) for f in [iso, *forms]]


def find_dates(
    text: str, lang: str, article_date: str | None, offset: int = 0
) -> list[DateMention]:
    """The dates `text` states, left to right, the most specific reading of each span."""
    patterns = _patterns(lang)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    # Every pattern holds a day or a year: a sentence without a digit (most) skips them all.
    for pattern in patterns if _DIGIT.search(text) else ():  # most specific first
        for match in pattern.finditer(text):
            span = (match.start(), match.end())
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            value = _value(match, lang, article_date)
            if value is None:
                continue
            taken.append(span)
            found.append(DateMention(span[0] + offset, span[1] + offset, *value))
    found += _relative(text, lang, article_date, offset, taken)
    return sorted(found, key=lambda d: d.start)


def _value(match: re.Match[str], lang: str, article_date: str | None) -> tuple[str, str] | None:
    groups = match.groupdict()
    year = groups.get("y") or (article_date[:4] if article_date else None)
    if year is None:
        return None
    month = int(groups["n"]) if groups.get("n") else None
    month = _month(groups["m"], lang) if groups.get("m") else month
    if month is None:
        return (year, XSD + "gYear") if groups.get("y") else None
    day = groups.get("d")
    if day is None:
        return f"{year}-{month:02d}", XSD + "gYearMonth"
    try:
        return date(int(year), month, int(day)).isoformat(), XSD + "date"
    except ValueError:
        return None


def _month(name: str, lang: str) -> int | None:
    name = name.lower().rstrip(".")
    stems = _MONTHS[lang][0]
    if lang == "ru" and re.fullmatch(r"ма[йяею]", name):
        return 5
    for number, stem in enumerate(stems, start=1):
        if name.startswith(stem) and not (lang == "ru" and stem == "ма"):
            return number
    return None


def _relative(
    text: str, lang: str, article_date: str | None, offset: int, taken: list[tuple[int, int]]
) -> list[DateMention]:
    """'today' and weekdays, counted back from the article's date."""
    if not article_date:
        return []
    base = date.fromisoformat(article_date)
    today, weekdays, either = _relative_patterns(lang)
    if not either.search(text):
        return []  # most sentences: one search instead of one per weekday
    found = []
    for match in today.finditer(text):
        found.append(
            DateMention(
                match.start() + offset, match.end() + offset, base.isoformat(), XSD + "date"
            )
        )
    for number, weekday in enumerate(weekdays):
        for match in weekday.finditer(text):
            if any(a <= match.start() < b for a, b in taken):
                continue
            back = (base.weekday() - number) % 7
            day = base - timedelta(days=back)
            found.append(
                DateMention(
                    match.start() + offset, match.end() + offset, day.isoformat(), XSD + "date"
                )
            )
    return found


@cache
def _relative_patterns(
    lang: str,
) -> tuple[re.Pattern[str], list[re.Pattern[str]], re.Pattern[str]]:
    """ "today" and the weekdays (stems) of `lang`, compiled once, and a pattern that finds
    where any of them may start."""
    today = re.compile(rf"\b{_TODAY[lang]}\b", re.IGNORECASE)
    weekdays = [re.compile(rf"\b{stem}\w*", re.IGNORECASE) for stem in _WEEKDAYS[lang]]
    either = re.compile(rf"\b(?:{'|'.join([_TODAY[lang], *_WEEKDAYS[lang]])})", re.IGNORECASE)
    return today, weekdays, either


def datatype_of(value: str) -> str:
    """The XSD datatype of a normalised date value."""
    return XSD + {10: "date", 7: "gYearMonth"}.get(len(value), "gYear")
