"""Focus-node (delta) validation: check only what new facts can change.

A full pySHACL run over a large graph costs minutes; new facts can only change the results of
focus nodes whose shapes read a changed edge. This module works out which nodes those are,
copies the part of the graph their shapes can read into a small rdflib graph, runs pySHACL
on it and keeps the results of those focus nodes. The graph's own results (computed once per
version of the graph and shapes, then cached) supply everything else, and also tell which
results the new facts introduce, so pySHACL never runs twice.

How far a shape reads is taken from the shapes themselves:
- `sh:path` predicates are read forward from a node; `sh:inversePath` ones backward;
- a SPARQL constraint's triple patterns, taken in order from `$this`, read their predicates
  forward (subject bound), backward (only the object bound) or both (neither bound); a
  pattern with `$this` as its predicate reads every triple of that property;
- closed shapes and `sh:class` read all outgoing edges (the types) of the nodes they reach;
  `rdf:type` is never read backward (shapes find nodes by class only through targets);
- `sh:targetSubjectsOf`/`sh:targetObjectsOf` make subjects/objects of a predicate focus nodes.
A change to a node's outgoing edges can therefore reach the focus nodes that read the node
forward, and a change to its incoming edges those that read it backward, up to `REACH` steps
(the deepest read in the project's shapes is two steps plus the value's type). A node reads
another's edges only through predicates whose values its shapes read further (nested shapes,
sequence paths, a SPARQL pattern joined on the value); through `sh:class`, only its types; a
value checked as a term (datatype, node kind, counts) is not read at all. Triples taken away
(`validate_change`, for `add --remove` and an accepted update) reach the same nodes as added
ones, found in the graph before the change. Deltas this
analysis does not cover (blank nodes, changes to the class hierarchy or to shapes, unbounded
paths) fall back to a full run. tests/test_delta.py checks over many generated deltas that the
results equal those of a full run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection

from sdgkg.namespaces import RDF_TYPE, SH
from sdgkg.rdfio.ntriples import bytes_written
from sdgkg.rdfio.terms import Term
from sdgkg.safety.sparql_lexer import closing, normalise
from sdgkg.store.graph import load_extra
from sdgkg.validation import shards
from sdgkg.validation.report import ValidationReport, merged_with
from sdgkg.validation.shacl import data_graph, run_shapes

SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
REACH = 3
ANY = "*"  # stands for every predicate, in Reads
THIS = "$this"  # a pattern uses the focus node as its predicate
# New statements about terms of these namespaces (or with the predicates below) change what
# shapes target or how: validate everything.
_SCHEMA_NAMESPACES = (
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    SH,
    "https://w3id.org/sdgkg/ontology#",
)
_SCHEMA_PREDICATES = {
    "http://www.w3.org/2000/01/rdf-schema#subClassOf",
    "http://www.w3.org/2000/01/rdf-schema#subPropertyOf",
    "http://www.w3.org/2002/07/owl#imports",
}
_UNBOUNDED = ("zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath", "target")


@dataclass(frozen=True)
class Reads:
    """Which predicates the shapes read forward, backward, or target on."""

    forward: frozenset[str]
    backward: frozenset[str]
    target_objects: frozenset[str]
    bounded: bool  # False: some path is unbounded, so no delta analysis
    # Classes whose members a constraint checks through the triples using them as predicate.
    property_classes: frozenset[str] = frozenset()
    # Of the forward predicates, those whose values the shapes read further (their edges:
    # nested shapes, sequence paths, SPARQL), and those whose values' types alone they read
    # (sh:class); the others' values are checked as terms only. None: all read further.
    deep: frozenset[str] | None = None
    typed: frozenset[str] = frozenset()


def shape_reads(shapes: Graph) -> Reads:
    """Collect the predicates a shapes graph reads, by direction."""

    def sh(name: str) -> URIRef:
        return URIRef(SH + name)

    forward: set[str] = set()
    backward: set[str] = set()
    deep: set[str] = set()
    typed: set[str] = set()
    bounded = not any((None, sh(name), None) in shapes for name in _UNBOUNDED)

    def walk(path: Any, inverse: bool = False, level: int = _DEEP) -> None:
        if isinstance(path, URIRef):
            (backward if inverse else forward).add(str(path))
            if not inverse and level == _DEEP:
                deep.add(str(path))
            elif not inverse and level == _TYPE:
                typed.add(str(path))
        elif isinstance(path, BNode):
            if shapes.value(path, sh("inversePath")) is not None:
                walk(shapes.value(path, sh("inversePath")), not inverse)
            elif (choices := shapes.value(path, sh("alternativePath"))) is not None:
                for item in Collection(shapes, choices):
                    walk(item, inverse, level)
            elif (path, URIRef(RDF_TYPE.replace("type", "first")), None) in shapes:
                steps = list(Collection(shapes, path))
                for index, item in enumerate(steps):  # all but the last step are read through
                    walk(item, inverse, level if index == len(steps) - 1 else _DEEP)

    for shape, path in shapes.subject_objects(sh("path")):
        walk(path, level=value_reads(shapes, shape))
    prefixes = {str(p): str(n) for p, n in _declared_prefixes(shapes)}
    property_classes: set[str] = set()
    for constraint, text in shapes.subject_objects(sh("select")):
        ahead, behind = sparql_reads(str(text), prefixes)
        if THIS in ahead | behind:
            classes = _class_targets(shapes, constraint)
            bounded = bounded and classes is not None
            property_classes |= classes or set()
        forward |= ahead - {THIS}
        deep |= sparql_read_through(str(text), prefixes) - {THIS}
        backward |= behind - {THIS}
    targets = {str(p) for p in shapes.objects(None, sh("targetObjectsOf"))}
    # `?x a C` in a constraint reads a bound node's type; shapes find nodes by class only
    # through targets, so rdf:type is never read backward (every class would be a hub).
    backward = (backward | targets) - {RDF_TYPE}
    return Reads(
        frozenset(forward),
        frozenset(backward),
        frozenset(targets),
        bounded,
        frozenset(property_classes),
        frozenset(deep),
        frozenset(typed - deep),
    )


# How far a shape applied to value nodes reads them: not at all (the term only), their types,
# or their edges.
_TERM, _TYPE, _DEEP = 0, 1, 2
# Parameters that check a value as a term (or count values), never reading its edges.
_TERM_PARAMETERS = frozenset(
    SH + name
    for name in (
        *("path", "datatype", "nodeKind", "in", "hasValue", "pattern", "flags", "languageIn"),
        *("uniqueLang", "minLength", "maxLength", "minInclusive", "maxInclusive"),
        *("minExclusive", "maxExclusive", "minCount", "maxCount", "message", "severity"),
        *("name", "description", "order", "group", "deactivated", "defaultValue"),
        *("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"),
    )
)
_LOGICAL = frozenset(SH + name for name in ("or", "and", "xone"))


def value_reads(shapes: Graph, shape: Any, seen: frozenset[Any] = frozenset()) -> int:
    """How far `shape`, applied to value nodes, reads them (_TERM, _TYPE or _DEEP): sh:class
    reads their types; sh:node and the logical constraints as far as their shapes read; any
    other parameter (nested properties, qualified shapes, closed shapes, SPARQL) their edges."""
    if shape in seen:
        return _DEEP
    level = _TERM
    for parameter, value in shapes.predicate_objects(shape):
        name = str(parameter)
        if name == RDF_TYPE or name in _TERM_PARAMETERS:
            continue
        if name == SH + "class":
            level = max(level, _TYPE)
        elif name in (SH + "node", SH + "not"):
            level = max(level, value_reads(shapes, value, seen | {shape}))
        elif name in _LOGICAL:
            for member in Collection(shapes, value):
                level = max(level, value_reads(shapes, member, seen | {shape}))
        else:
            return _DEEP
    return level


def _class_targets(shapes: Graph, constraint: Any) -> set[str] | None:
    """The sh:targetClass of the shapes using a SPARQL constraint; None if a shape targets
    nodes some other way (then no delta analysis)."""
    found: set[str] = set()
    for shape in shapes.subjects(URIRef(SH + "sparql"), constraint):
        other = ("targetNode", "targetSubjectsOf", "targetObjectsOf")
        if any((shape, URIRef(SH + name), None) in shapes for name in other):
            return None
        found |= {str(c) for c in shapes.objects(shape, URIRef(SH + "targetClass"))}
    return found


def _declared_prefixes(shapes: Graph) -> Iterable[tuple[Any, Any]]:
    for declaration in shapes.objects(None, URIRef(SH + "declare")):
        prefix = shapes.value(declaration, URIRef(SH + "prefix"))
        namespace = shapes.value(declaration, URIRef(SH + "namespace"))
        if prefix is not None and namespace is not None:
            yield prefix, namespace


def sparql_reads(text: str, prefixes: dict[str, str]) -> tuple[set[str], set[str]]:
    """The predicates a SPARQL constraint reads forward and backward.

    Triple patterns are taken in order with `$this` bound: a pattern whose subject is bound
    reads its predicate forward (and binds the object), one whose object alone is bound reads
    it backward, and one with neither end bound counts both ways. A variable predicate read
    backward could be any predicate: then every predicate counts (`ANY`)."""
    forward: set[str] = set()
    backward: set[str] = set()
    bound = {"$this", "?this"}
    for subject, predicate, obj in _patterns(text):
        iri = _expand_name(predicate, prefixes)
        s_bound = subject in bound or not subject.startswith(("?", "$"))
        o_bound = obj in bound or not obj.startswith(("?", "$"))
        if s_bound or not o_bound:
            forward.add(iri)
        if not s_bound:
            backward.add(iri)
        bound |= {subject, obj}
    return forward, backward


def sparql_read_through(text: str, prefixes: dict[str, str]) -> set[str]:
    """The predicates whose values a SPARQL constraint reads further: those of a pattern whose
    object is a variable that another pattern reads the edges of, as its subject or as an
    object reached from an unbound subject (taken in order from `$this`, as `sparql_reads`)."""
    patterns = _patterns(text)
    bound_before: list[set[str]] = []
    bound = {"$this", "?this"}
    for subject, _predicate, obj in patterns:
        bound_before.append(set(bound))
        bound |= {subject, obj}
    found = set()
    for index, (_subject, predicate, obj) in enumerate(patterns):
        if not obj.startswith(("?", "$")):
            continue
        for other, (s2, _p2, o2) in enumerate(patterns):
            if other != index and (s2 == obj or (o2 == obj and s2 not in bound_before[other])):
                found.add(_expand_name(predicate, prefixes))
    return found


# Inside a WHERE clause, the tokens that can be a triple pattern's term or separator.
_TERM_KINDS = frozenset({"var", "iri", "string", "pname", "number"})
_CUT = frozenset({"FILTER", "NOT", "EXISTS", "OPTIONAL", "MINUS", "UNION"})


def _patterns(text: str) -> list[tuple[str, str, str]]:
    """The triple patterns of a SELECT's WHERE clause, abbreviations (`;` `,`) expanded."""
    found: list[tuple[str, str, str]] = []
    terms: list[str] = []
    for token in _where_terms(text):
        if token in ".{}":
            terms = []
        elif token == ";":
            terms = terms[:1]
        elif token == ",":
            terms = terms[:2]
        else:
            terms.append(token)
            if len(terms) == 3 and terms[1].startswith("^"):  # an inverse path: o p s
                found.append((terms[2], terms[1][1:], terms[0]))
                terms = terms[:2]
            elif len(terms) == 3:
                found.append((terms[0], terms[1], terms[2]))
                terms = terms[:2]
    return found


