"""Validation reports a curator can act on: where, what, why and what to do.

Golden files pin the exact text, JSON and SARIF reports of the bad fact files in
tests/fixtures/bad-facts/ (each kind of constraint the shapes use, in Turtle, N-Triples and
JSON-LD) validated with the project's graph and shapes. After a deliberate change to the
report, the shapes or the graph, rewrite them with

    SDGKG_REGENERATE_GOLDENS=1 pytest tests/test_validation_report.py

and review the diff. The SARIF output is checked against the SARIF 2.1.0 JSON schema
(tests/data/sarif-schema-2.1.0.json, from the SARIF SDK; licence beside it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pyoxigraph as ox
import pytest

from sdgkg.validation import validate
from sdgkg.validation.locate import locate_file, locate_jsonld, locate_turtle
from sdgkg.validation.report import ValidationReport, render_json, render_text
from sdgkg.validation.sarif import render_sarif

REPO = Path(__file__).resolve().parent.parent
BAD = Path("tests/fixtures/bad-facts")  # relative: reports show paths as given
GOLDEN = REPO / "tests" / "golden" / "validation"
REGENERATE = os.environ.get("SDGKG_REGENERATE_GOLDENS") == "1"
CASES = sorted(p.name for p in (REPO / BAD).iterdir())
RENDERERS = {"txt": render_text, "json": render_json, "sarif": render_sarif}


@pytest.fixture(scope="module")
def sarif_schema() -> dict:
    return json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("SDGKG_ROOT", raising=False)
    return REPO


_REPORTS: dict[str, ValidationReport] = {}


def report_of(name: str) -> ValidationReport:
    """The report of one bad fact file with the project's graph (once per test run)."""
    if name not in _REPORTS:
        _REPORTS[name] = validate(REPO, [BAD / name])
    return _REPORTS[name]


@pytest.mark.parametrize("name", CASES)
def test_reports_match_the_goldens(in_repo, name, sarif_schema):
    report = report_of(name)
    assert not report.conforms
    assert all(r.introduced and r.file == f"{BAD / name}" for r in report.results)
    for ext, render in RENDERERS.items():
        text = render(report)
        golden = GOLDEN / f"{name}.{ext}"
        if REGENERATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(text, encoding="utf-8")
        assert text == golden.read_text(encoding="utf-8"), f"{golden.name} differs"
    jsonschema.validate(json.loads(render_sarif(report)), sarif_schema)


def test_the_bad_facts_cover_every_kind_of_constraint_the_shapes_use():
    import rdflib

    shapes = rdflib.Graph()
    for path in sorted((REPO / "shapes").glob("*.ttl")):
        shapes.parse(path, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    used = {str(p).removeprefix(sh) for p in shapes.predicates() if str(p).startswith(sh)}
    # Parameters that make a constraint (the others target, name, or tune a constraint).
    parameters = {
        "minCount", "maxCount", "datatype", "class", "node", "or", "in", "pattern",
        "languageIn", "uniqueLang", "minInclusive", "maxInclusive", "minExclusive",
        "maxExclusive", "minLength", "maxLength", "nodeKind", "closed", "qualifiedMinCount",
        "qualifiedMaxCount", "sparql", "hasValue", "equals", "disjoint", "lessThan", "and",
        "not", "xone",
    }  # fmt: skip
    wanted = {
        ("SPARQL" if p == "sparql" else p[0].upper() + p[1:]) + "ConstraintComponent"
        for p in used & parameters
    }
    found = set()
    for golden in GOLDEN.glob("*.json"):
        for item in json.loads(golden.read_text(encoding="utf-8"))["results"]:
            found.add(item["constraint_component"].removeprefix(f"<{sh}").removesuffix(">"))
    assert wanted <= found, sorted(wanted - found)
    formats = {name.rsplit(".", 1)[1] for name in CASES}
    assert formats == {"ttl", "nt", "jsonld"}


@pytest.mark.parametrize("stem", sorted({Path(name).stem for name in CASES}))
def test_the_three_syntaxes_give_the_same_results(in_repo, stem):
    reports = [report_of(f"{stem}.{ext}") for ext in ("ttl", "nt", "jsonld")]
    turtle, *others = reports
    for other in others:  # (blank shapes have new ids in each parse of the shapes: keys)
        assert [r.key() for r in other.results] == [r.key() for r in turtle.results]
        assert [r.hint for r in other.results] == [r.hint for r in turtle.results]
        assert [r.shapes for r in other.results] == [r.shapes for r in turtle.results]
        assert all(r.line and r.column for r in other.results)


def test_a_result_reached_through_two_node_shapes_is_reported_once(in_repo):
    report = report_of("labels.ttl")
    labels = [
        r
        for r in report.results
        if r.focus_node.display() == "kg:example-pillar" and r.path.display() == "skos:prefLabel"
    ]
    (only,) = labels
    assert only.shapes == ("sdgkgsh:ConceptShape", "sdgkgsh:PillarShape")
    assert only.constraint == "needs 3, found 1"
    assert only.hint == "add skos:prefLabel in kk and ru (present: en)"
    assert (only.file, only.line, only.column) == (str(BAD / "labels.ttl"), 11, 5)
    assert report.summary()["violations"] == len(report.results) == 5


def test_the_readme_shows_a_real_report():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    command = "`sdgkg validate tests/fixtures/bad-facts/links.ttl`"
    shown = readme.split(command, 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    assert shown == (GOLDEN / "links.ttl.txt").read_text(encoding="utf-8")


def test_a_dangling_link_suggests_the_closest_known_iri(in_repo):
    report = report_of("links.ttl")
    pillar = next(
        r
        for r in report.results
        if r.constraint_component.value.endswith("#ClassConstraintComponent")
    )
    assert pillar.hint == "did you mean kg:pillar-social-justice?"
    text = render_text(report)
    assert text.startswith(
        "tests/fixtures/bad-facts/links.ttl:6:27: violation: "
        "sdgkg:hasPillar must point to an sdgkg:Pillar.\n"
    )


def test_cli_sarif_exits_1_and_validates(in_repo, runner, sarif_schema):
    from sdgkg.cli import app

    result = runner.invoke(
        app, ["--root", str(in_repo), "validate", str(BAD / "values.nt"), "--format", "sarif"]
    )
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, sarif_schema)
    (run,) = document["runs"]
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    } == {"tests/fixtures/bad-facts/values.nt"}


