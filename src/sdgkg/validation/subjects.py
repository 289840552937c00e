"""The rule that each subject of the graph is described in one kg/ file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.namespaces import GRAPH_BASE, compact
from sdgkg.rdfio.screening import line_of_subject
from sdgkg.store.engine import EmbeddedEngine
from sdgkg.store.paths import GENERATED_DIR


def check_subjects_unique(store: ox.Store, root: Path) -> None:
    """Refuse a subject described in two kg/ files: each subject lives in one file."""
    found = EmbeddedEngine(store).query(
        f"""SELECT ?s (MIN(STR(?g)) AS ?first) (MAX(STR(?g)) AS ?last) WHERE {{
             GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{GRAPH_BASE}kg/")
             && !STRSTARTS(STR(?g), "{GRAPH_BASE}{GENERATED_DIR.as_posix()}/")) }}
           GROUP BY ?s HAVING (COUNT(DISTINCT ?g) > 1) ORDER BY ?s LIMIT 1"""
    )
    for subject, *graphs in found.rows:
        first, second = (unquote(str(g.value).removeprefix(GRAPH_BASE)) for g in graphs if g)
        assert subject is not None  # grouped by it
        text = (root / second).read_text(encoding="utf-8")
        line = line_of_subject(text, subject.value)
        name = compact(subject.value) if subject.kind == "iri" else subject.n3()
        raise InputError(
            f"{second}:{line}: {name} is already described in {first}; a subject lives in one file",
            hint=f"move its facts into {first}",
        )
