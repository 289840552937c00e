"""The SPARQL 1.1 Protocol: reading a query request, and content negotiation.

Status codes follow the protocol and HTTP: 400 for a malformed request or query, 403 for any
update (the service is read-only), 405 for a method other than GET or POST, 406 when the
client accepts no format this kind of result has, 413 for a body over the cap, 415 for a
media type or charset the protocol does not allow.
"""

from __future__ import annotations

import binascii
import functools
import re
import urllib.parse
from dataclasses import dataclass

import pyoxigraph as ox

from sdgkg.errors import HttpError
from sdgkg.formats import ResultFormat
from sdgkg.store.engine import Dataset

HTML = "html"
PLAIN = "text"  # error messages for programs
# Graph formats the server writes besides the CLI's (the RDF/XML default of SPARQLWrapper and
# rdflib's SPARQLStore; N-Quads and TriG, whose default graph holds the triples).
RDFXML = "rdfxml"
NQUADS = "nquads"
TRIG = "trig"
# What each output is called in Accept headers (first: the Content-Type sent back).
MEDIA_TYPES: dict[str, tuple[str, ...]] = {
    ResultFormat.JSON: ("application/sparql-results+json", "application/json"),
    ResultFormat.XML: ("application/sparql-results+xml", "application/xml", "text/xml"),
    ResultFormat.CSV: ("text/csv",),
    ResultFormat.TSV: ("text/tab-separated-values",),
    ResultFormat.TURTLE: ("text/turtle", "application/x-turtle"),
    ResultFormat.NT: ("application/n-triples", "text/plain"),
    ResultFormat.JSONLD: ("application/ld+json", "application/json"),
    RDFXML: ("application/rdf+xml",),
    NQUADS: ("application/n-quads",),
    TRIG: ("application/trig",),
    HTML: ("text/html", "application/xhtml+xml"),
    PLAIN: ("text/plain",),
}
TEXT_TYPES = {
    ResultFormat.CSV,
    ResultFormat.TSV,
    ResultFormat.TURTLE,
    ResultFormat.NT,
    NQUADS,
    TRIG,
    HTML,
    PLAIN,
}
# Offered per kind of result, in order of preference when the client accepts anything.
TABULAR_OFFER = (ResultFormat.JSON, ResultFormat.XML, ResultFormat.CSV, ResultFormat.TSV, HTML)
GRAPH_OFFER = (
    ResultFormat.TURTLE,
    ResultFormat.NT,
    ResultFormat.JSONLD,
    RDFXML,
    NQUADS,
    TRIG,
    HTML,
)
# Documents about the service (its description, VoID, the ontology): Turtle unless asked.
DOCUMENT_OFFER = (ResultFormat.TURTLE, RDFXML, ResultFormat.JSONLD, ResultFormat.NT, HTML)
# `format=` values (ours, and the ones SPARQLWrapper sends), for download links.
FORMAT_NAMES = {
    **{str(name): str(name) for name in MEDIA_TYPES},
    "n3": str(ResultFormat.TURTLE),
    "json-ld": str(ResultFormat.JSONLD),
    "rdf": RDFXML,
    "rdf+xml": RDFXML,
}
# A client's `format=` names a SELECT format (SPARQLWrapper sends `format=xml` by default);
# for a CONSTRUCT or DESCRIBE the same name means the graph format of that family.
GRAPH_ALIASES = {str(ResultFormat.XML): RDFXML, str(ResultFormat.JSON): str(ResultFormat.JSONLD)}
_BROKEN_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")  # urllib keeps these as they are


@dataclass(frozen=True)
class ProtocolQuery:
    sparql: str
    dataset: Dataset
    forced_format: str | None  # from a `format=` parameter, else None (use Accept)


