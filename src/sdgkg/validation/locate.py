"""Where a triple is written: file, line and column of the triples of a Turtle, N-Triples or
JSON-LD file, for reports that point at the text that caused them.

pyoxigraph parses without telling where a triple came from, so the text is read a second time:
- Turtle and N-Triples (a subset of Turtle) are split into tokens by the terminals of the W3C
  Turtle grammar (IRIs, prefixed names, strings with their escapes, numbers, punctuation),
  then walked as subject blocks, predicate lists (`;`) and object lists (`,`), with the
  file's `@prefix`/`PREFIX` and `@base` declarations applied;
- JSON-LD is read by a small JSON parser that keeps each value's offset; each value of each
  node object with an `@id` is then parsed alone by pyoxigraph, with the node's `@id` and the
  contexts in scope, so the triples it yields are exactly the ones the value makes.
Limits: a triple with a blank-node subject or object (`[ ... ]`, collections, `_:b` labels) is
not matched, as the parser names blank nodes its own way: a result whose triple has one
points at its focus node's block instead, and a result whose focus node is blank has no
position; JSON-LD nodes without `@id` and values inside `@list`s, `@reverse` or `@included`
are not located; RDF/XML and TriG are not located.
Positions are 1-based lines and columns counted in characters (Unicode code points).
"""

from __future__ import annotations

import contextlib
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from sdgkg.namespaces import RDF, XSD

Node = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True, order=True)
class Position:
    line: int
    column: int


@dataclass
class Located:
    """The triples of one file, with where each is written."""

    path: str  # as shown to users
    triples: dict[ox.Triple, list[tuple[Position, Position]]] = field(default_factory=dict)
    subjects: dict[Any, Position] = field(default_factory=dict)

    def add(self, triple: ox.Triple, start: Position, obj: Position) -> None:
        """`start`: where the triple begins to be written; `obj`: where its object is."""
        self.triples.setdefault(triple, []).append((start, obj))
        self.subjects.setdefault(triple.subject, start)

    def of_triple(self, triple: ox.Triple, at_object: bool = False) -> Position | None:
        found = self.triples.get(triple)
        if not found:
            return None
        start, obj = min(found)
        return obj if at_object else start

    def matching(
        self, subject: Node | None, predicate: Node | None, obj: Node | None
    ) -> Iterator[Any]:
        """The triples matching a pattern (None: any), with their first position."""
        for triple, places in self.triples.items():
            if subject is not None and triple.subject != subject:
                continue
            if predicate is not None and triple.predicate != predicate:
                continue
            if obj is not None and triple.object != obj:
                continue
            yield triple, min(places)


def locate_file(path: Path, shown: str) -> Located:
    """The located triples of a file (empty for formats not located)."""
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix in (".ttl", ".nt"):
        return locate_turtle(text, shown)
    if suffix in (".jsonld", ".json"):
        return locate_jsonld(text, shown)
    return Located(shown)


# --- Turtle ----------------------------------------------------------------------------------

_CHARS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c\u200d"
_CHARS += "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
_PN_CHARS_U = f"[{_CHARS}_]"
_PN_CHARS = f"[{_CHARS}_0-9\\-\u00b7\u0300-\u036f\u203f-\u2040]"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = f"(?:[{_CHARS}](?:(?:{_PN_CHARS}|\\.)*{_PN_CHARS})?)?:"
_LOCAL = (
    f"(?:(?:{_PN_CHARS_U}|[:0-9]|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?)?"
)
_STRING = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
)


@cache
def _tokens() -> re.Pattern[str]:
    """The tokenizer, compiled when first used (its Unicode classes take 40 ms to compile,
    which a `validate` that finds nothing to locate should not pay)."""
    return re.compile(_TOKEN_SYNTAX, re.DOTALL)


