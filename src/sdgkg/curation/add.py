"""Changing the curated graph: `add` (and remove) facts, and `fmt` the curated files.

An add plans the new content of every kg/ file it touches, validates the graph as it would
be after the change (a temporary copy of the data root with the new files), and only if that
conforms writes the files, all or nothing, under one lock (see `sdgkg.store.writes`).

Where new facts go, when `--to` is not given: a subject's facts go to the kg/ file that
already describes it; a new subject goes to the file that describes the most subjects of its
class (`rdf:type`); a new subject of a new class needs `--to`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from sdgkg.errors import InputError
from sdgkg.namespaces import RDF_TYPE, compact
from sdgkg.rdfio.screening import line_of_subject
from sdgkg.rdfio.serialize import canonical_triples
from sdgkg.rdfio.turtle import term, write_turtle
from sdgkg.store.graph import read_new_facts, read_rdf_bytes, syntax_message, token_too_long
from sdgkg.store.paths import (
    GENERATED_DIR,
    curated_files,
    display_path,
    is_installed_copy,
)
from sdgkg.store.writes import locked, write_files
from sdgkg.validation import ValidationReport
from sdgkg.validation.explain import relocated
from sdgkg.validation.run import validate_changed_copy

Facts = set[ox.Triple]


@dataclass(frozen=True)
class FileChange:
    """What an add does to one kg/ file."""

    path: str  # relative to the data root
    added: tuple[ox.Triple, ...]
    removed: tuple[ox.Triple, ...]


@dataclass(frozen=True)
class AddResult:
    report: ValidationReport
    changes: tuple[FileChange, ...] = ()
    written: bool = False

    @property
    def conforms(self) -> bool:
        return self.report.conforms


@dataclass
class _Plan:
    files: dict[Path, Facts]  # the new content of every file the change touches
    added: dict[Path, list[ox.Triple]] = field(default_factory=dict)
    removed: dict[Path, list[ox.Triple]] = field(default_factory=dict)


def add_facts(
    files: Sequence[str | os.PathLike[str]],
    root: Path,
    *,
    remove: Sequence[str | os.PathLike[str]] = (),
    to: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
) -> AddResult:
    """Add the facts of `files` (and take away those of `remove`) if the graph after the
    change conforms to the shapes; write the kg/ files unless `dry_run`."""
    root = editable_root(root)
    with locked(root):
        new = {Path(p): read_new_facts(Path(p), display_path(Path(p), None)) for p in files}
        gone = {Path(p): read_new_facts(Path(p), display_path(Path(p), None)) for p in remove}
        return change_facts(root, new, gone, to=to, dry_run=dry_run)


def change_facts(
    root: Path,
    new: Mapping[Path, list[ox.Triple]],
    gone: Mapping[Path, list[ox.Triple]] = {},  # noqa: B006 (read only)
    *,
    to: str | os.PathLike[str] | None = None,
    dry_run: bool = False,
    extra: Mapping[Path, bytes] = {},  # noqa: B006 (read only)
) -> AddResult:
    """The one validated, locked, all-or-nothing write of the curated graph: add the triples
    of `new` and take away those of `gone` (each keyed by the file named in messages), and
    write the `extra` files (other data under the root) in the same step."""
    with locked(root):
        curated = read_curated(root)
        target = _target(root, to) if to is not None else None
        plan = _plan(root, curated, new, gone, target)
        contents = {path: render_checked(facts, path) for path, facts in plan.files.items()}
        report = _validate_after(root, contents)
        changes = _changes(root, plan)
        if not report.conforms:  # point at the files given, not at the copy validated
            report = relocated(report, list(new), root)
        if not report.conforms or dry_run:
            return AddResult(report, changes, written=False)
        write_files(root, {**changed_only(contents), **extra})
    return AddResult(report, changes, written=True)


def editable_root(root: Path) -> Path:
    """`root` itself, unless it is the copy installed with the package (never edited)."""
    if is_installed_copy(root):
        raise InputError(
            "the data installed with the package is not edited",
            hint="run from your checkout, or pass --root DIR (or set SDGKG_ROOT)",
        )
    return root


def read_curated(root: Path) -> dict[Path, Facts]:
    """The facts of every kg/ file, by path."""
    curated = {}
    for path in curated_files(root):
        data = read_rdf_bytes(path, display_path(path, root))
        try:
            curated[path] = {q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE)}
        except SyntaxError as exc:
            raise InputError(syntax_message(display_path(path, root), exc)) from None
        except MemoryError:
            raise token_too_long(display_path(path, root)) from None
    return curated


def _target(root: Path, to: str | os.PathLike[str]) -> Path:
    path = Path(to) if Path(to).is_absolute() else root / to
    kg, generated = (root / "kg").resolve(), (root / GENERATED_DIR).resolve()
    inside = path.resolve().is_relative_to(kg) and not path.resolve().is_relative_to(generated)
    if path.suffix != ".ttl" or not inside:
        raise InputError(f"--to {to}: must be a .ttl file under kg/, not kg/extracted/")
    return kg / path.resolve().relative_to(kg)


def _plan(
    root: Path,
    curated: dict[Path, Facts],
    new: Mapping[Path, list[ox.Triple]],
    gone: Mapping[Path, list[ox.Triple]],
    target: Path | None,
) -> _Plan:
    curated = {path.resolve(): facts for path, facts in curated.items()}
    plan = _Plan(files={})
    for source, triples in gone.items():
        for triple in triples:
            _remove(plan, curated, source, triple)
    homes = _Homes(curated)
    for source, triples in new.items():
        for triple in triples:
            subject = _named_subject(source, triple)
            if any(triple in facts for facts in curated.values()):
                continue  # already in the graph: adding it changes nothing
            home = target or homes.of(subject, triples, source)
            homes.check(subject, home, source)
            _content(plan, curated, home).add(triple)
            plan.added.setdefault(home, []).append(triple)
    return plan


def _remove(plan: _Plan, curated: dict[Path, Facts], source: Path, triple: ox.Triple) -> None:
    holders = [path for path, facts in curated.items() if triple in facts]
    if not holders:
        subject = triple.subject
        iri = str(subject) if isinstance(subject, ox.Triple) else subject.value
        line = line_of_subject(source.read_text(encoding="utf-8"), iri)
        raise InputError(f"{source}:{line}: the graph does not hold {_written(triple)}")
    for path in holders:
        _content(plan, curated, path).discard(triple)
        plan.removed.setdefault(path, []).append(triple)


def _content(plan: _Plan, curated: dict[Path, Facts], path: Path) -> Facts:
    if path not in plan.files:
        plan.files[path] = set(curated.get(path, set()))
    return plan.files[path]


def _named_subject(source: Path, triple: ox.Triple) -> ox.NamedNode:
    """The triple's subject: blank nodes (and triple terms) are refused."""
    subject = triple.subject
    if not isinstance(subject, ox.NamedNode) or isinstance(triple.object, ox.BlankNode):
        raise InputError(
            f"{source}: blank nodes cannot be added to the curated graph",
            hint="give every resource an IRI, e.g. kg:NAME",
        )
    return subject


