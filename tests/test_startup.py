"""Start-up discipline: what each command imports (the benchmark measures the time it takes).

A fresh interpreter runs the CLI and reports which heavy packages ended up in sys.modules;
no timing is asserted here, only the imports that decide the timing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pyoxigraph", "rdflib", "pyshacl", "pydantic", "rich")
PROBE = """
import json, sys
from sdgkg.cli import main
watched = json.loads(sys.argv[2])
sys.argv = ["sdgkg", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
heavy = [name for name in watched if name in sys.modules]
sys.stderr.write("LOADED " + json.dumps(heavy) + "\\n")
"""


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args)), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("LOADED "))
    return set(json.loads(line.removeprefix("LOADED ")))


def test_help_loads_no_rdf_code_nor_pydantic_nor_rich():
    assert loaded_by("--help") == set()


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "xml"])
def test_query_loads_only_pyoxigraph(fmt):
    assert loaded_by("query", "centre-names", "-p", "lang=en", "--format", fmt) == {"pyoxigraph"}


def test_graph_results_in_every_format_load_only_pyoxigraph():
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1"
    for fmt in ("turtle", "jsonld", "nt"):
        assert loaded_by("query", query, "--format", fmt) == {"pyoxigraph"}, fmt
