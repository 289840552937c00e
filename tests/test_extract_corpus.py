"""Extraction on articles written for the tests: scores against gold files, mentions as Web
Annotations, new entities, events and dates in kk, ru and en, and `extract --report DIR`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from sdgkg.cli import app
from sdgkg.errors import InputError
from sdgkg.extract import extract
from sdgkg.extract.corpus import DATES, FACTS, MENTIONS, score_corpus, totals
from sdgkg.extract.dates import XSD, find_dates
from sdgkg.extract.gold import load_gold
from sdgkg.extract.lexicon import Lexicon
from sdgkg.extract.run import curated_store
from sdgkg.morphology import same_word

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "fixtures" / "corpus"
UNSEEN = Path(__file__).parent / "fixtures" / "corpus-unseen"
SEED = REPO / "seeds" / "kazinform-2025-08-06-un-sdg-centre-almaty.kk.txt"
OA = "http://www.w3.org/ns/oa#"


@pytest.fixture(scope="module")
def scored():
    return score_corpus(CORPUS, REPO)


@pytest.fixture(scope="module")
def lexicons():
    store = curated_store(REPO)
    return {lang: Lexicon.from_store(store, lang) for lang in ("kk", "ru", "en")}


def _article(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# The development corpus ------------------------------------------------------------------------


def test_corpus_has_six_articles_per_language_each_with_gold() -> None:
    for lang in ("kk", "ru", "en"):
        articles = sorted((CORPUS / lang).glob("*.txt"))
        assert len(articles) >= 6
        styles = {load_gold(a.with_suffix(".toml")).style for a in articles}
        assert {"wire", "ministry", "un-press", "interview", "brief", "progress"} <= styles


def test_targets_on_the_development_corpus(scored) -> None:
    """The issue's targets, per language: mentions P and R >= 0.95; facts R >= 0.8, P >= 0.9;
    every date the text states, attached to its event."""
    for lang, kinds in totals(scored).items():
        mentions, facts, dates = kinds[MENTIONS], kinds[FACTS], kinds[DATES]
        assert mentions.precision >= 0.95 and mentions.recall >= 0.95, (lang, mentions)
        assert facts.precision >= 0.9 and facts.recall >= 0.8, (lang, facts)
        assert dates.recall == 1.0, (lang, dates)


def test_every_event_kind_is_found_in_every_language(scored) -> None:
    kinds = {
        "agreement-signed",
        "resolution-adopted",
        "proposal",
        "meeting",
        "appointment",
        "launch",
        "task-progress",
        "quote",
        "count",
    }
    for lang, found in totals(scored).items():
        assert kinds <= {k for k, s in found.items() if s.tp}, lang


def test_the_unseen_corpus_is_scored_in_three_languages() -> None:
    """Measured only (its figures are in the README), never tuned against."""
    scores = totals(score_corpus(UNSEEN, REPO))
    assert set(scores) == {"kk", "ru", "en"}
    assert all(MENTIONS in kinds and FACTS in kinds for kinds in scores.values())


# Dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "value", "datatype"),
    [
        ("On 4 March 2025, the Assembly", "en", "2025-03-04", "date"),
        ("signed on August 3, 2025 in", "en", "2025-08-03", "date"),
        ("on the 3rd of August 2025", "en", "2025-08-03", "date"),
        ("ALMATY, Aug. 3 (Kazinform)", "en", "2025-08-03", "date"),
        ("at the 74th session in September 2019", "en", "2019-09", "gYearMonth"),
        ("repeated it in 2022.", "en", "2022", "gYear"),
        ("4 марта 2025 года Генеральная", "ru", "2025-03-04", "date"),
        ("встретился 3 августа в Алматы", "ru", "2025-08-03", "date"),
        ("в сентябре 2019 года", "ru", "2019-09", "gYearMonth"),
        ("намечен на апрель 2026 года", "ru", "2026-04", "gYearMonth"),
        ("в 2022 году", "ru", "2022", "gYear"),
        ("2025 жылғы 4 наурызда қабылдады", "kk", "2025-03-04", "date"),
        ("Тоқаев 3 тамызда кездесті", "kk", "2025-08-03", "date"),
        ("2019 жылғы қыркүйекте ұсынған", "kk", "2019-09", "gYearMonth"),
        ("2026 жылғы наурызға жоспарланған", "kk", "2026-03", "gYearMonth"),
        ("appointed on 2026-01-15 by", "en", "2026-01-15", "date"),
        ("назначен 2026-01-15 генсеком", "ru", "2026-01-15", "date"),
        ("2026-01-15 тағайындалды", "kk", "2026-01-15", "date"),
    ],
)
def test_dates_are_normalised(text: str, lang: str, value: str, datatype: str) -> None:
    [found] = find_dates(text, lang, "2025-08-06")
    assert (found.value, found.datatype) == (value, XSD + datatype)
    assert found.value  # offsets point at the words
    assert text[found.start : found.end].split()[0][:1].isalnum()


def test_relative_dates_count_back_from_the_article_date() -> None:
    [sunday] = find_dates("signed on Sunday an agreement", "en", "2025-08-04")
    assert sunday.value == "2025-08-03"
    [today] = find_dates("Сегодня подписали соглашение", "ru", "2025-08-03")
    assert today.value == "2025-08-03"
    assert find_dates("signed on 3 August", "en", None) == []  # no year to give it
    assert find_dates("for the decade 2024-2034", "en", "2025-08-04") == []
    assert find_dates("on 2026-02-30", "en", "2025-08-04") == []  # no such day


@pytest.mark.parametrize(
    ("text", "lang", "word", "value"),
    [
        ("SIGNED ON SUNDAY, AT NOON", "en", "SUNDAY", "2025-08-03"),
        ("Today the centre opened", "en", "Today", "2025-08-04"),
        ("В воскресенье подписали соглашение", "ru", "воскресенье", "2025-08-03"),
        ("Келісім жексенбіде қол қойылды", "kk", "жексенбіде", "2025-08-03"),
        ("Бүгін орталық ашылды", "kk", "Бүгін", "2025-08-04"),
    ],
)
def test_weekdays_and_today_are_found_in_any_case(
    text: str, lang: str, word: str, value: str
) -> None:
    [found] = find_dates(text, lang, "2025-08-04")  # a Monday
    assert (text[found.start : found.end], found.value) == (word, value)


def test_date_option_gives_the_year_when_the_header_has_none(tmp_path: Path) -> None:
    path = _article(
        tmp_path,
        "brief.ru.txt",
        "Токаев и Гутерреш провели переговоры\n"
        "Глава государства Касым-Жомарт Токаев 3 августа встретился в Алматы с Генсеком ООН "
        "Антониу Гутеррешем.\n",
    )
    [found] = extract([path], REPO, date="2025-08-04")
    [meeting] = [e for e in found.events if e.kind == "meeting"]
    assert ("meeting", "date", "2025-08-03") in meeting.facts()
    assert '"2025-08-03"^^xsd:date' in found.turtle
    result = CliRunner().invoke(app, ["--root", str(REPO), "extract", str(path), "--date", "2025"])
    assert result.exit_code == 2 and "not a date" in result.stderr


# Mentions --------------------------------------------------------------------------------------


def test_us_and_uk_spellings_and_accents_are_one_word() -> None:
    assert same_word("center", "Centre", "en") and same_word("finalized", "finalised", "en")
    assert same_word("Organizations", "organisations", "en")
    assert same_word("Antonio", "António", "en")
    assert not same_word("Ассамблея", "Азия", "ru")


@pytest.mark.parametrize(
    ("lang", "text", "entity", "quote"),
    [
        (
            "en",
            "the UN office in Kazakhstan said",
            "un-office-in-kazakhstan",
            "UN office in Kazakhstan",
        ),
        ("ru", "ГА ООН проголосовала", "un-general-assembly", "ГА ООН"),
        (
            "ru",
            "на 74-й сессии Генеральной Ассамблеи ООН",
            "un-general-assembly",
            "Генеральной Ассамблеи ООН",
        ),
        (
            "kk",
            "БҰҰ-ның Орталық Азия мен Ауғанстан үшін тұрақты даму мақсаттарына арналған "
            "өңірлік орталығы ашылды",
            "centre",
            None,
        ),
        ("kk", "18 БҰҰ агенттігі жұмыс істейді", "un-agencies", "БҰҰ агенттігі"),
    ],
)
def test_names_in_use_are_matched_without_being_spelled_out(
    lexicons, lang: str, text: str, entity: str, quote: str | None
) -> None:
    from sdgkg.extract.documents import Passage

    passage = Passage("l01", 0, len(text), text, 1, "sentence")
    found = {
        (m.entity.rsplit("/", 1)[1], text[m.start : m.end])
        for m in lexicons[lang].mentions(passage)
    }
    assert any(e == entity and (quote is None or q == quote) for e, q in found), found


def test_an_acronym_matches_only_in_capitals(lexicons) -> None:
    from sdgkg.extract.documents import Passage

    text = "га ооН"
    passage = Passage("l01", 0, len(text), text, 1, "sentence")
    assert not [m for m in lexicons["ru"].mentions(passage) if m.entity.endswith("assembly")]


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "Kazakhstan and the UN opened talks"), ("ru", "Казахстан и ООН начали переговоры")],
)
def test_an_entitys_own_name_wins_over_one_derived_from_another(
    lexicons, lang: str, text: str
) -> None:
    # "UN"/"ООН" is the United Nations' own short name; the Secretariat's "UN Secretariat"
    # also gives it as a derived one.
    from sdgkg.extract.documents import Passage

    passage = Passage("l01", 0, len(text), text, 1, "sentence")
    [short] = [m for m in lexicons[lang].mentions(passage) if "kazakhstan" not in m.entity]
    assert short.entity.endswith("/united-nations") and not short.derived


@pytest.fixture(scope="module")
def seed():
    [found] = extract([SEED], REPO)
    return found


def test_every_mention_is_a_web_annotation_of_its_words(seed) -> None:
    store = ox.Store()
    store.load(seed.turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    rows = list(
        store.query(
            "PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?body ?why ?start ?end ?exact WHERE {"
            " ?a a oa:Annotation ; oa:hasBody ?body ; oa:motivatedBy ?why ; oa:hasTarget ?t ."
            " ?t a oa:SpecificResource ; oa:hasSource ?doc ; oa:hasSelector ?p, ?q ."
            " ?p a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end ."
            " ?q a oa:TextQuoteSelector ; oa:exact ?exact }"
        )
    )
    assert len(rows) == len(seed.mentions) > 30
    text = seed.document.text
    for row in rows:
        assert text[int(row["start"].value) : int(row["end"].value)] == row["exact"].value
        assert row["why"].value in (OA + "identifying", OA + "linking")


def test_seed_relations_are_kept_apart_from_the_events(seed) -> None:
    """The seed's figures are measured on the relation candidates; events come in addition."""
    assert seed.candidates and seed.event_candidates
    assert not {c.triple() for c in seed.candidates} & {c.triple() for c in seed.event_candidates}
    assert {e.kind for e in seed.events} >= {"agreement-signed", "meeting"}


