"""A real browser on the real server: headless Chromium (Debian's chromium and
chromium-driver, driven by selenium) loads the home page, runs a named query, follows links
to the centre's page, and keeps a screenshot in test-artifacts/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.peers import start_sdgkg_serve
from tests.tools import require_tool

ARTIFACTS = Path(os.environ.get("SDGKG_TEST_ARTIFACTS", REPO / "test-artifacts"))
CENTRE_EN = "United Nations Regional Centre for the Sustainable Development Goals"
SENTENCE = "Ол БҰҰ Экономикалық және әлеуметтік мәселелер департаментінің құрылымына енеді."


def _need_browser() -> tuple[str, str]:
    """Debian's chromium and chromium-driver (skipped, with the reason, where missing)."""
    chromium = require_tool("chromium", "chromium-browser", wanted_by=__name__)
    return chromium, require_tool("chromedriver", wanted_by=__name__)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    chromium, chromedriver = _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1200,1600",
    ):
        options.add_argument(flag)
    log = tmp_path_factory.mktemp("chromedriver") / "chromedriver.log"
    driver = webdriver.Chrome(service=Service(chromedriver, log_output=str(log)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    peer, url = start_sdgkg_serve(tmp_path_factory.mktemp("serve") / "serve.log")
    try:
        yield url
    finally:
        peer.stop()


def _wait_for_title(driver: object, text: str) -> None:
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(expected_conditions.title_contains(text))  # type: ignore[arg-type]


def test_click_from_home_through_a_query_to_the_centre(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser  # type: ignore[assignment]
    driver.get(server)  # type: ignore[attr-defined]
    assert CENTRE_EN in driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]

    # Run the pillars query in Russian from its form on the home page.
    form = driver.find_element(By.ID, "form-pillars")  # type: ignore[attr-defined]
    from selenium.webdriver.support.select import Select

    # The languages offered are the graph's.
    field = Select(form.find_element(By.NAME, "lang"))
    assert [option.text for option in field.options] == ["kk", "en", "ru"]
    field.select_by_visible_text("ru")
    form.find_element(By.TAG_NAME, "button").click()
    _wait_for_title(driver, "Pillars")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.results tbody tr")  # type: ignore[attr-defined]
    assert len(rows) == 3
    assert "Устойчивый экономический рост" in rows[0].text
    downloads = driver.find_elements(By.CSS_SELECTOR, "a.download")  # type: ignore[attr-defined]
    assert [a.text for a in downloads] == ["csv", "tsv", "json", "xml"]

    # Follow the first pillar, then its incoming link from the centre.
    rows[0].find_element(By.CSS_SELECTOR, "a[href^='/id/pillar-']").click()
    _wait_for_title(driver, "Устойчивый экономический рост")
    assert driver.current_url.split("?")[0].endswith("/id/pillar-sustainable-economic-growth")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, "table.incoming a[href^='/id/centre']").click()  # type: ignore[attr-defined]
    _wait_for_title(driver, "Региональный центр ООН")

    assert driver.current_url.split("?")[0].endswith("/id/centre")  # type: ignore[attr-defined]
    page = driver.find_element(By.TAG_NAME, "main").text  # type: ignore[attr-defined]
    assert "Региональный центр ООН по Целям устойчивого развития" in page
    assert "Біріккен Ұлттар Ұйымының" in page and CENTRE_EN in page
    quotes = [q.text for q in driver.find_elements(By.CSS_SELECTOR, "blockquote.evidence")]  # type: ignore[attr-defined]
    assert any(SENTENCE in quote for quote in quotes)
    # The stylesheet came from the server itself and applied.
    header = driver.find_element(By.TAG_NAME, "header")  # type: ignore[attr-defined]
    assert header.value_of_css_property("background-color") == "rgba(0, 104, 157, 1)"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "centre-page.png"
    assert driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000


def test_query_box_answers_the_browser_with_a_table(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By

    driver = browser  # type: ignore[assignment]
    driver.get(server)  # type: ignore[attr-defined]
    box = driver.find_element(By.CSS_SELECTOR, "form.sparql textarea")  # type: ignore[attr-defined]
    box.clear()
    box.send_keys("SELECT ?parent WHERE { kg:centre org:subOrganizationOf ?parent }")
    driver.find_element(By.CSS_SELECTOR, "form.sparql button").click()  # type: ignore[attr-defined]
    _wait_for_title(driver, "Query results")
    cells = driver.find_elements(By.CSS_SELECTOR, "table.results tbody td")  # type: ignore[attr-defined]
    assert [c.text for c in cells] == ["United Nations Department of Economic and Social Affairs"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "query-box-result.png"))  # type: ignore[attr-defined]
