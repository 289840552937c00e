"""Source documents: reading them safely, telling their language, cutting them into passages.

A passage is a sentence, a title or a list item, located by Unicode code point offsets into the
file's text (as Web Annotation's TextPositionSelector counts them): `text[start:end]` is exactly
the passage's quoted text. Passage ids follow the line and sentence (`l03-s2`), as the curated
evidence of the seed does.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sdgkg.errors import InputError
from sdgkg.morphology import STOPWORDS, all_words

MAX_BYTES = 2_000_000  # a news article is tens of kB; this bounds the run (see --max-size)
_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
# Letters of other Cyrillic alphabets (Ukrainian, Belarusian, Serbian, Macedonian).
_OTHER_CYRILLIC = set("їєґўђјљњћџѓќѕ")
_RUSSIAN_RUNS = re.compile("[а-яА-ЯёЁ]+")
_LATIN_RUNS = re.compile("[a-zA-Z\u0130\u212a]+")  # İ and the Kelvin sign lower-case to i, k
_OTHER_LETTER = re.compile("[" + "".join(sorted(_OTHER_CYRILLIC)) + "]", re.IGNORECASE)
_KAZAKH_RUNS = re.compile("[" + "".join(sorted(_KAZAKH_LETTERS)) + "]+")
# Control characters other than the line and page breaks and the tab: binary data in a text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
# The seed's first line starts with a `date YYYY-MM-DD` header before the title.
_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
# A sentence ends at . ! ? or … (and any closing quote or bracket), before a space and a capital,
# a dash or an opening quote.
_SENTENCE_END = re.compile(r"[.!?…][»\"”')]*(?=\s+[\w«\"“(–—-])")
_LIST_MARKER = re.compile(r"^\s*(?:[-–—•*]|\d{1,2}[.)])\s*")
_BARE_MARKERS = {"-", "–", "—", "•", "*"}
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "no", "vs", "etc", "г", "т", "им", "ст"}
# A wire's dateline abbreviates the month: "ALMATY, Aug. 3 (Kazinform)".
_ABBREVIATIONS |= {
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}


@dataclass(frozen=True)
class Passage:
    """A sentence, title or list item with code point offsets [start, end) into the document."""

    id: str
    start: int
    end: int
    text: str
    line: int
    kind: str  # "title", "sentence", "item" or "heading" (a sentence ending with ':')


@dataclass(frozen=True)
class Document:
    path: Path
    shown: str  # the path as messages and the output show it
    text: str
    lang: str
    sha256: str
    date: str | None  # from a `date YYYY-MM-DD` header, if the document has one

    @property
    def name(self) -> str:
        """The output name: the file name without its last extension (`article.kk`)."""
        return self.path.name.rsplit(".", 1)[0] if "." in self.path.name else self.path.name


def read_document(
    path: Path, shown: str, lang: str = "auto", max_bytes: int = MAX_BYTES
) -> Document:
    """Read a UTF-8 text file, refusing what is not a document; detect its language."""
    data = _read_bytes(path, shown, max_bytes)
    if b"\0" in data:  # before decoding: a binary file is rarely valid UTF-8 either
        line = data.count(b"\n", 0, data.index(b"\0")) + 1
        raise InputError(f"{shown}:{line}: binary data (NUL byte), not a text document")
    text = _decode(data, shown)
    if not text.strip():
        raise InputError(f"{shown}:1: empty document: there is no text to extract from")
    _refuse_binary(text, shown)
    chosen = detect_language(text, shown) if lang == "auto" else _known_language(lang)
    header = _DATE_HEADER.match(text)
    digest = hashlib.sha256(data).hexdigest()
    return Document(path, shown, text, chosen, digest, header.group(1) if header else None)


def _read_bytes(path: Path, shown: str, max_bytes: int) -> bytes:
    if not path.is_file():
        raise InputError(f"{shown}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{shown}: {size / 1e6:.1f} MB is more than the {max_bytes / 1e6:g} MB a document "
            "may have",
            hint="split it into articles, or raise the limit with --max-size",
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{shown}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            hint="convert it, e.g. iconv -f CP1251 -t UTF-8",
        ) from None


def _refuse_binary(text: str, shown: str) -> None:
    first = _CONTROL.search(text)  # a regular expression: a loop per character costs 0.1 s per MB
    if first and (first.group() == "\0" or len(_CONTROL.findall(text)) > len(text) // 100):
        line = text.count("\n", 0, first.start()) + 1
        raise InputError(f"{shown}:{line}: binary data (control character), not a text document")


def _known_language(lang: str) -> str:
    if lang not in STOPWORDS:
        raise InputError(f"unknown language {lang!r}", hint="use kk, ru, en or auto")
    return lang


def detect_language(text: str, shown: str = "text") -> str:
    """kk, ru or en, from the script, Kazakh-only letters and common words; else an error."""
    lowered: Counter[str] = Counter()  # each word looked up once per language
    for word, count in Counter(all_words(text)).items():  # each distinct word lowered once
        lowered[word.lower()] += count
    cyrillic = _letters(_RUSSIAN_RUNS, text)
    latin = _letters(_LATIN_RUNS, text)
    if cyrillic > latin:
        kazakh = _letters(_KAZAKH_RUNS, text)
        hits = {lang: _common_words(lowered, lang) for lang in ("kk", "ru")}
        if kazakh >= max(3, cyrillic // 100) and hits["kk"] >= hits["ru"]:
            return "kk"
        if not _OTHER_LETTER.search(text) and (hits["ru"] or not kazakh):
            return "ru"
    elif _common_words(lowered, "en") >= max(2, lowered.total() // 50):
        return "en"
    raise InputError(
        f"{shown}:1: cannot tell the language: sdgkg extracts from Kazakh, Russian and "
        "English text",
        hint="if it is one of them, pass --lang kk|ru|en",
    )


def _letters(runs: re.Pattern[str], text: str) -> int:
    """How many letters of a kind the text has, counted by a regular expression over runs of
    them: a loop per character costs seconds per MB, a match per letter a tenth of one."""
    return sum(map(len, runs.findall(text)))


def _common_words(lowered: Counter[str], lang: str) -> int:
    return sum(lowered[w] for w in STOPWORDS[lang])


def segment(doc: Document) -> list[Passage]:
    """The document's passages in order: the title, then sentences and list items by line."""
    passages: list[Passage] = []
    offset, after_marker = 0, False
    for number, line in enumerate(doc.text.split("\n"), start=1):
        found = _line_passages(line, offset, number, number == 1, after_marker)
        passages += found
        # The seed writes a list marker alone on its line, and the item on the next one.
        after_marker = not found and line.strip() in _BARE_MARKERS
        offset += len(line) + 1
    return passages