# New entities and events in each language's order ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "person", "post", "organisation"),
    [
        (
            "a.en.txt",
            "date 2025-10-12 Interview\nIn an interview, Askar Nurlanov, Ambassador-at-Large of "
            "the Ministry of Foreign Affairs of Kazakhstan, spoke about the centre.\n",
            "Askar Nurlanov",
            "Ambassador-at-Large",
            "Ministry of Foreign Affairs of Kazakhstan",
        ),
        (
            "a.ru.txt",
            "date 2026-03-03 Назначение\nГенеральный секретарь ООН назначил Тимура Абдрахманова "
            "заместителем директора Регионального центра ООН в Алматы.\n",
            "Тимура Абдрахманова",
            "заместителем директора",
            "kg:centre",
        ),
        (
            "a.kk.txt",
            "date 2026-01-22 Тағайындау\nОрталық директорының орынбасары болып Ербол Тұрсынов "
            "тағайындалды.\n",
            "Ербол Тұрсынов",
            "директорының орынбасары",
            "kg:centre",
        ),
    ],
)
def test_a_new_person_comes_with_post_and_organisation(
    tmp_path: Path, name: str, text: str, person: str, post: str, organisation: str
) -> None:
    [found] = extract([_article(tmp_path, name, text)], REPO)
    people = [e.as_gold() for e in found.entities if e.kind == "person"]
    assert {"type": "person", "label": person, "post": post, "organisation": organisation} in people
    assert "a schema:Person" not in found.turtle  # new entities are candidates, not assertions
    assert f'"{person}"@{name.split(".")[1]}' in found.turtle


