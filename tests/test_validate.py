"""`sdgkg validate`: exit 0 conforms, 1 violations, 2 unreadable input."""

from __future__ import annotations

import json

import rdflib

from sdgkg import Severity, validate

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def test_the_fixture_graph_conforms_with_one_warning(sdgkg, root):
    result = sdgkg("validate")
    assert result.exit_code == 0, result.stderr
    report = validate(root)
    assert report.conforms
    (warning,) = report.results
    assert warning.severity is Severity.WARNING
    assert warning.focus_node.display() == "kg:fact-almaty-label"
    assert warning.introduced is False


def test_new_facts_that_conform_exit_0(sdgkg, new_facts):
    assert sdgkg("validate", str(new_facts / "ok.ttl")).exit_code == 0


def test_a_violation_exits_1_and_is_marked_introduced(sdgkg, root, new_facts):
    result = sdgkg("validate", str(new_facts / "duplicate-label.ttl"))
    assert result.exit_code == 1
    where = f"{new_facts / 'duplicate-label.ttl'}:4:1"
    assert result.stdout.startswith(
        f"{where}: violation: A centre has one preferred label per language.\n"
        "  introduced by the new facts\n  focus node: kg:centre\n  path:       skos:prefLabel\n"
    )
    assert "The graph does NOT conform to the shapes: 1 violation(s), 1 warning(s)" in result.stdout
    report = validate(root, [new_facts / "duplicate-label.ttl"])
    assert not report.conforms
    flags = {r.severity: r.introduced for r in report.results}
    assert flags == {Severity.VIOLATION: True, Severity.WARNING: False}


def test_json_report(sdgkg, new_facts):
    result = sdgkg("validate", str(new_facts / "duplicate-label.ttl"), "--format", "json")
    document = json.loads(result.stdout)
    assert document["conforms"] is False
    assert document["summary"] == {
        "conforms": False,
        "results": 2,
        "violations": 1,
        "warnings": 1,
        "infos": 0,
        "introduced": 1,
    }
    items = document["results"]
    assert [i["severity"] for i in items] == ["violation", "warning"]
    assert items[0] == {
        "focus_node": "<https://w3id.org/sdgkg/id/centre>",
        "path": "<http://www.w3.org/2004/02/skos/core#prefLabel>",
        "value": None,
        "severity": "violation",
        "message": "A centre has one preferred label per language.",
        "constraint_component": "<http://www.w3.org/ns/shacl#UniqueLangConstraintComponent>",
        "source_shape": "<https://w3id.org/sdgkg/shapes#CentreLabelShape>",
        "introduced": True,
        "shape_name": "sdgkgsh:CentreLabelShape",
        "shapes": ["sdgkgsh:CentreShape"],  # the node shape that uses it
        "constraint": "needs one value per language",
        "hint": "keep one skos:prefLabel in en",
        "file": str(new_facts / "duplicate-label.ttl"),
        "line": 4,
        "column": 1,
    }
    assert items[1]["file"] == "kg/evidence/facts.ttl"  # the graph's own: where its node is


def test_turtle_report_is_the_shacl_report_graph(sdgkg, new_facts):
    result = sdgkg("validate", str(new_facts / "duplicate-label.ttl"), "-f", "turtle")
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.conforms, rdflib.Literal(False)) in graph
    assert len(list(graph.subjects(rdflib.RDF.type, SH.ValidationResult))) == 2


def test_unreadable_input_exits_2_with_one_line(sdgkg, new_facts, tmp_path):
    broken = sdgkg("validate", str(new_facts / "broken.ttl"))
    assert broken.exit_code == 2
    assert broken.stderr == (
        f"Error: {new_facts / 'broken.ttl'}:5:1: A dot is expected at the end of statements\n"
    )
    missing = sdgkg("validate", str(tmp_path / "nope.ttl"))
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"Error: {tmp_path / 'nope.ttl'}: no such file\n",
    )
    assert sdgkg("validate", str(new_facts / "latin1.nt")).exit_code == 2
    assert "Traceback" not in broken.output + missing.output


def test_a_whole_run_leaves_its_report_for_checking_new_facts(root):
    from sdgkg.store.paths import graph_files, shape_files
    from sdgkg.validation import cache as delta

    report = validate(root)
    key = delta.report_key(root, [*graph_files(root), *shape_files(root)])
    assert delta.load_cached_report(key) == report


def test_a_changed_graph_never_reuses_the_report_of_the_old_one(root, new_facts):
    validate(root)  # cached: conforms, one warning
    centre = root / "kg" / "centre.ttl"
    centre.write_text(
        centre.read_text(encoding="utf-8").replace(
            '"UN SDG Centre"@en,', '"UN SDG Centre"@en, "Second English name"@en,'
        ),
        encoding="utf-8",
    )
    report = validate(root, [new_facts / "ok.ttl"])
    assert not report.conforms
    violation = next(r for r in report.results if r.severity is Severity.VIOLATION)
    assert violation.introduced is False  # the graph's own, found afresh
