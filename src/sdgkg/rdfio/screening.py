"""Checks on input documents: before parsing (what a parser must never see) and after
(what a parser accepts but the graph must not hold). Each error names the file and line.

Before parsing:
- RDF/XML with a `<!DOCTYPE` or `<!ENTITY` declaration (entity expansion can blow up a few
  hundred bytes into gigabytes, and external entities read files or URLs);
- JSON-LD whose `@context` is a reference (a URL or a `file:` path) or uses `@import`:
  contexts are inlined; the project's own is in ontology/context.jsonld;
- RDF/XML elements nested more than MAX_DEPTH deep, JSON nested too deeply to walk.

After parsing (new facts only): literals whose text is not valid for their XSD datatype,
language tags other than kk, en and ru (any case; no subtags such as kk-Latn), and `file:`
IRIs (a document's own `@base <file:///...>` makes them from relative IRIs).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from xml.parsers import expat

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.namespaces import LANGUAGES, XSD, compact

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_DEPTH = 1000
_IRI_LIKE = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|\\^`]*$')
_TZ = r"(Z|[+-]\d{2}:\d{2})?"
_DATE = r"-?\d{4,}-\d{2}-\d{2}"
_NUMBER = r"[+-]?(\d+(\.\d*)?|\.\d+)"
_LEXICAL = {
    "integer": r"[+-]?\d+",
    "int": r"[+-]?\d+",
    "long": r"[+-]?\d+",
    "nonNegativeInteger": r"\+?\d+|-0+",
    "positiveInteger": r"\+?0*[1-9]\d*",
    "decimal": _NUMBER,
    "double": _NUMBER + r"([eE][+-]?\d+)?|[+-]?INF|NaN",
    "float": _NUMBER + r"([eE][+-]?\d+)?|[+-]?INF|NaN",
    "boolean": r"true|false|1|0",
    "date": _DATE + _TZ,
    "dateTime": _DATE + r"T\d{2}:\d{2}:\d{2}(\.\d+)?" + _TZ,
    "gYear": r"-?\d{4,}" + _TZ,
}
_PATTERNS = {XSD + name: re.compile(rf"^(?:{regex})$") for name, regex in _LEXICAL.items()}


def screen_document(data: bytes, fmt: ox.RdfFormat, shown: str) -> None:
    """Refuse what must not reach a parser: DTDs in RDF/XML, remote or file contexts in JSON-LD."""
    if fmt == ox.RdfFormat.RDF_XML:
        match = _DTD.search(data)
        if match:
            line = data.count(b"\n", 0, match.start()) + 1
            raise InputError(
                f"{shown}:{line}: RDF/XML with a {match.group(1).decode().upper()} declaration "
                "is refused (entity expansion and external entities)",
                hint="remove the <!DOCTYPE ...> block and write the text out",
            )
        _screen_xml_depth(data, shown)
    elif fmt == ox.RdfFormat.JSON_LD:
        _screen_jsonld(data, shown)


def _screen_xml_depth(data: bytes, shown: str) -> None:
    # The RDF/XML parser takes time quadratic in the nesting depth (200,000 levels: minutes).
    # Depth is counted by a real XML parser (expat: iterative, linear), so tags written in
    # comments, attributes or CDATA count for nothing; entities are never expanded.
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def opened(_name: str, _attributes: object) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise InputError(
                f"{shown}:{parser.CurrentLineNumber}: "
                f"RDF/XML nested deeper than {MAX_DEPTH} elements"
            )

    def closed(_name: str) -> None:
        nonlocal depth
        depth -= 1

    def refused(*_args: object) -> None:
        raise InputError(f"{shown}:{parser.CurrentLineNumber}: RDF/XML with a DOCTYPE is refused")

    parser.StartElementHandler = opened
    parser.EndElementHandler = closed
    parser.StartDoctypeDeclHandler = refused
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InputError(
            f"{shown}:{exc.lineno}: not well-formed XML ({expat.errors.messages[exc.code]})"
        ) from None


def _screen_jsonld(data: bytes, shown: str) -> None:
    text = data.decode("utf-8")
    try:
        document = json.loads(text)
    except RecursionError:
        raise InputError(f"{shown}: JSON nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{shown}:{exc.lineno}:{exc.colno}: invalid JSON ({exc.msg})") from None
    for reference in _context_references(document):
        raise InputError(
            f"{shown}:{line_of(text, reference)}: JSON-LD context {reference} is refused: "
            "sdgkg never loads remote or file contexts",
            hint="inline the context (the project's own is ontology/context.jsonld)",
        )
    for problem, value in _dropped_by_jsonld(document):
        raise InputError(f"{shown}:{line_of(text, json.dumps(value))}: {problem}")


def _dropped_by_jsonld(document: object) -> Iterator[tuple[str, str]]:
    """What JSON-LD would silently drop: relative or malformed `@id`s (there is no base) and
    keys that are neither a term of an inline context nor an IRI."""
    terms = {key: value for context in _contexts(document) for key, value in context.items()}
    vocab = "@vocab" in terms
    ids = {"@id"} | {key for key, value in terms.items() if value == "@id"}  # "id": "@id"
    maps = {key for key, value in terms.items() if _is_map(value)}  # language maps and such
    for node in _objects(document, lambda key, value: _data_of(key, value, maps)):
        for key, value in node.items():
            if key in ids and isinstance(value, str) and not _iri_like(value):
                yield f"JSON-LD @id {json.dumps(value)} is not an absolute IRI", value
            elif not (key.startswith("@") or vocab or key in terms or ":" in key):
                yield f"JSON-LD key {json.dumps(key)} is not a term of the context", key


def _data_of(key: str, value: object, maps: set[str]) -> list[object]:
    # What to look into below a key: not contexts, and for a map only its values.
    if key == "@context":
        return []
    return list(value.values()) if key in maps and isinstance(value, dict) else [value]


def _is_map(definition: object) -> bool:
    # A term with a container other than @list/@set: its object's keys are data, not terms.
    container = definition.get("@container") if isinstance(definition, dict) else None
    names = container if isinstance(container, list) else [container]
    return any(name not in (None, "@list", "@set") for name in names)


def _contexts(document: object) -> Iterator[dict[str, object]]:
    """The inline contexts of the document's node objects."""
    for node in _objects(document, lambda key, value: [] if key == "@context" else [value]):
        context = node.get("@context")
        items = context if isinstance(context, list) else [context]
        yield from (item for item in items if isinstance(item, dict))