def _where_terms(text: str) -> list[str]:
    """The WHERE clause as terms and separators (read with the query screen's lexer):
    FILTER (...) and BIND (...) hold expressions, not patterns, and are cut out; a keyword
    that starts another group separates patterns (FILTER NOT EXISTS { ... } keeps its own)."""
    _normal, tokens = normalise(text)
    start = next((i for i, t in enumerate(tokens) if t.kind == "punct" and t.text == "{"), None)
    out: list[str] = []
    index = len(tokens) if start is None else start
    while index < len(tokens):
        token = tokens[index]
        upper = token.text.upper() if token.kind == "word" else ""
        if upper in ("FILTER", "BIND") and _next_is(tokens, index + 1, "("):
            index = closing(tokens, index + 1) + 1
            out.append(".")
            continue
        if upper in _CUT:
            out.append(".")
        elif token.kind == "punct" and token.text == "^" and index + 1 < len(tokens):
            out.append("^" + tokens[index + 1].text)  # `^p`: the predicate read backward
            index += 1
        elif token.kind == "string" and _next_is(tokens, index + 1, "^^"):
            out.append(token.text + "^^" + _text(tokens, index + 2))
            index += 2
        elif (
            token.kind == "string" and index + 1 < len(tokens) and tokens[index + 1].kind == "lang"
        ):
            out.append(token.text + tokens[index + 1].text)
            index += 1
        elif (
            token.kind in _TERM_KINDS
            or (token.kind == "word" and token.text == "a")
            or token.kind == "punct"
            and token.text in ".;,{}"
        ):
            out.append(token.text)
        index += 1
    return out


