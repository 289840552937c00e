"""The relation patterns, read from kg/extraction-patterns.toml into typed rules.

The file is data a curator edits; this module only checks its shape and expands prefixed names,
so a mistake in it is one clear error naming the file and the pattern.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sdgkg.errors import InputError
from sdgkg.extract.progress import ProgressRule, progress_rule
from sdgkg.namespaces import expand

PATTERNS_FILE = Path("kg") / "extraction-patterns.toml"


@dataclass(frozen=True)
class Role:
    """Who fills a subject or object slot (see the comment at the top of the patterns file)."""

    kind: str  # "topic", "item", "first", "second", "mention" or "value"
    classes: tuple[str, ...] = ()
    side: dict[str, str] = field(default_factory=dict)  # language -> before / after / all
    via: str | None = None  # an IRI, "^" + IRI for the inverse link
    value: bool | None = None

    def side_for(self, lang: str) -> str:
        return self.side.get(lang, self.side.get("*", "all"))


@dataclass(frozen=True)
class Rule:
    name: str
    section: str  # list, enumeration, relation or apposition
    subject: Role
    predicate: str
    object: Role
    confidence: float
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # also list headings
    item_class: str | None = None
    item_mentions: tuple[tuple[str, str], ...] = ()  # (class, predicate)
    item_facts: tuple[tuple[str, str], ...] = ()  # (predicate, object IRI)
    ignore: dict[str, tuple[str, ...]] = field(default_factory=dict)
    list_name: str | None = None


@dataclass(frozen=True)
class QuoteRules:
    confidence: float
    speaker_classes: tuple[str, ...]
    dash_verbs: dict[str, tuple[str, ...]]
    inline_verbs: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Patterns:
    topic_class: str
    rules: tuple[Rule, ...]
    quotes: QuoteRules
    progress: tuple[
        ProgressRule, ...
    ] = ()  # ProgressRule (sdgkg.extract.progress): tasks reported done

    def section(self, name: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.section == name]

    def rule(self, name: str) -> Rule:
        return next(rule for rule in self.rules if rule.name == name)


def load_patterns(root: Path) -> Patterns:
    """Read and check the patterns file of the data root."""
    shown = PATTERNS_FILE.as_posix()
    data = read_toml(root / PATTERNS_FILE, shown)
    try:
        return _patterns(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{shown}: {exc}") from None


def read_toml(path: Path, shown: str) -> dict[str, Any]:
    """A patterns file's data; one error line naming the file and line when it cannot be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{shown}: cannot read ({exc.strerror})") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise InputError(f"{shown}:{line.group(1) if line else 1}: {exc}") from None


def _patterns(data: dict[str, Any]) -> Patterns:
    rules = []
    for section in ("list", "enumeration", "relation", "apposition"):
        rules += [_rule(section, item) for item in data.get(section, [])]
    by_name = {rule.name for rule in rules}
    for rule in rules:
        if rule.list_name and rule.list_name not in by_name:
            raise ValueError(f"pattern {rule.name!r}: no list named {rule.list_name!r}")

    try:
        progress = tuple(progress_rule(item, _iri) for item in data.get("progress", []))
    except KeyError as exc:
        raise ValueError(f"a [[progress]] pattern needs {exc}") from None
    return Patterns(_iri(data["topic_class"]), tuple(rules), _quotes(data["quotes"]), progress)


def _rule(section: str, item: dict[str, Any]) -> Rule:
    name = item.get("name", "?")
    try:
        subject, obj = _roles(section, item)
        return Rule(
            name=item["name"],
            section=section,
            subject=subject,
            predicate=_iri(item["predicate"]) if "predicate" in item else "",
            object=obj,
            confidence=float(item.get("confidence", 0.5)),
            triggers=_by_language(item.get("trigger", item.get("heading", {}))),
            item_class=_iri(item["item_class"]) if "item_class" in item else None,
            item_mentions=tuple(
                (_iri(m["class"]), _iri(m["predicate"])) for m in item.get("item_mentions", [])
            ),
            item_facts=tuple(
                (_iri(f["predicate"]), _iri(f["object"])) for f in item.get("item_facts", [])
            ),
            ignore=_by_language(item.get("ignore", {})),
            list_name=item.get("list"),
        )
    except KeyError as exc:
        raise ValueError(f"pattern {name!r} ({section}) needs {exc}") from None


def _roles(section: str, item: dict[str, Any]) -> tuple[Role, Role]:
    if section == "apposition":  # the roles name which of the two adjacent mentions
        classes = {"first": item["first_class"], "second": item["second_class"]}
        return tuple(  # type: ignore[return-value]
            Role(item[slot], (_iri(classes[item[slot]]),)) for slot in ("subject", "object")
        )
    return _role(item.get("subject", "topic")), _role(item.get("object", "item"))


def _role(spec: Any) -> Role:
    if isinstance(spec, str):
        if spec not in ("topic", "item", "first", "second"):
            raise ValueError(f"unknown role {spec!r}")
        return Role(spec)
    if "value" in spec:
        return Role("value", value=bool(spec["value"]))
    side = spec.get("side", "all")
    sides = {"*": side} if isinstance(side, str) else dict(side)
    if any(s not in ("before", "after", "all") for s in sides.values()):
        raise ValueError(f"side must be before, after or all, not {side!r}")
    via = spec.get("via")
    if via:
        via = "^" + _iri(via[1:]) if via.startswith("^") else _iri(via)
    return Role("mention", tuple(_iri(c) for c in spec["class"]), sides, via)


def _by_language(spec: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(phrases) for lang, phrases in spec.items()}


def _quotes(spec: dict[str, Any]) -> QuoteRules:
    return QuoteRules(
        confidence=float(spec.get("confidence", 0.5)),
        speaker_classes=tuple(_iri(c) for c in spec["speaker_class"]),
        dash_verbs=_by_language(spec["dash_verbs"]),
        inline_verbs=_by_language(spec["inline_verbs"]),
    )


_SAFE_IRI = re.compile(r"^[^\s<>\"{}|\\^`]+$")


def _iri(name: str) -> str:
    iri = expand(name)
    if iri is None or not _SAFE_IRI.match(iri):
        raise ValueError(f"{name!r} is not a prefixed name with a known prefix")
    return iri
