"""The `[[progress]]` patterns: a sentence reports a known task done, and when."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdgkg.extract.progress import find_dates

from .conftest import REPO


@pytest.mark.parametrize(
    ("text", "lang", "dates"),
    [
        ("was appointed on 15 January 2026.", "en", ["2026-01-15"]),
        ("On January 5, 2026 and on 2026-02-01.", "en", ["2026-01-05", "2026-02-01"]),
        ("on 31 February 2026", "en", []),  # no such day
        ("in May 2026", "en", []),  # a month is not a date
        ("назначен 15 января 2026 года", "ru", ["2026-01-15"]),
        ("3 мая 2025 г.", "ru", ["2025-05-03"]),
        ("2026 жылғы 15 қаңтарда тағайындалды", "kk", ["2026-01-15"]),
        ("2025 жылғы 3 тамызда", "kk", ["2025-08-03"]),
    ],
)
def test_dates_in_three_languages(text: str, lang: str, dates: list[str]) -> None:
    assert find_dates(text, lang) == dates


def extract_text(tmp_path: Path, name: str, text: str) -> str:
    from sdgkg.extract import extract

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    [found] = extract([path], REPO, output=tmp_path / "out.ttl")
    return found.turtle


needs_graph = pytest.mark.skipif(
    not (REPO / "kg" / "tasks.ttl").is_file(), reason="needs the project graph"
)


@needs_graph
@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "ru.txt",
            "Центр ООН в Алматы\nРуководитель Регионального центра ООН по Целям устойчивого "
            "развития для Центральной Азии и Афганистана назначен 15 января 2026 года.\n",
        ),
        (
            "kk.txt",
            "Алматыдағы БҰҰ орталығы\nБіріккен Ұлттар Ұйымының Орталық Азия мен Ауғанстан "
            "үшін тұрақты даму мақсаттарына арналған өңірлік орталығының директоры 2026 жылғы "
            "15 қаңтарда тағайындалды.\n",
        ),
    ],
)
def test_progress_in_russian_and_kazakh(tmp_path: Path, name: str, text: str) -> None:
    turtle = extract_text(tmp_path, name, text)
    assert "rdf:subject kg:task-appoint-leadership" in turtle
    assert "rdf:object schema:CompletedActionStatus" in turtle
    assert 'rdf:object "2026-01-15"^^xsd:date' in turtle


@needs_graph
def test_no_progress_without_the_trigger_or_the_topic(tmp_path: Path) -> None:
    other = "Report\nThe director of the city museum was appointed on 15 January 2026.\n"
    assert "task-appoint-leadership" not in extract_text(tmp_path, "museum.en.txt", other)
    plain = (
        "Report\nThe United Nations Regional Centre for the Sustainable Development Goals for "
        "Central Asia and Afghanistan met on 15 January 2026.\n"
    )
    assert "task-appoint-leadership" not in extract_text(tmp_path, "met.en.txt", plain)