def _next_is(tokens: Sequence[Any], index: int, text: str) -> bool:
    return index < len(tokens) and tokens[index].kind == "punct" and tokens[index].text == text


def _text(tokens: Sequence[Any], index: int) -> str:
    return tokens[index].text if index < len(tokens) else ""


def _expand_name(name: str, prefixes: dict[str, str]) -> str:
    if name == "a":
        return RDF_TYPE
    if name.startswith("<"):
        return name[1:-1]
    if name in ("$this", "?this"):
        return THIS
    if name.startswith(("?", "$")):
        return ANY
    prefix, _, local = name.partition(":")
    return prefixes.get(prefix, prefix + ":") + local


def affected_nodes(base: ox.Store, delta: ox.Store, reads: Reads) -> set[ox.NamedNode]:
    """The nodes whose validation results the delta's triples can change."""
    seeds: set[Any] = set()
    for quad in delta:
        seeds.add(quad.subject)  # its outgoing edges changed: closed shapes, types, paths
        if _reads(reads.backward, quad.predicate):  # its incoming edges changed
            seeds.add(quad.object)
    found = {n for n in seeds if isinstance(n, ox.NamedNode)}
    # A property checked through its triples (e.g. a functional property) is affected, but
    # nothing reads it further: it is not walked from.
    found |= {q.predicate for q in delta if _is_checked_property(base, delta, q.predicate, reads)}
    # A node whose type changed is read by the shapes that check its class, too.
    retyped = {q.subject for q in delta if q.predicate.value == RDF_TYPE}
    frontier = set(seeds)
    for _ in range(REACH):
        reached = set()
        for node in frontier:
            typed = node in retyped
            reached |= _readers(base, node, reads, typed) | _readers(delta, node, reads, typed)
        frontier = reached - found
        found |= {n for n in frontier if isinstance(n, ox.NamedNode)}
    return found