def test_quotes_with_a_pronoun_take_the_speaker_before(tmp_path: Path) -> None:
    text = (
        "date 2025-11-02 Интервью\nВ интервью посол по особым поручениям МИД Казахстана Алия "
        "Жумабекова рассказала о центре.\n– Соглашение дает центру основу, – сказала "
        "Жумабекова.\n– Центральной Азии нужна площадка для диалога, – добавила она.\n"
    )
    [found] = extract([_article(tmp_path, "q.ru.txt", text)], REPO)
    speakers = [e.facts() for e in found.events if e.kind == "quote"]
    assert speakers == [{("quote", "speaker", "Алия Жумабекова")}] * 2


# The command -----------------------------------------------------------------------------------


def test_report_on_a_corpus_prints_scores_and_mentions() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--root", str(REPO), "extract", "--report", str(CORPUS / "kk")])
    assert result.exit_code == 0, result.output
    assert "kk       mentions" in result.stdout and "(identifying)" in result.stdout
    result = runner.invoke(
        app, ["--root", str(REPO), "extract", "--report", str(CORPUS / "en"), "--format", "json"]
    )
    data = json.loads(result.stdout)
    assert set(data["totals"]) == {"en"} and data["articles"][0]["mentions"]


def test_a_gold_file_that_does_not_parse_names_its_file_and_line(tmp_path: Path) -> None:
    shutil.copy(CORPUS / "en" / "brief.en.txt", tmp_path / "brief.en.txt")
    gold = tmp_path / "brief.en.toml"
    gold.write_text('style = "brief"\nmentions = [\n  ["kg:almaty", "Almaty"]\n]\nx = = 1\n')
    before = {p.name: p.read_bytes() for p in (REPO / "kg" / "extracted").iterdir()}
    result = CliRunner().invoke(app, ["--root", str(REPO), "extract", "--report", str(tmp_path)])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"Error: {gold}:5: gold file does not parse")
    assert before == {p.name: p.read_bytes() for p in (REPO / "kg" / "extracted").iterdir()}
    gold.write_text('[[event]]\nkind = "party"\n')
    with pytest.raises(InputError, match=r"brief.en.toml:2: unknown event kind 'party'"):
        load_gold(gold)
    gold.unlink()
    result = CliRunner().invoke(app, ["--root", str(REPO), "extract", "--report", str(tmp_path)])
    assert result.exit_code == 2 and "no gold file brief.en.toml" in result.stderr


