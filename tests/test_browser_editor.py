"""The query editor, the result pages, an entity's graph, a phone-sized screen and a page on
another origin, in headless Chromium against a real `sdgkg serve`. Screenshots are kept in
test-artifacts/ (editor-highlighted, editor-error, results-page-2, entity-graph,
centre-390px and centre-390px-facts)."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.peers import Peer, free_port, start_sdgkg_serve
from tests.test_browser import ARTIFACTS, _need_browser
from tests.test_browser import browser as browser  # noqa: F401  (the shared fixture)

KG = "https://w3id.org/sdgkg/id/"
BROKEN = "SELECT ?name WHERE {\n  kg:centre skos:prefLabel ?name .\n  FILTER (LANG(?name) = 'en'\n}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_browser()
    peer, url = start_sdgkg_serve(tmp_path_factory.mktemp("serve") / "serve.log", "--cors")
    try:
        yield url.rstrip("/")
    finally:
        peer.stop()


def _wait(driver: object, script: str, timeout: float = 20) -> object:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(lambda d: d.execute_script(script))  # type: ignore[attr-defined]


def _shot(driver: object, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / name
    assert driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5_000
    return shot


def _shot_of(driver: object, selector: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    element = driver.find_element(By.CSS_SELECTOR, selector)  # type: ignore[attr-defined]
    assert element.screenshot(str(ARTIFACTS / name))
    assert (ARTIFACTS / name).stat().st_size > 5_000


def _editor_text(driver: object) -> str:
    return str(driver.execute_script("return window.sdgkgEditor.state.doc.toString()"))  # type: ignore[attr-defined]


def test_editor_highlights_and_completes_prefixes(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.set_window_size(1200, 900)  # type: ignore[attr-defined]
    driver.get(server + "/sparql")  # type: ignore[attr-defined]
    _wait(driver, "return !!window.sdgkgEditor")
    content = driver.find_element(By.CSS_SELECTOR, ".cm-content")  # type: ignore[attr-defined]
    content.click()
    content.send_keys(Keys.CONTROL, "a")
    content.send_keys(Keys.DELETE)
    content.send_keys("SELECT ?name WHERE { kg:centre sk")
    content.send_keys(Keys.CONTROL, " ")
    options = _wait(
        driver,
        "return [...document.querySelectorAll('.cm-tooltip-autocomplete li')]"
        ".map(li => li.textContent)",
    )
    assert any(option.startswith("skos:") for option in options)  # type: ignore[union-attr]
    content.send_keys(Keys.ENTER)  # takes the first choice: skos:
    content.send_keys('prefLabel ?name FILTER (LANG(?name) = "en") }')
    assert _editor_text(driver).startswith("SELECT ?name WHERE { kg:centre skos:prefLabel ?name")
    # Highlighted: the keyword, the variable and the string are drawn in different colours.
    colours = driver.execute_script(  # type: ignore[attr-defined]
        """
        const spans = [...document.querySelectorAll('.cm-content span')];
        const colour = (text) => {
          const span = spans.find((s) => s.textContent === text);
          return span ? getComputedStyle(span).color : null;
        };
        return {select: colour('SELECT'), string: colour('"en"'),
                plain: getComputedStyle(document.querySelector('.cm-line')).color};
        """
    )
    assert colours["select"] and colours["string"]
    assert len({colours["select"], colours["string"], colours["plain"]}) == 3
    _shot(driver, "editor-highlighted.png")
    # Ctrl-Enter runs it; the result comes back under the editor, which keeps the query.
    content.send_keys(Keys.CONTROL, Keys.ENTER)
    _wait(driver, "return document.title.startsWith('Query results')")
    cells = driver.find_elements(By.CSS_SELECTOR, "table.results tbody td")  # type: ignore[attr-defined]
    assert [c.text for c in cells] == [
        "United Nations Regional Centre for the Sustainable Development Goals for Central Asia "
        "and Afghanistan @en"
    ]


def test_a_syntax_error_is_shown_at_its_place(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(server + "/sparql?" + urllib.parse.urlencode({"query": BROKEN}))  # type: ignore[attr-defined]
    _wait(driver, "return !!document.querySelector('.cm-lintRange-error')")
    assert _editor_text(driver) == BROKEN  # the query survived the error
    message = driver.find_element(By.ID, "query-error").text  # type: ignore[attr-defined]
    assert message.startswith("invalid SPARQL at line 3, column 10")
    assert message.endswith("this '(' is not closed")
    # The marked line is the query's third, where the bracket is left open.
    lines = driver.execute_script(  # type: ignore[attr-defined]
        "return [...document.querySelectorAll('.cm-line')].map("
        "l => [l.textContent, l.classList.contains('cm-sdgkg-error-line')])"
    )
    assert [text for text, marked in lines if marked] == ["  FILTER (LANG(?name) = 'en'"]
    _shot(driver, "editor-error.png")


def test_second_page_of_results(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    driver.get(server + "/sparql?" + urllib.parse.urlencode({"query": query, "size": 25}))  # type: ignore[attr-defined]
    first = driver.find_element(By.CSS_SELECTOR, "p.count").text  # type: ignore[attr-defined]
    assert first == "Rows 1–25"
    driver.find_element(By.CSS_SELECTOR, "a[rel=next]").click()  # type: ignore[attr-defined]
    _wait(driver, "return document.querySelector('p.count').textContent === 'Rows 26–50'")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.results tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 25
    assert _editor_text(driver) == query
    downloads = driver.find_elements(By.CSS_SELECTOR, "a.download")  # type: ignore[attr-defined]
    assert [a.text for a in downloads] == ["csv", "tsv", "json", "xml"]
    driver.execute_script("document.querySelector('p.count').scrollIntoView()")  # type: ignore[attr-defined]
    _shot(driver, "results-page-2.png")


def test_entity_graph(browser: object, server: str) -> None:
    driver = browser
    driver.get(server + "/id/centre?lang=ru")  # type: ignore[attr-defined]
    _wait(driver, "return document.getElementById('graph').dataset.ready === 'true'")
    nodes = driver.execute_script(  # type: ignore[attr-defined]
        "return window.sdgkgGraph.nodes().map(n => [n.id(), n.data('label')])"
    )
    labels = dict(nodes)  # type: ignore[arg-type]
    assert labels[KG + "un-desa"].startswith("Департамент")  # labelled in the page's language
    assert KG + "host-agreement" in labels and KG + "almaty" in labels
    assert labels[KG + "centre"].startswith("Региональный центр ООН")
    canvas = driver.execute_script(  # type: ignore[attr-defined]
        "return document.querySelectorAll('#graph canvas').length"
    )
    assert canvas > 0
    _shot_of(driver, "figure.graph", "entity-graph.png")
    driver.execute_script(f"window.sdgkgGraph.$id('{KG}almaty').emit('tap')")  # type: ignore[attr-defined]
    _wait(driver, "return location.pathname === '/id/almaty'")
    assert driver.current_url.endswith("/id/almaty?lang=ru")  # type: ignore[attr-defined]


def test_centre_page_fits_a_phone(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    metrics = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # type: ignore[attr-defined]
    try:
        driver.get(server + "/id/centre")  # type: ignore[attr-defined]
        width = driver.execute_script("return window.innerWidth")  # type: ignore[attr-defined]
        assert width == 390
        page = driver.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
        assert page <= width  # nothing pushes the page sideways
        for table in driver.find_elements(By.CSS_SELECTOR, "table.facts, table.labels"):  # type: ignore[attr-defined]
            assert table.rect["x"] >= 0 and table.rect["x"] + table.rect["width"] <= width
        _shot(driver, "centre-390px.png")
        driver.execute_script("document.querySelector('table.facts').scrollIntoView()")  # type: ignore[attr-defined]
        _shot(driver, "centre-390px-facts.png")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})  # type: ignore[attr-defined]


CROSS_ORIGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>elsewhere</title></head><body>
<pre id="out">waiting</pre>
<script>
fetch(ENDPOINT, {
  method: "POST",
  headers: {"Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json"},
  body: "SELECT ?o WHERE { kg:centre org:subOrganizationOf ?o }"
}).then(r => r.json())
  .then(j => { document.getElementById("out").textContent = j.results.bindings[0].o.value; })
  .catch(e => { document.getElementById("out").textContent = "failed: " + e; });
</script></body></html>
"""


