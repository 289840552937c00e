"""Free-text search terms that meet inflected words: the `search` parameter type.

A search word is cut to a base every form of it starts with, so that the query can match it
inside labels, quotations and evidence sentences with one case-insensitive regular expression
(SPARQL REGEX, "i"): a Kazakh word loses its case, possessive and plural endings (Алматыда ->
алматы, орталықтың -> орталы[қғ], since қ/к/п are voiced before a vowel), a Russian or
English word becomes its Snowball stem (Центральной -> центральн, countries -> countri). A
Cyrillic word may be either language, so both bases are tried. The words must appear in the
given order, anything between them. Cheap, and enough for names; not a full-text index.
"""

from __future__ import annotations

import os
import re

from sdgkg.errors import QueryError
from sdgkg.morphology import KK_ENDINGS, normalise, stem, words

_MIN_BASE = 4  # a Kazakh base keeps at least this many letters (Астана must not become аст)
_VOICED = {"ғ": "[ғқ]", "г": "[гк]", "б": "[бп]", "қ": "[қғ]", "к": "[кг]", "п": "[пб]"}
_CYRILLIC = re.compile(r"[а-яёәіңғүұқөһ]", re.IGNORECASE)


def search_pattern(text: str) -> str:
    """The regular expression (XPath/SPARQL flavour) for the words of `text`."""
    bases = [_alternatives(normalise(word)) for word in words(text)]
    if not bases:
        raise QueryError(f"'{text}' has no word to search for", hint="give a word or two")
    return ".*".join(bases)


def _alternatives(word: str) -> str:
    if not _CYRILLIC.search(word):
        return _escaped(_stem(word, "en"))
    found = {_kk_base(word), _stem(word, "ru")}
    # A base that starts with another base adds nothing: the shorter one matches it too.
    kept = {base for base in found if not any(o != base and base.startswith(o) for o in found)}
    forms = sorted(_voicing(base) for base in kept)
    return forms[0] if len(forms) == 1 else "(" + "|".join(forms) + ")"


def _stem(word: str, lang: str) -> str:
    # What the stem shares with the word (English stems may change a letter: almaty -> almati);
    # Snowball cuts short words to almost nothing (азии -> аз): keep three letters at least.
    cut = os.path.commonprefix([stem(word, lang), word])
    return cut if len(cut) >= 3 else word[: max(3, len(word) - 2)]


def _kk_base(word: str) -> str:
    """The word without its longest Kazakh ending (one only: more would cut into the stem, as
    Алматыда -> Алматы -> Алма), never shorter than _MIN_BASE letters."""
    if "-" in word:  # БҰҰ-ның: after an abbreviation the endings follow a hyphen
        return word.split("-")[0]
    for ending in KK_ENDINGS:  # longest first
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_BASE:
            return word[: -len(ending)]
    return word


def _voicing(base: str) -> str:
    last = base[-1]
    return _escaped(base[:-1]) + _VOICED[last] if last in _VOICED else _escaped(base)


def _escaped(text: str) -> str:
    return re.sub(r"([\\.^$|?*+()\[\]{}-])", r"\\\1", text)
