"""kg/extraction-events.toml: the event patterns and name lexicons, read and checked once.

Phrases are matched on a passage's words: "..." lets other words stand between parts, a word
ending in "*" matches every word that starts with it, and other words match their inflected
forms (or, in an `exact` pattern, only the word as written, in any case).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from sdgkg.errors import InputError
from sdgkg.extract.patterns import read_toml
from sdgkg.morphology import (
    Token,
    first_letters,
    lowered_words,
    may_contain,
    normalise,
    same_word,
    words,
)
from sdgkg.namespaces import expand

EVENTS_FILE = Path("kg") / "extraction-events.toml"
Found = tuple[int, int] | None  # (first token, last token) of a phrase found


@dataclass(frozen=True)
class EventRule:
    kind: str
    klass: str
    triggers: dict[str, tuple[str, ...]]
    attributes: dict[str, tuple[str, ...]]  # attribute -> filler words (type and modifiers)
    needs: tuple[str, ...]
    when: tuple[str, ...]
    continues: dict[str, tuple[str, ...]]
    exact: bool
    confidence: float
    status: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Cue:
    kind: str
    attribute: str
    filler: str
    triggers: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class EventRules:
    names: dict[str, dict[str, tuple[str, ...]]]
    speech: dict[str, tuple[str, ...]]
    events: tuple[EventRule, ...]
    cues: tuple[Cue, ...]
    how: dict[str, dict[str, tuple[str, ...]]]
    session: dict[str, re.Pattern[str]]

    def words_of(self, group: str, lang: str) -> tuple[str, ...]:
        return self.names.get(group, {}).get(lang, ())


def load_event_rules(root: Path) -> EventRules:
    """Read the event patterns of the data root (once per version of the file); a broken file
    is an InputError naming it (and the line, if it does not parse)."""
    path = root / EVENTS_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as exc:
        raise InputError(f"{EVENTS_FILE.as_posix()}: cannot read ({exc.strerror})") from None
    return _load(str(path), stamp)


@cache
def _load(path: str, _stamp: int) -> EventRules:
    shown = EVENTS_FILE.as_posix()
    data = read_toml(Path(path), shown)
    try:
        return _rules(data)
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise InputError(f"{shown}: bad event pattern ({exc})") from None


def _rules(data: dict[str, Any]) -> EventRules:
    names = {group: _by_lang(spec) for group, spec in data["names"].items()}
    speech = _by_lang({k: v for k, v in data["speech"].items()})
    events = []
    for item in data["event"]:
        klass = expand(item["class"])
        if klass is None:
            raise ValueError(f"unknown prefix in {item['class']!r}")
        events.append(
            EventRule(
                kind=item["kind"],
                klass=klass,
                triggers=_by_lang(item["trigger"]),
                attributes={k: tuple(v.split()) for k, v in item["attributes"].items()},
                needs=tuple(item.get("needs", ())),
                when=tuple(item.get("when", ())),
                continues=_by_lang(item.get("continues", {})),
                exact=bool(item.get("exact", False)),
                confidence=float(item.get("confidence", 0.5)),
                status={k: _by_lang(v) for k, v in item.get("status", {}).items()},
            )
        )
    cues = tuple(
        Cue(c["kind"], c["attribute"], c["filler"], _by_lang(c["trigger"])) for c in data["cue"]
    )
    how = {name: _by_lang(spec) for name, spec in data["how"].items()}
    session = {lang: re.compile(p, re.IGNORECASE) for lang, p in data["session"].items()}
    return EventRules(names, speech, tuple(events), cues, how, session)


def _by_lang(spec: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(v) for lang, v in spec.items() if isinstance(v, list)}


@lru_cache(maxsize=1 << 16)
def word_matches(token: str, pattern: str, lang: str, exact: bool = False) -> bool:
    """Whether a word of the text is what a pattern word asks for."""
    word = normalise(token)
    if pattern.endswith("*"):
        return word.startswith(normalise(pattern[:-1]))
    if exact:
        return word == normalise(pattern)
    return same_word(token, pattern, lang)


def find(
    tokens: list[Token],
    phrase: str,
    lang: str,
    exact: bool = False,
    start: int = 0,
    text: str | None = None,
) -> tuple[int, int] | None:
    """(first token, last token) of the phrase in `tokens`, or None. `text`: the tokens' words
    joined, if the caller has them."""
    parts = _parts(phrase)
    text = " ".join(t.text for t in tokens) if text is None else text
    if not may_contain(text, [p[0] for p in parts if p], lang):
        return None
    return _find_parts(tokens, parts, lang, exact, start)


def _find_parts(
    tokens: list[Token], parts: tuple[list[str], ...], lang: str, exact: bool, start: int
) -> Found:
    first, position = None, start
    for part in parts:
        at = _find_part(tokens, part, lang, exact, position)
        if at is None:
            return None
        first = at if first is None else first
        position = at + len(part)
    return (first, position - 1) if first is not None else None


@lru_cache(maxsize=4096)
def _parts(phrase: str) -> tuple[list[str], ...]:
    return tuple(_with_stars(list(words(text)), text) for text in phrase.split("..."))


def _with_stars(part: list[str], text: str) -> list[str]:
    """words() drops a trailing '*': put it back on the words that had one."""
    starred = [w for w in text.split() if w.endswith("*")]
    return [w + "*" if w + "*" in starred else w for w in part]


def _find_part(
    tokens: list[Token], part: list[str], lang: str, exact: bool, start: int
) -> int | None:
    if not part:
        return None
    first = part[0]
    for i in range(start, len(tokens) - len(part) + 1):
        if not _may_match(tokens[i].text, first, lang):
            continue  # a cheap look at the first word before the full comparison
        if all(word_matches(tokens[i + k].text, w, lang, exact) for k, w in enumerate(part)):
            return i
    return None


@lru_cache(maxsize=1 << 16)
def _may_match(token: str, pattern: str, lang: str) -> bool:
    """False only when the word cannot match: its first letter differs from the pattern's."""
    return normalise(token)[:1] == normalise(pattern)[:1]


def find_any(
    tokens: list[Token],
    phrases: tuple[str, ...],
    lang: str,
    exact: bool = False,
    text: str | None = None,
) -> Found:
    """The first phrase of `phrases` found, as (first token, last token). `text`: the tokens'
    words joined, if the caller has them."""
    if not phrases:
        return None
    # find()'s substring test, with the text lowered once for all the phrases
    lowered = lowered_words(" ".join(t.text for t in tokens) if text is None else text)
    for phrase, letters in _phrases_letters(phrases, lang):
        for prefix in letters:  # a loop, not all(...): this runs for every rule and sentence
            if prefix not in lowered:
                break
        else:
            found = _find_parts(tokens, _parts(phrase), lang, exact, 0)
            if found:
                return found
    return None


@lru_cache(maxsize=1 << 12)  # one entry per list of phrases of the patterns
def _phrases_letters(
    phrases: tuple[str, ...], lang: str
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found = []
    for phrase in phrases:
        found.append((phrase, first_letters(tuple(p[0] for p in _parts(phrase) if p), lang)))
    return tuple(found)