_TOKEN_SYNTAX = "|".join(
    [
        r"(?P<space>\s+|#[^\n\r]*)",
        r"(?P<iri><[^<>\"{}|^`\\\x00-\x20]*(?:\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}|[^<>\"{}|^`\\\x00-\x20])*>)",
        rf"(?P<string>(?:{_STRING})(?:@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)?)",
        r"(?P<datatype>\^\^)",
        r"(?P<number>[+-]?(?:\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+|\d*\.\d+|\d+))",
        r"(?P<directive>@prefix\b|@base\b|(?i:PREFIX|BASE)(?=\s))",
        f"(?P<blank>_:(?:{_PN_CHARS_U}|[0-9])(?:(?:{_PN_CHARS}|\\.)*{_PN_CHARS})?)",
        r"(?P<keyword>(?:a|true|false)(?![\w:.-]))",
        f"(?P<name>{_PREFIX}{_LOCAL})",
        r"(?P<punct>[.;,\[\]()])",
        r"(?P<error>.)",
    ]
)
_ECHAR = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_SIMPLE = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: Position


def turtle_tokens(text: str) -> list[_Token]:
    """The tokens of a Turtle text (whitespace and comments dropped), with their positions."""
    tokens, line, line_start = [], 1, 0
    for match in _tokens().finditer(text):
        kind, value = match.lastgroup or "error", match.group()
        if kind != "space":
            tokens.append(_Token(kind, value, Position(line, match.start() - line_start + 1)))
        breaks = value.count("\n")
        if breaks:
            line += breaks
            line_start = match.start() + value.rfind("\n") + 1
    return tokens


class _TurtleWalker:
    """Walks the tokens as the grammar's statements, recording each triple where it stands."""

    def __init__(self, tokens: list[_Token], located: Located) -> None:
        self.tokens, self.index, self.located = tokens, 0, located
        self.prefixes: dict[str, str] = {}
        self.base = ""

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def run(self) -> None:
        while self.peek() is not None:
            token = self.peek()
            assert token is not None
            if token.kind == "directive":
                self.directive()
            else:
                self.triples()

    def directive(self) -> None:
        word = self.take().text.lower().lstrip("@")
        if word == "prefix":
            name = self.take().text
            self.prefixes[name[:-1]] = self.iri(self.take().text)
        else:
            self.base = self.iri(self.take().text)
        if self.peek() is not None and self.peek().text == ".":  # type: ignore[union-attr]
            self.take()

    def triples(self) -> None:
        start = self.peek()
        assert start is not None
        subject = self.term(start.at)
        token = self.peek()
        if token is not None and token.text not in (".",):
            self.predicate_objects(subject, start.at)
        if self.peek() is not None and self.peek().text == ".":  # type: ignore[union-attr]
            self.take()

    def predicate_objects(self, subject: Node, start: Position) -> None:
        first = True
        while (token := self.peek()) is not None and token.text not in (".", "]"):
            if token.text == ";":
                self.take()
                continue
            predicate_at = token.at
            predicate = self.term(token.at)
            while True:
                obj_token = self.peek()
                if obj_token is None:
                    return
                obj = self.term(obj_token.at)
                at = start if first else predicate_at
                first = False
                self.emit(subject, predicate, obj, at, obj_token.at)
                following = self.peek()
                if following is None or following.text != ",":
                    break
                self.take()
                predicate_at = self.peek().at if self.peek() else predicate_at  # type: ignore[union-attr]

    def emit(self, s: Node, p: Node, o: Node, at: Position, obj_at: Position) -> None:
        if isinstance(p, ox.NamedNode) and not isinstance(s, ox.Literal):
            self.located.add(ox.Triple(s, p, o), at, obj_at)

    def term(self, at: Position) -> Node:
        token = self.take()
        kind, text = token.kind, token.text
        if kind == "iri":
            return ox.NamedNode(self.iri(text))
        if kind == "name":
            prefix, _, local = text.partition(":")
            local = re.sub(r"\\(.)", r"\1", local)
            return ox.NamedNode(self.prefixes.get(prefix, prefix + ":") + local)
        if kind == "keyword":
            if text == "a":
                return ox.NamedNode(RDF + "type")
            return ox.Literal(text, datatype=ox.NamedNode(XSD + "boolean"))
        if kind == "blank":
            return ox.BlankNode()
        if kind == "number":
            return ox.Literal(text, datatype=ox.NamedNode(XSD + _number_type(text)))
        if kind == "string":
            return self.literal(text)
        if text == "[":
            node = ox.BlankNode()
            self.predicate_objects(node, token.at)
            if self.peek() is not None:
                self.take()  # ]
            return node
        if text == "(":
            return self.collection()
        raise ValueError(f"unexpected {text!r} at {at.line}:{at.column}")

    def collection(self) -> Node:
        head: Node = ox.NamedNode(RDF + "nil")
        items = []
        while (token := self.peek()) is not None and token.text != ")":
            items.append(self.term(token.at))
        if self.peek() is not None:
            self.take()  # )
        for _ in reversed(items):  # collection members are blank-node structure: not located
            head = ox.BlankNode()
        return head

    def literal(self, text: str) -> ox.Literal:
        quote = text[:3] if text[:3] in ('"""', "'''") else text[0]
        end = text.rindex(quote)
        body, suffix = text[len(quote) : end], text[end + len(quote) :]
        value = _ECHAR.sub(_unescape, body)
        if suffix.startswith("@"):
            return ox.Literal(value, language=suffix[1:].lower())
        following = self.peek()
        if following is not None and following.kind == "datatype":
            self.take()
            datatype = self.term(following.at)
            if isinstance(datatype, ox.NamedNode):
                return ox.Literal(value, datatype=datatype)
        return ox.Literal(value)

    def iri(self, text: str) -> str:
        value = _ECHAR.sub(_unescape, text[1:-1])
        if self.base and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
            return self.base + value if value else self.base
        return value


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    if code:
        return chr(int(code, 16))
    return _SIMPLE.get(match.group(3), match.group(3))


