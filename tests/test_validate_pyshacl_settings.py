"""pySHACL runs with SHACL Core only: no inference, no SHACL-AF, no owl:imports.

Each case adds a shape that would report a violation if that feature were on; the graph must
still conform.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PREFIXES = """\
@prefix ex: <https://example.org/test/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""

# ex:thing uses ex:p, whose domain is ex:Thing: only RDFS inference makes it an ex:Thing.
FACTS = PREFIXES + "ex:thing ex:p 1 .\nex:p rdfs:domain ex:Thing .\n"

SHAPES = {
    "inference": "ex:NeedsQ a sh:NodeShape ; sh:targetClass ex:Thing ;\n"
    "    sh:property [ sh:path ex:q ; sh:minCount 1 ] .\n",
    "advanced": "ex:NeedsR a sh:NodeShape ;\n"
    '    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ex:p ?o }" ;\n'
    "        sh:prefixes ex:declared ] ;\n"
    "    sh:property [ sh:path ex:r ; sh:minCount 1 ] .\n"
    'ex:declared sh:declare [ sh:prefix "ex" ; '
    'sh:namespace "https://example.org/test/"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] .\n',
    "owl:imports": "<https://example.org/test/shapes> a owl:Ontology ;\n"
    "    owl:imports <{imported}> .\n",
}

IMPORTED = PREFIXES + (
    "ex:NeedsS a sh:NodeShape ; sh:targetNode ex:thing ;\n"
    "    sh:property [ sh:path ex:s ; sh:minCount 1 ] .\n"
)


@pytest.mark.parametrize("feature", sorted(SHAPES))
def test_a_shape_needing_a_switched_off_feature_reports_nothing(
    feature: str, sdgkg, root: Path, tmp_path: Path
) -> None:
    imported = tmp_path / "imported-shapes.ttl"
    imported.write_text(IMPORTED, encoding="utf-8")
    shape = SHAPES[feature].replace("{imported}", imported.as_uri())
    (root / "shapes" / "feature.ttl").write_text(PREFIXES + shape, encoding="utf-8")
    facts = tmp_path / "facts.ttl"
    facts.write_text(FACTS, encoding="utf-8")

    result = sdgkg("validate", str(facts), "--format", "json")

    assert result.exit_code == 0, result.stdout + result.stderr
    paths = {item["path"] for item in json.loads(result.stdout)["results"]}
    assert not paths & {f"<https://example.org/test/{p}>" for p in "qrs"}
