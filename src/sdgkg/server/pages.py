"""What the server's pages know about the graph: labels by language, where a resource's page
is, and the pieces of a page that are computed rather than written (pagination, forms'
values). The HTML itself is in the Jinja2 templates (`sdgkg.server.templating`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sdgkg.namespaces import PREFIXES

LANGUAGES = ("kk", "en", "ru")  # the project's languages, in the order they are offered
ID_PATH = "/id/"
ONTOLOGY_PATH = "/ontology"
PAGE_SIZES = (25, 100, 500)
DEFAULT_PAGE_SIZE = 100

_ID_NS = PREFIXES["kg"]
_ONTOLOGY_NS = PREFIXES["sdgkg"]


@dataclass(frozen=True)
class Labels:
    """Labels of the graph's resources by IRI and language, and the language links prefer."""

    by_iri: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    lang: str = "en"
    page_query: str = ""  # the page's other URL parameters, kept by the language switch
    languages: tuple[str, ...] = LANGUAGES  # the languages the graph has labels in

    def of(self, iri: str) -> str | None:
        found = self.tagged(iri)
        return found[0] if found else None

    def tagged(self, iri: str) -> tuple[str, str] | None:
        """The label to show for `iri` and its language tag ("" when it has none)."""
        names = self.by_iri.get(iri, {})
        for code in (self.lang, "en"):
            if code in names:
                return names[code], code
        return next(iter((text, code) for code, text in names.items()), None)

    def switch_url(self, code: str) -> str:
        """This page in another language."""
        kept = self.page_query + "&" if self.page_query else ""
        return f"?{kept}lang={code}"


def graph_languages(labels: Mapping[str, Mapping[str, str]]) -> tuple[str, ...]:
    """The language tags the labels use: the project's first (kk, en, ru), then the others."""
    found = {code for names in labels.values() for code in names if code}
    ordered = [code for code in LANGUAGES if code in found]
    return tuple(ordered + sorted(found - set(LANGUAGES)))


def local_path(iri: str) -> str | None:
    """Where a graph IRI lives on this server: kg: resources under /id/, sdgkg: terms on the
    ontology page; None for IRIs of other vocabularies and sites."""
    if iri.startswith(_ID_NS) and len(iri) > len(_ID_NS):
        return ID_PATH + urllib.parse.quote(iri[len(_ID_NS) :], safe="-._~")
    if iri.startswith(_ONTOLOGY_NS):
        return ONTOLOGY_PATH + "#" + urllib.parse.quote(iri[len(_ONTOLOGY_NS) :], safe="-._~")
    if iri == _ONTOLOGY_NS.rstrip("#"):
        return ONTOLOGY_PATH
    return None


def iri_for_path(path: str) -> str:
    """The resource IRI of an /id/... path (the inverse of `local_path`)."""
    return _ID_NS + urllib.parse.unquote(path[len(ID_PATH) :])


# Schemes a page may link to: a graph can hold any IRI, and a link with `javascript:` or
# `data:` would run script on this server's origin when clicked.
SAFE_SCHEMES = ("http", "https", "ftp", "mailto", "urn", "doi", "isbn")


def linkable(iri: str) -> bool:
    """True if `iri` may be an href: its scheme is one of SAFE_SCHEMES (case-insensitive)."""
    scheme, colon, _rest = iri.partition(":")
    return bool(colon) and scheme.strip().lower() in SAFE_SCHEMES and scheme.isalpha()


def with_lang(path: str, lang: str) -> str:
    """A link to one of the site's pages that keeps the page's language."""
    if lang == "en":
        return path
    base, hash_mark, fragment = path.partition("#")
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}lang={lang}" + (hash_mark + fragment if hash_mark else "")


def query_url(base: str, params: Mapping[str, str] | Iterable[tuple[str, str]]) -> str:
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params)
    return base + "?" + urllib.parse.urlencode(pairs) if pairs else base


@dataclass(frozen=True)
class Pager:
    """Which slice of a result a page shows: 1-based `number`, `size` rows, and whether the
    result goes on past it."""

    number: int = 1
    size: int = DEFAULT_PAGE_SIZE
    more: bool = False

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def first_row(self, shown: int) -> int:
        return self.offset + 1 if shown else 0


def read_pager(page: str | None, size: str | None) -> Pager:
    """The page the URL asks for (`page`, `size`); bad or missing values fall back."""
    number = int(page) if page and page.isdigit() and int(page) > 0 else 1
    rows = int(size) if size and size.isdigit() and int(size) in PAGE_SIZES else None
    return Pager(number, rows or DEFAULT_PAGE_SIZE)