class _Homes:
    """Which kg/ file holds each subject, and which holds most subjects of each class."""

    def __init__(self, curated: dict[Path, Facts]) -> None:
        self.holder: dict[ox.NamedNode | ox.BlankNode | ox.Triple, Path] = {}
        self.by_class: dict[str, Counter[Path]] = {}
        for path in sorted(curated):
            for triple in curated[path]:
                self.holder.setdefault(triple.subject, path)
                if (kind := _class_of(triple)) is not None:
                    self.by_class.setdefault(kind, Counter())[path] += 1

    def of(self, subject: ox.NamedNode, triples: list[ox.Triple], source: Path) -> Path:
        if subject in self.holder:
            return self.holder[subject]
        classes = sorted(c for t in triples if t.subject == subject and (c := _class_of(t)))
        for name in classes:
            if name in self.by_class:
                counts = self.by_class[name]
                home = min(counts, key=lambda path: (-counts[path], path))
                self.holder[subject] = home
                return home
        line = line_of_subject(source.read_text(encoding="utf-8"), subject.value)
        raise InputError(
            f"{source}:{line}: no kg/ file holds {compact(subject.value)} or others of its class",
            hint="say where it goes with --to kg/FILE.ttl",
        )

    def check(self, subject: ox.NamedNode, home: Path, source: Path) -> None:
        holder = self.holder.setdefault(subject, home)
        if holder != home:
            line = line_of_subject(source.read_text(encoding="utf-8"), subject.value)
            raise InputError(
                f"{source}:{line}: {compact(subject.value)} is already described in "
                f"{_kg_name(holder)}; a subject lives in one file",
                hint=f"leave out --to, or use --to {_kg_name(holder)}",
            )


