"""The benchmark script works end to end (quick mode); its timings are not asserted here."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench" / "run.py"


@pytest.mark.skipif(not BENCH.is_file(), reason="bench/ is not in this installation")
def test_quick_benchmark_writes_a_results_table(tmp_path):
    oxigraph = shutil.which("oxigraph") or Path(sys.executable).with_name("oxigraph")
    if not Path(oxigraph).exists():
        pytest.skip("the oxigraph CLI (PyPI package oxigraph, in the test extra) is missing")
    output = tmp_path / "RESULTS.md"
    committed = REPO / "bench" / "RESULTS.md"
    before = committed.read_bytes() if committed.exists() else None
    done = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    text = output.read_text(encoding="utf-8")
    for work in (
        "sdgkg --help",
        "query, cold",
        "query, index built",
        "export turtle",
        "export jsonld",
        "validate DELTA",
        "peak RSS",
        "serve, req/s",
    ):
        assert f"| {work}" in text, work
    assert "oxigraph CLI load+query" in text and "\nMachine: " in text
    assert "Not imported by `sdgkg query`: rdflib, pyshacl, pydantic, rich." in text
    assert (committed.read_bytes() if committed.exists() else None) == before  # untouched
