"""Rejected candidates, remembered in kg/rejections.tsv so no extraction proposes them again.

One line per rejection: the source document's IRI, the fact as one N-Triples line without its
final dot, the date of the rejection and the curator's reason. The file is data, not RDF (it
is not part of the queried graph), and it is written through the same locked all-or-nothing
write as the graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.extract.rdf import _minted
from sdgkg.rdfio.terms import to_oxigraph

if TYPE_CHECKING:
    from sdgkg.extract.rules import Candidate

REJECTIONS_FILE = Path("kg") / "rejections.tsv"
HEADER = "# source\tfact (N-Triples)\trejected on\treason\n"


def rejection_key(source: str, triple: ox.Triple) -> tuple[str, str]:
    return (source, _ntriples(triple))


def _ntriples(triple: ox.Triple) -> str:
    return f"{triple.subject} {triple.predicate} {triple.object}"


def load_rejections(root: Path) -> set[tuple[str, str]]:
    """(source IRI, fact) of every rejection recorded in the data root."""
    path = root / REJECTIONS_FILE
    if not path.is_file():
        return set()
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            raise InputError(f"{REJECTIONS_FILE.as_posix()}:{number}: expected source<TAB>fact")
        found.add((fields[0], fields[1]))
    return found


def with_rejections(
    root: Path, rejected: Iterable[tuple[str, ox.Triple]], reason: str, today: str | None = None
) -> bytes:
    """The rejections file with `rejected` added (each once), sorted."""
    path = root / REJECTIONS_FILE
    lines = set()
    if path.is_file():
        lines = {
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
    known = {tuple(line.split("\t")[:2]) for line in lines}
    when = today or date.today().isoformat()
    clean = " ".join(reason.split())
    for source, triple in rejected:
        key = rejection_key(source, triple)
        if key not in known:
            lines.add("\t".join([*key, when, clean]))
            known.add(key)
    return (HEADER + "".join(f"{line}\n" for line in sorted(lines))).encode("utf-8")


def drop_rejected(
    root: Path, source: str, key: str, candidates: list[Candidate]
) -> list[Candidate]:
    """The extraction's candidates without those a curator rejected for this source (`key`
    is the document's part of the IRIs minted for it)."""
    rejected = load_rejections(root)
    if not rejected:
        return candidates
    return [c for c in candidates if (source, _candidate_key(c, key)) not in rejected]


def _candidate_key(candidate: Candidate, key: str) -> str:
    subject, predicate, obj = (to_oxigraph(_minted(key, term)) for term in candidate.triple())
    # The rules only put resources in subject and predicate position.
    assert not isinstance(subject, ox.Literal) and isinstance(predicate, ox.NamedNode)
    return _ntriples(ox.Triple(subject, predicate, obj))