def test_a_broken_event_patterns_file_is_one_error_line(tmp_path: Path) -> None:
    root = tmp_path / "root"
    for folder in ("ontology", "kg", "shapes"):
        shutil.copytree(REPO / folder, root / folder)
    article = CORPUS / "en" / "brief.en.txt"
    (root / "kg" / "extraction-events.toml").write_text("[names\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--root", str(root), "extract", str(article)])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: kg/extraction-events.toml:1:")
    assert not (root / "kg" / "extracted" / "brief.en.ttl").exists()


def test_report_on_the_seed_lists_its_mentions() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["--root", str(REPO), "extract", "--report"])
    assert result.exit_code == 0, result.output
    assert "Mentions, written as annotations (" in result.stdout
    assert "'Антониу Гутерришпен' -> kg:antonio-guterres (identifying)" in result.stdout
    result = runner.invoke(app, ["--root", str(REPO), "extract", "--report", "--format", "json"])
    [seed] = json.loads(result.stdout)
    almaty = [m for m in seed["mentions"] if m["entity"].endswith("/id/almaty")]
    assert almaty and all(m["motivation"] == "identifying" for m in almaty)


def test_a_visit_is_a_meeting_and_a_headline_is_not_an_event(tmp_path: Path) -> None:
    text = (
        "date 2025-08-05 UN chief visits Almaty\n"
        "ASTANA, August 4 (Kazinform) — UN Secretary-General António Guterres visited Almaty "
        "on Sunday.\n"
        "Министр иностранных дел Казахстана Мурат Нуртлеуов отметил, что центр откроется в "
        "2026 году.\n"
    )
    path = _article(tmp_path, "visit.en.txt", text.split("Министр")[0])
    [found] = extract([path], REPO, lang="en")
    [meeting] = [e.facts() for e in found.events if e.kind == "meeting"]
    assert meeting == {
        ("meeting", "participant", "kg:antonio-guterres"),
        ("meeting", "place", "kg:almaty"),
        ("meeting", "date", "2025-08-03"),
    }
    ru = "date 2025-08-05 Центр\n" + text.split("\n")[2] + "\n"
    [found] = extract([_article(tmp_path, "open.ru.txt", ru)], REPO)
    assert [e.facts() for e in found.events] == [
        {("launch", "what", "kg:centre"), ("launch", "date", "2026")}
    ]
    assert {
        "type": "person",
        "label": "Мурат Нуртлеуов",
        "post": "Министр иностранных дел Казахстана",
    } in [e.as_gold() for e in found.entities]