def test_a_graph_result_points_at_its_focus_node_block(root, sdgkg):
    result = sdgkg("validate", "--format", "json")
    (warning,) = json.loads(result.stdout)["results"]
    text = (root / "kg" / "evidence" / "facts.ttl").read_text(encoding="utf-8")
    line = text.splitlines().index("kg:fact-almaty-label") + 1
    assert (warning["file"], warning["line"], warning["column"]) == (
        "kg/evidence/facts.ttl",
        line,
        1,
    )


# --- the locator ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", sorted(str(p.relative_to(REPO)) for p in (REPO / "kg").rglob("*.ttl"))
)
def test_the_turtle_locator_finds_every_triple_the_parser_reads(path):
    data = (REPO / path).read_bytes()
    parsed = {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri="http://x/")}
    named = {t for t in parsed if not _blank(t)}
    located = locate_turtle(data.decode("utf-8"), path)
    assert named == {t for t in located.triples if not _blank(t)}


def _blank(triple: ox.Triple) -> bool:
    return isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)


def test_turtle_positions_are_those_of_subject_predicate_and_object():
    text = (
        "@prefix ex: <http://example.org/> .\n"
        'ex:a ex:p "x\\"y"@en , """two\nlines""" ;\n'
        "    ex:q ex:b, 3 .\n"
    )
    located = locate_turtle(text, "t.ttl")
    by_object = {
        str(t.object): [(a.line, a.column, o.line, o.column) for a, o in places]
        for t, places in located.triples.items()
    }
    assert by_object == {
        '"x\\"y"@en': [(2, 1, 2, 11)],  # the block's first triple starts at the subject
        '"two\\nlines"': [(2, 23, 2, 23)],  # after `,` a triple starts at its object
        "<http://example.org/b>": [(4, 5, 4, 10)],  # after `;` at its predicate
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer>': [(4, 16, 4, 16)],
    }


def test_jsonld_values_are_located_through_the_context():
    text = (
        '{"@context": {"ex": "http://example.org/", "id": "@id",\n'
        '  "label": {"@id": "ex:label", "@container": "@language"}},\n'
        ' "@graph": [{"id": "ex:a", "label": {"en": "A", "kk": "Ә"},\n'
        '   "ex:link": {"id": "ex:b", "ex:n": 2}}]}\n'
    )
    located = locate_jsonld(text, "t.jsonld")
    parsed = {q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD)}
    assert set(located.triples) == parsed
    where = {str(t.object): located.of_triple(t) for t in located.triples}
    assert (where['"A"@en'].line, where['"A"@en'].column) == (3, 44)
    assert (where['"Ә"@kk'].line, where['"Ә"@kk'].column) == (3, 55)
    assert where["<http://example.org/b>"].line == 4
    assert where['"2"^^<http://www.w3.org/2001/XMLSchema#integer>'].line == 4


def test_unlocated_formats_give_no_positions(tmp_path):
    path = tmp_path / "facts.rdf"
    path.write_text("<rdf:RDF/>", encoding="utf-8")
    assert locate_file(path, "facts.rdf").triples == {}


def test_sarif_names_a_file_outside_the_root_by_its_file_uri(sdgkg, new_facts, sarif_schema):
    result = sdgkg("validate", str(new_facts / "duplicate-label.ttl"), "--format", "sarif")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    jsonschema.validate(document, sarif_schema)
    new, old = document["runs"][0]["results"]
    place = new["locations"][0]["physicalLocation"]
    assert place["artifactLocation"]["uri"] == (new_facts / "duplicate-label.ttl").as_uri()
    assert place["region"] == {"startLine": 4, "startColumn": 1}
    assert (new["baselineState"], "baselineState" in old) == ("new", False)
    assert old["level"] == "warning"
    assert old["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "kg/evidence/facts.ttl"
    )


def test_a_result_about_a_blank_node_has_no_position(sdgkg, tmp_path):
    facts = tmp_path / "blank.ttl"
    facts.write_text(
        "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
        "@prefix kg: <https://w3id.org/sdgkg/id/> .\n"
        "[] a rdf:Statement ; rdf:subject kg:centre .\n",
        encoding="utf-8",
    )
    result = sdgkg("validate", str(facts), "--format", "json")
    assert result.exit_code == 0  # a warning only
    blank = [r for r in json.loads(result.stdout)["results"] if r["focus_node"].startswith("_:")]
    assert blank and all(r["file"] is None and r["line"] is None for r in blank)
    assert blank[0]["constraint"] == "needs at least 1"  # its values cannot be counted
