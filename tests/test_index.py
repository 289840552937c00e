"""The persistent index: built once, reused while the files are unchanged, never stale."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from sdgkg import run_query
from sdgkg.store import index
from sdgkg.store.datasets import curated_graphs
from sdgkg.store.graph import load_graph

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SDGKG_CACHE_DIR", str(folder))
    monkeypatch.delenv("SDGKG_NO_INDEX", raising=False)
    monkeypatch.setattr(index, "INDEX_MIN_BYTES", 0)  # index even the tiny fixture graph
    return folder


def built(cache: Path) -> list[str]:
    layout = cache / index.LAYOUT
    if not layout.is_dir():
        return []
    return sorted(p.name for p in layout.iterdir() if not p.name.startswith("."))


def count(root: Path) -> int:
    return int(run_query(COUNT, root=root, all_graphs=True).rows[0][0].value)


def wait_for_index(cache: Path, how_many: int) -> None:
    """Wait (bounded) for the background build a query started."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        names = built(cache)
        if len(names) >= how_many and all(
            (cache / index.LAYOUT / n / "CURRENT").is_file() for n in names
        ):
            return
        time.sleep(0.1)
    raise AssertionError("the background build did not finish in 60 s")


def test_first_query_answers_in_memory_and_builds_the_index_in_the_background(root, cache):
    first = count(root)  # answers at once, from the files
    wait_for_index(cache, 1)
    names = built(cache)
    marker = cache / index.LAYOUT / names[0] / "CURRENT"
    stamp = marker.stat().st_mtime_ns
    assert count(root) == first  # now from the index
    assert count(root) == first
    assert built(cache) == names and marker.stat().st_mtime_ns == stamp


def test_a_changed_file_gets_a_new_index_never_a_stale_answer(root, cache):
    before = count(root)
    wait_for_index(cache, 1)
    target = next((root / "kg").rglob("*.ttl"))
    target.write_text(
        target.read_text(encoding="utf-8")
        + '\n<https://w3id.org/sdgkg/id/x> <https://schema.org/name> "x" .\n',
        encoding="utf-8",
    )
    assert count(root) == before + 1
    wait_for_index(cache, 2)
    assert count(root) == before + 1


def test_the_index_is_opened_read_only(root):
    store = index.open_index(root)
    with pytest.raises(RuntimeError, match="read-write"):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_small_graphs_skip_the_index(root, cache, monkeypatch):
    monkeypatch.setattr(index, "INDEX_MIN_BYTES", 10**9)
    count(root)
    assert built(cache) == []


def _open_and_count(root: str) -> int:
    return len(index.open_index(Path(root)))


def test_two_processes_building_at_once_both_get_a_whole_index(root, cache):
    context = multiprocessing.get_context("spawn")  # children read SDGKG_CACHE_DIR afresh
    with context.Pool(2) as pool:
        sizes = pool.map(_open_and_count, [str(root)] * 2)
    # Every quad of the files, and the copy of the curated ones in the default graph.
    memory = load_graph(root)
    copied = {
        q.triple
        for g in curated_graphs(memory)
        for q in memory.quads_for_pattern(None, None, None, g)
    }
    assert sizes[0] == sizes[1] == count(root) + len(copied)
    assert len(built(cache)) == 1
    assert not [p for p in (cache / index.LAYOUT).iterdir() if p.name.startswith(".build-")]
