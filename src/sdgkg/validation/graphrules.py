"""Rules on the graph files as a whole, checked before SHACL: each subject is described in
one kg/ file, and every typed literal is valid for its datatype (new files are screened as
they are read; a file edited by hand is caught here, with its line, before pySHACL, whose
SPARQL engine stops on arithmetic with an ill-typed number)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.namespaces import GRAPH_BASE, RDF_LANG_STRING, XSD_STRING, compact
from sdgkg.rdfio.screening import is_well_typed, line_of, line_of_subject
from sdgkg.store.engine import EmbeddedEngine
from sdgkg.store.paths import GENERATED_DIR


def check_graph_rules(store: ox.Store, root: Path) -> None:
    """Both rules, on the graph files of `root` loaded into `store` (one graph per file)."""
    check_subjects_unique(store, root)
    check_literals_well_typed(store, root)


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


def check_literals_well_typed(store: ox.Store, root: Path) -> None:
    """Refuse a typed literal whose text is not valid for its XSD datatype."""
    typed = f"""SELECT DISTINCT ?g ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o
        FILTER (isLiteral(?o) && DATATYPE(?o) NOT IN (<{XSD_STRING}>, <{RDF_LANG_STRING}>)) }} }}"""
    for row in store.query(typed):  # type: ignore[union-attr]
        graph, literal = row["g"], row["o"]
        if isinstance(literal, ox.Literal) and not is_well_typed(literal):
            shown = unquote(str(graph.value).removeprefix(GRAPH_BASE))
            path = root / shown
            text = path.read_text(encoding="utf-8") if path.is_file() else ""
            line = line_of(text, literal.value)
            datatype = compact(literal.datatype.value)
            raise InputError(f'{shown}:{line}: "{literal.value}" is not a valid {datatype}')
