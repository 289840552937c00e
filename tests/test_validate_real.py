"""`sdgkg validate` on the real graph and shapes: new facts are judged together with the graph."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from sdgkg.cli import app

SH = "http://www.w3.org/ns/shacl#"
REPO = Path(__file__).resolve().parent.parent
PREFIXES = """@prefix kg: <https://w3id.org/sdgkg/id/> .
@prefix schema: <https://schema.org/> .
@prefix sdgkg: <https://w3id.org/sdgkg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def validate(tmp_path: Path, turtle: str, *options: str):
    new = tmp_path / "new-facts.ttl"
    new.write_text(PREFIXES + turtle, encoding="utf-8")
    return CliRunner().invoke(app, ["--root", str(REPO), "validate", str(new), *options])


def test_the_curated_graph_conforms() -> None:
    result = CliRunner().invoke(app, ["--root", str(REPO), "validate"])
    assert result.exit_code == 0, result.stdout


def test_a_misspelt_predicate_on_the_centre_is_a_violation_the_new_file_introduced(tmp_path):
    typo = "kg:centre sdgkg:hasPilar kg:pillar-social-justice .\n"
    result = validate(tmp_path, typo, "-f", "json")
    assert result.exit_code == 1
    results = json.loads(result.stdout)["results"]
    closed = [r for r in results if r["constraint_component"] == f"<{SH}ClosedConstraintComponent>"]
    assert closed and all(r["introduced"] for r in closed)
    assert closed[0]["focus_node"] == "<https://w3id.org/sdgkg/id/centre>"
    assert closed[0]["path"] == "<https://w3id.org/sdgkg/ontology#hasPilar>"
    assert closed[0]["hint"] == "did you mean sdgkg:hasPillar?"


def test_a_new_entity_without_all_three_labels_is_reported_in_plain_words(tmp_path):
    result = validate(tmp_path, 'kg:shymkent a schema:City ; skos:prefLabel "Shymkent"@en .\n')
    assert result.exit_code == 1
    assert "kg:shymkent" in result.stdout
    assert "skos:prefLabel" in result.stdout
    assert "introduced" in result.stdout
