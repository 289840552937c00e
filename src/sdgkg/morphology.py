"""Words and their inflected forms: when a word of the text is a form of a word of a label.

Kazakh is agglutinative: a noun takes plural, possessive and case endings, in that order
(Алматы-да, Алматы-ның, Ұйым-ы-ның, агенттік-тер-і-нің), each ending in a back- or a front-vowel
variant chosen by the last vowel of the word (vowel harmony). A Kazakh word of the text is a
form of a label's word when it is that word (or the word without its own possessive or
verbal-noun ending, with a final қ/к/п voiced to ғ/г/б as before a vowel) followed only by
known endings, and the first ending's vowel agrees with the word's last vowel. After an
abbreviation the endings follow a hyphen (БҰҰ-ның, ҮЕҰ-мен). Verb endings let a list item
(әзірлейді, "develops") meet a label written as a verbal noun (әзірлеу, "developing").

Russian and English words are compared by their Snowball stems (PyPI `snowballstemmer`):
Центральной Азии and Центральная Азия both stem to центральн аз.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import NamedTuple

# A word: letters or digits, possibly joined by hyphens or apostrophes (Қасым-Жомарт, БҰҰ-ның,
# 2024-2034, Secretary-General).
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")

_BACK = set("аоұыя")
_FRONT = set("әөүіе")
_VOWELS = _BACK | _FRONT | set("иуэюё")

# Kazakh endings by what they mark; each lists the variants after the stem's final sound and
# vowel.
_KK_ENDINGS = {
    "plural": "лар лер дар дер тар тер",
    "possessive": "ымыз іміз ыңыз іңіз мыз міз ңыз ңіз ым ім ың ің сы сі ы і м ң",
    "genitive": "ның нің дың дің тың тің",
    "dative": "ға ге қа ке на не а е",
    "accusative": "ны ні ды ді ты ті н",
    "locative": "нда нде да де та те",
    "ablative": "нан нен дан ден тан тен",
    "instrumental": "менен бенен пенен мен бен пен",
    "attributive": "ғы гі қы кі",
    "verb": "йды йді ады еді ды ді ған ген қан кен ып іп п у",
    "passive": "ыл іл л",
}
KK_ENDINGS: tuple[str, ...] = tuple(
    sorted({s for group in _KK_ENDINGS.values() for s in group.split()}, key=len, reverse=True)
)
# A label word may carry its own possessive or verbal-noun ending, dropped before the text's.
# A plural label word (агенттіктері) also stands for its singular (агенттігі, after a numeral).
_KK_LABEL_ENDINGS = (
    "сы",
    "сі",
    "ы",
    "і",
    "у",
    "н",
    "тары",
    "тері",
    "лары",
    "лері",
    "дары",
    "дері",
    "тар",
    "тер",
    "лар",
    "лер",
    "дар",
    "дер",
)
_VOICED = {"қ": "ғ", "к": "г", "п": "б"}
_MIN_BASE = 2

# Words that carry no content: left out when a list item is compared with a label.
STOPWORDS = {
    "kk": set(
        [
            "және",
            "мен",
            "пен",
            "бен",
            "де",
            "да",
            "та",
            "те",
            "үшін",
            "бұл",
            "ол",
            "осы",
            "сол",
            "ал",
            "әрі",
            "немесе",
        ]
    ),
    "ru": set(
        [
            "и",
            "в",
            "во",
            "на",
            "с",
            "со",
            "по",
            "для",
            "о",
            "об",
            "к",
            "ко",
            "а",
            "но",
            "или",
            "из",
            "от",
            "до",
            "при",
            "не",
            "что",
            "это",
            "как",
            "у",
            "за",
        ]
    ),
    "en": set(
        [
            "the",
            "a",
            "an",
            "of",
            "and",
            "for",
            "to",
            "in",
            "on",
            "with",
            "by",
            "at",
            "or",
            "as",
            "is",
            "are",
            "be",
            "its",
            "it",
            "this",
            "that",
        ]
    ),
}


class Token(NamedTuple):
    """A word of a text with its code point offsets (a named tuple: a long article has a
    hundred thousand, made several times faster than a frozen dataclass's, and tuples of
    strings and numbers are left alone by the garbage collector)."""

    text: str
    start: int
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """The words of `text`, offsets shifted by `offset`."""
    return list(_tokenize(text, offset))


# Every pattern and every step reads the same passage's words again: room for a 2 MB article.
@lru_cache(maxsize=1 << 15)
def _tokenize(text: str, offset: int) -> tuple[Token, ...]:
    # tuple.__new__ with the fields: a named tuple's own __new__ is a Python function, and a
    # 1 MB article has a hundred thousand words.
    new = tuple.__new__
    found = []
    for match in _WORD.finditer(text):
        start, end = match.span()
        found.append(new(Token, (match.group(), start + offset, end + offset)))
    return tuple(found)


def words(text: str) -> Iterator[str]:
    """The words of a text, without offsets."""
    return (m.group() for m in _WORD.finditer(text))


def all_words(text: str) -> list[str]:
    """The words of a text, as a list (findall: faster than `words` on a long text)."""
    return _WORD.findall(text)


@lru_cache(maxsize=1 << 16)
def normalise(word: str) -> str:
    word = unicodedata.normalize("NFC", word).lower().replace("’", "'").replace("ё", "е")
    return word if word.isascii() else _fold_latin(word)


@cache
def _fold_latin(word: str) -> str:
    """António -> antonio: accents dropped from Latin letters only (Cyrillic й, ё, Kazakh
    letters are letters of their own)."""
    kept: list[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and kept and kept[-1].isascii():
            continue
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


# US and UK spellings (center/centre, -ize/-ise, program/programme) compare as one.
_EN_SPELLINGS = (
    (re.compile(r"center(s|ed)?$"), r"centre\1"),
    (re.compile(r"iz(e|es|ed|ing|ation|ations)$"), r"is\1"),
    (re.compile(r"^program(s)?$"), r"programme\1"),
)


@cache
def british(word: str) -> str:
    """The UK spelling of an English word (normalised), so both spellings share a stem."""
    for pattern, replacement in _EN_SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=1 << 16)  # every word of a text is looked up in the lexicon by it
def key(word: str, lang: str) -> str:
    """An index key shared by every form of a word (its stem, or for Kazakh its first letters)."""
    word = normalise(word)
    return word[:_MIN_BASE] if lang == "kk" else stem(word, lang)[:3]


@lru_cache(maxsize=1 << 18)  # a long article repeats its words: compare each pair once
def same_word(text_word: str, label_word: str, lang: str) -> bool:
    """Whether `text_word` is a form of `label_word` in language `lang`."""
    text_word, label_word = normalise(text_word), normalise(label_word)
    if text_word == label_word:
        return True
    if lang == "kk":
        return any(_kk_form_of(text_word, base) for base in _kk_bases(label_word))
    # Snowball may cut a bare noun shorter than its inflected form (таджикистан -> таджикиста,
    # таджикистаном -> таджикистан): the stem of one form may be the other word itself.
    text_stem, label_stem = stem(text_word, lang), stem(label_word, lang)
    if text_stem in (label_stem, label_word) or label_stem == text_word:
        return True
    # Snowball keeps a stem's last vowel in some cases only (ассамблеи -> ассамбле, ассамблея
    # -> ассамбл; Астана -> аста, Астане -> астан): stems of four letters or more that differ by
    # one final letter are one word.
    short, long = sorted((text_stem, label_stem), key=len)
    return (
        lang == "ru" and len(short) >= 4 and len(long) == len(short) + 1 and long.startswith(short)
    )


@cache
def stem(word: str, lang: str) -> str:
    """The Snowball stem of a Russian or English word (each part of a hyphenated word)."""
    word = british(normalise(word)) if lang == "en" else normalise(word)
    return "-".join(_snowball(lang).stemWord(part) for part in word.split("-"))


@cache
def _kk_bases(label_word: str) -> tuple[str, ...]:
    bases = [label_word]
    for ending in _KK_LABEL_ENDINGS:
        if label_word.endswith(ending) and len(label_word) - len(ending) >= 3:
            bases.append(label_word[: -len(ending)])
    voiced = [b[:-1] + _VOICED[b[-1]] for b in bases if b[-1:] in _VOICED]
    return tuple(bases + voiced)


def _kk_form_of(text_word: str, base: str) -> bool:
    if len(base) < _MIN_BASE or not text_word.startswith(base):
        return False
    rest = text_word[len(base) :]
    if rest.startswith("-"):  # after an abbreviation: harmony follows how it is read aloud
        return _is_ending_chain(rest[1:])
    return _is_ending_chain(rest) and _harmonises(base, rest)


@cache
def _is_ending_chain(rest: str) -> bool:
    """Whether `rest` is made only of Kazakh endings (ның, дағы, лардың, інің ...)."""
    if not rest:
        return True
    return any(rest.startswith(s) and _is_ending_chain(rest[len(s) :]) for s in KK_ENDINGS)


def _harmonises(base: str, rest: str) -> bool:
    """Vowel harmony: every vowel of the endings is of the series (back or front) of the word's
    last vowel. The instrumental мен/бен/пен has one form only."""
    last = next((ch for ch in reversed(base) if ch in _VOWELS), None)
    if last is None or last not in _BACK | _FRONT:
        return True  # no vowel, or a borrowed vowel (и, у, э) that takes either series
    rest = re.sub(r"[мбп]ен(ен)?$", "", rest)
    series = _BACK if last in _BACK else _FRONT
    return all(ch in series for ch in rest if ch in _BACK | _FRONT)


@cache
def _snowball(lang: str):  # type: ignore[no-untyped-def]
    import snowballstemmer  # only extraction of ru/en text pays for loading the stemmers

    return snowballstemmer.stemmer({"ru": "russian", "en": "english"}[lang])


def content_words(text: str, lang: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """The words of `text` that carry content: no stopwords and none of `ignore` (lower case)."""
    stops = STOPWORDS.get(lang, set())
    found = []
    for word in words(text):
        lowered = normalise(word)
        if lowered in stops or any(same_word(lowered, i, lang) for i in ignore):
            continue
        found.append(lowered)
    return found


def may_contain(text: str, words_wanted: list[str], lang: str) -> bool:
    """False only when `text` cannot hold a form of every word: each form starts with the
    word's first letters (two in Kazakh, where a final consonant may be voiced; three
    otherwise), so a cheap substring test rules most passages out before word-by-word
    comparison."""
    lowered = lowered_words(text)
    return all(prefix in lowered for prefix in first_letters(tuple(words_wanted), lang))


@lru_cache(maxsize=1 << 14)  # few phrases, each tested on every passage
def first_letters(words_wanted: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """What `may_contain` looks for: the first letters every form of each word starts with."""
    size = 2 if lang == "kk" else 3
    return tuple(normalise(w).rstrip("*")[:size] for w in words_wanted)


@lru_cache(maxsize=1 << 15)  # as _tokenize
def lowered_words(text: str) -> str:
    """The words of `text` normalised (lower case), one space apart: `may_contain` reads it."""
    return " ".join(normalise(w) for w in words(text))


def same_value(a: str, b: str, lang: str) -> bool:
    """Equal, or names whose words are forms of each other."""
    if a == b:
        return True
    if a.startswith("kg:") or b.startswith("kg:"):
        return False
    one, two = list(words(a)), list(words(b))
    return (
        bool(one)
        and len(one) == len(two)
        and all(
            same_word(x, y, lang) or same_word(y, x, lang) for x, y in zip(one, two, strict=True)
        )
    )


def find_phrase(tokens: list[Token], phrase: list[str], lang: str, start: int) -> int | None:
    """The index of the first token from `start` where `phrase` occurs (word forms), or None."""
    if not phrase:
        return start if start <= len(tokens) else None  # the empty phrase is everywhere
    first, rest = phrase[0], list(enumerate(phrase))[1:]
    for i in range(start, len(tokens) - len(phrase) + 1):
        if not same_word(tokens[i].text, first, lang):
            continue  # the first word alone rules out most places, without a generator each
        if all(same_word(tokens[i + k].text, w, lang) for k, w in rest):
            return i
    return None


def find_parts(
    tokens: list[Token], parts: list[list[str]], lang: str
) -> tuple[int, int, int] | None:
    """Where the phrases `parts` occur in this order: (first word of the first, first word of
    the last, last word of the last), or None."""
    start, first, last_part = 0, None, None
    for part in parts:
        at = find_phrase(tokens, part, lang, start)
        if at is None:
            return None
        first = at if first is None else first
        last_part, start = at, at + len(part)
    return (first or 0, last_part or 0, start - 1) if first is not None else None