def _number_type(text: str) -> str:
    if "e" in text.lower():
        return "double"
    return "decimal" if "." in text else "integer"


def locate_turtle(text: str, shown: str) -> Located:
    """The triples of a Turtle (or N-Triples) text with their positions; a text the walker
    cannot follow (it is parsed properly elsewhere) yields what was found before the problem."""
    located = Located(shown)
    walker = _TurtleWalker(turtle_tokens(text), located)
    with contextlib.suppress(ValueError, IndexError, AssertionError, AttributeError):
        walker.run()
    return located


# --- JSON-LD ---------------------------------------------------------------------------------


@dataclass
class _Value:
    """A JSON value with the offset where it starts."""

    at: int
    kind: str  # "object" (data: list of (key, _Value)), "array" (list of _Value), "scalar"
    data: Any
    is_map: bool = False  # one entry of a language map, as a little object


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_SPACE = re.compile(r"\s*")


def _skip(text: str, index: int) -> int:
    return _SPACE.match(text, index).end()  # type: ignore[union-attr]


# The json module's own string scanner: a JSON string from after its opening quote.
_scan_string: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


def _json_value(text: str, index: int) -> tuple[_Value, int]:
    index = _skip(text, index)
    char = text[index]
    if char in "{[":
        closing, start = "}]"["{[".index(char)], index
        items: list[Any] = []  # (key, value) pairs of an object, values of an array
        index = _skip(text, index + 1)
        while text[index] != closing:
            if char == "{":
                key, index = _scan_string(text, index + 1)
                member, index = _json_value(text, _skip(text, index) + 1)  # past ':'
                items.append((key, member))
            else:
                member, index = _json_value(text, index)
                items.append(member)
            index = _skip(text, index)
            if text[index] == ",":
                index = _skip(text, index + 1)
        return _Value(start, "object" if char == "{" else "array", items), index + 1
    if char == '"':
        string, end = _scan_string(text, index + 1)
        return _Value(index, "scalar", string), end
    for word, value in (("true", True), ("false", False), ("null", None)):
        if text.startswith(word, index):
            return _Value(index, "scalar", value), index + len(word)
    match = _NUMBER.match(text, index)
    if not match:
        raise ValueError(f"not JSON at offset {index}")
    return _Value(index, "scalar", json.loads(match.group())), match.end()


