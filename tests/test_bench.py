"""The benchmark script works end to end (quick mode); its timings are not asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.tools import find_tool, require_tool

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench" / "run.py"
pytestmark = pytest.mark.skipif(not BENCH.is_file(), reason="bench/ is not in this installation")


@pytest.fixture(scope="module")
def quick_results(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The table `bench/run.py --quick` writes (run once for this module)."""
    require_tool("oxigraph", wanted_by=__name__)
    output = tmp_path_factory.mktemp("bench") / "RESULTS.md"
    committed = REPO / "bench" / "RESULTS.md"
    before = committed.read_bytes() if committed.exists() else None
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert (committed.read_bytes() if committed.exists() else None) == before  # untouched
    return output.read_text(encoding="utf-8")


def test_quick_benchmark_writes_a_results_table(quick_results: str) -> None:
    for work in (
        "sdgkg --help",
        "extract --check",
        "extract --report, 100 kB article",
        "query, cold",
        "query, index built",
        "export turtle",
        "export jsonld",
        "stats",
        "validate DELTA",
        "review + accept",
        "peak RSS",
        "serve, req/s, same query",
        "serve, req/s, distinct query texts",
    ):
        assert f"| {work}" in quick_results, work
    assert "oxigraph CLI load+query" in quick_results and "\nMachine: " in quick_results
    assert "Not imported by `sdgkg query`: rdflib, pyshacl, pydantic, rich." in quick_results


def test_serve_rows_are_measured_with_wrk_or_say_why_not(quick_results: str) -> None:
    serve_rows = [line for line in quick_results.splitlines() if "| serve, req/s" in line]
    assert len(serve_rows) == 2
    if find_tool("wrk") is None:
        assert all("not measured: wrk is not installed" in row for row in serve_rows)
        require_tool("wrk", wanted_by=__name__)  # skips, saying how to install it
    assert all("req/s | oxigraph serve-read-only | " in row for row in serve_rows)
    assert not any("not measured" in row for row in serve_rows)


def test_only_some_groups_can_be_measured_and_appended(tmp_path: Path) -> None:
    require_tool("oxigraph", wanted_by=__name__)
    output = tmp_path / "RESULTS.md"
    output.write_text("# Benchmark results\n\nEarlier figures.\n", encoding="utf-8")
    argv = [sys.executable, str(BENCH), "--quick", "--only", "stats", "--append"]
    done = subprocess.run([*argv, "--output", str(output)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    text = output.read_text(encoding="utf-8")
    earlier, appended = text.split("\n## `python bench/run.py --quick --only stats --append")
    assert earlier.startswith("# Benchmark results\n\nEarlier figures.\n")
    rows = [line for line in appended.splitlines() if line.startswith("| 1k |")]
    assert [row.split(" | ")[1] for row in rows] == [
        "stats, parsing the files",
        "stats, index built",
    ]


def test_an_unknown_group_is_refused(tmp_path: Path) -> None:
    argv = [sys.executable, str(BENCH), "--only", "stats,speed", "--output", str(tmp_path / "r")]
    done = subprocess.run(argv, capture_output=True, text=True)
    assert done.returncode == 2
    assert "unknown group in --only: speed" in done.stderr
    assert not (tmp_path / "r").exists()
