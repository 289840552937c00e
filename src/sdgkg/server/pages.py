"""HTML for the server's pages: the layout, terms as links, result tables, forms.

Every piece of data goes through `esc` (HTML escaping) before it reaches the page; the pages
load only /static/style.css from this server, no script and nothing from elsewhere.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sdgkg.namespaces import LANGUAGES, PREFIXES, compact
from sdgkg.query.named import NamedQuery
from sdgkg.rdfio.terms import Term
from sdgkg.store.engine import QueryResult

ID_PATH = "/id/"
ONTOLOGY_PATH = "/ontology"
_ID_NS = PREFIXES["kg"]
_ONTOLOGY_NS = PREFIXES["sdgkg"]


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass(frozen=True)
class Labels:
    """Labels of the graph's resources by IRI and language, and the language links prefer."""

    by_iri: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    lang: str = "en"
    page_query: str = ""  # the page's other URL parameters, kept by the language switch

    def of(self, iri: str) -> str | None:
        names = self.by_iri.get(iri, {})
        return names.get(self.lang) or names.get("en") or next(iter(names.values()), None)


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


def term_html(term: Term | None, labels: Labels) -> str:
    """A term as HTML: graph IRIs link to their page (with their label), other IRIs link out,
    literals show their language or datatype."""
    if term is None:
        return ""
    if term.kind == "iri":
        return iri_html(term.value, labels)
    if term.kind != "literal":
        return f"<code>{esc(term.n3())}</code>"
    tag = ""
    if term.language:
        tag = f' <span class="tag">@{esc(term.language)}</span>'
        return f'<span lang="{esc(term.language)}">{esc(term.value)}</span>{tag}'
    return esc(term.value)


def iri_html(iri: str, labels: Labels) -> str:
    label = labels.of(iri)
    shown = esc(label) if label else f"<code>{esc(compact(iri))}</code>"
    path = local_path(iri)
    if path:
        return f'<a href="{esc(_with_lang(path, labels.lang))}" title="{esc(iri)}">{shown}</a>'
    if not linkable(iri):  # javascript:, data:, file: ... are shown, never followed
        return f'<span class="iri" title="{esc(iri)}">{shown}</span>'
    return f'<a class="external" href="{esc(iri)}" rel="noopener">{shown}</a>'


# Schemes a page may link to: a graph can hold any IRI, and a link with `javascript:` or
# `data:` would run script on this server's origin when clicked.
SAFE_SCHEMES = ("http", "https", "ftp", "mailto", "urn", "doi", "isbn")


def linkable(iri: str) -> bool:
    """True if `iri` may be an href: its scheme is one of SAFE_SCHEMES (case-insensitive)."""
    scheme, colon, _rest = iri.partition(":")
    return bool(colon) and scheme.strip().lower() in SAFE_SCHEMES and scheme.isalpha()


def _with_lang(path: str, lang: str) -> str:
    if lang == "en":
        return path
    base, hash_mark, fragment = path.partition("#")
    return f"{base}?lang={lang}" + (hash_mark + fragment if hash_mark else "")


def layout(title: str, body: str, labels: Labels) -> bytes:
    """A whole page: head, navigation, the body, the language switch."""
    nav = " ".join(
        f'<a href="{esc(_with_lang(href, labels.lang))}">{text}</a>'
        for href, text in (("/", "Home"), ("/id/centre", "The centre"), ("/ontology", "Ontology"))
    )
    kept = labels.page_query + "&" if labels.page_query else ""
    switch = " ".join(
        f'<a href="{esc(f"?{kept}lang={code}")}"{" class=current" if code == labels.lang else ""}>'
        f"{code}</a>"
        for code in LANGUAGES
    )
    page = f"""<!DOCTYPE html>
<html lang="{esc(labels.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · sdgkg</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header><nav>{nav}</nav><span class="langs">Labels: {switch}</span></header>
<main>
{body}
</main>
<footer>sdgkg: the knowledge graph of the UN Regional Centre for the SDGs for Central Asia and
Afghanistan (Almaty). SPARQL endpoint: <code>/sparql</code>. Data CC BY 4.0.</footer>
</body>
</html>
"""
    return page.encode("utf-8")


def results_table(result: QueryResult, labels: Labels) -> str:
    """A SELECT, ASK or CONSTRUCT result as an HTML table with a row count."""
    if result.kind == "ask":
        return (
            f'<p class="boolean">Answer: <strong>{"yes" if result.boolean else "no"}</strong></p>'
        )
    if result.kind == "graph":
        header: Iterable[str] = ("subject", "predicate", "object")
        rows: Iterable[Iterable[Term | None]] = result.triples
        count = len(result.triples)
    else:
        header, rows, count = result.variables, result.rows, len(result.rows)
    head = "".join(f"<th>{esc(name)}</th>" for name in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{term_html(t, labels)}</td>" for t in row) + "</tr>" for row in rows
    )
    noun = "row" if count == 1 else "rows"
    return (
        f'<table class="results"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f'<p class="count">{count} {noun}</p>'
    )


def downloads(base: str, params: Mapping[str, str], kind: str) -> str:
    """Links to the same result as files."""
    names = ("turtle", "nt", "jsonld") if kind == "graph" else ("csv", "tsv", "json", "xml")
    links = " ".join(
        f'<a class="download" href="{esc(_query_url(base, params, name))}">{name}</a>'
        for name in names
    )
    return f'<p class="downloads">Download: {links}</p>'


def _query_url(base: str, params: Mapping[str, str], fmt: str) -> str:
    return base + "?" + urllib.parse.urlencode({**params, "format": fmt})


def query_form(query: NamedQuery, values: Mapping[str, str]) -> str:
    """A GET form that runs a named query, one input per parameter, defaults filled in."""
    inputs = "".join(
        f'<label>{esc(p.name)} <input name="{esc(p.name)}" '
        f'value="{esc(values.get(p.name, p.default or ""))}" '
        f'placeholder="{esc(p.type.value)}" title="{esc(p.description)}"></label> '
        for p in query.params
    )
    action = f"/queries/{urllib.parse.quote(query.name)}"
    return (
        f'<form class="named" method="get" action="{esc(action)}" id="form-{esc(query.name)}">'
        f'{inputs}<button type="submit">Run</button></form>'
    )


def labels_rows(iri: str, labels: Labels) -> str:
    """Table rows with the resource's label in each of kk, en and ru."""
    names = labels.by_iri.get(iri, {})
    return "".join(
        f'<tr><th>{code}</th><td lang="{code}">{esc(names.get(code, "—"))}</td></tr>'
        for code in LANGUAGES
    )


def query_box(text: str = "") -> str:
    """The free SPARQL form: a GET to /sparql (so the result page has a URL to share and to
    switch language on), which answers a browser with HTML."""
    example = text or "SELECT ?p ?o WHERE { kg:centre ?p ?o } LIMIT 20"
    return (
        '<form class="sparql" method="get" action="/sparql">'
        f'<textarea name="query" rows="6" cols="80" spellcheck="false">{esc(example)}</textarea>'
        '<br><button type="submit">Run SPARQL</button>'
        " <small>The project prefixes (kg:, sdgkg:, skos:, org: ...) are predeclared.</small>"
        "</form>"
    )


def error_page(status: int, message: str, hint: str | None, labels: Labels) -> bytes:
    extra = f"<p>{esc(hint)}</p>" if hint else ""
    body = f'<h1>Error {status}</h1><p class="error">{esc(message)}</p>{extra}'
    return layout(f"Error {status}", body, labels)
