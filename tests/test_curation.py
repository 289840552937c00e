"""`sdgkg add`, `fmt` and `diff`: validated, canonical, all-or-nothing changes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import Result

from sdgkg import load_graph
from sdgkg.rdfio.turtle import write_turtle
from sdgkg.store import writes

from .faults import fail_second_temp_write
from .test_safety import snapshot

PREFIXES = (
    "@prefix kg: <https://w3id.org/sdgkg/id/> .\n"
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .\n"
    "@prefix schema: <https://schema.org/> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
)
# Touches two files: kg/centre.ttl (the subject's home) and kg/evidence/facts.ttl.
TWO_FILES = PREFIXES + (
    'kg:centre skos:altLabel "Almaty SDG centre"@en .\n'
    "kg:fact-centre-altlabel a rdf:Statement ; rdf:subject kg:centre ;\n"
    '    rdf:predicate skos:altLabel ; rdf:object "Almaty SDG centre"@en ;\n'
    "    prov:wasDerivedFrom kg:seed-l02 .\n"
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def triples(path: Path) -> set[ox.Triple]:
    return {q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}


def test_add_merges_into_the_subjects_files(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    centre, facts = root / "kg" / "centre.ttl", root / "kg" / "evidence" / "facts.ttl"
    before = triples(centre), triples(facts)
    result = sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES)))
    assert result.exit_code == 0, result.output
    assert "kg/centre.ttl: 1 added, 0 removed" in result.stdout
    assert "kg/evidence/facts.ttl: 5 added, 0 removed" in result.stdout
    assert result.stdout.endswith("Written.\n")
    assert len(triples(centre) - before[0]) == 1 and len(triples(facts) - before[1]) == 5
    # Canonical output: the file is exactly what the writer makes of its facts.
    assert centre.read_text(encoding="utf-8") == write_turtle(triples(centre))


def test_an_add_leaves_the_changed_graphs_report_for_the_next_check(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    from sdgkg.store.paths import graph_files, shape_files
    from sdgkg.validation import cache as delta

    assert sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES))).exit_code == 0
    # `add` validated a scratch copy of the graph as changed: same relative paths, same bytes.
    key = delta.report_key(root, [*graph_files(root), *shape_files(root)])
    assert delta.load_cached_report(key) is not None


def test_an_add_shows_in_a_diff_as_the_added_lines_only(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    sdgkg("fmt")
    facts = root / "kg" / "evidence" / "facts.ttl"
    old = facts.read_text(encoding="utf-8").splitlines()
    sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES)))
    new = facts.read_text(encoding="utf-8").splitlines()
    assert [line for line in old if line not in new] == []  # nothing removed or rewritten
    assert len(new) - len(old) == 7  # the new statement's 6 lines and a blank line


def test_dry_run_writes_nothing(sdgkg: Callable[..., Result], root: Path, tmp_path: Path) -> None:
    before = snapshot(root)
    result = sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing written." in result.stdout
    assert snapshot(root) == before


def test_violations_write_nothing(sdgkg: Callable[..., Result], root: Path, tmp_path: Path) -> None:
    before = snapshot(root)
    second_label = PREFIXES + 'kg:centre skos:prefLabel "Another name"@en .\n'
    result = sdgkg("add", str(write(tmp_path, "bad.ttl", second_label)))
    assert result.exit_code == 1
    assert "does NOT conform" in result.stdout
    assert result.stdout.startswith(
        f"{tmp_path / 'bad.ttl'}:7:1: violation: A centre has one preferred label per language.\n"
        "  introduced by the new facts\n"
    )
    assert snapshot(root) == before


def test_a_subject_lives_in_one_file(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    new = write(tmp_path, "new.ttl", PREFIXES + 'kg:centre skos:altLabel "x"@en .\n')
    result = sdgkg("add", str(new), "--to", "kg/other.ttl")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: {new}:7: kg:centre is already described in kg/centre.ttl; "
        "a subject lives in one file"
    )


def test_duplicate_subjects_across_curated_files_are_an_error(
    sdgkg: Callable[..., Result], root: Path
) -> None:
    write(root / "kg", "more.ttl", PREFIXES + '\n\nkg:almaty skos:altLabel "Alma-Ata"@en .\n')
    result = sdgkg("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: kg/more.ttl:9: kg:almaty is already described in kg/centre.ttl"
    )


def test_an_ill_typed_literal_in_a_curated_file_is_an_error_not_a_crash(
    sdgkg: Callable[..., Result], root: Path
) -> None:
    # New facts are screened as they are read; a file edited by hand is caught before pySHACL,
    # whose SPARQL engine stops on arithmetic with such a number.
    write(
        root / "kg",
        "more.ttl",
        PREFIXES + '\n\nkg:x kg:start "x72"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
    )
    result = sdgkg("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith('Error: kg/more.ttl:9: "x72" is not a valid xsd:integer')
    assert "Traceback" not in result.stderr + result.stdout


def test_a_new_subject_goes_with_its_class_or_where_told(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    city = write(
        tmp_path, "city.ttl", PREFIXES + 'kg:astana a schema:City ; skos:prefLabel "Astana"@en .\n'
    )
    assert "kg/centre.ttl: 2 added" in sdgkg("add", str(city), "--dry-run").stdout
    thing = write(tmp_path, "thing.ttl", PREFIXES + "kg:thing a schema:Thing .\n")
    refused = sdgkg("add", str(thing))
    assert refused.exit_code == 2
    assert "no kg/ file holds kg:thing or others of its class" in refused.stderr
    assert sdgkg("add", str(thing), "--to", "kg/things.ttl").exit_code == 0
    assert triples(root / "kg" / "things.ttl")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            'kg:centre skos:altLabel "nope"@en .\n',
            "the graph does not hold kg:centre skos:altLabel",
        ),
    ],
)
def test_remove_only_what_is_there(
    sdgkg: Callable[..., Result], tmp_path: Path, text: str, error: str
) -> None:
    gone = write(tmp_path, "gone.ttl", PREFIXES + text)
    new = write(tmp_path, "new.ttl", PREFIXES)
    result = sdgkg("add", str(new), "--remove", str(gone))
    assert result.exit_code == 2 and error in result.stderr


def test_blank_nodes_are_refused(sdgkg: Callable[..., Result], tmp_path: Path) -> None:
    new = write(tmp_path, "b.ttl", PREFIXES + 'kg:centre schema:address [ schema:name "x" ] .\n')
    result = sdgkg("add", str(new))
    assert result.exit_code == 2 and "blank nodes cannot be added" in result.stderr


def test_a_failure_before_the_decision_leaves_every_file_as_it_was(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_second_temp_write(monkeypatch)
    before = snapshot(root)
    result = sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES)))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot write the data: No space left on device")
    assert snapshot(root) == before  # no temporary file left either


def test_a_failure_after_the_decision_is_finished_by_the_next_reader(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.replace
    renames = []

    def second_rename_fails(src: str | Path, dst: str | Path) -> None:
        if str(src).endswith(".tmp") and not str(dst).endswith(".json"):
            renames.append(dst)
            if len(renames) == 2:
                raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(writes.os, "replace", second_rename_fails)
    result = sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES)))
    assert result.exit_code == 2 and "the change is recorded but not finished" in result.stderr
    assert (root / writes.JOURNAL_NAME).exists()
    monkeypatch.setattr(writes.os, "replace", real)
    store = load_graph(root)  # a reader finishes the decided change first
    assert not (root / writes.JOURNAL_NAME).exists()
    assert (
        len(
            list(
                store.quads_for_pattern(None, None, ox.Literal("Almaty SDG centre", language="en"))
            )
        )
        == 2
    )


def test_fmt_rewrites_and_checks(sdgkg: Callable[..., Result], root: Path) -> None:
    facts = root / "kg" / "evidence" / "facts.ttl"
    graph = triples(facts)
    check = sdgkg("fmt", "--check")
    assert check.exit_code == 1 and "would reformat kg/evidence/facts.ttl" in check.stdout
    assert sdgkg("fmt").stdout == "reformatted kg/centre.ttl\nreformatted kg/evidence/facts.ttl\n"
    assert triples(facts) == graph
    again = sdgkg("fmt", "--check")
    assert again.exit_code == 0 and again.stdout == "All kg/ files are canonical.\n"


def test_the_repository_is_in_canonical_form() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sdgkg", "fmt", "--check"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_diff_of_two_files(sdgkg: Callable[..., Result], root: Path, tmp_path: Path) -> None:
    old = root / "kg" / "centre.ttl"
    new = write(
        tmp_path,
        "centre.ttl",
        old.read_text(encoding="utf-8").replace('"Almaty"@en', '"Almaty city"@en'),
    )
    result = sdgkg("diff", str(old), str(new))
    assert result.exit_code == 0
    assert result.stdout == (
        "kg:almaty  (Almaty city)\n"
        '  - skos:prefLabel "Almaty"@en\n'
        '  + skos:prefLabel "Almaty city"@en\n'
        "\n1 added, 1 removed.\n"
    )
    assert sdgkg("diff", str(old), str(old)).stdout == "No differences.\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=test@example.org", "-c", "user.name=test", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_diff_of_git_revisions(sdgkg: Callable[..., Result], root: Path, tmp_path: Path) -> None:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "before")
    sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES)))
    git(root, "commit", "-qam", "after")
    whole = sdgkg("diff", "HEAD~1", "HEAD")
    assert whole.exit_code == 0, whole.output
    assert whole.stdout.startswith("kg:centre  (UN SDG Centre)\n  + skos:altLabel")
    assert whole.stdout.endswith("\n6 added, 0 removed.\n")
    one = sdgkg("diff", "HEAD~1:kg/centre.ttl", "HEAD:kg/centre.ttl")
    assert one.stdout.endswith("\n1 added, 0 removed.\n")
    bad = sdgkg("diff", "no-such-rev", "HEAD")
    assert bad.exit_code == 2
    assert bad.stderr.startswith("Error: no-such-rev: not a file, a folder or a git revision")


# Concurrency and crash safety, with real processes.
def run_add(root: Path, new: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "sdgkg", "--root", str(root), "add", str(new)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_adds_at_once_both_land(root: Path, tmp_path: Path) -> None:
    one = write(tmp_path, "one.ttl", PREFIXES + 'kg:centre skos:altLabel "First"@en .\n')
    two = write(tmp_path, "two.ttl", PREFIXES + 'kg:almaty skos:altLabel "Second"@en .\n')
    first, second = run_add(root, one), run_add(root, two)  # both target kg/centre.ttl
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    labels = {t.object.value for t in triples(root / "kg" / "centre.ttl")}
    assert {"First", "Second"} <= labels


def test_an_add_waits_for_the_lock(root: Path, tmp_path: Path) -> None:
    import time

    new = write(tmp_path, "new.ttl", TWO_FILES)
    with writes.locked(root):
        process = run_add(root, new)
        time.sleep(3)  # long enough for an add on the fixture to finish, were it not waiting
        assert process.poll() is None
        assert b"Almaty SDG centre" not in (root / "kg" / "centre.ttl").read_bytes()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert b"Almaty SDG centre" in (root / "kg" / "centre.ttl").read_bytes()


def graph_state(root: Path) -> frozenset[ox.Quad]:
    return frozenset(load_graph(root))


def test_killed_adds_leave_the_graph_before_or_after(root: Path, tmp_path: Path) -> None:
    import random
    import shutil
    import signal
    import time

    new = write(tmp_path, "new.ttl", TWO_FILES)
    pristine = tmp_path / "pristine"
    shutil.copytree(root, pristine)
    before = graph_state(root)
    finished = run_add(root, new)
    started = time.monotonic()
    assert finished.wait(timeout=120) == 0
    duration = time.monotonic() - started
    after = graph_state(root)
    assert after != before
    rng = random.Random(5)
    seen = {"before": 0, "after": 0}
    deadline = time.monotonic() + 60
    for _ in range(12):
        if time.monotonic() > deadline:
            break
        shutil.rmtree(root)
        shutil.copytree(pristine, root)
        process = run_add(root, new)
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        state = graph_state(root)  # a reader finishes a decided change first
        assert state in (before, after)
        seen["before" if state == before else "after"] += 1
        assert not list((root / "kg").rglob(".*.tmp")) or state == before
    print("killed adds:", seen)
    assert sum(seen.values()) >= 3


def readme_console() -> list[tuple[list[str], str]]:
    """The README's worked example: each `$ sdgkg ...` line and the output shown under it."""
    import re
    import shlex

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```console\n(.*?)```", readme, flags=re.DOTALL)
    steps = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
    return [(shlex.split(step.split("\n", 1)[0])[1:], step.split("\n", 1)[1]) for step in steps]


REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(not (REPO / "kg" / "tasks.ttl").is_file(), reason="needs the real graph")
def test_the_worked_example_on_a_copy_of_the_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from typer.testing import CliRunner

    from sdgkg.cli import app

    copy = tmp_path / "copy"
    for name in ("kg", "ontology", "shapes", "queries", "seeds", "examples"):
        shutil.copytree(REPO / name, copy / name)
    shutil.copy(REPO / ".gitignore", copy / ".gitignore")
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-qm", "before")
    monkeypatch.chdir(copy)
    monkeypatch.setenv("SDGKG_ROOT", str(copy))
    steps = readme_console()
    assert [args[0] for args, _ in steps] == ["add", "diff"]
    for args, shown in steps:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert result.stdout == shown
    status = subprocess.run(
        ["git", "status", "--short"], cwd=copy, capture_output=True, text=True, check=True
    )
    assert sorted(status.stdout.split()) == sorted(
        ["M", "kg/evidence/facts.ttl", "M", "kg/sources.ttl", "M", "kg/tasks.ttl"]
    )
    assert (REPO / "kg" / "tasks.ttl").read_text(encoding="utf-8").count(
        "PotentialActionStatus"
    ) == 4


@pytest.mark.parametrize(
    "to", ["../outside.ttl", "kg/notes.txt", "/etc/passwd", "kg/extracted/mine.ttl"]
)
def test_to_must_be_a_turtle_file_under_kg(
    to: str, sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    before = snapshot(root)
    result = sdgkg("add", str(write(tmp_path, "new.ttl", TWO_FILES)), "--to", to)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: --to {to}: must be a .ttl file under kg/, not")
    assert snapshot(root) == before


def test_removing_every_fact_of_a_file_leaves_it_empty(
    sdgkg: Callable[..., Result], root: Path, tmp_path: Path
) -> None:
    thing = write(tmp_path, "thing.ttl", PREFIXES + "kg:thing a schema:Thing .\n")
    assert sdgkg("add", str(thing), "--to", "kg/things.ttl").exit_code == 0
    empty = write(tmp_path, "empty.ttl", PREFIXES)
    result = sdgkg("add", str(empty), "--remove", str(thing))
    assert result.exit_code == 0, result.output
    assert "kg/things.ttl: 0 added, 1 removed" in result.stdout
    assert (root / "kg" / "things.ttl").read_bytes() == b""


def test_the_installed_copy_is_not_edited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from typer.testing import CliRunner

    from sdgkg.cli import app
    from sdgkg.store import paths

    from .conftest import FIXTURES

    package = tmp_path / "site-packages" / "sdgkg"
    shutil.copytree(FIXTURES / "root", package / "_data")
    monkeypatch.setattr(paths, "_PACKAGE_DIR", package)
    before = snapshot(package / "_data")
    new = write(tmp_path, "new.ttl", TWO_FILES)
    for args in (["add", str(new)], ["fmt"]):
        result = CliRunner().invoke(app, ["--root", str(package / "_data"), *args])
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: the data installed with the package is not edited")
    assert snapshot(package / "_data") == before
