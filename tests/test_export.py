"""`sdgkg export`: every format reads back as the same graph, and the bytes never change."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import rdflib
from rdflib.compare import isomorphic

from sdgkg import export_graph, load_graph
from sdgkg.export import ExportFormat, write_atomically

SYNTAX = {"turtle": "turtle", "nt": "nt", "xml": "xml", "jsonld": "json-ld"}


def source_graph(root) -> rdflib.Graph:
    graph = rdflib.Graph()
    for quad in load_graph(root):
        graph.parse(data=f"{quad.triple} .\n", format="nt")
    return graph


@pytest.mark.parametrize("fmt", sorted(SYNTAX))
def test_export_parses_back_isomorphic(sdgkg, root, fmt):
    result = sdgkg("export", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    back = rdflib.Graph().parse(data=result.stdout_bytes, format=SYNTAX[fmt])
    assert isomorphic(back, source_graph(root))


@pytest.mark.parametrize(("fmt", "syntax"), [("nquads", "nquads"), ("trig", "trig")])
def test_dataset_exports_keep_one_graph_per_file(root, fmt, syntax):
    dataset = rdflib.Dataset()
    dataset.parse(data=export_graph(fmt, root), format=syntax)
    names = sorted(str(g.identifier) for g in dataset.graphs() if len(g))
    assert names == [
        "https://w3id.org/sdgkg/graph/kg/centre.ttl",
        "https://w3id.org/sdgkg/graph/kg/evidence/facts.ttl",
        "https://w3id.org/sdgkg/graph/ontology/mini.ttl",
    ]
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads():
        union.add((s, p, o))
    assert isomorphic(union, source_graph(root))


@pytest.mark.parametrize("fmt", [f.value for f in ExportFormat])
def test_export_is_deterministic_across_processes(root, fmt):
    # Different hash seeds would expose any set-order dependence (e.g. in rdflib).
    code = (
        "import sys; from sdgkg import export_graph;"
        f"sys.stdout.buffer.write(export_graph({fmt!r}, {str(root)!r}))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1]
    assert runs[0] == export_graph(fmt, root)


def test_turtle_export_is_the_canonical_layout(root):
    text = export_graph("turtle", root).decode()
    assert text.startswith("@prefix sdgkg: <https://w3id.org/sdgkg/ontology#> .\n")
    assert "kg:centre\n    a sdgkg:RegionalCentre ;\n" in text


def test_jsonld_export_is_compact_with_the_vendored_context(root):
    import json

    doc = json.loads(export_graph("jsonld", root))
    nodes = {node["id"]: node for node in doc["@graph"]}
    assert nodes["kg:centre"]["prefLabel"] == {
        "en": "UN SDG Centre",
        "kk": "БҰҰ орталығы",
        "ru": "Центр ООН",
    }
    assert nodes["kg:fact-centre-location"]["wasDerivedFrom"] == "kg:seed-l02"


def test_output_file_is_written_atomically(sdgkg, tmp_path):
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "graph.nt"
    target.write_text("old")
    result = sdgkg("export", "-f", "nt", "--output", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text().count(" .\n") == 21
    assert [p.name for p in target.parent.iterdir()] == ["graph.nt"]  # no temp file left


def test_unwritable_output_is_an_input_error(sdgkg, tmp_path):
    result = sdgkg("export", "--output", str(tmp_path / "no" / "such" / "dir.ttl"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and "cannot write" in result.stderr


def test_write_atomically_keeps_a_readable_mode(tmp_path):
    target = tmp_path / "x.ttl"
    write_atomically(b"data", target)
    assert target.read_bytes() == b"data"
    assert target.stat().st_mode & 0o044  # not the 0600 of a temp file
