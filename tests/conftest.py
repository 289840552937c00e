"""Tiny fixtures: a CLI runner, a temporary data root built from tests/fixtures/root."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from sdgkg.cli import app
from tests.tools import pytest_terminal_summary  # noqa: F401  (the skipped-tests section)

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway copy of the fixture data (about 20 triples, 2 shapes, a few queries)."""
    target = tmp_path / "root"
    shutil.copytree(FIXTURES / "root", target)
    monkeypatch.delenv("SDGKG_ROOT", raising=False)
    return target


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway copy of the project's own data (kg, ontology, shapes, queries, seeds), the
    data root of the commands run (SDGKG_ROOT)."""
    target = tmp_path / "copy"
    for name in ("kg", "ontology", "shapes", "queries", "seeds"):
        shutil.copytree(REPO / name, target / name)
    monkeypatch.setenv("SDGKG_ROOT", str(target))
    return target


@pytest.fixture
def new_facts() -> Path:
    """Folder of candidate files for `validate` and `load_extra`."""
    return FIXTURES / "new"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def sdgkg(runner: CliRunner, root: Path) -> Callable[..., Result]:
    """Run the CLI in-process on the fixture root: sdgkg("query", "labels")."""

    def run(*args: str) -> Result:
        return runner.invoke(app, ["--root", str(root), *args])

    return run


def real_data_exists() -> bool:
    return (REPO / "kg").is_dir() and any((REPO / "kg").rglob("*.ttl"))


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Indexes and cached reports go to a temporary folder, never the user's cache."""
    import os

    os.environ["SDGKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("sdgkg-cache"))