def test_a_kazakh_post_may_open_the_sentence(tmp_path: Path) -> None:
    text = (
        "date 2025-08-05 Орталық\nСыртқы істер министрі Мұрат Нұртілеу орталық 2026 жылы "
        "ашылады деп мәлімдеді.\n"
    )
    [found] = extract([_article(tmp_path, "post.kk.txt", text)], REPO)
    assert {"type": "person", "label": "Мұрат Нұртілеу", "post": "Сыртқы істер министрі"} in [
        e.as_gold() for e in found.entities
    ]
    assert [e.facts() for e in found.events if e.kind == "launch"] == [
        {("launch", "what", "kg:centre"), ("launch", "date", "2026")}
    ]


def test_an_english_title_before_the_name_is_the_post_and_a_surname_the_speaker(
    tmp_path: Path,
) -> None:
    text = (
        "date 2025-08-05 Interview\n"
        '"The centre will open next year," said Deputy Foreign Minister Arman Issetov.\n'
        '"We are ready," Issetov told reporters in Astana.\n'
    )
    [found] = extract([_article(tmp_path, "title.en.txt", text)], REPO)
    assert [e.as_gold() for e in found.entities if e.kind == "person"] == [
        {"type": "person", "label": "Arman Issetov", "post": "Deputy Foreign Minister"}
    ]
    speakers = [e.facts() for e in found.events if e.kind == "quote"]
    assert speakers == [{("quote", "speaker", "Arman Issetov")}] * 2


def test_a_speaker_who_expects_an_appointment_is_not_the_appointee(tmp_path: Path) -> None:
    text = (
        "date 2025-08-05 Сұхбат\nСыртқы істер министрі Мұрат Нұртілеу орталық басшылығы "
        "2026 жылы тағайындалатынын айтты.\n"
    )
    [found] = extract([_article(tmp_path, "expect.kk.txt", text)], REPO)
    assert not [e for e in found.events if e.kind == "appointment"]


def test_a_russian_post_may_run_over_its_department_up_to_the_name(tmp_path: Path) -> None:
    text = (
        "date 2025-08-05 Интервью\nДиректор департамента многостороннего сотрудничества МИД "
        "Казахстана Айгуль Сейткали рассказала о центре.\n"
    )
    [found] = extract([_article(tmp_path, "dept.ru.txt", text)], REPO)
    assert {
        "type": "person",
        "label": "Айгуль Сейткали",
        "post": "Директор департамента многостороннего сотрудничества",
        "organisation": "МИД Казахстана",
    } in [e.as_gold() for e in found.entities]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "decided.en.txt",
            "The staffing structure and the draft budget of the centre were finalised, officials "
            "said.\nThis decision was made in Astana on 3 February.\n",
        ),
        (
            "decided.ru.txt",
            "Штатная структура и проект бюджета центра утверждены, сообщили в правительстве.\n"
            "Решение было принято 3 февраля в Астане.\n",
        ),
        (
            "decided.kk.txt",
            "Орталықтың штаттық құрылымы мен бюджет жобасы бекітілді.\n"
            "Бұл шешім 3 ақпанда Астанада қабылданды.\n",
        ),
    ],
)
def test_the_decision_in_the_next_sentence_dates_the_task_progress(
    tmp_path: Path, name: str, text: str
) -> None:
    [found] = extract([_article(tmp_path, name, "date 2026-02-10 Update\n" + text)], REPO)
    assert [e.facts() for e in found.events if e.kind == "task-progress"] == [
        {
            ("task-progress", "task", "kg:task-staffing-and-budget"),
            ("task-progress", "status", "completed"),
            ("task-progress", "date", "2026-02-03"),
        }
    ]


def test_a_decision_with_no_task_progress_before_it_is_no_event(tmp_path: Path) -> None:
    text = "date 2026-02-10 Update\nРешение о создании центра было принято 3 февраля.\n"
    [found] = extract([_article(tmp_path, "alone.ru.txt", text)], REPO)
    assert not [e for e in found.events if e.kind == "task-progress"]
