from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest

from sdgkg import load_graph
from sdgkg.errors import InputError
from sdgkg.store.graph import load_extra


def test_each_file_gets_its_own_named_graph(root):
    store = load_graph(root)
    graphs = sorted({quad.graph_name.value for quad in store})
    assert graphs == [
        "https://w3id.org/sdgkg/graph/kg/centre.ttl",
        "https://w3id.org/sdgkg/graph/kg/evidence/facts.ttl",
        "https://w3id.org/sdgkg/graph/ontology/mini.ttl",
    ]
    assert len(store) == 21


def test_a_turtle_error_names_file_line_and_column(sdgkg, root):
    (root / "kg" / "centre.ttl").write_text(
        "@prefix kg: <https://w3id.org/sdgkg/id/> .\nkg:a kg:b kg:c\nkg:d kg:e kg:f .\n"
    )
    result = sdgkg("stats")
    assert result.exit_code == 2
    assert result.stderr == "Error: kg/centre.ttl:3:1: A dot is expected at the end of statements\n"
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (
            "x.nt",
            '<https://w3id.org/sdgkg/id/x> <http://www.w3.org/2004/02/skos/core#note> "n" .\n',
        ),
        ("x.nq", "<https://w3id.org/sdgkg/id/x> <http://ex/p> <http://ex/o> <http://ex/g> .\n"),
        ("x.trig", "<http://ex/g> { <https://w3id.org/sdgkg/id/x> <http://ex/p> 1 . }\n"),
        ("x.jsonld", '{"@id": "https://w3id.org/sdgkg/id/x", "http://ex/p": "v"}'),
        (
            "x.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://ex/"><rdf:Description rdf:about="https://w3id.org/sdgkg/id/x">'
            "<ex:p>v</ex:p></rdf:Description></rdf:RDF>",
        ),
    ],
)
def test_extra_files_load_by_extension(root, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    store = load_graph(root)
    load_extra(store, [path])
    subject = ox.NamedNode("https://w3id.org/sdgkg/id/x")
    assert list(store.quads_for_pattern(subject, None, None))


def test_extra_file_problems_are_one_line_each(root, tmp_path, new_facts):
    store = load_graph(root)
    with pytest.raises(InputError, match=r"missing\.ttl: no such file$"):
        load_extra(store, [tmp_path / "missing.ttl"])
    with pytest.raises(InputError, match=r"latin1\.nt: not UTF-8 text \(bad byte at offset 86\)"):
        load_extra(store, [new_facts / "latin1.nt"])
    (tmp_path / "notes.txt").write_text("hi")
    with pytest.raises(InputError, match="unknown RDF file extension"):
        load_extra(store, [tmp_path / "notes.txt"])


def test_loading_for_queries_does_not_import_rdflib_or_pyshacl(root):
    import subprocess

    code = (
        "import sys; from sdgkg import run_query, export_graph;"
        f"run_query('SELECT * WHERE {{ ?s ?p ?o }}', root={str(root)!r});"
        f"export_graph('turtle', {str(root)!r});"
        "print(sorted(m for m in ('rdflib', 'pyshacl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