def _line_passages(
    line: str, offset: int, number: int, is_first: bool, after_marker: bool
) -> list[Passage]:
    body_start = len(line) - len(line.lstrip())
    header = _DATE_HEADER.match(line) if is_first else None
    if header:
        body_start = header.end()
    body = line[body_start:].rstrip()
    if not body or not any(ch.isalnum() for ch in body):
        return []  # blank, or a bare list marker on its own line
    if after_marker:
        start = offset + body_start
        return [Passage(f"l{number:02d}", start, start + len(body), body, number, "item")]
    marker = _LIST_MARKER.match(body)
    if marker and _looks_like_item(body, marker):
        start = offset + body_start + marker.end()
        return [
            Passage(
                f"l{number:02d}",
                start,
                start + len(body) - marker.end(),
                body[marker.end() :],
                number,
                "item",
            )
        ]
    if is_first:
        return [
            Passage(
                f"l{number:02d}",
                offset + body_start,
                offset + body_start + len(body),
                body,
                number,
                "title",
            )
        ]
    return _sentences(body, offset + body_start, number)


def _looks_like_item(body: str, marker: re.Match[str]) -> bool:
    # "– Quote ..." opens a quotation, not a list item: an item starts in lower case or a digit.
    rest = body[marker.end() :]
    return bool(rest) and (rest[0].islower() or body[0] in "•*" or body[0].isdigit())


def _sentences(body: str, offset: int, number: int) -> list[Passage]:
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(body):
        if _is_abbreviation(body, match.start()):
            continue
        spans.append((start, match.end()))
        start = match.end() + (len(body[match.end() :]) - len(body[match.end() :].lstrip()))
    spans.append((start, len(body)))
    many = len(spans) > 1
    return [
        Passage(
            f"l{number:02d}-s{index}" if many else f"l{number:02d}",
            offset + a,
            offset + b,
            body[a:b],
            number,
            "heading" if body[a:b].endswith(":") else "sentence",
        )
        for index, (a, b) in enumerate(spans, start=1)
    ]


def _is_abbreviation(body: str, dot: int) -> bool:
    """A dot that ends a dateline (ASTANA. KAZINFORM), an initial or a short abbreviation."""
    before = re.search(r"(\w+)$", body[:dot])
    after = re.match(r"\s+(\w+)", body[dot + 1 :])
    word = before.group(1) if before else ""
    if word.isupper() and after and after.group(1).isupper() and len(word) > 1:
        return True
    return (len(word) == 1 and word.isalpha() and word.isupper()) or word.lower() in _ABBREVIATIONS
