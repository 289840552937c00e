"""`sdgkg diff`: the facts added and removed between two versions of the graph, by subject.

A version is an RDF file, a folder of Turtle files, a git revision (its kg/ folder, e.g.
`HEAD~1`) or a git object path (`HEAD:kg/tasks.ttl`). git runs locally in the data root.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.namespaces import RDF_TYPE
from sdgkg.rdfio.serialize import canonical_triples
from sdgkg.rdfio.turtle import term
from sdgkg.store.graph import FORMATS, read_rdf_bytes, syntax_message, token_too_long
from sdgkg.store.paths import turtle_files

PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


@dataclass(frozen=True)
class SubjectDiff:
    subject: str  # as written in Turtle
    label: str | None
    removed: tuple[tuple[str, str], ...]  # (predicate, object), as written in Turtle
    added: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class GraphDiff:
    subjects: tuple[SubjectDiff, ...]

    @property
    def counts(self) -> tuple[int, int]:
        """(added, removed) facts."""
        return (
            sum(len(s.added) for s in self.subjects),
            sum(len(s.removed) for s in self.subjects),
        )


def diff_graphs(old: str, new: str, root: Path) -> GraphDiff:
    """The difference between two versions (files, folders, git revisions or REV:path)."""
    before, after = _canonical(_read(old, root)), _canonical(_read(new, root))
    labels = _labels(after) | {k: v for k, v in _labels(before).items() if k not in _labels(after)}
    removed, added = before - after, after - before
    grouped: dict[str, dict[str, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for sign, triples in (("-", removed), ("+", added)):
        for triple in triples:
            grouped[term(triple.subject)][sign].append((_predicate(triple), term(triple.object)))
    subjects = tuple(
        SubjectDiff(
            subject,
            labels.get(subject),
            tuple(sorted(grouped[subject]["-"])),
            tuple(sorted(grouped[subject]["+"])),
        )
        for subject in sorted(grouped)
    )
    return GraphDiff(subjects)


def _predicate(triple: ox.Triple) -> str:
    return "a" if triple.predicate.value == RDF_TYPE else term(triple.predicate)


def _read(spec: str, root: Path) -> list[ox.Triple]:
    path = Path(spec)
    if not path.exists() and (root / spec).exists():
        path = root / spec  # kg/tasks.ttl means the data root's, wherever the user is
    if path.is_file():
        return _parse(read_rdf_bytes(path, spec), path.name, spec)
    if path.is_dir():
        return [t for file in sorted(turtle_files(path)) for t in _read(str(file), root)]
    if spec.startswith("-"):
        raise InputError(f"{spec}: not a file, a folder or a git revision")
    if ":" in spec:
        return _parse(_git(root, "show", spec), PurePosixPath(spec.split(":", 1)[1]).name, spec)
    names = _git(root, "ls-tree", "-r", "--name-only", spec, "--", "kg").decode().split()
    files = [name for name in names if name.endswith(".ttl")]
    return [t for name in files for t in _parse(_git(root, "show", f"{spec}:{name}"), name, name)]


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        what = args[-1] if args[0] == "show" else args[3]
        raise InputError(
            f"{what}: not a file, a folder or a git revision",
            hint="e.g. kg/tasks.ttl, HEAD~1, or HEAD:kg/tasks.ttl",
        )
    return done.stdout


def _parse(data: bytes, name: str, shown: str) -> list[ox.Triple]:
    fmt = FORMATS.get(PurePosixPath(name).suffix.lower(), ox.RdfFormat.TURTLE)
    try:
        return [quad.triple for quad in ox.parse(data, format=fmt)]
    except SyntaxError as exc:
        raise InputError(syntax_message(shown, exc)) from None
    except MemoryError:
        raise token_too_long(shown) from None


def _canonical(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    # Blank nodes get canonical labels, so the same structure on both sides is no change.
    return set(canonical_triples(triples))


def _labels(triples: Iterable[ox.Triple]) -> dict[str, str]:
    """An English preferred label per subject, else any preferred label."""
    labels: dict[str, str] = {}
    for triple in triples:
        obj = triple.object
        if triple.predicate.value == PREF_LABEL and isinstance(obj, ox.Literal):
            key = term(triple.subject)
            if obj.language == "en" or key not in labels:
                labels[key] = obj.value
    return labels


def render_diff(diff: GraphDiff) -> str:
    """One block per subject (with its label), `-` removed and `+` added facts, a summary."""
    if not diff.subjects:
        return "No differences.\n"
    blocks = []
    for item in diff.subjects:
        head = f"{item.subject}  ({item.label})" if item.label else item.subject
        lines = [head]
        lines += [f"  - {p} {o}" for p, o in item.removed]
        lines += [f"  + {p} {o}" for p, o in item.added]
        blocks.append("\n".join(lines))
    added, removed = diff.counts
    return "\n\n".join(blocks) + f"\n\n{added} added, {removed} removed.\n"
