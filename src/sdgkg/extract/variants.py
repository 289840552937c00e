"""Names in use derived from the graph's labels, so that they need not be spelled out.

- A name inside a longer name may be replaced by a shorter name of the same entity:
  "United Nations office in Kazakhstan" is also "UN office in Kazakhstan", and "Біріккен Ұлттар
  Ұйымының ... өңірлік орталығы" is also "БҰҰ ... өңірлік орталығы" (the text's БҰҰ-ның is a
  form of БҰҰ). The inner name is found by word forms, so its case ending does not matter.
- An organisation's run of capitalised words gives its acronym: "Генеральная Ассамблея ООН" is
  also "ГА ООН". An acronym matches only words written in capitals.
"""

from __future__ import annotations

from dataclasses import dataclass

from sdgkg.morphology import same_word

ORGANISATION_CLASSES = {
    "http://www.w3.org/ns/org#Organization",
    "http://www.w3.org/ns/org#FormalOrganization",
    "http://www.w3.org/ns/org#OrganizationalUnit",
}
_JOINING = {"of", "and", "for", "the", "по", "и", "для", "мен", "және"}
_MAX_PER_ENTRY = 12


@dataclass(frozen=True)
class Entry:
    entity: str
    label: str
    words: tuple[str, ...]
    derived: bool = False  # not one of the graph's labels: made from them (see `variants`)
    capitals: bool = False  # an acronym: the text must write it in capitals


def variants(entries: list[Entry], classes: dict[str, frozenset[str]], lang: str) -> list[Entry]:
    """Derived names: inner names replaced by short ones, and organisations' acronyms."""
    known = {(e.entity, e.words) for e in entries}
    short = _short_names(entries)
    found: list[Entry] = []
    for entry in entries:
        made = 0
        for variant in _substituted(entry, short, lang):
            if (entry.entity, variant) not in known and made < _MAX_PER_ENTRY:
                known.add((entry.entity, variant))
                found.append(Entry(entry.entity, " ".join(variant), variant, derived=True))
                made += 1
    for entry in entries:
        if ORGANISATION_CLASSES & classes.get(entry.entity, frozenset()):
            acronym = _acronym(entry.words)
            if acronym and (entry.entity, acronym) not in known:
                known.add((entry.entity, acronym))
                found.append(
                    Entry(entry.entity, " ".join(acronym), acronym, derived=True, capitals=True)
                )
    return found


def _short_names(entries: list[Entry]) -> dict[str, tuple[list[tuple[str, ...]], list[str]]]:
    """entity -> (its names of two words or more, its one-word names), for entities that have
    both (an organisation and its acronym, a set of goals and its abbreviation)."""
    by_entity: dict[str, tuple[list[tuple[str, ...]], list[str]]] = {}
    for entry in entries:
        longs, ones = by_entity.setdefault(entry.entity, ([], []))
        if len(entry.words) >= 2:
            longs.append(entry.words)
        elif entry.words[0].isupper():
            ones.append(entry.words[0])
    return {e: names for e, names in by_entity.items() if names[0] and names[1]}


def _substituted(
    entry: Entry, short: dict[str, tuple[list[tuple[str, ...]], list[str]]], lang: str
) -> list[tuple[str, ...]]:
    made = []
    for entity, (longs, ones) in short.items():
        if entity == entry.entity:
            continue
        for inner in longs:
            at = _find(entry.words, inner, lang)
            if at is None:
                continue
            for one in ones:
                made.append(entry.words[:at] + (one,) + entry.words[at + len(inner) :])
    return made


def _find(label: tuple[str, ...], inner: tuple[str, ...], lang: str) -> int | None:
    if len(inner) >= len(label):
        return None
    for at in range(len(label) - len(inner) + 1):
        if all(same_word(label[at + k], w, lang) for k, w in enumerate(inner)):
            return at
    return None


def _acronym(label: tuple[str, ...]) -> tuple[str, ...] | None:
    """'Генеральная Ассамблея ООН' -> ('ГА', 'ООН'); None unless two capitalised words make it."""
    parts: list[str] = []
    run = ""
    for word in label:
        if word.isupper() and len(word) > 1:  # an acronym already
            parts += [run] if run else []
            parts.append(word)
            run = ""
        elif "-" in word:
            return None
        elif word[:1].isupper():
            run += word[0]
        elif word.lower() in _JOINING and run:
            continue
        else:
            return None  # a lower-case content word: not a name made of capitals
    parts += [run] if run else []
    initials = [p for p in parts if p not in label]
    if not initials or any(len(p) < 2 for p in initials):
        return None
    return tuple(parts)
