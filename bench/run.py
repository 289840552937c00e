"""Benchmark sdgkg against the engines it is measured by, side by side, in one run.

    python bench/run.py [--sizes 1k,100k,1M] [--quick] [--runs N] [--only GROUPS]
                        [--output bench/RESULTS.md] [--append]

For each size it generates a graph of the project's shape (bench/generate.py), then times whole
processes, several runs each, and writes medians and ratios as a Markdown table:

- `sdgkg query` (no index, and with the persistent index cold and warm) against the `oxigraph`
  CLI loading the same files into a fresh store and running the same query, a pyoxigraph script
  and an rdflib script;
- `sdgkg export` to Turtle and JSON-LD against pyoxigraph's own serializer;
- `sdgkg stats` (parsing the files, and from the index) against the pyoxigraph script;
- `sdgkg validate` of the whole graph, and of about ten new facts (`validate DELTA`) with the
  graph's own report cached and without, against a full pySHACL run on the union;
- `sdgkg review` then `sdgkg accept` of an article's candidates on a copy of the project's graph;
- peak RSS of `sdgkg query` against the pyoxigraph script;
- `sdgkg serve` against `oxigraph serve-read-only` under `wrk`, when both are available;
- `sdgkg extract` on the seed (`--check`) and on a long article made of the development corpus;
- `sdgkg --help`, and the `python -X importtime` profile of `sdgkg query`.

`--quick` (used by the test suite) runs the smallest graph once, to prove the script works.
`--only stats,query` measures some groups of rows alone, and `--append` adds their table to the
results file as a new section, so a slow group can be measured again without the others.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate, parse_size  # noqa: E402

from sdgkg.store.index import LAYOUT  # noqa: E402

BENCH = Path(__file__).resolve().parent
QUERY = "pending-tasks"  # a join: type, position, status, labels filtered by language, OPTIONALs
LANG = "en"
PY = sys.executable
SDGKG = [PY, "-m", "sdgkg"]

# The anchors, as small scripts run in their own processes (argv: data root, query file).
PYOXIGRAPH_QUERY = """
import sys, pathlib, pyoxigraph as ox
root = pathlib.Path(sys.argv[1]); store = ox.Store()
for path in sorted([*root.glob("ontology/**/*.ttl"), *root.glob("kg/**/*.ttl")]):
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(path.as_uri()))
result = store.query(open(sys.argv[2]).read(), use_default_graph_as_union=True)
sys.stdout.buffer.write(result.serialize(format=ox.QueryResultsFormat.CSV))
"""
RDFLIB_QUERY = """
import sys, pathlib, rdflib
root = pathlib.Path(sys.argv[1]); graph = rdflib.Dataset(default_union=True)
for path in sorted([*root.glob("ontology/**/*.ttl"), *root.glob("kg/**/*.ttl")]):
    graph.graph(rdflib.URIRef(path.as_uri())).parse(path, format="turtle")
if sys.argv[2] != "-":
    sys.stdout.write(graph.query(open(sys.argv[2]).read()).serialize(format="csv").decode())
"""
PYOXIGRAPH_EXPORT = """
import sys, pathlib, pyoxigraph as ox
root = pathlib.Path(sys.argv[1]); store = ox.Store()
for path in sorted([*root.glob("ontology/**/*.ttl"), *root.glob("kg/**/*.ttl")]):
    store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(path.as_uri()))