def _class_of(triple: ox.Triple) -> str | None:
    """The class a `rdf:type` triple names, else None."""
    if triple.predicate.value == RDF_TYPE and isinstance(triple.object, ox.NamedNode):
        return triple.object.value
    return None


def _kg_name(path: Path) -> str:
    parts = path.parts
    return "/".join(parts[len(parts) - 1 - parts[::-1].index("kg") :])


def render_checked(facts: Iterable[ox.Triple], path: Path) -> bytes:
    """The canonical Turtle of `facts`, after checking it parses back to the same graph."""
    triples = list(facts)
    data = write_turtle(triples).encode("utf-8")
    back = [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.TURTLE)]
    if not _same_graph(back, triples):
        raise InputError(f"{_kg_name(path)}: the written Turtle does not read back the same")
    return data


def _same_graph(one: Iterable[ox.Triple], other: Iterable[ox.Triple]) -> bool:
    # Blank nodes are compared by their canonical labels, so equal structures are equal.
    return set(canonical_triples(one)) == set(canonical_triples(other))


def _validate_after(root: Path, contents: Mapping[Path, bytes]) -> ValidationReport:
    """Validate the graph as the change would leave it (a copy of the data root with the new
    files); mark the results it introduces."""
    with tempfile.TemporaryDirectory(prefix="sdgkg-add-") as scratch:
        copy = Path(scratch)
        for name in ("ontology", "shapes"):
            if (root / name).is_dir():
                (copy / name).symlink_to((root / name).resolve(), target_is_directory=True)
        shutil.copytree(root / "kg", copy / "kg", ignore=shutil.ignore_patterns(".*"))
        changed = []
        for path, data in contents.items():
            relative = path.resolve().relative_to(root.resolve())
            moved = copy / relative
            moved.parent.mkdir(parents=True, exist_ok=True)
            moved.write_bytes(data)
            changed.append(relative)
        return validate_changed_copy(root, copy, changed)


def _changes(root: Path, plan: _Plan) -> tuple[FileChange, ...]:
    paths = sorted(set(plan.added) | set(plan.removed))
    return tuple(
        FileChange(
            display_path(path, root),
            tuple(plan.added.get(path, [])),
            tuple(plan.removed.get(path, [])),
        )
        for path in paths
    )


def changed_only(contents: Mapping[Path, bytes]) -> dict[Path, bytes]:
    return {p: d for p, d in contents.items() if not p.exists() or p.read_bytes() != d}


def render_changes(result: AddResult) -> str:
    """Per file, the facts added (+) and removed (-), then what was done."""
    if not result.changes:
        return "Nothing to add: the graph already holds these facts.\n"
    blocks = []
    for change in result.changes:
        lines = [f"{change.path}: {len(change.added)} added, {len(change.removed)} removed"]
        lines += [f"  - {_written(t)}" for t in sorted(change.removed, key=_written)]
        lines += [f"  + {_written(t)}" for t in sorted(change.added, key=_written)]
        blocks.append("\n".join(lines))
    done = "Written." if result.written else "Dry run: nothing written."
    return "\n".join(blocks) + f"\n{done}\n"


def _written(triple: ox.Triple) -> str:
    predicate = "a" if triple.predicate.value == RDF_TYPE else term(triple.predicate)
    return f"{term(triple.subject)} {predicate} {term(triple.object)}"
