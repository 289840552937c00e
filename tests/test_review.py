"""The curation loop on a copy of the project graph: register a source, extract, review, accept,
reject; updates keep their history; a failed or killed accept leaves kg/ as it was.

The article `tests/fixtures/articles/centre-director-appointed.en.txt` is invented for these
tests (no director has been announced); it never enters the project's own graph.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sdgkg.cli import app

from .conftest import REPO
from .faults import fail_second_temp_write
from .test_safety import snapshot

ARTICLE = Path("tests") / "fixtures" / "articles" / "centre-director-appointed.en.txt"
SOURCE = "kg:source-centre-director-appointed-en"
DONE, END_TIME, PARENT = "fb588b5012cf", "dcf4fd94cecd", "0da528138507"
REGISTER = [
    "source", "add", str(ARTICLE), "--title", "UN SDG centre in Almaty has its director",
    "--label", "kk=Алматыдағы БҰҰ ТДМ орталығының директоры тағайындалды",
    "--label", "ru=Назначен директор центра ООН по ЦУР в Алматы",
    "--date", "2026-01-20", "--url", "https://example.org/centre-director-appointed",
]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not (REPO / "kg" / "tasks.ttl").is_file(), reason="needs the project graph"
)


@pytest.fixture
def copy(project_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The copy of the project's data, with the test article beside it, as the current folder."""
    (project_copy / ARTICLE).parent.mkdir(parents=True)
    shutil.copy(REPO / ARTICLE, project_copy / ARTICLE)
    monkeypatch.chdir(project_copy)
    return project_copy


