"""The project's canonical Turtle: one deterministic, diff-friendly text for a set of triples.

Subjects are sorted, `rdf:type` comes first, every other predicate and object is sorted, and
only the project's fixed prefixes are used, so the same facts always give the same bytes and a
change to the graph shows up in a diff as the lines of the facts that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from operator import itemgetter
from typing import Any

from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    Literal,
    NamedNode,
    Quad,
    Triple,
)

from sdgkg.errors import InputError
from sdgkg.namespaces import PREFIXES, RDF_TYPE, XSD, compact

# Datatypes whose lexical form Turtle can write bare, when it is in canonical form.
_BARE = {XSD + "integer", XSD + "boolean"}
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Other control characters are legal in Turtle strings but unreadable in a file: \u escapes.
_ESCAPES.update({chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F] if chr(c) not in _ESCAPES})
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_LEADING = ["a", "rdf:subject", "rdf:predicate", "rdf:object"]


def write_turtle(triples: Iterable[Triple]) -> str:
    """Return the canonical Turtle text of `triples`; blank nodes get canonical labels."""
    by_subject: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for triple in _label_blank_nodes(list(triples)):
        subject = term(triple.subject)
        predicate = "a" if triple.predicate.value == RDF_TYPE else term(triple.predicate)
        by_subject[subject][predicate].add(term(triple.object))
    return render_turtle(by_subject)


def render_turtle(by_subject: dict[str, dict[str, set[str]]]) -> str:
    """The canonical text of terms already written in Turtle: subject -> predicate -> objects."""
    return join_blocks([subject_blocks(by_subject)])


# The subject blocks of some subjects, each with its sort key, and the prefixes they use.
Blocks = tuple[list[tuple[tuple[bool, str], str]], set[str | None]]


def subject_blocks(by_subject: dict[str, dict[str, set[str]]]) -> Blocks:
    """The blocks of `by_subject` (written apart, so that halves of a graph can be)."""
    blocks = []
    distinct: set[str] = set()  # every term once, for the prefixes: one pass over the graph
    for subject, predicates in by_subject.items():
        blocks.append((subject_key(subject), subject_block(subject, predicates)))
        distinct.add(subject)
        distinct.update(predicates)
        for objects in predicates.values():
            distinct.update(objects)
    return blocks, set(map(prefix_of, distinct))


def join_blocks(parts: list[Blocks]) -> str:
    """The canonical text of the blocks of subjects that no two parts share."""
    blocks = sorted((block for found, _ in parts for block in found), key=itemgetter(0))
    if not blocks:
        return ""  # an empty file is valid Turtle
    used = set().union(*(prefixes for _, prefixes in parts))
    header = [f"@prefix {name}: <{iri}> ." for name, iri in PREFIXES.items() if name in used]
    return "\n".join(header) + "\n\n" + "\n\n".join(body for _, body in blocks) + "\n"


def term(node: NamedNode | BlankNode | Literal | Triple) -> str:
    """Write one RDF term as Turtle, compacting IRIs with the project's prefixes."""
    if isinstance(node, NamedNode):
        return compact(node.value)
    if isinstance(node, Literal):
        return _literal(node)
    if isinstance(node, BlankNode):
        return f"_:{node.value}"
    raise InputError(f"{node} cannot be written in Turtle 1.1")


def _label_blank_nodes(triples: list[Triple]) -> list[Triple]:
    """The same graph with blank nodes named b0, b1, ... in the order of their RDFC-1.0
    canonical labels, so equal graphs give equal labels whatever the input's labels were."""
    if not any(isinstance(n, BlankNode) for t in triples for n in (t.subject, t.object)):
        return triples
    dataset = Dataset(Quad(t.subject, t.predicate, t.object) for t in triples)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    found = sorted({n.value for q in dataset for n in (q.subject, q.object) if _blank(n)})
    names = {value: BlankNode(f"b{index}") for index, value in enumerate(found)}

    def rename(node: Any) -> Any:
        return names[node.value] if _blank(node) else node

    return [Triple(rename(q.subject), q.predicate, rename(q.object)) for q in dataset]


def _blank(node: object) -> bool:
    return isinstance(node, BlankNode)


def subject_block(subject: str, predicates: dict[str, set[str]]) -> str:
    """One subject's canonical block of Turtle lines."""
    lines = [subject]
    ordered = _ordered(tuple(predicates))
    last = ordered[-1]
    for predicate in ordered:
        found = predicates[predicate]
        end = " ." if predicate == last else " ;"
        if len(found) == 1:  # most predicates have one object: nothing to sort
            (obj,) = found
            lines.append(f"    {predicate} {obj}{end}")
            continue
        objects = sorted(found, key=_object_key)
        lines.append(f"    {predicate}")
        lines.extend(f"        {obj}," for obj in objects[:-1])
        lines.append(f"        {objects[-1]}{end}")
    return "\n".join(lines)


def _literal(node: Literal) -> str:
    quoted = '"' + node.value.translate(_ESCAPE_TABLE) + '"'
    if node.language:
        return f"{quoted}@{node.language}"
    datatype = node.datatype.value
    if datatype == XSD + "string":
        return quoted
    if datatype in _BARE and is_canonical_bare(node.value, datatype):
        return node.value
    return f"{quoted}^^{compact(datatype)}"


def is_canonical_bare(value: str, datatype: str) -> bool:
    if datatype == XSD + "boolean":
        return value in ("true", "false")
    return value.isdigit() and (value == "0" or not value.startswith("0"))


@lru_cache(maxsize=4096)  # few sets of predicates, each met by many subjects
def _ordered(predicates: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(predicates, key=_predicate_key))


@lru_cache(maxsize=4096)  # few predicates, each met once per subject
def _predicate_key(predicate: str) -> tuple[int, str]:
    # The type first, and a reified statement reads subject, predicate, object.
    return (_LEADING.index(predicate) if predicate in _LEADING else len(_LEADING), predicate)


def subject_key(subject: str) -> tuple[bool, str]:
    """Where a subject's block goes: prefixed names first, then full IRIs, each by text."""
    return (subject.startswith("<"), subject)


def _object_key(obj: str) -> tuple[int, str]:
    # IRIs first, then literals; literals order by text, then by language or datatype.
    return (obj.startswith('"') or obj[0].isdigit() or obj in ("true", "false"), obj)


def prefix_of(written: str) -> str | None:
    """The prefix a written term uses (a literal's through its datatype), if any."""
    if written.startswith('"'):
        written = written.rpartition('"')[2].removeprefix("^^")  # "@en", "xsd:date" or ""
    name, colon, _ = written.partition(":")
    return name if colon and not written.startswith("<") else None
