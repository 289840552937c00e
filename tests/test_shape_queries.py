"""SPARQL constraints in shapes/ start from the focus node.

pySHACL runs each `sh:select` once per focus node with `$this` pre-bound, on rdflib's engine,
which orders a group's triple patterns when it parses the query, before it knows `$this` is
bound (it sorts patterns by how many variables they have, then by the variables' names). A
pattern that shares no variable with `$this` or an earlier pattern is then evaluated against the
whole graph for every focus node, and so is a group joined after another join: validation then
grows with the square of the graph (a passage check written that way took half a second per
passage at 20k triples). These tests replay the engine's evaluation order and pin that no
pattern starts a scan. A shape reaches beyond `$this` with one nested group (`{ ... }`) right
after the patterns on `$this`: the engine evaluates it with their bindings. Constant BINDs go
last, since a BIND opens a join too. Inside FILTER (NOT) EXISTS, where a nested group is
evaluated on its own, the first pattern must have the fewest variables and one of them bound:
`$this ^rdf:subject ?witness`, with the type check in an inner FILTER EXISTS.
"""

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Variable
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue

ROOT = Path(__file__).resolve().parents[1]


def sparql_constraints() -> dict[str, str]:
    """Every sh:select in shapes/, by shape file and position, with the prefixes it declares."""
    graph = Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        graph.parse(path, format="turtle")
    found = {}
    for node, select in graph.subject_objects(SH.select):
        prefixes = "".join(
            f"PREFIX {graph.value(d, SH.prefix)}: <{graph.value(d, SH.namespace)}>\n"
            for owner in graph.objects(node, SH.prefixes)
            for d in graph.objects(owner, SH.declare)
        )
        found[" ".join(str(select).split())] = prefixes + str(select)
    return found


CONSTRAINTS = sparql_constraints()


def scans(query: str) -> list[tuple]:
    """The triple patterns rdflib would evaluate with none of their variables bound."""
    algebra = prepareQuery(query).algebra
    offenders: list[tuple] = []
    _walk(algebra, {Variable("this")}, offenders)
    return offenders


def _walk(node: object, known: set, offenders: list[tuple]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, known, offenders)
        return
    if not isinstance(node, CompValue):
        return
    if node.name == "BGP":
        for triple in node.triples:
            variables = {t for t in triple if isinstance(t, (Variable, BNode))}
            if variables and not variables & known:
                offenders.append(triple)
            known |= variables
        return
    if node.name == "Union" or (node.name == "Join" and not node.lazy):
        # Each branch starts from what was bound before: a union's branches are independent,
        # and the engine evaluates a join of joins eagerly, its right side without the left's
        # bindings (rdflib's algebra marks only a join of two plain patterns lazy).
        before = set(known)
        for branch in (node.p1, node.p2):
            bound = set(before)
            _walk(branch, bound, offenders)
            known |= bound
        return
    if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        # The translated pattern is an attribute; the item keeps the parse tree.
        _walk(node.graph, set(known), offenders)
        return
    # Operands first (a join evaluates p1, then p2 with its bindings), then expressions such as
    # FILTER EXISTS, which see the bindings of the pattern they filter.
    for key in ("p", "p1", "p2"):
        if key in node:
            _walk(node[key], known, offenders)
    for key, value in node.items():
        if key not in ("p", "p1", "p2"):
            _walk(value, known, offenders)


def test_the_shapes_have_sparql_constraints() -> None:
    assert len(CONSTRAINTS) >= 20


@pytest.mark.parametrize("text", sorted(CONSTRAINTS), ids=lambda text: text[:60])
def test_sparql_constraint_never_scans_the_graph(text: str) -> None:
    assert scans(CONSTRAINTS[text]) == []


def test_a_pattern_rdflib_moves_ahead_of_this_is_found() -> None:
    # rdflib puts the type pattern first (one unbound variable against two).
    query = """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT $this WHERE { $this oa:hasSelector ?s . ?s a oa:TextPositionSelector . }
    """
    assert len(scans(query)) == 1


def test_rdflib_orders_equally_bound_patterns_by_variable_name() -> None:
    # ?s sorts before ?this, so `?s oa:start ?start` runs first, over every selector.
    query = """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT $this WHERE { $this oa:hasSelector ?s . ?s oa:start ?start . }
    """
    assert len(scans(query)) == 1


def test_a_second_nested_group_runs_without_the_first_ones_bindings() -> None:
    query = """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT $this WHERE {
            $this oa:hasSelector ?s, ?q .
            { ?s a oa:TextPositionSelector . }
            { ?q a oa:TextQuoteSelector . }
        }
    """
    assert len(scans(query)) == 1


def test_a_bind_before_the_patterns_opens_a_join() -> None:
    query = """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT $this ?path WHERE {
            BIND (oa:hasSelector AS ?path)
            $this oa:hasSelector ?s .
            { ?s a oa:TextPositionSelector . }
        }
    """
    assert len(scans(query)) == 1


def test_a_typed_statement_pattern_inside_not_exists_is_a_scan() -> None:
    query = """
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT $this WHERE {
            $this ?p ?o .
            FILTER NOT EXISTS { ?s a rdf:Statement ; rdf:subject $this . }
        }
    """
    assert len(scans(query)) == 1


def test_a_nested_group_runs_after_the_patterns_it_follows() -> None:
    # The way the shapes write a pattern that reaches a node beyond $this.
    query = """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT $this WHERE {
            $this oa:hasSelector ?s .
            { ?s a oa:TextPositionSelector ; oa:start ?start . }
            FILTER NOT EXISTS { ?s oa:end ?end }
        }
    """
    assert scans(query) == []