fmt = {"turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[sys.argv[2]]
ox.serialize((q.triple for q in store), sys.stdout.buffer, fmt)
"""
PYSHACL_FULL = """
import sys, pathlib, rdflib, pyshacl
root = pathlib.Path(sys.argv[1]); data = rdflib.Graph(); shapes = rdflib.Graph()
extra = [pathlib.Path(arg) for arg in sys.argv[2:]]
for path in sorted([*root.glob("ontology/**/*.ttl"), *root.glob("kg/**/*.ttl")]) + extra:
    data.parse(path, format="turtle")
for path in sorted(root.glob("shapes/**/*.ttl")):
    shapes.parse(path, format="turtle")
conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
print(conforms)
"""
# About ten new facts: a new pending task of the centre, with its labels, and the evidence
# of one of them; it touches inverse paths (the task scheme), a SPARQL constraint (positions
# in a scheme) and nested shapes (the fact's passage).
DELTA = """@prefix kg: <https://w3id.org/sdgkg/id/> .
@prefix sdgkg: <https://w3id.org/sdgkg/ontology#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix prov: <http://www.w3.org/ns/prov#> .

kg:task-bench-new a sdgkg:OrganisationalTask ;
    schema:actionStatus schema:PotentialActionStatus ;
    schema:position 9 ;
    sdgkg:prerequisiteFor kg:official-launch ;
    skos:prefLabel "Benchmark task"@en, "Эталондық міндет"@kk, "Эталонная задача"@ru .

kg:fact-task-bench-new-prerequisiteFor-official-launch a rdf:Statement ;
    rdf:subject kg:task-bench-new ;
    rdf:predicate sdgkg:prerequisiteFor ;
    rdf:object kg:official-launch ;
    prov:wasDerivedFrom kg:seed-l10 .
"""


@dataclass
class Row:
    size: str
    work: str
    sdgkg: float | None
    anchor_name: str = ""
    anchor: float | None = None
    target: str = ""
    limit: float | None = None  # the largest sdgkg/anchor ratio that meets the target
    unit: str = "s"
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.sdgkg is None or not self.anchor:
            return None
        return self.sdgkg / self.anchor

    def verdict(self) -> str:
        if self.limit is None:
            return ""
        if self.ratio is None:
            return "not measured"
        return "met" if self.ratio <= self.limit else "MISSED"


@dataclass
class Bench:
    runs: int
    work: Path
    rows: list[Row] = field(default_factory=list)

    def time(self, argv: Sequence[str], runs: int | None = None, **kw: object) -> float:
        """Median wall time of running `argv` to completion, output discarded."""
        return statistics.median(self._once(argv, **kw)[0] for _ in range(runs or self.runs))

    def peak_rss(self, argv: Sequence[str], **kw: object) -> float:
        """Median peak resident memory (MB) of a process running `argv`."""
        return statistics.median(self._once(argv, **kw)[1] for _ in range(self.runs))

    def _once(
        self, argv: Sequence[str], env: dict[str, str] | None = None, setup: Callable | None = None
    ) -> tuple[float, float]:
        if setup:
            setup()
        started = time.perf_counter()
        proc = subprocess.Popen(
            list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_env(env)
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        if proc.returncode != 0 and not (proc.returncode == 1 and "validate" in argv):
            raise SystemExit(f"bench: {' '.join(argv)} failed ({proc.returncode}):\n{stderr}")
        return elapsed, usage.ru_maxrss / 1024


def tool(name: str) -> str | None:
    """A program beside this Python (installed by an extra into the venv), else on PATH: the
    rule tests/tools.py follows too."""
    beside = Path(PY).with_name(name)
    return str(beside) if beside.is_file() and os.access(beside, os.X_OK) else shutil.which(name)


def _env(extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDGKG_")}
    return {**env, **(extra or {})}


def write_query_files(bench: Bench, root: Path) -> None:
    """The benchmark query with its parameter inlined, and the pyoxigraph and rdflib scripts
    that run it: the anchors of the query and stats rows."""
    text = (root / "queries" / f"{QUERY}.rq").read_text(encoding="utf-8")
    query = text.replace("?lang\n", "\n").replace("?lang", f'"{LANG}"')
    (bench.work / "query.rq").write_text(query)
    (bench.work / "pyoxigraph_query.py").write_text(PYOXIGRAPH_QUERY)
    (bench.work / "rdflib_query.py").write_text(RDFLIB_QUERY)


def query_rows(bench: Bench, label: str, root: Path) -> None:
    query_file = bench.work / "query.rq"
    files = sorted([*root.glob("ontology/**/*.ttl"), *root.glob("kg/**/*.ttl")])
    store = bench.work / "oxigraph-store"
    cache = bench.work / "cache"
    oxigraph = tool("oxigraph") or "oxigraph"

    def fresh_store() -> None:
        shutil.rmtree(store, ignore_errors=True)

    def oxigraph_cli() -> None:
        fresh_store()
        subprocess.run(
            [oxigraph, "load", "-l", str(store), "-f", *map(str, files)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                oxigraph,
                "query",
                "-l",
                str(store),
                "--union-default-graph",
                "--query-file",
                str(query_file),
                "--results-format",
                "csv",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    anchor = _median_of(bench, oxigraph_cli)
    sdgkg = [*SDGKG, "--root", str(root), "query", QUERY, "-p", f"lang={LANG}", "-f", "csv"]
    no_index = {"SDGKG_NO_INDEX": "1"}
    limit = 2.0 if label == "1k" else 1.0
    target = "≤ 2× oxigraph CLI" if label == "1k" else "≤ 1× oxigraph CLI"
    cold = bench.time(sdgkg, env=no_index)
    bench.rows.append(
        Row(
            label,
            "query, cold, parsing the files",
            cold,
            "oxigraph CLI load+query",
            anchor,
            target,
            limit,
        )
    )
    cached = {"SDGKG_CACHE_DIR": str(cache)}

    def no_index() -> None:
        _wait_for_builds(cache)  # a build still running from the previous run would compete
        shutil.rmtree(cache, ignore_errors=True)

    first = bench.time(sdgkg, env=cached, setup=no_index)
    _wait_for_builds(cache)
    bench.rows.append(
        Row(
            label,
            "query, first after a change (index builds in the background)",
            first,
            "oxigraph CLI load+query",
            anchor,
            target,
            limit,
        )
    )
    warm = bench.time(sdgkg, env=cached)
    bench.rows.append(
        Row(
            label,
            "query, index built",
            warm,
            target="< 0.5 s" if label == "1M" else "",
            note="absolute target" if label == "1M" else "",
        )
    )
    if label == "1M":
        bench.rows[-1].anchor_name, bench.rows[-1].anchor, bench.rows[-1].limit = "0.5 s", 0.5, 1.0
    pyox = [PY, str(bench.work / "pyoxigraph_query.py"), str(root), str(query_file)]
    bench.rows.append(Row(label, "query, cold", cold, "pyoxigraph script", bench.time(pyox)))
    rdflib_script = bench.work / "rdflib_query.py"
    if label == "1k":  # rdflib's query takes minutes at 100k (the issue measured 168 s)
        rdf = bench.time([PY, str(rdflib_script), str(root), str(query_file)])
        bench.rows.append(Row(label, "query, cold", cold, "rdflib script", rdf))
    else:
        rdf = bench.time([PY, str(rdflib_script), str(root), "-"], runs=1)
        bench.rows.append(Row(label, "query, cold", cold, "rdflib parse alone (1 run)", rdf))
    memory_rows(bench, label, sdgkg, cached, pyox)


def memory_rows(
    bench: Bench, label: str, sdgkg: list[str], cached: dict[str, str], pyox: list[str]
) -> None:
    anchor = bench.peak_rss(pyox)
    limit = 1.5 if label == "1M" else None
    bench.rows.append(
        Row(
            label,
            "peak RSS of query, index built",
            bench.peak_rss(sdgkg, env=cached),
            "pyoxigraph script",
            anchor,
            "≤ 1.5×" if limit else "",
            limit,
            "MB",
        )
    )
    bench.rows.append(
        Row(
            label,
            "peak RSS of query, no index",
            bench.peak_rss(sdgkg, env={"SDGKG_NO_INDEX": "1"}),
            "pyoxigraph script",
            anchor,
            unit="MB",
        )
    )


def _wait_for_builds(cache: Path, timeout: float = 300) -> None:
    """Wait (bounded) until no background index build is running in `cache`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        layout = cache / LAYOUT  # the index layout folder of the installed sdgkg
        if not layout.is_dir() or not any(p.name.startswith(".build-") for p in layout.iterdir()):
            return
        time.sleep(0.2)
    raise SystemExit(f"bench: an index build in {cache} ran over {timeout} s")


def _median_of(bench: Bench, action: Callable[[], None]) -> float:
    times = []
    for _ in range(bench.runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def export_rows(bench: Bench, label: str, root: Path) -> None:
    script = bench.work / "pyoxigraph_export.py"
    script.write_text(PYOXIGRAPH_EXPORT)
    for fmt in ("turtle", "jsonld"):
        anchor = bench.time([PY, str(script), str(root), fmt])
        ours = bench.time(
            [*SDGKG, "--root", str(root), "export", "--format", fmt], env={"SDGKG_NO_INDEX": "1"}
        )
        limit = 1.5 if label == "1M" else None
        bench.rows.append(
            Row(
                label,
                f"export {fmt}",
                ours,
                "pyoxigraph serializer",
                anchor,
                "≤ 1.5×" if limit else "",
                limit,
            )
        )


def stats_rows(bench: Bench, label: str, root: Path) -> None:
    """`sdgkg stats` parsing the files, and from the built index; linear in the graph's size
    (it was quadratic: 56 s at 100k). The anchor is loading the files and running one query."""
    query_file = bench.work / "query.rq"
    pyox = [PY, str(bench.work / "pyoxigraph_query.py"), str(root), str(query_file)]
    anchor = bench.time(pyox)
    argv = [*SDGKG, "--root", str(root), "stats", "--timeout", "0"]
    parsing = bench.time(argv, env={"SDGKG_NO_INDEX": "1"})
    absolute = label == "1M"
    row = Row(label, "stats, parsing the files", parsing, "pyoxigraph script", anchor)
    if absolute:
        row.anchor_name, row.anchor, row.target, row.limit = "10 s", 10.0, "< 10 s", 1.0
    bench.rows.append(row)
    cache = {"SDGKG_CACHE_DIR": str(bench.work / "cache")}
    bench.time(argv, runs=1, env=cache)  # builds the index if the query rows have not
    _wait_for_builds(bench.work / "cache")
    bench.rows.append(Row(label, "stats, index built", bench.time(argv, env=cache)))


def validate_rows(bench: Bench, label: str, root: Path) -> None:
    delta = bench.work / "delta.ttl"
    delta.write_text(DELTA, encoding="utf-8")
    script = bench.work / "pyshacl_full.py"
    script.write_text(PYSHACL_FULL)
    full = bench.time([PY, str(script), str(root), str(delta)], runs=1)
    anchor = "full pySHACL on the union (1 run)"
    cache = {"SDGKG_CACHE_DIR": str(bench.work / "validate-cache")}
    shutil.rmtree(bench.work / "validate-cache", ignore_errors=True)
    # The whole-graph run also leaves the graph's own report in the cache: what `validate
    # DELTA` builds on, once per version of the graph and shapes.
    whole = bench.time([*SDGKG, "--root", str(root), "validate"], runs=1, env=cache)
    bench.rows.append(Row(label, "validate, whole graph (1 run)", whole, anchor, full, "≤ 1×", 1.0))
    check = [*SDGKG, "--root", str(root), "validate", str(delta)]
    warm = bench.time(check, env=cache)
    work = "validate DELTA (10 facts), graph's report cached"
    bench.rows.append(Row(label, work, warm, anchor, full, "≤ 0.1×", 0.1))
    cold = {"SDGKG_CACHE_DIR": str(bench.work / "validate-cold")}
    first = bench.time(check, runs=1, env=cold)
    work = "validate DELTA, first after a change (1 run, whole graph too)"
    bench.rows.append(Row(label, work, first, anchor, full))


def project_validate_row(bench: Bench) -> None:
    """`validate DELTA` on the project's own graph, its report cached: what a curator runs
    most, now with every result explained and located (bench/RESULTS.md has the figure from
    before the explanations; the target is to stay within 10% of it)."""
    delta = bench.work / "delta.ttl"
    delta.write_text(DELTA, encoding="utf-8")
    cache = {"SDGKG_CACHE_DIR": str(bench.work / "validate-project")}
    command = [*SDGKG, "--root", str(BENCH.parent), "validate"]
    bench.time(command, runs=1, env=cache)  # leaves the graph's report in the cache
    warm = bench.time([*command, str(delta)], env=cache)
    work = "validate DELTA (10 facts), project graph, report cached"
    bench.rows.append(Row("project", work, warm, note="explained and located results"))


# The curation loop's test article: 26 candidates, of which the new facts and the second
# sources (19) are accepted; the conflict and the new entities need a curator's labels.
CURATION_ARTICLE = BENCH.parent / "tests" / "fixtures" / "articles" / "centre-structure.ru.txt"


def curation_row(bench: Bench) -> None:
    """`sdgkg review` then `sdgkg accept` of an extraction, on a copy of the project's graph
    as `sdgkg extract` leaves it (its report cached): the curator's loop for one article."""
    if not CURATION_ARTICLE.is_file():
        return
    copy = bench.work / "curation"
    for name in ("kg", "ontology", "shapes", "queries", "seeds"):
        shutil.copytree(BENCH.parent / name, copy / name)
    env = {"SDGKG_CACHE_DIR": str(bench.work / "curation-cache"), "SDGKG_ROOT": str(copy)}
    label = "kk=Құрылым", "en=Structure", "ru=Структура"
    title = [arg for text in label for arg in ("--label", text)]
    source = [*SDGKG, "source", "add", str(CURATION_ARTICLE), "--title", "Structure", *title]
    bench.time([*source, "--date", "2026-02-10"], runs=1, env=env)
    name = CURATION_ARTICLE.name.removesuffix(".txt")
    bench.time([*SDGKG, "extract", "kg:source-" + name.replace(".", "-")], runs=1, env=env)
    shutil.copytree(copy / "kg", bench.work / "curation-kg")
    listed = subprocess.run(
        [*SDGKG, "review", name, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        env=_env(env),
    )
    groups = json.loads(listed.stdout)[0]["groups"]
    ids = [item["id"] for group in ("new", "second-source") for item in groups[group]]

    def review_and_accept() -> None:
        shutil.rmtree(copy / "kg")
        shutil.copytree(bench.work / "curation-kg", copy / "kg")  # as extract left it
        started = time.perf_counter()
        bench.time([*SDGKG, "review", name], runs=1, env=env)
        bench.time([*SDGKG, "accept", *ids, "--extraction", name], runs=1, env=env)
        elapsed.append(time.perf_counter() - started)

    elapsed: list[float] = []
    for _ in range(bench.runs):
        review_and_accept()
    total = sum(len(items) for items in groups.values())
    work = f"review + accept, {len(ids)} of an article's {total} candidates, project graph"
    row = Row("project", work, statistics.median(elapsed), "2 s", 2.0, "< 2 s", 1.0)
    bench.rows.append(row)


def serve_rows(bench: Bench, label: str, root: Path) -> None:
    """Requests per second for the named query over HTTP, when `sdgkg serve` exists."""
    has_serve = subprocess.run([*SDGKG, "serve", "--help"], capture_output=True).returncode == 0
    wrk = tool("wrk")
    if not has_serve or not wrk:
        why = "sdgkg serve is not available" if not has_serve else "wrk is not installed"
        print(f"bench: serve rows not measured: {why}", file=sys.stderr)
        for work in ("serve, req/s, same query", "serve, req/s, distinct query texts"):
            bench.rows.append(
                Row(
                    label,
                    work,
                    None,
                    "oxigraph serve-read-only",
                    None,
                    "≥ 0.5× (ratio of req/s)",
                    None,
                    "req/s",
                    f"not measured: {why}",
                )
            )
        return
    query = (root / "queries" / f"{QUERY}.rq").read_text(encoding="utf-8")
    query = query.replace("?lang\n", "\n").replace("?lang", f'"{LANG}"')
    sdgkg = [*SDGKG, "--root", str(root), "serve", "--port", "{port}"]
    store = bench.work / "oxigraph-store"
    oxigraph = [tool("oxigraph") or "oxigraph", "serve-read-only", "-l", str(store)]
    oxigraph += ["--union-default-graph", "-b", "127.0.0.1:{port}"]
    env = {"SDGKG_CACHE_DIR": str(bench.work / "cache")}
    # sdgkg serve answers a repeated query from its response cache; Oxigraph evaluates every
    # request. The second row makes every request a new query text (a counter in a trailing
    # comment), so both evaluate each one.
    for work, distinct in (
        ("serve, req/s, same query", False),
        ("serve, req/s, distinct query texts", True),
    ):
        ours = _serve_rps(wrk, sdgkg, query, env=env, distinct=distinct)
        theirs = _serve_rps(wrk, oxigraph, query, distinct=distinct)
        row = Row(
            label,
            work,
            ours,
            "oxigraph serve-read-only",
            theirs,
            "≥ 0.5× (ratio of req/s)",
            None,
            "req/s",
        )
        row.note = "met" if theirs and ours / theirs >= 0.5 else "MISSED"
        bench.rows.append(row)


WRK_DISTINCT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "%0A%23" .. counter)
end
"""


def _serve_rps(
    wrk: str,
    argv: list[str],
    query: str,
    env: dict[str, str] | None = None,
    distinct: bool = False,
) -> float:
    """Successful requests per second under wrk (4 connections, 5 s); errors end the run."""
    from urllib.parse import quote

    port = _free_port()
    proc = subprocess.Popen(
        [a.replace("{port}", str(port)) for a in argv],
        env=_env(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_end_with_parent,
    )
    try:
        _wait_for_port(port)
        url = f"http://127.0.0.1:{port}/sparql?query={quote(query)}"
        with tempfile.TemporaryDirectory() as temp:
            script = Path(temp) / "distinct.lua"
            script.write_text(WRK_DISTINCT)
            extra = ["-s", str(script)] if distinct else []
            argv_wrk = [wrk, "-t1", "-c4", "-d5s", *extra, "-H", "Accept: text/csv", url]
            out = subprocess.run(argv_wrk, capture_output=True, text=True, timeout=60).stdout
        errors = [x.strip() for x in out.splitlines() if "Non-2xx" in x or "Socket errors" in x]
        if errors:
            raise SystemExit(f"bench: {argv[0]} answered errors under wrk: {errors}")
        line = next(x for x in out.splitlines() if x.startswith("Requests/sec:"))
        return float(line.split()[1])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def _end_with_parent() -> None:
    """In the server's child process: have Linux send it SIGTERM when the benchmark ends, even
    when the benchmark is killed (a server in its own session would otherwise live on)."""
    import ctypes

    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"bench: no server on port {port} after {timeout} s")


def extract_rows(bench: Bench, quick: bool) -> None:
    """`sdgkg extract` on the seed (as `--check` runs it) and on a long article made of the
    development corpus; quick mode measures a 100 kB article, the full run 1 MB, and also
    what validating and writing its candidates costs (the native SHACL check, pySHACL only
    if that finds a violation)."""
    project = [*SDGKG, "--root", str(BENCH.parent), "extract"]
    seed = bench.time([*project, "--check"])
    bench.rows.append(Row("seed", "extract --check", seed, "0.5 s", 0.5, "< 0.5 s", 1.0))
    label, size = ("100 kB", 100_000) if quick else ("1 MB", 1_000_000)
    text = long_article(size, bench.work / f"article-{size}.txt")
    report = bench.time([*project, str(text), "--report"])
    limit = 5.0 * size / 1_000_000  # the 5 s per MB of the target
    work = f"extract --report, {label} article (kk, ru, en corpus)"
    bench.rows.append(Row(label, work, report, f"{limit:g} s", limit, f"< {limit:g} s", 1.0))
    if not quick:
        output = ["--output", str(bench.work / "article.ttl")]
        written = bench.time([*project, str(text), *output])
        work = f"extract, {label} article, validated and written"
        bench.rows.append(Row(label, work, written, "5 s", 5.0, "< 5 s", 1.0))


def long_article(size: int, path: Path) -> Path:
    """An article of `size` bytes: the development corpus's articles of all three languages
    in turn (each without its date header), under one header, the same bytes every time."""
    articles = sorted((BENCH.parent / "tests" / "fixtures" / "corpus").glob("*/*.txt"))
    parts = ["date 2025-08-04 Regional SDG centre: a digest of the coverage\n"]
    length = len(parts[0].encode("utf-8"))
    while length < size:
        first, _, rest = articles[len(parts) % len(articles)].read_text("utf-8").partition("\n")
        body = first.split(" ", 2)[2] + "\n" + rest.rstrip("\n") + "\n"
        parts.append(body)
        length += len(body.encode("utf-8"))
    path.write_text("".join(parts), encoding="utf-8")
    return path


def startup_rows(bench: Bench) -> None:
    help_time = bench.time([*SDGKG, "--help"])
    bench.rows.append(Row("-", "sdgkg --help", help_time, "0.15 s", 0.15, "< 0.15 s", 1.0))


def import_profile(root: Path) -> str:
    """The slowest imports of `sdgkg query` (cumulative microseconds), from -X importtime."""
    done = subprocess.run(
        [
            PY,
            "-X",
            "importtime",
            "-m",
            "sdgkg",
            "--root",
            str(root),
            "query",
            QUERY,
            "-p",
            f"lang={LANG}",
            "-f",
            "csv",
        ],
        capture_output=True,
        text=True,
        env=_env({"SDGKG_NO_INDEX": "1"}),
    )
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, self_us, cumulative, name = [p.strip() for p in line.replace(":", "|", 1).split("|")]
            rows.append((int(cumulative), int(self_us), name))
    rows.sort(reverse=True)
    lines = ["| module | cumulative (ms) | self (ms) |", "|---|---:|---:|"]
    lines += [f"| `{name}` | {c / 1000:.1f} | {s / 1000:.1f} |" for c, s, name in rows[:15]]
    loaded = {name.strip() for _, _, name in rows}
    absent = [m for m in ("rdflib", "pyshacl", "pydantic", "rich") if m not in loaded]
    return "\n".join(lines) + f"\n\nNot imported by `sdgkg query`: {', '.join(absent) or 'none'}.\n"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = []
    for name in ("pyoxigraph", "rdflib", "pyshacl", "typer"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:  # noqa: BLE001 - a missing anchor is reported, not fatal
            versions.append(f"{name} missing")
    oxigraph = tool("oxigraph")
    cli = (
        subprocess.run([oxigraph, "--version"], capture_output=True, text=True).stdout.strip()
        if oxigraph
        else "oxigraph CLI missing"
    )
    return (
        f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()} on "
        f"{platform.system()} {platform.release()}; {', '.join(versions)}, {cli}; "
        f"load average before the run (1/5/15 min): {load}"
    )


def render(bench: Bench, command: str, profile: str, header: str, seconds: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python bench/run.py {command}` in {seconds:.0f} s; medians of {bench.runs}"
        " runs unless the row says otherwise, whole processes, cold start.",
        "",
        f"Machine: {header}.",
        "",
        "| size | work | sdgkg | anchor | anchor time | ratio | target | verdict |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    for row in bench.rows:
        ours = _fmt(row.sdgkg, row.unit)
        theirs = _fmt(row.anchor, row.unit) if row.anchor_name else ""
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None and row.anchor_name else ""
        verdict = row.verdict() or row.note
        lines.append(
            f"| {row.size} | {row.work} | {ours} | {row.anchor_name} | {theirs} | "
            f"{ratio} | {row.target} | {verdict} |"
        )
    if profile:
        lines += ["", "## Import-time profile of `sdgkg query` (python -X importtime)", "", profile]
    return "\n".join(lines)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "s":
        return f"{value:.3f} s"
    return f"{value:.0f} {unit}"


GROUPS = ("startup", "extract", "query", "export", "stats", "serve", "validate", "curation")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,100k,1M", help="comma-separated: 1k,100k,1M")
    parser.add_argument("--quick", action="store_true", help="smallest size, one run each")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    parser.add_argument(
        "--validate-size",
        default="100k",
        help="graph size for the validation rows (full pySHACL takes minutes at 100k)",
    )
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help=f"comma-separated groups of rows to measure: {','.join(GROUPS)}",
    )
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--append",
        action="store_true",
        help="add the table to the end of --output as a new section instead of replacing it",
    )
    args = parser.parse_args(argv)
    groups = set(args.only.split(","))
    if unknown := groups - set(GROUPS):
        parser.error(f"unknown group in --only: {', '.join(sorted(unknown))}")
    sizes = ["1k"] if args.quick else args.sizes.split(",")
    runs = 1 if args.quick else args.runs
    header = machine()
    started = time.perf_counter()
    # Every process measured starts as an installed copy would, from compiled bytecode (pip
    # compiles it at install; an editable install, under PYTHONDONTWRITEBYTECODE, never does).
    compileall.compile_dir(str(BENCH.parent / "src" / "sdgkg"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="sdgkg-bench-") as temp:
        bench = Bench(runs, Path(temp))
        validate_size = "1k" if args.quick else args.validate_size
        profile = measure(bench, groups, sizes, validate_size, args.quick)
        command = " ".join(argv if argv is not None else sys.argv[1:])
        text = render(bench, command, profile, header, time.perf_counter() - started)
    if args.append:
        section = text.replace("# Benchmark results", f"## `python bench/run.py {command}`", 1)
        text = args.output.read_text(encoding="utf-8").rstrip("\n") + "\n\n\n" + section
    args.output.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def measure(
    bench: Bench, groups: set[str], sizes: list[str], validate_size: str, quick: bool
) -> str:
    """Measure the chosen groups of rows into `bench.rows`; the import-time profile or ""."""
    if "startup" in groups:
        startup_rows(bench)
    if "extract" in groups:
        extract_rows(bench, quick)
    profile = ""
    for label in sizes:
        root = bench.work / f"graph-{label}"
        triples = generate(parse_size(label), root)
        print(f"bench: {label}: {triples} triples", file=sys.stderr)
        write_query_files(bench, root)
        for group, rows in (
            ("query", query_rows),
            ("export", export_rows),
            ("stats", stats_rows),
            ("serve", serve_rows),
        ):
            if group in groups:
                rows(bench, label, root)
        if "query" in groups:
            profile = profile or import_profile(root)
    if "validate" in groups:
        vroot = bench.work / f"graph-{validate_size}-validate"
        generate(parse_size(validate_size), vroot)
        validate_rows(bench, validate_size, vroot)
        project_validate_row(bench)
    if "curation" in groups:
        curation_row(bench)
    return profile


if __name__ == "__main__":
    sys.exit(main())
