"""Translations of the evidence sentences and the quotations, marked as translations."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdgkg import run_query

from .conftest import REPO

KG = "https://w3id.org/sdgkg/id/"

pytestmark = pytest.mark.skipif(
    not (REPO / "kg" / "translations.ttl").is_file(), reason="needs the project graph"
)


def values(sparql: str) -> list[tuple[str | None, ...]]:
    rows = run_query(sparql, root=REPO).rows
    return [tuple(None if t is None else t.value for t in row) for row in rows]


def test_every_sentence_and_quotation_has_an_english_and_a_russian_rendering() -> None:
    missing = values(
        """SELECT ?original ?lang WHERE {
             { ?original a oa:TextQuoteSelector } UNION { ?original a schema:Quotation }
             FILTER (STRSTARTS(STR(?original), STR(kg:)))
             VALUES ?lang { "en" "ru" }
             FILTER NOT EXISTS {
               ?t a sdgkg:Translation ; prov:wasDerivedFrom ?original ;
                  rdf:value ?v ; schema:translator ?who .
               FILTER (LANG(?v) = ?lang) } }"""
    )
    assert missing == []


def test_quotes_in_english_with_the_original_beside() -> None:
    result = run_query("quotes", {"lang": "en"}, root=REPO)
    rows = {row[0].value: row for row in result.rows}
    almaty = rows[KG + "quote-guterres-almaty"]
    translation = almaty[result.variables.index("translation")]
    original = almaty[result.variables.index("text")]
    assert "golden bridge between West and East" in translation.value
    assert translation.language == "en"
    assert "алтын көпір" in original.value and original.language == "kk"


@pytest.mark.parametrize(
    ("search", "quote"),
    [
        ("golden bridge", "quote-guterres-almaty"),
        ("Золотой мост", "quote-guterres-almaty"),
        ("алтын көпір", "quote-guterres-almaty"),
        ("digital solutions", "quote-un-pact-for-the-future"),
        ("цифровых решений", "quote-un-pact-for-the-future"),
    ],
)
def test_a_text_search_in_any_language_finds_the_quote(search: str, quote: str) -> None:
    for lang in ("en", "ru", "kk"):
        result = run_query("quotes", {"lang": lang, "search": search}, root=REPO)
        assert [row[0].value for row in result.rows] == [KG + quote]


def test_evidence_in_russian_beside_the_kazakh_sentence() -> None:
    params = {"predicate": "org:subOrganizationOf", "lang": "ru"}
    result = run_query("evidence", params, root=REPO)
    [row] = result.rows
    columns = dict(zip(result.variables, row, strict=True))
    assert columns["sentence"].value.startswith("Ол БҰҰ Экономикалық")
    assert columns["translation"].value == (
        "Он войдёт в структуру Департамента ООН по экономическим и социальным вопросам."
    )


def test_a_translation_in_the_originals_language_is_refused(tmp_path: Path) -> None:
    from sdgkg import validate

    new = tmp_path / "same.ttl"
    new.write_text(
        "@prefix kg: <https://w3id.org/sdgkg/id/> .\n"
        "@prefix sdgkg: <https://w3id.org/sdgkg/ontology#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        'kg:seed-l05-quote-kk a sdgkg:Translation ; rdf:value "Алматы"@kk ;\n'
        "    prov:wasDerivedFrom kg:seed-l05-quote ; schema:translator kg:sdgkg-curators .\n",
        encoding="utf-8",
    )
    report = validate(REPO, [new])
    assert not report.conforms
    assert any("another language than its original" in r.message for r in report.results)


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("ru", "Он войдёт в структуру Департамента ООН по экономическим и социальным вопросам."),
        ("en", "It will be part of the structure of the UN Department of Economic and Social"),
    ],
)
def test_the_site_shows_the_translation_beside_the_original(lang: str, shown: str) -> None:
    from sdgkg.server.linkeddata import describe, resource_page
    from sdgkg.server.pages import Labels
    from sdgkg.store.graph import load_graph

    page = resource_page(describe(load_graph(REPO), KG + "centre"), Labels(lang=lang)).decode()
    original = "Ол БҰҰ Экономикалық және әлеуметтік мәселелер департаментінің құрылымына енеді."
    at = page.index(original)
    assert f'<p class="translation" lang="{lang}">{shown}' in page[at : at + 1000]
    kazakh = resource_page(describe(load_graph(REPO), KG + "centre"), Labels(lang="kk"))
    assert b'class="translation"' not in kazakh  # the original is already in Kazakh
