"""Gold files: what a test article states, written by hand beside it (NAME.toml by NAME.txt).

The format is described in tests/fixtures/corpus/README.md. A gold file is reduced to three sets
of comparable items: mentions (entity IRI, text as written), new entities (type and label, and a
person's post and organisation) and facts (event kind, attribute, value). A file that does not
parse, or that uses an unknown kind, attribute or type, is an InputError naming its file and line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdgkg.errors import InputError

EVENT_ATTRIBUTES = {
    "agreement-signed": ("date", "place", "party", "signatory", "attendee"),
    "resolution-adopted": ("agent", "date", "place", "how", "cosponsors"),
    "proposal": ("agent", "date", "session"),
    "meeting": ("participant", "place", "date"),
    "appointment": ("person", "post", "organisation", "agent", "date"),
    "launch": ("what", "date", "place", "attendee"),
    "task-progress": ("task", "status", "agent", "date"),
    "quote": ("speaker",),
    "count": ("value", "what"),
}
ENTITY_TYPES = ("person", "organisation", "post", "place")
Fact = tuple[str, str, str]  # (kind, attribute, value)


@dataclass
class Gold:
    """The comparable content of one gold file."""

    path: Path
    style: str = ""
    invented: bool = False
    mentions: set[tuple[str, str]] = field(default_factory=set)
    entities: list[dict[str, str]] = field(default_factory=list)
    facts: set[Fact] = field(default_factory=set)


def load_gold(path: Path, shown: str | None = None) -> Gold:
    """Read and check a gold file; errors name the file and the line."""
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{shown}:1: gold file is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_of_error(str(exc))
        if "end of document" in str(exc):
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
        raise InputError(f"{shown}:{line}: gold file does not parse ({_reason(exc)})") from None
    return _gold(path, shown, text, data)


def _line_of_error(message: str) -> int:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 1


def _reason(exc: tomllib.TOMLDecodeError) -> str:
    return str(getattr(exc, "msg", "") or re.sub(r"\s*\(at line.*\)$", "", str(exc)))


def _gold(path: Path, shown: str, text: str, data: dict[str, Any]) -> Gold:
    gold = Gold(path, str(data.get("style", "")), bool(data.get("invented", False)))
    for item in data.get("mentions", []):
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
        ):
            _fail(shown, text, repr(item)[:30], "a mention is [IRI, text as written]")
        gold.mentions.add((item[0], item[1]))
    for entity in data.get("entity", []):
        if entity.get("type") not in ENTITY_TYPES or not entity.get("label"):
            _fail(
                shown,
                text,
                str(entity.get("label", "[[entity]]")),
                f"an entity needs a label and a type ({', '.join(ENTITY_TYPES)})",
            )
        gold.entities.append({k: str(v) for k, v in entity.items()})
    for event in data.get("event", []):
        gold.facts |= _event_facts(shown, text, event)
    return gold


def _event_facts(shown: str, text: str, event: dict[str, Any]) -> set[Fact]:
    kind = str(event.get("kind"))
    if kind not in EVENT_ATTRIBUTES:
        _fail(shown, text, f'kind = "{kind}"', f"unknown event kind {kind!r}")
    facts = set()
    for name, value in event.items():
        if name == "kind":
            continue
        if name not in EVENT_ATTRIBUTES[kind]:
            _fail(shown, text, f"{name} =", f"{kind} has no attribute {name!r}")
        for one in value if isinstance(value, list) else [value]:
            facts.add((kind, name, str(one)))
    return facts


def _fail(shown: str, text: str, needle: str, reason: str) -> None:
    index = text.find(needle)
    line = text.count("\n", 0, index) + 1 if index >= 0 else 1
    raise InputError(f"{shown}:{line}: {reason}")


def entity_items(entities: list[dict[str, str]]) -> set[tuple[str, str, str]]:
    """What is compared of the new entities: (type, label), a person's post and organisation."""
    items = set()
    for entity in entities:
        items.add(("entity", entity["type"], entity["label"]))
        for role in ("post", "organisation"):
            if entity.get(role):
                items.add((role, entity["label"], entity[role]))
    return items
