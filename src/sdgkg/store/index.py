"""A persistent, never-stale index of the graph: an on-disk pyoxigraph Store in a cache folder.

Parsing a million triples takes seconds; opening a store that already holds them takes
milliseconds. The index is keyed by a content hash of every graph file (path and bytes), so it is
rebuilt whenever a file changes and can never answer from stale data. A build writes into a
temporary folder and renames it into place, so two processes building at once never see a
half-built index (the loser of the rename race throws its copy away). Queries open the index
read-only.

The first query after a change does not wait for the build: it parses the files in memory
(faster than building) and starts the build in a background process; later queries open the
index. Small graphs skip the index: below `INDEX_MIN_BYTES` of source files, parsing them in memory
is faster than opening an on-disk store.

Cache folder: $SDGKG_CACHE_DIR, else $XDG_CACHE_HOME/sdgkg, else ~/.cache/sdgkg;
$SDGKG_NO_INDEX turns the index off.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from sdgkg.parallel import detached
from sdgkg.store.datasets import curated_graphs
from sdgkg.store.digests import content_key
from sdgkg.store.graph import load_files, load_graph
from sdgkg.store.paths import graph_files
from sdgkg.store.writes import reading

CACHE_ENV = "SDGKG_CACHE_DIR"
NO_INDEX_ENV = "SDGKG_NO_INDEX"  # set (to anything) to always parse the files in memory
# Measured: at 1.5k triples (90 kB) an in-memory parse takes 4 ms and a read-only open 8 ms;
# from about 1 MB of Turtle (20k triples) the index wins.
INDEX_MIN_BYTES = 1_000_000
# Bump when the layout or the loader changes (v2: compacted; v3: a copy of the curated graphs
# in the default graph, see sdgkg.store.datasets).
LAYOUT = "index-v3"
_PROGRESS_AFTER = 1.0  # seconds: loads shorter than this print nothing


def cache_dir() -> Path:
    """The folder sdgkg caches indexes in."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "sdgkg"


def fingerprint(root: Path, files: Sequence[Path]) -> str:
    """A hash of the files' paths (relative to root) and contents."""
    return content_key(root, files, LAYOUT, cache_dir())


def wants_index(files: Sequence[Path]) -> bool:
    """Whether these sources are big enough for the on-disk index to pay off."""
    return sum(path.stat().st_size for path in files) >= INDEX_MIN_BYTES


def open_index(root: Path) -> ox.Store:
    """A read-only Store of the graph files under `root`, built first if it is missing."""
    with reading(root):
        files = graph_files(root)
        target = index_path(root, files)
        if not (target / "CURRENT").is_file():  # RocksDB writes CURRENT last: a finished store
            _build(root, files, target)
    return ox.Store.read_only(str(target))


def _build(root: Path, files: Sequence[Path], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".build-"))
    try:
        with _progress(f"indexing {len(files)} graph files"):
            store = ox.Store(str(temp))
            load_files(store, root, files, bulk=True)
            _copy_curated_into_default_graph(store)
            # A bulk load leaves many small sorted files; compacting them once makes every
            # later lookup cheaper (a join query at 1M triples: 0.24 s before, 0.10 s after).
            store.optimize()
            store.flush()
            del store  # closes the database before the rename
        try:
            temp.rename(target)
        except OSError:
            if not (target / "CURRENT").is_file():  # not a concurrent build that won: retry
                shutil.rmtree(target, ignore_errors=True)
                temp.rename(target)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    _prune(target)


def _copy_curated_into_default_graph(store: ox.Store) -> None:
    """The curated graphs' triples also in the default graph, where a query without its own
    dataset reads them with one lookup a pattern instead of one a graph."""
    for graph in curated_graphs(store):
        found = store.quads_for_pattern(None, None, None, graph)
        store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in found)


def _prune(keep: Path) -> None:
    # Indexes of older file versions are dead weight; leave any a reader may still have open
    # (anything touched in the last hour) and any concurrent build.
    cutoff = time.time() - 3600
    for other in keep.parent.iterdir():
        if other != keep and not other.name.startswith(".") and other.stat().st_mtime < cutoff:
            shutil.rmtree(other, ignore_errors=True)


@contextmanager
def _progress(what: str) -> Iterator[None]:
    """Say on stderr what is going on, but only for work that takes over a second."""
    started = time.monotonic()
    timer = threading.Timer(_PROGRESS_AFTER, lambda: print(f"sdgkg: {what}...", file=sys.stderr))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        elapsed = time.monotonic() - started
        if elapsed >= _PROGRESS_AFTER:
            print(f"sdgkg: {what}: done in {elapsed:.1f} s", file=sys.stderr)


def query_store(root: Path) -> ox.Store:
    """The Store to answer read-only queries from: the index for big graphs when it is built;
    otherwise the files parsed in memory, while a background process builds the index.

    Parsing in memory is 2-3 times faster than building the on-disk index, so the first query
    after a change answers as soon as a plain parse allows, and the next ones use the index.
    """
    return query_source(root)[0]


def query_source(root: Path) -> tuple[ox.Store, bool]:
    """`query_store`'s Store, and whether it is the index, whose default graph holds a copy
    of the curated graphs (what `EmbeddedEngine(..., curated_copy=...)` needs to know)."""
    files = graph_files(root)
    if os.environ.get(NO_INDEX_ENV) or not wants_index(files):
        return load_graph(root), False
    target = index_path(root, files)
    if (target / "CURRENT").is_file():
        return ox.Store.read_only(str(target)), True
    _build_in_background(root, target)
    with _progress(f"reading {len(files)} graph files (the index is being built meanwhile)"):
        return load_graph(root), False


def index_path(root: Path, files: Sequence[Path]) -> Path:
    """Where the index of these files lives (whether or not it is built yet)."""
    return cache_dir() / LAYOUT / fingerprint(root, files)


def _build_in_background(root: Path, target: Path) -> None:
    # One builder at a time: a recent build folder means one is already at work.
    parent = target.parent
    recent = time.time() - 600
    if parent.is_dir() and any(
        p.name.startswith(".build-") and p.stat().st_mtime > recent for p in parent.iterdir()
    ):
        return
    detached(["-m", "sdgkg.store.index", str(root)])


def main(argv: Sequence[str]) -> int:
    """`python -m sdgkg.store.index ROOT`: build the index of ROOT (what queries start)."""
    os.nice(10)  # the query that started this build should keep the CPU first
    open_index(Path(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
