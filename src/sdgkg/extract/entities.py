"""New entities: people, organisations, posts and places the graph does not know yet.

Rules on capitalisation and on the head words of kg/extraction-events.toml, in each language's
order:
- an organisation: a head word (Ministry, Министерство, МИД ... first; министрлігі last in
  Kazakh) with the words of its name: capitalised words joined by of/the/and in English; the
  following words up to a name the graph knows in Russian (Министерстве иностранных дел
  Казахстана); the preceding capitalised words and the lower-case words after them in Kazakh
  (Қазақстан Сыртқы істер министрлігінің);
- a place: a building or a hall with its name (International Organizations building, здание
  международных организаций, Халықаралық ұйымдар ғимараты), or a dateline's city in capitals;
- a person: two capitalised words the graph does not know, the second a surname (by its ending,
  in any case form) or the pair next to a post, or followed by a verb of appointment or saying;
- a post: a head word (Director, посол, елшісі) with its words, next to a person: before the
  name in Russian and Kazakh (a Kazakh genitive chain: орталық директорының орынбасары), after
  it in apposition or after "appointed" in English; its organisation is the name after "of" or
  in the genitive, or the centre when the text says "the centre".
Labels are as written. A person's later mentions by surname alone (Nurlanov said) are found too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from sdgkg.extract.documents import Passage
from sdgkg.extract.eventrules import EventRules, find, word_matches
from sdgkg.extract.lexicon import Mention
from sdgkg.morphology import (
    STOPWORDS,
    Token,
    _is_ending_chain,
    normalise,
    same_value,
    same_word,
    tokenize,
    words,
)
from sdgkg.namespaces import compact

ORGANISATIONS = {
    "http://www.w3.org/ns/org#FormalOrganization",
    "http://www.w3.org/ns/org#OrganizationalUnit",
}
PLACES = {"https://schema.org/Place", "https://schema.org/Country", "https://schema.org/City"}
_JOIN_EN = {"of", "the", "and", "for"}
_APPOINTED_EN = {"was", "has", "been", "is", "appointed", "named", "as"}
_KK_BREAKS = {"мен", "бен", "пен", "және", "да", "де", "та", "те"}  # conjunctions end a name
_AFTER_NAME = {
    "en": (
        "was appointed",
        "has been appointed",
        "is appointed",
        "said",
        "says",
        "added",
        "stressed",
        "recalled",
        "noted",
    ),
    "ru": ("назначен*",),
    "kk": ("тағайында*",),
}


@dataclass
class NewEntity:
    """A name the graph does not know, as written, with its type guess."""

    kind: str  # person | organisation | post | place
    label: str
    start: int
    end: int
    passage: Passage
    post: NewEntity | None = None
    organisation: NewEntity | str | None = None  # a new organisation, or a graph IRI
    surname: str = ""
    mentions: list[tuple[int, int]] = field(default_factory=list)

    def as_gold(self) -> dict[str, str]:
        found = {"type": self.kind, "label": self.label}
        if self.post is not None:
            found["post"] = self.post.label
        org = self.organisation
        if org is not None:
            found["organisation"] = org.label if isinstance(org, NewEntity) else compact(org)
        return found


@dataclass
class _Sentence:
    passage: Passage
    tokens: list[Token]
    known: dict[int, Mention]  # token index -> the graph's mention covering it
    taken: set[int] = field(default_factory=set)  # tokens already in a new name


def find_entities(
    passages: list[Passage],
    mentions: dict[str, list[Mention]],
    lang: str,
    rules: EventRules,
    topic: str | None,
) -> list[NewEntity]:
    """Every new entity of the document, the first time it is named (later mentions recorded)."""
    found = _Found()
    for number, passage in enumerate(passages):
        sentence = _sentence(passage, mentions.get(passage.id, []))
        orgs = _organisations(sentence, lang, rules)
        places = _places(sentence, lang, rules, number == 1 or passage.kind == "title")
        people = _people(sentence, lang, rules, found)
        for person in people:
            _attach_post(sentence, person, lang, rules, orgs, topic)
        posts = [p.post for p in people if p.post is not None]
        for entity in orgs + places + people + posts:
            _keep(found, entity, lang)
    return found.entities


@dataclass
class _Found:
    """The new entities so far, in order, and indexed by the first letters a later name must
    share with one to be the same (every form of a word starts with the word's first letter):
    a long article names hundreds, each of which would otherwise be compared with them all."""

    entities: list[NewEntity] = field(default_factory=list)
    by_label: dict[tuple[str, tuple[str, ...]], list[NewEntity]] = field(default_factory=dict)
    by_surname: dict[str, list[NewEntity]] = field(default_factory=dict)

    def add(self, entity: NewEntity, lang: str) -> None:
        self.entities.append(entity)
        self.by_label.setdefault(_label_key(entity), []).append(entity)
        if entity.kind == "person" and entity.surname:
            self.by_surname.setdefault(_surname_key(entity.surname, lang), []).append(entity)


def _label_key(entity: NewEntity) -> tuple[str, tuple[str, ...]]:
    return entity.kind, tuple(_initial(w) for w in words(entity.label))


def _initial(word: str) -> str:
    return normalise(word)[:1]


def _surname_key(word: str, lang: str) -> str:
    """What a word shares with a surname it may stand for (see _same_surname): in English the
    surname itself, elsewhere its first letter (an inflected form starts with it)."""
    return normalise(word).removesuffix("'s") if lang == "en" else _initial(word)


def _sentence(passage: Passage, mentions: list[Mention]) -> _Sentence:
    tokens = tokenize(passage.text, passage.start)
    known = {i: m for m in mentions for i in range(m.first, m.last + 1)}
    return _Sentence(passage, tokens, known)


def _keep(found: _Found, entity: NewEntity, lang: str) -> None:
    for old in found.by_label.get(_label_key(entity), ()):
        if same_value(old.label, entity.label, lang):
            old.mentions.append((entity.start, entity.end))
            old.post = old.post or entity.post
            old.organisation = old.organisation or entity.organisation
            return
    entity.mentions.append((entity.start, entity.end))
    found.add(entity, lang)


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


def _is(token: Token, group: tuple[str, ...], lang: str) -> bool:
    return _in_group(token.text, group, lang)


@lru_cache(maxsize=1 << 16)
def _in_group(word: str, group: tuple[str, ...], lang: str) -> bool:
    return any(word_matches(word, w, lang, exact=not w.endswith("*")) for w in group)


@lru_cache(maxsize=256)
def _member_test(group: tuple[str, ...], lang: str) -> Callable[[str], bool]:
    """`_in_group` for one group, remembered per word: a loop over every word of a sentence
    looks each up in a dict instead of hashing the group's words again for the cache."""
    memo: dict[str, bool] = {}

    def test(word: str) -> bool:
        found = memo.get(word)
        if found is None:
            found = memo[word] = _in_group(word, group, lang)
        return found

    return test


def _span(sentence: _Sentence, first: int, last: int) -> tuple[str, int, int]:
    start, end = sentence.tokens[first].start, sentence.tokens[last].end
    offset = sentence.passage.start
    return sentence.passage.text[start - offset : end - offset], start, end


def _gap(sentence: _Sentence, left: int, right: int) -> str:
    """The characters between two tokens (punctuation breaks a name)."""
    offset = sentence.passage.start
    return sentence.passage.text[
        sentence.tokens[left].end - offset : sentence.tokens[right].start - offset
    ]


def _joined(sentence: _Sentence, left: int, right: int) -> bool:
    return _gap(sentence, left, right).strip() == ""


def _new(sentence: _Sentence, kind: str, first: int, last: int) -> NewEntity:
    label, start, end = _span(sentence, first, last)
    sentence.taken |= set(range(first, last + 1))
    return NewEntity(kind, label, start, end, sentence.passage)


def _inside_known(sentence: _Sentence, first: int, last: int) -> bool:
    return all(i in sentence.known for i in range(first, last + 1))


# Organisations ---------------------------------------------------------------------------------


def _organisations(sentence: _Sentence, lang: str, rules: EventRules) -> list[NewEntity]:
    is_head = _member_test(rules.words_of("organisation", lang), lang)
    found = []
    for index, token in enumerate(sentence.tokens):
        if index in sentence.taken or index in sentence.known or not is_head(token.text):
            continue
        span = _org_span(sentence, index, lang, rules)
        if span and not _inside_known(sentence, *span) and span[1] > span[0]:
            found.append(_new(sentence, "organisation", *span))
    return found


def _org_span(
    sentence: _Sentence, head: int, lang: str, rules: EventRules
) -> tuple[int, int] | None:
    tokens = sentence.tokens
    if lang == "kk":
        return _leftward(sentence, head, rules.words_of("topic", lang)), head
    if lang == "en":
        if not _capitalised(tokens[head]):
            return None
        last, i = head, head + 1
        while i < len(tokens) and _joined(sentence, i - 1, i):
            if _capitalised(tokens[i]):
                last = i
            elif tokens[i].text.lower() not in _JOIN_EN:
                break
            i += 1
        return head, last
    if not (_capitalised(tokens[head]) or tokens[head].text.isupper()):
        return None
    last = head
    for i in range(head + 1, min(head + 6, len(tokens))):
        if not _joined(sentence, i - 1, i) or tokens[i].text.lower() in STOPWORDS["ru"]:
            break
        if i in sentence.known:
            mention = sentence.known[i]
            return head, mention.last
        if _capitalised(tokens[i]):
            break
        last = i
    return head, last


def _leftward(sentence: _Sentence, head: int, topic: tuple[str, ...]) -> int:
    """Kazakh: the name runs left over capitalised words (and known names), and over a
    lower-case word only when a capitalised one stands before it (Сыртқы істер)."""
    tokens, first = sentence.tokens, head
    i = head - 1
    while i >= 0 and _joined(sentence, i, i + 1) and i not in sentence.taken:
        if normalise(tokens[i].text) in _KK_BREAKS or _is(tokens[i], topic, "kk"):
            break  # "X мен Y министрлігі": two names; "Орталық ... ғимаратында": the centre
        if _capitalised(tokens[i]) or i in sentence.known:
            first = i
        elif not (i > 0 and _capitalised(tokens[i - 1]) and _joined(sentence, i - 1, i)):
            break
        i -= 1
    return first


# Places ----------------------------------------------------------------------------------------


def _places(sentence: _Sentence, lang: str, rules: EventRules, first_line: bool) -> list[NewEntity]:
    is_head = _member_test(rules.words_of("place", lang), lang)
    found = []
    for index, token in enumerate(sentence.tokens):
        if index in sentence.taken or index in sentence.known or not is_head(token.text):
            continue
        if _capitalised(token) and lang != "kk":
            continue  # "Centre" of a name, not a building
        span = _place_span(sentence, index, lang, rules)
        if span:
            found.append(_new(sentence, "place", *span))
    if first_line:
        found += _dateline_place(sentence)
    return found


def _place_span(
    sentence: _Sentence, head: int, lang: str, rules: EventRules
) -> tuple[int, int] | None:
    tokens = sentence.tokens
    if lang == "ru":
        last = head
        for i in range(head + 1, min(head + 5, len(tokens))):
            text = tokens[i].text
            if (
                not _joined(sentence, i - 1, i)
                or text.lower() in STOPWORDS["ru"]
                or _capitalised(tokens[i])
            ):
                break
            last = i
        return (head, last) if last > head else None
    first = head
    i = head - 1
    topic = rules.words_of("topic", lang)
    while i >= 0 and _joined(sentence, i, i + 1) and i not in sentence.known:
        if normalise(tokens[i].text) in _KK_BREAKS or _is(tokens[i], topic, lang):
            break
        if _capitalised(tokens[i]) and tokens[i].text not in ("The", "This", "Бұл"):
            first = i
        elif not (lang == "kk" and i > 0 and _capitalised(tokens[i - 1])):
            break
        i -= 1
    return (first, head) if first < head else None


def _dateline_place(sentence: _Sentence) -> list[NewEntity]:
    """'NEW YORK, 10 February 2026 –': a city in capitals the graph does not know."""
    tokens, last = sentence.tokens, -1
    for i, token in enumerate(tokens):
        if not (token.text.isupper() and token.text.isalpha() and len(token.text) > 1):
            break
        if i in sentence.known or (i and not _joined(sentence, i - 1, i)):
            return []
        last = i
    if last < 0 or last + 1 >= len(tokens) or _gap(sentence, last, last + 1).strip()[:1] != ",":
        return []
    label, start, end = _span(sentence, 0, last)
    sentence.taken |= set(range(last + 1))
    return [NewEntity("place", label.title(), start, end, sentence.passage)]


# People and posts ------------------------------------------------------------------------------


def _people(sentence: _Sentence, lang: str, rules: EventRules, earlier: _Found) -> list[NewEntity]:
    tokens, found = sentence.tokens, []
    stop = set(rules.words_of("stop", lang))
    # What _name_pair asks of each word itself, once per word: most words are not capitalised,
    # and the pairs they are in are passed over without the full test.
    name_like = [_name_word(t.text, stop) for t in tokens]
    for i in range(len(tokens) - 1):
        if not (name_like[i] and name_like[i + 1]):
            continue
        pair = tokens[i], tokens[i + 1]
        if not _name_pair(sentence, i, stop) or _run_goes_on(sentence, i + 1, stop):
            continue  # "Deputy Foreign Minister Arman Issetov": the name is the run's last pair
        if _surname(pair[1].text, lang, rules) or _named_in_context(sentence, i, lang, rules):
            person = _new(sentence, "person", i, i + 1)
            person.surname = pair[1].text
            found.append(person)
    for i, token in enumerate(tokens):  # a surname alone: a person named before
        if not _capitalised(token) or i in sentence.taken or i in sentence.known:
            continue
        named = earlier.by_surname.get(_surname_key(token.text, lang), [])  # named before
        for person in named + found:
            if person.kind == "person" and _same_surname(token.text, person.surname, lang):
                person.mentions.append((token.start, token.end))
                sentence.taken.add(i)
                break
    return found


def _run_goes_on(sentence: _Sentence, last: int, stop: set[str]) -> bool:
    """Whether a capitalised word the graph does not know follows `last` in the same name."""
    after = last + 1
    return (
        after < len(sentence.tokens)
        and _joined(sentence, last, after)
        and after not in sentence.known
        and after not in sentence.taken
        and _capitalised(sentence.tokens[after])
        and sentence.tokens[after].text not in stop
    )


def _name_pair(sentence: _Sentence, i: int, stop: set[str]) -> bool:
    tokens = sentence.tokens
    return all(
        j not in sentence.taken and j not in sentence.known and _name_word(tokens[j].text, stop)
        for j in (i, i + 1)
    ) and _joined(sentence, i, i + 1)


def _name_word(text: str, stop: set[str]) -> bool:
    """A word that may be part of a person's name: capitalised, not an acronym, no stop word
    and no digit."""
    return (
        text[:1].isupper()
        and not text.isupper()
        and text not in stop
        and (text.isalpha() or not any(ch.isdigit() for ch in text))  # letters: no digit
    )


def _surname(word: str, lang: str, rules: EventRules) -> bool:
    word = normalise(word)
    endings = rules.names["surname"].get("endings", ())
    cases = ("",) + rules.names["surname"].get("ru_cases", ()) if lang == "ru" else ("",)
    for cut in range(len(word), 3, -1):
        stem, rest = word[:cut], word[cut:]
        if not stem.endswith(endings):  # any of them: str.endswith takes the tuple
            continue
        if rest in cases or rest in ("'s",) or (lang == "kk" and _is_ending_chain(rest)):
            return True
    return False


def _named_in_context(sentence: _Sentence, i: int, lang: str, rules: EventRules) -> bool:
    """A capitalised pair after a post's words or before a post, or followed by a verb of
    appointment or saying."""
    tokens, posts = sentence.tokens, rules.words_of("post", lang)
    after = tokens[i + 2] if i + 2 < len(tokens) else None
    if after and _is(after, posts, lang):
        return True
    # A post's words run up to the name: "Директор департамента ... МИД Казахстана Айгуль X".
    for j in range(i - 1, max(-1, i - 8), -1):
        if not _joined(sentence, j, j + 1):
            break
        if _is(tokens[j], posts, lang) and j not in sentence.known:
            return True
    rest = tokens[i + 2 : i + 6]
    return any(
        (found := find(rest, phrase, lang)) is not None and found[0] == 0
        for phrase in _AFTER_NAME.get(lang, ())
    )


def _same_surname(word: str, surname: str, lang: str) -> bool:
    if not surname:
        return False
    if lang == "en":
        return normalise(word).removesuffix("'s") == normalise(surname)
    return same_word(word, surname, lang) or same_word(surname, word, lang)


def _attach_post(
    sentence: _Sentence,
    person: NewEntity,
    lang: str,
    rules: EventRules,
    orgs: list[NewEntity],
    topic: str | None,
) -> None:
    span = _post_span(sentence, person, lang, rules)
    if span is None:
        return
    first, last, org_at = span
    person.post = _new(sentence, "post", first, last)
    organisation = _organisation_at(sentence, org_at, lang, rules, orgs, topic)
    person.post.organisation = organisation
    person.organisation = organisation


def _index_of(sentence: _Sentence, offset: int) -> int:
    return next(i for i, t in enumerate(sentence.tokens) if t.start == offset)


def _post_span(
    sentence: _Sentence, person: NewEntity, lang: str, rules: EventRules
) -> tuple[int, int, int | None] | None:
    """(first, last token of the post, token where its organisation is named, if any)."""
    tokens, posts = sentence.tokens, rules.words_of("post", lang)
    first_name = _index_of(sentence, person.start)
    last_name = first_name + 1
    if lang == "en":
        return _post_after_en(sentence, last_name, posts) or _post_before_en(
            sentence, first_name, posts
        )
    # Russian and Kazakh: the post stands before the name (Kazakh: "... болып" between).
    end = first_name - 1
    if lang == "kk" and end >= 0 and normalise(tokens[end].text) == "болып":
        end -= 1
    heads = [
        i
        for i in range(max(0, end - 6), end + 1)
        if _is(tokens[i], posts, lang) and i not in sentence.known and i not in sentence.taken
    ]
    if not heads or not all(_joined(sentence, i, i + 1) for i in range(heads[0], end)):
        if lang == "ru":  # "назначил Тимура Абдрахманова заместителем директора ..."
            after = last_name + 1
            if (
                after < len(tokens)
                and _is(tokens[after], posts, lang)
                and _joined(sentence, last_name, after)
            ):
                return _post_rightward_ru(sentence, after, len(tokens) - 1, rules)
        return None
    first = heads[0]
    if lang == "kk":
        start = first
        while (
            start - 1 >= 0
            and start - 1 not in sentence.taken
            and start - 1 not in sentence.known
            and not (_capitalised(tokens[start - 1]) and start - 1 > 0)  # Сыртқы істер министрі
            and _joined(sentence, start - 1, start)
            and not _is(tokens[start - 1], rules.words_of("topic", lang), lang)
            and first - start < 4
        ):
            start -= 1
        org_at = start - 1 if start > 0 and _joined(sentence, start - 1, start) else None
        return start, end, org_at
    return _post_rightward_ru(sentence, first, first_name - 1, rules)


def _post_rightward_ru(
    sentence: _Sentence, first: int, limit: int, rules: EventRules
) -> tuple[int, int, int | None]:
    """Russian: the head and the words after it, up to an organisation, a name or `limit`."""
    tokens, last = sentence.tokens, first
    for i in range(first + 1, limit + 1):
        if i in sentence.known or i in sentence.taken or _capitalised(tokens[i]):
            break
        if _is(tokens[i], rules.words_of("topic", "ru"), "ru") or not _joined(sentence, i - 1, i):
            break
        last = i
    org_at = last + 1 if last + 1 <= limit else None
    if org_at is not None and org_at in sentence.known:
        mention = sentence.known[org_at]
        if not ORGANISATIONS & mention.classes and mention.last <= limit:
            return first, mention.last, None  # вице-министр иностранных дел Казахстана
    return first, last, org_at


def _post_before_en(
    sentence: _Sentence, first_name: int, posts: tuple[str, ...]
) -> tuple[int, int, int | None] | None:
    """'Deputy Foreign Minister Arman Issetov': capitalised words with a post's head word."""
    tokens, first = sentence.tokens, first_name
    while (
        first - 1 >= 0
        and _capitalised(tokens[first - 1])
        and first - 1 not in sentence.known
        and first - 1 not in sentence.taken
        and _joined(sentence, first - 1, first)
    ):
        first -= 1
    if first == first_name or not any(
        _is(tokens[j], posts, "en") for j in range(first, first_name)
    ):
        return None
    while (
        first < first_name
        and not _is(tokens[first], posts, "en")
        and tokens[first].text
        in (
            "The",
            "A",
        )
    ):
        first += 1
    return first, first_name - 1, None


def _post_after_en(
    sentence: _Sentence, last_name: int, posts: tuple[str, ...]
) -> tuple[int, int, int | None] | None:
    """'Askar Nurlanov, Ambassador-at-Large of ...' (apposition) or 'X was appointed Director
    of ...': capitalised words with a post's head word after the name."""
    tokens, i = sentence.tokens, last_name + 1
    apposition = i < len(tokens) and _gap(sentence, last_name, i).strip() == ","
    if not apposition:
        while i < len(tokens) and tokens[i].text.lower() in _APPOINTED_EN:
            i += 1
        if i == last_name + 1:
            return None
    first = i
    while (
        i < len(tokens)
        and _capitalised(tokens[i])
        and i not in sentence.known
        and i not in sentence.taken
        and (i == first or _joined(sentence, i - 1, i))
    ):
        i += 1
    if i == first or not any(_is(tokens[j], posts, "en") for j in range(first, i)):
        return None
    last = i - 1
    org_at = None
    if i < len(tokens) and tokens[i].text.lower() == "of":
        org_at = i + 1
        if org_at < len(tokens) and tokens[org_at].text.lower() == "the":
            org_at += 1
    return first, last, org_at if org_at is not None and org_at < len(tokens) else None


def _organisation_at(
    sentence: _Sentence,
    at: int | None,
    lang: str,
    rules: EventRules,
    orgs: list[NewEntity],
    topic: str | None,
) -> NewEntity | str | None:
    if at is None or at < 0 or at >= len(sentence.tokens):
        return None
    token = sentence.tokens[at]
    for org in orgs:
        if org.start <= token.start < org.end:
            return org
    if at in sentence.known:
        mention = sentence.known[at]
        if ORGANISATIONS & mention.classes:
            return mention.entity
        return None
    if topic and _is(token, rules.words_of("topic", lang), lang):
        return topic
    return None