def _is_checked_property(base: ox.Store, delta: ox.Store, node: ox.NamedNode, reads: Reads) -> bool:
    type_ = ox.NamedNode(RDF_TYPE)
    return any(
        isinstance(q.object, ox.NamedNode) and q.object.value in reads.property_classes
        for store in (base, delta)
        for q in store.quads_for_pattern(node, type_, None)
    )


def _readers(store: ox.Store, node: Any, reads: Reads, typed: bool = False) -> set[Any]:
    """Nodes whose shapes read `node`'s edges (or, if `typed`, its types): those with an edge
    to it that they read through, and those it points to through a backward-read edge."""
    through = reads.forward if reads.deep is None else reads.deep
    if typed and reads.deep is not None:
        through = through | reads.typed
    readers = {
        q.subject for q in store.quads_for_pattern(None, None, node) if _reads(through, q.predicate)
    }
    if not isinstance(node, ox.Literal):
        readers |= {
            q.object
            for q in store.quads_for_pattern(node, None, None)
            if _reads(reads.backward, q.predicate) and not isinstance(q.object, ox.Literal)
        }
    return readers


def _reads(predicates: frozenset[str], predicate: ox.NamedNode) -> bool:
    return predicate.value in predicates or ANY in predicates


def neighbourhood(stores: Sequence[ox.Store], focus: set[Any], reads: Reads) -> bytes:
    """N-Triples of everything the shapes can read from the focus nodes: all outgoing edges
    and the backward-read incoming edges of every node within REACH + 1 steps."""
    seen: set[Any] = set()
    triples: set[ox.Triple] = set()
    frontier = set(focus)
    for _ in range(REACH + 2):
        reached: set[Any] = set()
        for node in frontier - seen:
            seen.add(node)
            for store in stores:
                for q in store.quads_for_pattern(node, None, None):
                    triples.add(q.triple)
                    reached.add(q.object)
                for q in store.quads_for_pattern(None, None, node):
                    if _reads(reads.backward, q.predicate):
                        triples.add(q.triple)
                        reached.add(q.subject)
        frontier = {n for n in reached if not isinstance(n, ox.Literal)}
    if reads.property_classes:
        for node in focus:
            for store in stores:
                triples.update(q.triple for q in store.quads_for_pattern(None, node, None))
    for store in stores:  # targetClass follows rdfs:subClassOf in the data graph
        triples.update(q.triple for q in store.quads_for_pattern(None, SUBCLASS, None))
    return bytes_written(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))


