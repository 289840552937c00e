"""`sdgkg extract`: passages, inflected mentions, patterns, output, report, --check."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from sdgkg.cli import app
from sdgkg.extract import compare, curated_store, extract, report, write
from sdgkg.extract.documents import Passage, read_document, segment
from sdgkg.extract.lexicon import Lexicon
from sdgkg.extract.report import summary_line
from sdgkg.morphology import same_word
from sdgkg.namespaces import compact

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "kazinform-2025-08-06-un-sdg-centre-almaty.kk.txt"
ARTICLES = Path(__file__).parent / "fixtures" / "articles"
OUTPUT = REPO / "kg" / "extracted" / "kazinform-2025-08-06-un-sdg-centre-almaty.kk.ttl"


@pytest.fixture(scope="module")
def seed():
    [found] = extract([SEED], REPO)
    return found


def facts(extraction) -> dict[tuple[str, str, str], list[str]]:
    """(s, p, o) in prefixed form -> the ids of the passages each candidate cites."""
    return {
        tuple(compact(t.value) if t.kind == "iri" else t.value for t in c.triple()): [
            p.id for p in c.passages
        ]
        for c in extraction.candidates
    }


# Passages -------------------------------------------------------------------------------------


def test_every_passage_reads_back_at_its_offsets() -> None:
    for path in [SEED, *sorted(ARTICLES.glob("*.txt"))]:
        doc = read_document(path, path.name)
        passages = segment(doc)
        assert passages
        for passage in passages:
            assert doc.text[passage.start : passage.end] == passage.text
            assert passage.text == passage.text.strip()


def test_seed_passages_are_the_curated_passages() -> None:
    """The segmenter cuts the seed exactly where the curators did (all 36 passages)."""
    store = ox.Store()
    store.load(path=str(REPO / "kg" / "evidence" / "passages.ttl"), format=ox.RdfFormat.TURTLE)
    curated = {
        (int(r["s"].value), int(r["e"].value))
        for r in store.query(
            "SELECT ?s ?e WHERE { ?x <http://www.w3.org/ns/oa#start> ?s ; "
            "<http://www.w3.org/ns/oa#end> ?e }"
        )
    }
    ours = {(p.start, p.end) for p in segment(read_document(SEED, "seed"))}
    assert ours == curated


def test_list_items_and_headings_are_recognised() -> None:
    passages = segment(read_document(ARTICLES / "centre-launch.en.txt", "en"))
    kinds = [(p.id, p.kind) for p in passages]
    assert ("l06", "heading") in kinds
    assert [p.text for p in passages if p.kind == "item"][
        0
    ] == "define the centre's specific tasks;"
    assert passages[1].text.startswith("ALMATY. KAZINFORM")  # a dateline is not a sentence end


# Inflected mentions, with words that are not in the seed --------------------------------------


@pytest.mark.parametrize(
    ("form", "word"),
    [
        ("Астанадағы", "Астана"),
        ("Тәжікстанның", "Тәжікстан"),
        ("Өзбекстанмен", "Өзбекстан"),
        ("Қырғызстанға", "Қырғызстан"),
        ("ТДМ-ге", "ТДМ"),
        ("ҮЕҰ-ның", "ҮЕҰ"),
        ("Үкіметімен", "Үкіметі"),
        ("хатшысының", "хатшысы"),
    ],
)
def test_kazakh_inflected_forms_match(form: str, word: str) -> None:
    assert same_word(form, word, "kk")


@pytest.mark.parametrize(
    ("form", "word"),
    [("Алматылық", "Алматы"), ("басшысы", "Бас"), ("Азиялық", "Азия"), ("Астанадегі", "Астана")],
)
def test_kazakh_derived_words_and_wrong_harmony_do_not_match(form: str, word: str) -> None:
    assert not same_word(form, word, "kk")


@pytest.mark.parametrize(
    ("form", "word"),
    [("Таджикистаном", "Таджикистан"), ("Узбекистана", "Узбекистан"), ("Ассамблеей", "Ассамблея")],
)
def test_russian_inflected_forms_match(form: str, word: str) -> None:
    assert same_word(form, word, "ru")


def mentioned(text: str, lang: str) -> list[tuple[str, str]]:
    lexicon = Lexicon.from_store(curated_store(REPO), lang)
    passage = Passage("l01", 0, len(text), text, 1, "sentence")
    return [(compact(m.entity), text[m.start : m.end]) for m in lexicon.mentions(passage)]


def test_kazakh_mentions_of_entities_in_forms_the_seed_never_uses() -> None:
    text = (
        "Астанадағы кездесуде Тәжікстанның және Өзбекстанның өкілдері ТДМ-ге қол жеткізуді "
        "БҰҰ-ның Бас Ассамблеясымен талқылады."
    )
    assert mentioned(text, "kk") == [
        ("kg:astana", "Астанадағы"),
        ("kg:tajikistan", "Тәжікстанның"),
        ("kg:uzbekistan", "Өзбекстанның"),
        ("kg:sdgs", "ТДМ-ге"),
        ("kg:un-general-assembly", "БҰҰ-ның Бас Ассамблеясымен"),
    ]


def test_russian_mentions_of_inflected_names() -> None:
    text = (
        "Правительством Казахстана и Генеральной Ассамблеей ООН поддержаны Таджикистан и "
        "Узбекистан."
    )
    assert mentioned(text, "ru") == [
        ("kg:government-of-kazakhstan", "Правительством Казахстана"),
        ("kg:un-general-assembly", "Генеральной Ассамблеей ООН"),
        ("kg:tajikistan", "Таджикистан"),
        ("kg:uzbekistan", "Узбекистан"),
    ]


def test_a_russian_name_in_the_instrumental_case_is_found() -> None:
    assert mentioned("Договор с Таджикистаном и Казахстаном.", "ru") == [
        ("kg:tajikistan", "Таджикистаном"),
        ("kg:kazakhstan", "Казахстаном"),
    ]


# The seed: every fact the issue names is found, with the right passage -----------------------

DONE_WHEN = {
    # pillars (curated from the heading l11), functions (items and l26), pending tasks
    ("kg:centre", "sdgkg:hasPillar", "kg:pillar-sustainable-economic-growth"): "l11",
    ("kg:centre", "sdgkg:hasPillar", "kg:pillar-social-justice"): "l11",
    ("kg:centre", "sdgkg:hasPillar", "kg:pillar-environmental-protection"): "l11",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-regional-programmes"): "l20",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-coordinate-un-agencies"): "l22",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-partnerships"): "l24",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-regional-dialogue"): "l26",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-experience-exchange"): "l26",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-digital-transformation"): "l26",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-youth-engagement"): "l26",
    ("kg:centre", "sdgkg:hasFunction", "kg:function-peaceful-sustainable-society"): "l26",
    ("kg:task-define-specific-tasks", "sdgkg:prerequisiteFor", "kg:official-launch"): "l28-s1",
    ("kg:task-financing-and-memorandum", "sdgkg:prerequisiteFor", "kg:official-launch"): "l28-s1",
    ("kg:task-staffing-and-budget", "sdgkg:prerequisiteFor", "kg:official-launch"): "l28-s1",
    ("kg:task-appoint-leadership", "sdgkg:prerequisiteFor", "kg:official-launch"): "l28-s1",
    ("kg:task-define-specific-tasks", "schema:position", "1"): "l30",
    ("kg:task-appoint-leadership", "schema:position", "4"): "l36",
    # the parent, the agreement's parties, the decision-maker
    ("kg:centre", "org:subOrganizationOf", "kg:un-desa"): "l07-s2",
    ("kg:host-agreement", "sdgkg:party", "kg:government-of-kazakhstan"): "l08-s2",
    ("kg:host-agreement", "sdgkg:party", "kg:united-nations"): "l08-s2",
    ("kg:ga-decision", "prov:wasAssociatedWith", "kg:un-general-assembly"): "l08-s1",
    # the quotes' speakers
    ("kg:quote-tokayev-signal", "schema:creator", "kg:kassym-jomart-tokayev"): "l04-s1",
    ("kg:quote-guterres-new-stage", "schema:creator", "kg:antonio-guterres"): "l05",
    ("kg:quote-guterres-almaty", "schema:creator", "kg:antonio-guterres"): "l06-s1",
    ("kg:quote-un-pact-for-the-future", "schema:creator", "kg:united-nations"): "l27-s1",
}


@pytest.mark.parametrize("fact", sorted(DONE_WHEN), ids=" ".join)
def test_the_seed_gives_each_named_fact_with_its_passage(seed, fact) -> None:
    found = facts(seed)
    assert fact in found
    assert DONE_WHEN[fact] in found[fact]


def test_positions_follow_the_order_of_the_article(seed) -> None:
    found = facts(seed)
    positions = {s: int(o) for (s, p, o) in found if p == "schema:position"}
    assert [
        positions[f"kg:pillar-{n}"]
        for n in ("sustainable-economic-growth", "social-justice", "environmental-protection")
    ] == [1, 2, 3]
    functions = sorted((v, k) for k, v in positions.items() if k.startswith("kg:function-"))
    assert [v for v, _ in functions] == list(range(1, 9))


# Patterns on articles written for the tests (kk, ru, en) --------------------------------------


def article(name: str):
    [found] = extract([ARTICLES / name], REPO, output=Path("unused.ttl"))
    return found


def test_russian_article() -> None:
    found = facts(article("centre-structure.ru.txt"))
    assert found[("kg:centre", "org:subOrganizationOf", "kg:un-desa")] == ["l02"]
    assert found[("kg:host-agreement", "sdgkg:party", "kg:government-of-kazakhstan")] == ["l03"]
    assert found[("kg:ga-decision", "prov:wasAssociatedWith", "kg:un-general-assembly")] == ["l04"]
    assert found[("kg:centre", "sdgkg:hasPillar", "kg:pillar-social-justice")] == ["l05", "l07"]
    assert found[("kg:task-appoint-leadership", "schema:position", "2")] == ["l11"]
    assert ("kg:centre", "sdgkg:worksCloselyWith", "kg:un-agencies") in found
    quote = [s for (s, p, o) in found if p == "schema:creator" and o == "kg:antonio-guterres"]
    assert quote == ["<new:quote-1>"]  # a new quotation; the writer names it kgx:...-quote-1


def test_english_article() -> None:
    found = facts(article("centre-launch.en.txt"))
    assert ("kg:centre", "org:subOrganizationOf", "kg:un-desa") in found
    assert ("kg:host-agreement", "sdgkg:party", "kg:united-nations") in found
    assert found[
        ("kg:task-staffing-and-budget", "sdgkg:prerequisiteFor", "kg:official-launch")
    ] == ["l06", "l08"]
    texts = [o for (s, p, o) in found if p == "schema:text"]
    assert texts == ["Almaty is the right home for this centre"]


def test_kazakh_article_names_new_items_as_new_entities() -> None:
    extraction = article("regional-meeting.kk.txt")
    found = facts(extraction)
    assert ("kg:centre", "sdgkg:worksCloselyWith", "kg:ngos") in found  # ҮЕҰ-мен
    labels = sorted(o for (s, p, o) in found if p == "skos:prefLabel")
    assert labels == ["жастар арасындағы жұмыссыздықты азайту", "су ресурстарын бірлесіп басқару"]
    assert "kgx:regional-meeting.kk-pillars-1 a sdgkg:Candidate" not in extraction.turtle
    assert "rdf:subject kgx:regional-meeting.kk-pillars-1 ;" in extraction.turtle
    speakers = [o for (s, p, o) in found if p == "schema:creator"]
    assert speakers == ["kg:kassym-jomart-tokayev"]


def test_new_articles_validate_with_the_graph(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for folder in ("ontology", "kg", "shapes"):
        shutil.copytree(REPO / folder, root / folder)
    found = extract(sorted(ARTICLES.glob("*.txt")), root)
    report = write(found, root)
    assert report.conforms, [r.message for r in report.results]
    written = sorted(p.name for p in (root / "kg" / "extracted").iterdir())
    assert "centre-launch.en.ttl" in written and "regional-meeting.kk.ttl" in written


def test_a_candidate_that_does_not_validate_is_reported_and_nothing_is_written(tmp_path) -> None:
    root = tmp_path / "root"
    for folder in ("ontology", "kg", "shapes"):
        shutil.copytree(REPO / folder, root / folder)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    [found] = extract([ARTICLES / "centre-launch.en.txt"], root)
    broken = found.turtle.replace('"0.80"^^xsd:decimal', '"8.0"^^xsd:decimal', 1)
    report = write([replace(found, turtle=broken)], root)
    assert not report.conforms
    (bad,) = [r for r in report.results if "sdgkg:confidence" in r.message]
    # Located in the output it would have written: the candidate's block there.
    assert bad.file == "kg/extracted/centre-launch.en.ttl"
    assert broken.splitlines()[bad.line - 1].startswith(bad.focus_node.display())
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


# Output, --check and the report ----------------------------------------------------------------


def test_committed_output_is_what_the_extractor_writes(seed) -> None:
    assert OUTPUT.read_text(encoding="utf-8") == seed.turtle


def test_check_passes_on_the_committed_output() -> None:
    result = CliRunner().invoke(app, ["--root", str(REPO), "extract", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.stdout


def test_check_fails_when_the_output_is_stale(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for folder in ("ontology", "kg", "shapes", "seeds"):
        shutil.copytree(REPO / folder, root / folder)
    out = root / "kg" / "extracted" / OUTPUT.name
    out.write_text(out.read_text(encoding="utf-8").replace('"0.90"', '"0.50"', 1), encoding="utf-8")
    result = CliRunner().invoke(app, ["--root", str(root), "extract", "--check"])
    assert result.exit_code == 1
    assert f"kg/extracted/{OUTPUT.name} is stale" in result.stderr
    out.unlink()
    result = CliRunner().invoke(app, ["--root", str(root), "extract", "--check"])
    assert result.exit_code == 1 and "is missing" in result.stderr


def test_report_figures_are_the_ones_in_the_readme(seed) -> None:
    [comparison] = report([seed], REPO)
    line = summary_line(comparison)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert line in readme
    assert comparison.precision >= 0.9 and comparison.recall >= 0.7
    assert comparison.right_passages == len(comparison.supported)


def test_report_lists_supported_new_and_unsupported_facts() -> None:
    result = CliRunner().invoke(app, ["--root", str(REPO), "extract", "--report"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"Supported curated facts \(\d+\):", out)
    assert "To review, candidates not curated (0):" in out
    unsupported = "kg:un-office-in-kazakhstan org:subOrganizationOf kg:united-nations"
    assert f"{unsupported}  curated at 1107-1216" in out


def test_report_on_an_article_the_graph_does_not_know_has_only_candidates_to_review() -> None:
    comparison = compare(article("centre-launch.en.txt"), _engine())
    assert comparison.curated == 0 and not comparison.supported
    assert len(comparison.to_review) == comparison.candidates > 0


def _engine():
    from sdgkg.store.engine import EmbeddedEngine

    return EmbeddedEngine(curated_store(REPO))


def test_a_quote_in_guillemets_with_the_speaker_named_by_surname(tmp_path: Path) -> None:
    text = (
        "Генсек ООН посетил Алматы.\n"
        "«Центр поможет странам региона», — заявил Гутерреш журналистам.\n"
    )
    path = tmp_path / "visit.ru.txt"
    path.write_text(text, encoding="utf-8")
    [found] = extract([path], REPO, output=tmp_path / "visit.ttl")
    got = facts(found)
    assert got[("<new:quote-1>", "schema:creator", "kg:antonio-guterres")] == ["l02"]
    assert ("<new:quote-1>", "schema:text", "Центр поможет странам региона") in got
    assert mentioned("Генсек ООН посетил Алматы.", "ru")[0] == (
        "kg:post-un-secretary-general",
        "Генсек ООН",
    )


def test_report_on_an_unknown_document_says_there_is_nothing_to_compare_with() -> None:
    comparison = compare(article("centre-structure.ru.txt"), _engine())
    assert summary_line(comparison) == (
        f"{comparison.candidates} candidates; the graph has no curated facts from this document"
    )


def test_sentences_do_not_end_at_abbreviations_or_initials(tmp_path: Path) -> None:
    path = tmp_path / "a.en.txt"
    path.write_text(
        "Title of the article\nMr. Guterres met A. Smith in Almaty. The centre opened. "
        "“It is a good day!” He said so.\n",
        encoding="utf-8",
    )
    texts = [p.text for p in segment(read_document(path, "a.en.txt"))]
    assert texts == [
        "Title of the article",
        "Mr. Guterres met A. Smith in Almaty.",
        "The centre opened.",
        "“It is a good day!”",
        "He said so.",
    ]


def test_resource_pages_show_curated_evidence_not_candidates() -> None:
    from sdgkg.server.linkeddata import describe
    from sdgkg.store.graph import load_graph

    store = load_graph(REPO)  # with kg/extracted/, whose candidates restate curated facts
    evidence = describe(store, "https://w3id.org/sdgkg/id/centre").evidence
    key = next(k for k in evidence if k[1].value.endswith("/un-desa"))
    [only] = evidence[key]
    assert only.start.value == "1217"
    assert only.attributed_to.value.endswith("/un-office-in-kazakhstan")
