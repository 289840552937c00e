"""Focus-node validation gives the same verdict and results as a full pySHACL run.

Seeded random deltas over the curated graph (SDGKG_DELTA_CASES sets how many): copies of
existing entities with mutations (duplicate positions in a scheme, wrong language tags,
retargeted links), random links between existing nodes, reified facts of asserted and
unasserted triples, and selectors claimed by a second passage (an inverse path).
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from sdgkg import load_graph
from sdgkg.store.index import query_store
from sdgkg.validation import focus as delta
from sdgkg.validation import shacl as validation
from sdgkg.validation.run import _full_with_new

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
from generate import generate  # noqa: E402

KG = "https://w3id.org/sdgkg/id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
# Each case costs a full pySHACL run of the union (seconds); raise it for a longer search.
CASES = int(os.environ.get("SDGKG_DELTA_CASES", "10"))
FOUND: set[str] = set()  # constraint components the cases produced


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("delta") / "graph"
    generate(1000, root, REPO)  # the curated graph: a full run of it takes seconds
    shapes = validation.shapes_graph(root)
    store = load_graph(root)
    triples = sorted({q.triple for q in store}, key=str)
    base = validation.run_shacl(validation.data_graph(validation.union_ntriples(store), {}), shapes)
    return root, shapes, triples, base


def make_delta(rng: random.Random, triples: list[ox.Triple], case: int) -> list[ox.Triple]:
    kind = case % 5
    subjects = sorted({t.subject for t in triples if t.subject.value.startswith(KG)}, key=str)
    if kind == 0:  # a mutated copy of an existing entity
        return mutate(rng, copy_of(rng.choice(subjects), triples, case), triples)
    if kind == 1:  # a random link between existing nodes
        link = rng.choice(triples)
        obj = rng.choice(triples).object
        return [ox.Triple(rng.choice(subjects), link.predicate, obj)]
    if kind == 2:  # a reified fact: of an asserted triple, or of one that is not
        fact = rng.choice([t for t in triples if t.subject.value.startswith(KG)])
        obj = fact.object if rng.random() < 0.5 else rng.choice(triples).object
        evidence = rng.choice(
            [t.subject for t in triples if t.predicate.value.endswith("#hasSelector")]
        )
        node = ox.NamedNode(f"{KG}delta-fact-{case}")
        return [
            ox.Triple(node, ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "Statement")),
            ox.Triple(node, ox.NamedNode(RDF + "subject"), fact.subject),
            ox.Triple(node, ox.NamedNode(RDF + "predicate"), fact.predicate),
            ox.Triple(node, ox.NamedNode(RDF + "object"), obj),
            ox.Triple(node, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), evidence),
        ]
    if kind == 3:  # a passage claims another passage's selector (read through an inverse path)
        owned = [t for t in triples if t.predicate.value.endswith("#hasSelector")]
        theirs, mine = rng.sample(owned, 2)
        return [ox.Triple(mine.subject, theirs.predicate, theirs.object)]
    # a copy of an entity kept as is: same scheme and position as the original
    return copy_of(rng.choice(subjects), triples, case)


def copy_of(subject: ox.NamedNode, triples: list[ox.Triple], case: int) -> list[ox.Triple]:
    node = ox.NamedNode(f"{KG}delta-{case}")
    return [ox.Triple(node, t.predicate, t.object) for t in triples if t.subject == subject]


def mutate(rng: random.Random, found: list[ox.Triple], triples: list[ox.Triple]) -> list[ox.Triple]:
    for _ in range(rng.randint(1, 2)):
        if not found:
            break
        index = rng.randrange(len(found))
        t = found[index]
        choice = rng.randrange(4)
        if choice == 0:
            del found[index]
        elif choice == 1 and isinstance(t.object, ox.Literal) and t.object.language:
            # Another of the three languages (input screening refuses any other tag): a second
            # label in one language, or a quote in the wrong one.
            other = rng.choice([tag for tag in ("kk", "en", "ru") if tag != t.object.language])
            found[index] = ox.Triple(
                t.subject, t.predicate, ox.Literal(t.object.value, language=other)
            )
        elif choice == 2:
            found[index] = ox.Triple(t.subject, t.predicate, rng.choice(triples).subject)
        else:
            found.append(ox.Triple(t.subject, t.predicate, ox.Literal(str(rng.randint(1, 9)))))
    return found


@pytest.mark.parametrize("case", range(CASES))
def test_focus_node_validation_equals_a_full_run(world, tmp_path, case):
    root, shapes, triples, base = world
    rng = random.Random(case)
    path = tmp_path / "delta.nt"
    path.write_bytes(ox.serialize(make_delta(rng, triples, case), format=ox.RdfFormat.N_TRIPLES))
    fast = delta.validate_delta(root, query_store(root), [path], shapes, base)
    assert fast is not None, "this delta should not need a full run"
    full = _full_with_new(root, [path], shapes, base)
    assert fast.conforms == full.conforms
    assert fast.results == full.results
    FOUND.update(r.constraint_component.value.rsplit("#")[-1] for r in fast.results)


@pytest.mark.parametrize("case", range(CASES // 2))
def test_a_change_that_takes_triples_away_equals_a_full_run(world, case):
    # `sdgkg accept` of an update replaces a value: triples leave one file, others join it.
    root, shapes, triples, base = world
    rng = random.Random(1000 + case)
    before = load_graph(root)
    after = ox.Store()
    after.extend(before)
    subject = rng.choice(
        sorted({t.subject for t in triples if t.subject.value.startswith(KG)}, key=str)
    )
    graph = next(before.quads_for_pattern(subject, None, None)).graph_name
    own = list(before.quads_for_pattern(subject, None, None, graph))
    for quad in rng.sample(own, rng.randint(1, min(3, len(own)))):
        after.remove(quad)
    added = mutate(rng, copy_of(subject, triples, case), triples) if case % 2 else []
    after.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in added)
    fast = delta.validate_change(before, after, [graph], shapes, base)
    assert fast is not None, "this change should not need a full run"
    full = validation.run_shacl(validation.data_graph(validation.union_ntriples(after), {}), shapes)
    assert fast.conforms == full.conforms
    assert [replace(r, introduced=False) for r in fast.results] == list(full.results)
    FOUND.update(r.constraint_component.value.rsplit("#")[-1] for r in fast.results)


def test_the_cases_found_violations_of_several_kinds():
    # Guards the generator: equivalence over deltas that all conform would prove little.
    # (Runs after the cases above, which fill FOUND.)
    assert len(FOUND) >= 3, FOUND


def test_changes_to_the_class_hierarchy_fall_back_to_a_full_run(world, tmp_path):
    root, shapes, _, base = world
    path = tmp_path / "delta.ttl"
    path.write_text(
        "<https://w3id.org/sdgkg/ontology#Pillar> "
        "<http://www.w3.org/2000/01/rdf-schema#subClassOf> <https://schema.org/Thing> .\n"
    )
    assert delta.validate_delta(root, query_store(root), [path], shapes, base) is None


def test_constraint_reads_skip_comments_and_strings() -> None:
    # The query screen's lexer reads the constraint: a comment or a string is not a pattern.
    from sdgkg.validation.focus import sparql_reads

    text = (
        "SELECT $this WHERE {\n"
        "  $this <http://ex/p> ?o . # not a pattern: ?x <http://ex/in-comment> ?y .\n"
        '  FILTER (?o != "?a <http://ex/in-string> ?b .")\n'
        "}"
    )
    forward, backward = sparql_reads(text, {})
    assert forward == {"http://ex/p"} and backward == set()


def test_an_inverse_path_in_a_constraint_is_read_backward() -> None:
    from sdgkg.validation.focus import sparql_read_through, sparql_reads

    text = (
        "SELECT $this WHERE { $this ^<http://ex/p> ?w . ?w <http://ex/q> ?v . ?v <http://ex/r> 1 }"
    )
    forward, backward = sparql_reads(text, {})
    assert backward == {"http://ex/p"} and forward == {"http://ex/q", "http://ex/r"}
    # ?v's edges are read further (?v <r> 1), ?w's too; $this's inverse edge is no value read.
    assert sparql_read_through(text, {}) == {"http://ex/q"}
