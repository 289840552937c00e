"""Bad input to `sdgkg extract`: one clear line on stderr, exit 2, and kg/ left as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sdgkg.cli import app
from sdgkg.errors import InputError
from sdgkg.extract.documents import read_document

REPO = Path(__file__).resolve().parent.parent
ARTICLES = Path(__file__).parent / "fixtures" / "articles"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "root"
    for folder in ("ontology", "kg", "shapes", "seeds"):
        shutil.copytree(REPO / folder, target / folder)
    return target


def snapshot(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted((root / "kg").rglob("*")) if p.is_file()}


def run(root: Path, *args: str):
    return CliRunner().invoke(app, ["--root", str(root), "extract", *args])


CASES = {
    "empty.txt": (b"", "empty.txt:1: empty document"),
    "blank.txt": (b"  \n\n \n", "blank.txt:1: empty document"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary.txt:3: binary data"),
    "controls.txt": (b"Almaty centre\n" + b"\x01\x1b" * 20, "controls.txt:2: binary data"),
    "latin1.txt": ("Алматы\nCafé".encode() + b"\n\xe9t\xe9", "latin1.txt:3: not UTF-8 text"),
    "cp1251.txt": ("Центр ООН в Алматы".encode("cp1251"), "cp1251.txt:1: not UTF-8 text"),
    "german.txt": (
        "Das Zentrum der Vereinten Nationen in Almaty wurde gestern eröffnet.".encode(),
        "german.txt:1: cannot tell the language",
    ),
    "chinese.txt": (
        "联合国可持续发展目标区域中心".encode(),
        "chinese.txt:1: cannot tell the language",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_one_line_and_changes_nothing(root: Path, tmp_path: Path, name: str) -> None:
    data, expected = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(root)
    result = run(root, str(path))
    assert result.exit_code == 2, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"Error: {path}") or first.startswith(f"Error: {expected}")
    assert expected in first
    assert "Traceback" not in result.output
    assert snapshot(root) == before


def test_a_stray_control_character_in_a_long_text_is_not_binary_data(tmp_path: Path) -> None:
    text = "The centre in Almaty opened today, and the agencies of the UN moved in. " * 4
    path = tmp_path / "bell.en.txt"
    path.write_text(text + "\x07\tA last line.\f\n", encoding="utf-8")
    assert read_document(path, "bell.en.txt").lang == "en"


def test_unknown_language_option(root: Path) -> None:
    result = run(root, str(ARTICLES / "centre-launch.en.txt"), "--lang", "de")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: unknown language 'de'")


def test_missing_file(root: Path, tmp_path: Path) -> None:
    result = run(root, str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "nope.txt: no such file" in result.stderr


def test_a_huge_file_is_refused_quickly_before_it_is_read(root: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    line = "Алматыда БҰҰ өңірлік орталығы жұмыс істейді.\n".encode()
    with huge.open("wb") as handle:
        for _ in range(30_000_000 // len(line) + 1):
            handle.write(line)
    before = snapshot(root)
    result = run(root, str(huge))
    assert result.exit_code == 2
    assert "MB is more than the 2 MB a document may have" in result.stderr
    assert "Hint: split it into articles, or raise the limit with --max-size" in result.stderr
    assert snapshot(root) == before


def test_a_large_file_within_a_raised_limit_reports_progress(root: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.kk.txt"
    sentence = "Алматыдағы БҰҰ өңірлік орталығы Тәжікстанмен және Өзбекстанмен жұмыс істейді. "
    big.write_text((sentence * 40 + "\n") * 300, encoding="utf-8")
    out = tmp_path / "big.ttl"
    result = run(root, str(big), "--max-size", "5", "--report", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "extract: " in result.stderr and "passages (" in result.stderr.splitlines()[0]
    assert not out.exists()  # --report writes nothing


def test_output_needs_exactly_one_file(root: Path) -> None:
    files = [str(p) for p in sorted(ARTICLES.glob("*.txt"))]
    result = run(root, *files, "--output", "x.ttl")
    assert result.exit_code == 2 and "--output needs exactly one FILE" in result.stderr


def test_a_broken_patterns_file_is_named(root: Path) -> None:
    patterns = root / "kg" / "extraction-patterns.toml"
    patterns.write_text(patterns.read_text(encoding="utf-8") + "\n[[relation]\n", encoding="utf-8")
    result = run(root, str(ARTICLES / "centre-launch.en.txt"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: kg/extraction-patterns.toml:")


def test_a_successful_run_writes_only_its_output(root: Path) -> None:
    before = snapshot(root)
    result = run(root, str(ARTICLES / "centre-structure.ru.txt"))
    assert result.exit_code == 0, result.output
    after = snapshot(root)
    added = set(after) - set(before)
    assert [p.relative_to(root).as_posix() for p in added] == [
        "kg/extracted/centre-structure.ru.ttl"
    ]
    assert {p: after[p] for p in before} == before


def test_ukrainian_is_not_taken_for_russian(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "uk.txt"
    path.write_text("Центр ООН в Алмати отримав нові завдання від Генеральної Асамблеї.", "utf-8")
    result = run(root, str(path))
    assert result.exit_code == 2 and "cannot tell the language" in result.stderr


def test_a_failed_write_leaves_every_output_as_it_was(root: Path, tmp_path: Path) -> None:
    from dataclasses import replace

    from sdgkg.extract.run import _write_all, extract

    found = extract(sorted(ARTICLES.glob("*.txt"))[:2], root)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    found[1] = replace(found[1], output=blocked / "out.ttl")  # its folder cannot be made
    before = snapshot(root)
    with pytest.raises(InputError, match="cannot write"):
        _write_all(found)
    assert snapshot(root) == before
    assert not list((root / "kg" / "extracted").glob(".*.tmp*"))
    assert not [p for p in (root / "kg" / "extracted").iterdir() if p.name.startswith(".")]