def sdgkg(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def registered_and_extracted() -> None:
    assert sdgkg(*REGISTER).exit_code == 0
    assert sdgkg("extract", SOURCE).exit_code == 0


def readme_transcript() -> list[tuple[list[str], str]]:
    """The curation loop's worked example in the README: each `$ sdgkg ...` and its output."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    [block] = re.findall(r"```shell\n(.*?)```", readme, flags=re.DOTALL)
    steps = re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]
    return [(shlex.split(step.split("\n", 1)[0])[1:], step.split("\n", 1)[1]) for step in steps]


def test_the_readme_worked_example(copy: Path) -> None:
    steps = readme_transcript()
    commands = [" ".join(args[:2]) for args, _ in steps]
    assert commands[:4] == [
        "source add",
        f"extract {SOURCE}",
        "review centre-director-appointed.en",
        "accept --min-confidence",
    ]
    for args, shown in steps:
        result = sdgkg(*args)
        assert result.exit_code == 0, (args, result.output)
        assert result.stdout == shown, args
    # The outcome, beyond the text: the task done on that date, citing that article, and the
    # second extraction proposes nothing new.
    assert "Nothing new to review." in steps[-1][1]
    tasks = (copy / "kg" / "tasks.ttl").read_text(encoding="utf-8")
    assert '"2026-01-15"^^xsd:date' in tasks
    assert (copy / "seeds" / ARTICLE.name).read_bytes() == (REPO / ARTICLE).read_bytes()


def test_review_groups_as_json(copy: Path) -> None:
    registered_and_extracted()
    result = sdgkg("review", "centre-director-appointed.en", "--format", "json")
    [review] = json.loads(result.stdout)
    groups = review["groups"]
    assert [c["id"] for c in groups["conflict"]] == [DONE]
    assert groups["conflict"][0]["graph"] == ["schema:PotentialActionStatus"]
    assert [c["id"] for c in groups["new"]] == [END_TIME]
    assert groups["new"][0]["passages"][0]["text"].endswith("appointed on 15 January 2026.")
    assert PARENT in [c["id"] for c in groups["second-source"]]
    assert review["source"] == SOURCE and groups["curated"] == []


def test_accept_supersedes_and_keeps_the_history(copy: Path) -> None:
    registered_and_extracted()
    result = sdgkg("accept", DONE, END_TIME)
    assert result.exit_code == 0, result.output
    task = ["-p", "subject=kg:task-appoint-leadership", "-p", "predicate=schema:actionStatus"]
    rows = sdgkg("query", "history", *task, "--format", "csv")
    lines = rows.stdout.splitlines()
    assert lines[0] == "value,state,source,published,replacedBy"
    assert lines[1:] == [
        "https://schema.org/PotentialActionStatus,superseded,"
        "https://w3id.org/sdgkg/id/source-citizenportal-signing,,"
        "https://schema.org/CompletedActionStatus",
        "https://schema.org/PotentialActionStatus,superseded,"
        "https://w3id.org/sdgkg/id/source-kazinform-2025-08-06,2025-08-06,"
        "https://schema.org/CompletedActionStatus",
        "https://schema.org/CompletedActionStatus,current,"
        "https://w3id.org/sdgkg/id/source-centre-director-appointed-en,2026-01-20,",
    ]
    timeline = sdgkg("query", "timeline", "--format", "csv").stdout.splitlines()
    assert timeline[-1].startswith("2026-01-15,https://w3id.org/sdgkg/id/task-appoint-leadership")
    assert sdgkg("validate").exit_code == 0
    facts = (copy / "kg" / "evidence" / "facts.ttl").read_text(encoding="utf-8")
    assert (
        "sdgkg:supersededBy kg:fact-task-appoint-leadership-actionStatus-CompletedActionStatus"
        in facts
    )


def test_a_second_source_joins_the_facts_evidence(copy: Path) -> None:
    registered_and_extracted()
    assert sdgkg("accept", PARENT).exit_code == 0
    import csv

    text = sdgkg("query", "evidence", "-p", "predicate=org:subOrganizationOf", "--format", "csv")
    sources = sorted(row["source"] for row in csv.DictReader(text.stdout.splitlines()))
    assert sources == [
        "https://w3id.org/sdgkg/id/source-centre-director-appointed-en",
        "https://w3id.org/sdgkg/id/source-kazinform-2025-08-06",
    ]


def test_dry_run_shows_the_change_and_writes_nothing(copy: Path) -> None:
    registered_and_extracted()
    before = snapshot(copy)
    result = sdgkg("accept", DONE, END_TIME, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "kg:task-appoint-leadership  (Appoint the centre's leadership)\n" in result.stdout
    assert "  - schema:actionStatus schema:PotentialActionStatus\n" in result.stdout
    assert result.stdout.endswith("Dry run: nothing written; would accept 2 candidates.\n")
    assert snapshot(copy) == before


def test_rejections_are_remembered(copy: Path) -> None:
    registered_and_extracted()
    result = sdgkg("reject", END_TIME, "--reason", "the date is the announcement's")
    assert result.exit_code == 0 and result.stdout.startswith(f"Rejected {END_TIME}")
    [line] = [
        line
        for line in (copy / "kg" / "rejections.tsv").read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert line.startswith("https://w3id.org/sdgkg/id/source-centre-director-appointed-en\t")
    assert "the date is the announcement's" in line
    assert "Rejected earlier: 1" in sdgkg("review", "centre-director-appointed.en").stdout
    assert sdgkg("accept", END_TIME).exit_code == 2
    assert sdgkg("extract", SOURCE).exit_code == 0  # the rejected fact is not proposed again
    extracted = (copy / "kg" / "extracted" / "centre-director-appointed.en.ttl").read_text()
    assert "schema:endTime" not in extracted and "CompletedActionStatus" in extracted


def test_wrong_ids_and_unregistered_sources_are_refused(copy: Path) -> None:
    before = snapshot(copy)
    result = sdgkg("accept", "000000000000")
    assert result.exit_code == 2 and "no candidate has the ID 000000000000" in result.stderr
    result = sdgkg("accept")
    assert result.exit_code == 2 and "--min-confidence" in result.stderr
    assert snapshot(copy) == before
    assert sdgkg("extract", str(ARTICLE)).exit_code == 0  # not registered: a kgx: document
    before = snapshot(copy)
    result = sdgkg("accept", DONE)
    assert result.exit_code == 2 and "is not a registered source" in result.stderr
    assert "sdgkg source add" in result.stderr
    assert snapshot(copy) == before


NEW_TASK_ARTICLE = """date 2026-02-02 The centre prepares its launch
ALMATY – The United Nations Regional Centre for the Sustainable Development Goals for Central \
Asia and Afghanistan is part of the structure of the United Nations Department of Economic and \
Social Affairs.
Before the official launch of the centre, several steps remain:
- define the centre's specific tasks;
- develop financing mechanisms and a memorandum;
- approve the staffing structure and the draft budget;
- appoint the centre's leadership;
- select the centre's first experts.
"""


def test_a_new_entity_gets_a_readable_iri_and_its_missing_labels_reported(copy: Path) -> None:
    article = copy / "launch-steps.en.txt"
    article.write_text(NEW_TASK_ARTICLE, encoding="utf-8")
    register = ["source", "add", str(article), "--title", "The centre prepares its launch",
                "--label", "kk=Орталық іске қосылуға дайындалуда",
                "--label", "ru=Центр готовится к запуску"]  # fmt: skip
    assert sdgkg(*register).exit_code == 0
    assert sdgkg("extract", "kg:source-launch-steps-en").exit_code == 0
    [review] = json.loads(sdgkg("review", "launch-steps.en", "--format", "json").stdout)
    entity = review["groups"]["new-entity"]
    assert review["missing_labels"] == {entity[0]["entity"]: ["kk", "ru"]}
    ids = [c["id"] for c in entity]
    assert {c["predicate"] for c in entity} == {
        "rdf:type", "skos:prefLabel", "schema:position", "schema:actionStatus",
        "sdgkg:prerequisiteFor",
    }  # fmt: skip
    before = snapshot(copy)
    result = sdgkg("accept", *ids)  # the labels in kk and ru are missing: refused
    assert result.exit_code == 1
    assert "kg:task-select-the-centre-s-first-experts has no label in kk, ru" in result.stdout
    assert snapshot(copy) == before
    name = "task-select-the-centre-s-first-experts"
    labels = [
        *("--label", f"{name}@kk=Орталықтың алғашқы сарапшыларын іріктеу"),
        *("--label", f"{name}@ru=Отбор первых экспертов центра"),
    ]
    result = sdgkg("accept", *ids, *labels)
    assert result.exit_code == 0, result.output
    tasks = (copy / "kg" / "tasks.ttl").read_text(encoding="utf-8")
    assert "kg:task-select-the-centre-s-first-experts\n    a sdgkg:OrganisationalTask" in tasks
    assert '"select the centre\'s first experts"@en' in tasks


def test_a_failure_before_the_decision_leaves_kg_as_it_was(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registered_and_extracted()
    fail_second_temp_write(monkeypatch)
    before = snapshot(copy)
    result = sdgkg("accept", DONE, END_TIME)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot write the data: No space left on device")
    assert snapshot(copy) == before


def test_killed_accepts_leave_the_graph_before_or_after(copy: Path, tmp_path: Path) -> None:
    import random
    import signal
    import time

    from sdgkg.store.graph import load_graph

    registered_and_extracted()
    pristine = tmp_path / "pristine"
    shutil.copytree(copy, pristine)

    def state() -> frozenset:
        return frozenset(load_graph(copy))

    def run() -> subprocess.Popen[str]:
        args = [sys.executable, "-m", "sdgkg", "--root", str(copy), "accept", DONE, END_TIME]
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    before = state()
    started = time.monotonic()
    assert run().wait(timeout=120) == 0
    duration = time.monotonic() - started
    after = state()
    assert after != before
    rng, seen = random.Random(14), {"before": 0, "after": 0}
    deadline = time.monotonic() + 60
    for _ in range(8):
        if time.monotonic() > deadline:
            break
        shutil.rmtree(copy)
        shutil.copytree(pristine, copy)
        process = run()
        time.sleep(rng.uniform(0.3, 1.0) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        now = state()  # a reader finishes a decided change first
        assert now in (before, after)
        seen["before" if now == before else "after"] += 1
    print("killed accepts:", seen)
    assert sum(seen.values()) >= 3


def test_mentions_are_listed_where_the_extraction_has_them(copy: Path) -> None:
    # The extractor writes each mention of a known entity as an oa:Annotation.
    registered_and_extracted()
    text = sdgkg("review", "centre-director-appointed.en").stdout
    assert re.search(r"Mentions \(\d+\)\n", text)
    assert re.search(r"\n  kg:un-desa  \[\d+-\d+\] ", text)
    [review] = json.loads(sdgkg("review", "centre-director-appointed.en", "-f", "json").stdout)
    assert "https://w3id.org/sdgkg/id/un-desa" in {m["body"] for m in review["mentions"]}


def test_a_new_quotation_is_named_by_its_words(copy: Path) -> None:
    launch = Path("tests") / "fixtures" / "articles" / "centre-launch.en.txt"
    shutil.copy(REPO / launch, copy / launch)
    register = ["source", "add", str(launch), "--title", "Launch",
                "--label", "kk=Іске қосу", "--label", "ru=Запуск"]  # fmt: skip
    assert sdgkg(*register).exit_code == 0
    assert sdgkg("extract", "kg:source-centre-launch-en").exit_code == 0
    [review] = json.loads(sdgkg("review", "centre-launch.en", "--format", "json").stdout)
    quote = [c for c in review["groups"]["new-entity"] if c["entity"].endswith("-quote-1")]
    assert {c["predicate"] for c in quote} >= {"schema:text", "schema:creator"}
    before = snapshot(copy)
    result = sdgkg("accept", *(c["id"] for c in quote), "--dry-run")
    assert "kgx:centre-launch.en-quote-1 is kg:quote-almaty-is-the-right-home-for" in result.stdout
    assert "has no label in kk, en, ru" in result.stdout  # a quotation's summary is the curator's
    assert result.exit_code == 1 and snapshot(copy) == before
    # An entity with neither label nor words is named by the kind the extractor gave it.
    event = [c for c in review["groups"]["new-entity"] if "-event-" in c["entity"]]
    result = sdgkg("accept", *(c["id"] for c in event), "--dry-run")
    assert "kgx:centre-launch.en-event-agreement-signed-1 is kg:host-event-agreement-signed-1" in (
        result.stdout
    )
    assert result.exit_code == 1 and snapshot(copy) == before