def needs_full_run(delta: ox.Store, reads: Reads) -> bool:
    """Whether the delta is outside what the focus-node analysis covers."""
    if not reads.bounded:
        return True
    for quad in delta:
        terms = (quad.subject, quad.predicate, quad.object)
        if any(isinstance(t, ox.BlankNode | ox.Triple) for t in terms):
            return True
        subject, predicate = quad.subject.value, quad.predicate.value
        if subject.startswith(_SCHEMA_NAMESPACES) or predicate in _SCHEMA_PREDICATES:
            return True
        if predicate.startswith(SH):
            return True
    return False


def validate_delta(
    root: Path,
    base: ox.Store,
    new_files: Sequence[str | os.PathLike[str]],
    shapes: Graph,
    base_report: ValidationReport,
) -> ValidationReport | None:
    """The report of graph + new files, from a focus-node run; None when a full run is needed."""
    delta = ox.Store()
    load_extra(delta, new_files, root)
    return _focus_run([base, delta], base, delta, shapes, base_report)


def validate_change(
    before: ox.Store,
    after: ox.Store,
    changed: Iterable[ox.NamedNode],
    shapes: Graph,
    before_report: ValidationReport,
) -> ValidationReport | None:
    """The report of `after`, the graph `before` with the named graphs `changed` rewritten
    (triples added, taken away or both), from a focus-node run; None when a full run is
    needed. A triple taken away changes the results of the same nodes as one added: its
    ends and their readers, found in `before`, which still holds it."""
    graphs = list(changed)
    delta = ox.Store()
    for graph in graphs:
        delta.extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in after.quads_for_pattern(None, None, None, graph)
            if not _holds(before, q.triple)
        )
        delta.extend(
            ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in before.quads_for_pattern(None, None, None, graph)
            if not _holds(after, q.triple)
        )
    return _focus_run([after], before, delta, shapes, before_report)


def _holds(store: ox.Store, triple: ox.Triple) -> bool:
    return any(store.quads_for_pattern(triple.subject, triple.predicate, triple.object))


def _focus_run(
    data_stores: Sequence[ox.Store],
    base: ox.Store,
    delta: ox.Store,
    shapes: Graph,
    base_report: ValidationReport,
) -> ValidationReport | None:
    """Validate the neighbourhood, in `data_stores`, of the nodes `delta` can affect."""
    reads = shape_reads(shapes)
    if needs_full_run(delta, reads):
        return None
    focus = affected_nodes(base, delta, reads)
    data = data_graph(neighbourhood(data_stores, focus, reads), {})
    shown = {Term.iri(n.value) for n in focus}
    # pySHACL's own focus_nodes option also filters the value nodes of nested shapes (a
    # sh:qualifiedValueShape then counts nothing), so the shapes are retargeted instead, at
    # the affected nodes alone (as `shards` deals a full run out to workers); the other
    # nodes of the small graph, whose neighbourhoods are cut short, are not checked.
    targeted = shards.with_targets(shapes, _focus_share(data, shapes, focus))
    fresh = tuple(r for r in run_shapes(data, targeted).results if r.focus_node in shown)
    return merged_with(base_report, fresh, shown)


def _focus_share(data: Graph, shapes: Graph, focus: set[ox.NamedNode]) -> shards.Share:
    """Each targeted shape's focus nodes in `data` that are among `focus`."""
    wanted = {URIRef(node.value) for node in focus}
    [everything] = shards.focus_shares(data, shapes, 1)
    return {shape: [n for n in nodes if n in wanted] for shape, nodes in everything.items()}


# The graph's own report, cached per version of the graph and shapes files and of the code
# that computes it (a new pySHACL or sdgkg may report differently).
