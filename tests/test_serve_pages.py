"""The pages of `sdgkg serve` as HTML: language handling, pagination, the editor page and its
errors, named queries' SPARQL, the ontology's code spans and an entity's neighbourhood."""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator

import pytest

from sdgkg.server.http import ServerConfig, build_site
from sdgkg.server.messages import Request
from sdgkg.server.site import Site
from sdgkg.store.datasets import default_graphs
from tests.conftest import REPO

HTML = "text/html"


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    built = build_site(REPO, ServerConfig(workers=2))
    try:
        yield built
    finally:
        built.close()


def get(site: Site, path: str, accept: str = HTML) -> tuple[int, str]:
    path, _, query = path.partition("?")
    response = site.respond(Request("GET", path, query, accept))
    return response.status, response.body.decode("utf-8")


def sparql_path(query: str, **extra: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query, **extra})


def test_chrome_is_english_and_labels_carry_their_language(site: Site) -> None:
    status, page = get(site, "/id/centre?lang=ru")
    assert status == 200 and page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert '<h1 lang="ru">Региональный центр ООН' in page
    assert 'lang="ru">Департамент' in page  # a link labelled in Russian says so
    assert '<td lang="kk">Біріккен Ұлттар Ұйымының' in page


def test_language_choices_come_from_the_graph(site: Site) -> None:
    _, page = get(site, "/")
    switch = re.search(r'<span class="langs">(.*?)</span>', page, re.DOTALL)
    assert switch and re.findall(r'hreflang="(\w+)"', switch.group(1)) == ["kk", "en", "ru"]
    status, page = get(site, "/id/centre?lang=de")
    assert status == 400 and "the graph has no labels in &#39;de&#39;" in page
    assert "choose one of kk, en, ru" in page
    status, _ = get(site, "/queries/pillars?lang=de")
    assert status == 400


def test_pages_of_a_large_result(site: Site) -> None:
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    status, first = get(site, sparql_path(query, size="25"))
    assert status == 200
    assert '<p class="count">Rows 1–25</p>' in first and 'rel="next"' in first
    assert 'rel="prev"' not in first
    status, second = get(site, sparql_path(query, size="25", page="2"))
    assert status == 200 and '<p class="count">Rows 26–50</p>' in second
    assert 'rel="prev"' in second and second.count("<tr><td>") == 25
    # Past the row limit of a download, a person still browses page by page.
    read = default_graphs(site.store)  # the curated graphs, what a query reads by default
    total = len({quad.triple for quad in site.store if quad.graph_name in read})
    last = -(-total // 500)  # the last page of 500 rows
    far = get(site, sparql_path(query, size="500", page=str(last)))
    shown = f"Rows {(last - 1) * 500 + 1}–{total} of {total}"
    assert far[0] == 200 and shown in far[1] and 'rel="next"' not in far[1]
    assert 'href="/sparql?query=' in first and "format=csv" in first  # the whole download


def test_construct_counts_triples(site: Site) -> None:
    _, page = get(site, sparql_path("CONSTRUCT { kg:centre ?p ?o } WHERE { kg:centre ?p ?o }"))
    count = re.search(r'<p class="count">(\d+) triples</p>', page)
    assert count and int(count.group(1)) > 10
    assert "format=rdfxml" in page


def test_a_syntax_error_keeps_the_query_and_says_where(site: Site) -> None:
    query = (
        "SELECT ?name WHERE {\n  kg:centre skos:prefLabel ?name\n  FILTER (LANG(?name) = 'en'\n}"
    )
    status, page = get(site, sparql_path(query))
    assert status == 400
    # The place is the bracket left open, not where the parser gave up.
    assert 'data-error-line="3" data-error-column="10"' in page
    assert "FILTER (LANG(?name) = &#39;en&#39;" in page  # the query is still in the editor
    assert "invalid SPARQL at line 3, column 10" in page and "\\u{" not in page
    assert "this &#39;(&#39; is not closed" in page
    status, page = get(site, sparql_path("SELECT * WHERE { ?s foo:bar ?o }"))
    assert "unknown prefix &#39;foo:&#39;" in page


def test_programs_get_the_error_in_words_too(site: Site) -> None:
    status, text = get(site, sparql_path("SELECT * WHERE { ?s ?p ?o "), accept="*/*")
    assert status == 400
    assert text == "Error: invalid SPARQL at line 1, column 16: this '{' is not closed\n"


def test_named_query_page_shows_its_sparql_and_opens_it_in_the_editor(site: Site) -> None:
    _, page = get(site, "/queries/pillars?lang=ru")
    assert '<pre class="sparql"><code>' in page and "sdgkg:hasPillar ?pillar" in page
    link = re.search(r'<a class="open-editor" href="([^"]+)"', page)
    assert link and link.group(1).startswith("/sparql?query=")
    opened = urllib.parse.parse_qs(urllib.parse.urlsplit(link.group(1).replace("&amp;", "&")).query)
    text = (REPO / "queries" / "pillars.rq").read_text(encoding="utf-8")
    assert opened["query"] == [text.replace("WHERE {", 'WHERE { VALUES (?_lang) { ("ru") } ', 1)]
    # In the editor it answers as on its own page: the same three pillars, in Russian.
    _, result = get(site, sparql_path(opened["query"][0]))
    assert '<p class="count">3 rows</p>' in result and "Устойчивый экономический рост" in result


def test_ontology_shows_backticks_as_code(site: Site) -> None:
    _, page = get(site, "/ontology")
    assert "`" not in re.sub(r"<pre.*?</pre>", "", page, flags=re.DOTALL)
    assert "<code>sdgkg extract</code>" in page


def test_entity_neighbourhood_data(site: Site) -> None:
    _, page = get(site, "/id/centre?lang=kk")
    data = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page)
    assert data
    graph = json.loads(data.group(1))
    ids = {node["id"] for node in graph["nodes"]}
    assert "https://w3id.org/sdgkg/id/un-desa" in ids
    assert "https://w3id.org/sdgkg/id/host-agreement" in ids  # an incoming link
    centre = next(n for n in graph["nodes"] if n["role"] == "centre")
    assert centre["lang"] == "kk" and centre["label"].startswith("Біріккен Ұлттар")
    desa = next(n for n in graph["nodes"] if n["id"].endswith("/un-desa"))
    assert desa["href"] == "/id/un-desa?lang=kk"
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])
    assert '<script src="/static/vendor/cytoscape.min.js" defer></script>' in page


def test_vendored_code_is_served_with_its_licences(site: Site) -> None:
    static = REPO / "src" / "sdgkg" / "server" / "static" / "vendor"
    lines = [
        line.split()
        for line in (static / "MANIFEST.txt").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    names = {name for name, *_ in lines}
    assert {"codemirror", "codemirror-lang-sparql", "cytoscape", "@codemirror/view"} <= names
    for _name, _version, _licence, text in lines:
        assert (static / text).read_text(encoding="utf-8").strip()
    for path in ("/static/vendor/editor.js", "/static/vendor/cytoscape.min.js", "/static/graph.js"):
        response = site.respond(Request("GET", path))
        assert response.status == 200 and response.content_type.startswith("text/javascript")
    assert site.respond(Request("GET", "/static/../site.py")).status == 404