def _plain(value: _Value) -> Any:
    """The value as ordinary JSON data."""
    if value.kind == "object":
        return {key: _plain(item) for key, item in value.data}
    if value.kind == "array":
        return [_plain(item) for item in value.data]
    return value.data


class _JsonLdWalker:
    def __init__(self, text: str, located: Located) -> None:
        self.located = located
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def position(self, offset: int) -> Position:
        line = bisect_right(self.line_starts, offset)
        return Position(line, offset - self.line_starts[line - 1] + 1)

    def walk(self, value: _Value, contexts: list[Any]) -> None:
        if value.kind == "object":
            self.node(value, contexts)
        elif value.kind == "array":
            for item in value.data:
                self.walk(item, contexts)

    def node(self, value: _Value, contexts: list[Any]) -> None:
        items = dict(value.data)
        if "@context" in items:
            context = _plain(items["@context"])
            contexts = contexts + (context if isinstance(context, list) else [context])
        terms = _terms(contexts)
        ids = {"@id"} | {k for k, v in terms.items() if v == "@id"}
        id_key = next((k for k in items if k in ids), None)
        for key, item in value.data:
            if key in ("@context", "@list", "@reverse", "@included") or key == id_key:
                continue
            if key == "@graph":
                self.walk(item, contexts)
                continue
            for member, at in _members(item, terms.get(key)):
                nested = member.kind == "object" and not member.is_map
                nested = nested and "@value" not in dict(member.data)
                if id_key is not None:
                    self.probe(contexts, items[id_key].data, key, member, at, ids)
                if nested:
                    self.node(member, contexts)

    def probe(
        self, contexts: list[Any], node_id: Any, key: str, member: Any, at: int, ids: set[str]
    ) -> None:
        """Parse `{"@id": node_id, key: member}` alone: the triples are those the value makes
        (a nested node object stands for its `@id` only; its own values are probed apart)."""
        data = _plain(member)
        if isinstance(data, dict) and "@value" not in data and not member.is_map:
            nested = {k: v for k, v in data.items() if k in ids or k == "@context"}
            if not any(k in ids for k in nested):
                return  # a blank node: not located
            data = nested
        document: dict[str, Any] = {"@id": node_id, key: data}
        if contexts:
            document = {"@context": contexts, **document}
        try:
            quads = ox.parse(json.dumps(document).encode(), format=ox.RdfFormat.JSON_LD)
            triples = [quad.triple for quad in quads]
        except (SyntaxError, ValueError, OSError):
            return
        where = self.position(at)
        for triple in triples:
            self.located.add(triple, where, where)


def _members(value: _Value, definition: Any) -> Iterator[tuple[_Value, int]]:
    """The items a key holds: each array element, each entry of a map, else the value."""
    container = definition.get("@container") if isinstance(definition, dict) else None
    if value.kind == "array":
        for item in value.data:
            yield from _members(item, None) if item.kind == "array" else [(item, item.at)]
    elif value.kind == "object" and container in ("@language", ["@language"]):
        for name, entry in value.data:
            yield _Value(entry.at, "object", [(name, entry)], is_map=True), entry.at
    else:
        yield value, value.at


def _terms(contexts: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for context in contexts:
        if isinstance(context, dict):
            found.update(context)
    return found


def locate_jsonld(text: str, shown: str) -> Located:
    """The triples of a JSON-LD text with the position of the value that makes each."""
    located = Located(shown)
    try:
        value, _ = _json_value(text, 0)
        _JsonLdWalker(text, located).walk(value, [])
    except (ValueError, IndexError, RecursionError):
        pass
    return located