def _iri_like(value: str) -> bool:
    # A blank node, or scheme:rest (an absolute or compact IRI) without forbidden characters.
    return value.startswith("_:") or bool(_IRI_LIKE.match(value))


def _context_references(document: object) -> Iterator[str]:
    """Every context given by reference (`"@context": "URL"`) or `@import`, at any depth."""
    for node in _objects(document, lambda key, value: [value]):
        for key, value in node.items():
            if key == "@import":
                yield json.dumps(value)
            elif key == "@context":
                values = value if isinstance(value, list) else [value]
                yield from (json.dumps(v) for v in values if isinstance(v, str))


def _objects(
    document: object, below: Callable[[str, object], Iterable[object]]
) -> Iterator[dict[str, object]]:
    """Every JSON object in the document, descending into what `below(key, value)` gives;
    iterative, so depth costs no stack."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            yield node
            for key, value in node.items():
                stack.extend(below(key, value))


def check_terms(triples: Iterable[ox.Triple], data: bytes, shown: str) -> None:
    """Refuse ill-typed literals and language tags other than kk, en and ru."""
    text = data.decode("utf-8")
    for triple in triples:
        _refuse_file_iris(triple, text, shown)
        obj = triple.object
        if not isinstance(obj, ox.Literal):
            continue
        # Tags compare case-insensitively (BCP 47; the parser lowercases them), and only the
        # bare kk, en, ru: a subtag (kk-Latn) would be a second label in the same language.
        if obj.language and obj.language.lower() not in LANGUAGES:
            raise InputError(
                f"{shown}:{line_of(text, '@' + obj.language, obj.value)}: language tag "
                f"'{obj.language}' is not one of {', '.join(LANGUAGES)}"
            )
        if not is_well_typed(obj):
            datatype = compact(obj.datatype.value)
            raise InputError(
                f'{shown}:{line_of(text, obj.value)}: "{obj.value}" is not a valid {datatype}'
            )


def _refuse_file_iris(triple: ox.Triple, text: str, shown: str) -> None:
    # A `file:` IRI (written, or made by a document's own `@base <file:///etc/>`) names a path
    # on someone's machine: nothing reads it, but the graph must not publish it either.
    for term in (triple.subject, triple.predicate, triple.object):
        if isinstance(term, ox.NamedNode) and term.value[:5].lower() == "file:":
            raise InputError(
                f"{shown}:{line_of(text, '@base', 'file:')}: file: IRI <{term.value}> is "
                "refused: the graph's IRIs are web IRIs",
                hint="write https:// IRIs (or prefixed names like kg:centre), not file paths",
            )


def is_well_typed(literal: ox.Literal) -> bool:
    """Whether a literal's text is in the lexical space of its XSD datatype (others pass)."""
    pattern = _PATTERNS.get(literal.datatype.value)
    if pattern is None:
        return True
    if not pattern.match(literal.value):
        return False
    if literal.datatype.value in (XSD + "date", XSD + "dateTime"):
        return _real_date(literal.value)
    return True


def _real_date(value: str) -> bool:
    # The pattern allows 2025-02-31; the calendar does not.
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", value)
    if not match:
        return True  # years beyond 9999 or before 0: the pattern is all we check
    try:
        dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return False
    return True


def line_of(text: str, *needles: str) -> int:
    """The first line holding one of `needles` (the first needle preferred), else 1."""
    for needle in needles:
        index = text.find(needle)
        if index >= 0:
            return text.count("\n", 0, index) + 1
    return 1


def line_of_subject(text: str, iri: str) -> int:
    """The line where a subject is first written, as a prefixed name or a full IRI."""
    index = text.find("\n" + compact(iri))
    if index >= 0:
        return text.count("\n", 0, index) + 2
    return line_of(text, f"<{iri}>", compact(iri))