def read_request(method: str, query_string: str, content_type: str, body: bytes) -> ProtocolQuery:
    """The query of a /sparql request, or HttpError."""
    params = _params(query_string)
    if method == "GET":
        return _query(params)
    if method != "POST":
        raise HttpError(405, f"{method} is not allowed here", hint="use GET or POST")
    media, charset = _media_type(content_type)
    if media == "application/sparql-update" or "update" in params:
        raise _read_only()
    if charset not in (None, "utf-8", "utf8"):
        raise HttpError(415, f"the body must be UTF-8, not {charset}")
    if media == "application/x-www-form-urlencoded":
        form = _params(_utf8(body))
        return _query(_merge(params, form))
    if media == "application/sparql-query":
        if "query" in params:
            raise HttpError(400, "the query is both in the URL and in the body")
        return _query({**params, "query": [_utf8(body)]})
    shown = media or "no Content-Type"
    raise HttpError(
        415,
        f"cannot read a query from {shown}",
        hint="send application/sparql-query or application/x-www-form-urlencoded",
    )


def _query(params: dict[str, list[str]]) -> ProtocolQuery:
    if "update" in params:
        raise _read_only()
    queries = params.get("query", [])
    if len(queries) != 1:
        raise HttpError(400, "give exactly one query parameter" if queries else "no query given")
    dataset = Dataset(_iris(params, "default-graph-uri"), _iris(params, "named-graph-uri"))
    forced = params.get("format", [None])[-1]
    return ProtocolQuery(queries[0], dataset, FORMAT_NAMES.get(forced or ""))


def _iris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    """The values of a dataset parameter, each an absolute IRI (else 400)."""
    values = tuple(params.get(name, []))
    for value in values:
        if not is_iri(value):
            raise HttpError(400, f"{name}: '{value}' is not an absolute IRI")
    return values


def is_iri(text: str) -> bool:
    """True if the engine accepts `text` as an absolute IRI."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _read_only() -> HttpError:
    return HttpError(403, "updates are refused: this SPARQL endpoint is read-only")


def _params(text: str) -> dict[str, list[str]]:
    """What `parse_qs(text, keep_blank_values=True, errors="strict")` returns, decoded faster."""
    params: dict[str, list[str]] = {}
    try:
        for field in text.split("&"):
            if field:
                name, _, value = field.partition("=")
                params.setdefault(_unquote(name), []).append(_unquote(value))
    except UnicodeDecodeError:
        raise HttpError(400, "the parameters are not UTF-8 URL-encoded") from None
    return params


def _unquote(text: str) -> str:
    """`urllib.parse.unquote_plus(text, errors="strict")`. A query is mostly %XX escapes, which
    urllib decodes one by one in Python; with no `=` and no broken escape, the text reads
    as quoted-printable with `%` for `=`, which binascii decodes in C, five times faster."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if text.isascii() and "=" not in text and not _BROKEN_ESCAPE.search(text):
        return binascii.a2b_qp(text.replace("%", "=").encode("ascii")).decode("utf-8")
    return urllib.parse.unquote(text, errors="strict")


def _merge(first: dict[str, list[str]], second: dict[str, list[str]]) -> dict[str, list[str]]:
    merged = {key: list(values) for key, values in first.items()}
    for key, values in second.items():
        merged.setdefault(key, []).extend(values)
    return merged


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HttpError(400, "the body is not UTF-8") from None


def _media_type(content_type: str) -> tuple[str, str | None]:
    """`type/subtype` in lower case and the charset parameter, if any."""
    media, *parameters = (part.strip() for part in content_type.split(";"))
    charset = None
    for parameter in parameters:
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


@functools.lru_cache(maxsize=256)  # clients send the same few Accept headers again and again
def negotiate(accept: str, offered: tuple[str, ...]) -> str | None:
    """The offered format the Accept header prefers (quality, then the offer's order);
    the first offer when there is no Accept header; None when nothing offered is acceptable."""
    ranges = _accept_ranges(accept)
    if not ranges:
        return offered[0]
    best, best_quality = None, 0.0
    for fmt in offered:
        quality = max((q for r, q in ranges for m in MEDIA_TYPES[fmt] if _matches(r, m)), default=0)
        if quality > best_quality:
            best, best_quality = fmt, quality
    return best


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(","):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges.append((media.lower(), quality))
    return ranges


def _matches(media_range: str, media: str) -> bool:
    if media_range in ("*/*", "*"):
        return True
    if media_range.endswith("/*"):
        return media.startswith(media_range[:-1])
    return media_range == media


def content_type(fmt: str) -> str:
    """The Content-Type header for an output format."""
    media = MEDIA_TYPES[fmt][0]
    return f"{media}; charset=utf-8" if fmt in TEXT_TYPES else media