def test_a_page_on_another_origin_queries_with_cors(
    browser: object, server: str, tmp_path: Path
) -> None:
    # The same page, served from another origin, against this server (--cors) and against
    # one started without --cors: only the first answers it.
    plain, plain_url = start_sdgkg_serve(tmp_path / "plain.log", "--workers", "2")
    try:
        assert _query_from_elsewhere(browser, server, tmp_path / "a") == KG + "un-desa"
        refused = _query_from_elsewhere(browser, plain_url.rstrip("/"), tmp_path / "b")
        assert refused.startswith("failed: TypeError")
    finally:
        plain.stop()


def _query_from_elsewhere(driver: object, endpoint: str, folder: Path) -> str:
    """What a page on another origin (http://localhost:PORT) gets asking `endpoint`."""
    import sys

    from selenium.webdriver.common.by import By

    folder.mkdir()
    page = CROSS_ORIGIN_PAGE.replace("ENDPOINT", repr(endpoint + "/sparql"))
    (folder / "index.html").write_text(page, encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    other = Peer([*command, "-d", str(folder)], folder / "server.log")
    try:
        origin = f"http://localhost:{port}"
        other.wait_for(origin + "/")
        driver.get(origin + "/index.html")  # type: ignore[attr-defined]
        _wait(driver, "return document.getElementById('out').textContent !== 'waiting'")
        return str(driver.find_element(By.ID, "out").text)  # type: ignore[attr-defined]
    finally:
        other.stop()
