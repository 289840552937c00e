"""grlc (https://github.com/CLARIAH/grlc) serves the project's queries/ folder as a web API
over a real `sdgkg serve`, and gets the rows sdgkg's own `run_query` gets.

The named queries' headers are grlc's decorators and their parameters grlc's `?_NAME`
variables, so grlc finds each parameter, its default and whether it is optional; grlc pastes
the values into the query text (sdgkg binds them), and the endpoint answers both the same.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sdgkg import ResultFormat, list_queries, render, run_query
from tests.conftest import REPO
from tests.peers import Peer, free_port, start_sdgkg_serve

grlc = pytest.importorskip("grlc", reason="grlc is not installed (pip install grlc)")
KG = "https://w3id.org/sdgkg/id/"
ORG = "http://www.w3.org/ns/org#"
QUERIES = {q.name: q for q in list_queries(REPO) if not q.name.startswith("checks/")}
# Each query with values for its parameters (grlc needs every `?_NAME` one given).
CASES = [
    *[
        (name, {"lang": "ru"})
        for name, q in QUERIES.items()
        # label-coverage has no rows on a graph labelled in every language
        if [p.name for p in q.params] == ["lang"] and name != "label-coverage"
    ],
    ("centre-names", {}),
    ("source-summary", {}),
    ("evidence", {"subject": KG + "centre", "lang": "en"}),
    ("evidence", {"subject": KG + "centre", "lang": "ru", "predicate": ORG + "subOrganizationOf"}),
    ("parent-chain", {"unit": KG + "un-desa", "lang": "kk"}),
]


@pytest.fixture(scope="module")
def grlc_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("grlc")
    sdgkg, sdgkg_url = start_sdgkg_serve(folder / "serve.log", "--workers", "2")
    port = free_port()
    # grlc reads config.ini from its working directory: the endpoint and the local folder.
    (folder / "config.ini").write_text(
        f"[defaults]\nsparql_endpoint = {sdgkg_url}sparql\n"
        f"[local]\nlocal_sparql_dir = {REPO / 'queries'}\n",
        encoding="utf-8",
    )
    run = f"from grlc.server import app; app.run(host='127.0.0.1', port={port})"
    server = Peer([sys.executable, "-c", run], folder / "grlc.log", cwd=folder)
    try:
        url = f"http://127.0.0.1:{port}"
        server.wait_for(url + "/api-local/swagger", timeout=60)
        yield url
    finally:
        server.stop()
        sdgkg.stop()


def _csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def test_grlc_finds_every_parameter(grlc_url: str) -> None:
    import json

    with urllib.request.urlopen(grlc_url + "/api-local/swagger", timeout=60) as response:
        spec = json.loads(response.read())
    found = {
        path.strip("/").split("/")[-1]: {
            p["name"]: p for p in op["get"].get("parameters", []) if p["name"] != "endpoint"
        }  # grlc's own: which endpoint to ask
        for path, op in spec["paths"].items()
    }
    for name, query in QUERIES.items():
        params = found[name]
        assert set(params) == {p.name for p in query.params}, name
        for param in query.params:
            assert params[param.name]["required"] == (param.default is not None or param.required)
            if param.default is not None:
                assert params[param.name].get("default") == param.default, (name, param.name)


@pytest.mark.parametrize(("name", "values"), CASES, ids=lambda v: str(v))
def test_grlc_gets_sdgkg_rows(grlc_url: str, name: str, values: dict[str, str]) -> None:
    url = f"{grlc_url}/api-local/{name}?" + urllib.parse.urlencode(values)
    request = urllib.request.Request(url, headers={"Accept": "text/csv"})
    with urllib.request.urlopen(request, timeout=60) as response:
        got = _csv(response.read())
    expected = _csv(render(run_query(name, values, REPO), ResultFormat.CSV))
    assert expected, f"{name} has rows to compare"
    query = QUERIES[name]
    renames = query.renames
    given = {p.var for p in query.params if p.name in values}
    # grlc's rows have the parameters' columns too: empty where grlc pasted a value.
    for row in got:
        assert all(row.pop(variable) == "" for variable in given)
    assert [{renames.get(k, k): v for k, v in row.items()} for row in got] == expected


def test_queries_stay_plain_sparql_for_other_tools() -> None:
    # grlc's local folder is the project's own; nothing is generated for it.
    result = subprocess.run(
        [sys.executable, "-m", "sdgkg", "queries"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "pillars" in result.stdout
    assert (
        Path(REPO / "queries" / "pillars.rq")
        .read_text(encoding="utf-8")
        .startswith("#+ summary: Pillars")
    )
