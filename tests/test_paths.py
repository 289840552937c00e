from __future__ import annotations

from pathlib import Path

import pytest

from sdgkg.errors import InputError
from sdgkg.store import paths


def make_root(path: Path) -> Path:
    (path / "kg").mkdir(parents=True)
    return path


@pytest.fixture
def layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A fake checkout (pyproject.toml + kg/ two levels above the package) and packaged copy."""
    checkout = make_root(tmp_path / "checkout")
    (checkout / "pyproject.toml").write_text("[project]\n")
    package = checkout / "src" / "sdgkg"
    make_root(package / "_data")
    monkeypatch.setattr(paths, "_PACKAGE_DIR", package)
    monkeypatch.delenv(paths.ENV_VAR, raising=False)
    return {
        "arg": make_root(tmp_path / "arg"),
        "env": make_root(tmp_path / "env"),
        "checkout": checkout,
        "package": package / "_data",
    }


def test_explicit_root_wins_over_everything(layout, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(layout["env"]))
    assert paths.resolve_root(layout["arg"]) == layout["arg"].resolve()


def test_env_var_wins_over_checkout(layout, monkeypatch):
    monkeypatch.setenv(paths.ENV_VAR, str(layout["env"]))
    assert paths.resolve_root() == layout["env"].resolve()


def test_checkout_wins_over_packaged_copy(layout):
    assert paths.resolve_root() == layout["checkout"]


def test_packaged_copy_is_the_last_resort(layout):
    (layout["checkout"] / "pyproject.toml").unlink()
    assert paths.resolve_root() == layout["package"]


def test_nothing_found_is_a_clear_error(layout, monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "_PACKAGE_DIR", tmp_path / "nowhere" / "sdgkg")
    with pytest.raises(InputError, match="no sdgkg data found") as info:
        paths.resolve_root()
    assert "--root" in (info.value.hint or "")


def test_invalid_explicit_root_does_not_fall_back(layout, tmp_path):
    with pytest.raises(InputError, match="is not a directory"):
        paths.resolve_root(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="has no kg/ or ontology/ folder"):
        paths.resolve_root(tmp_path / "empty")


def test_graph_files_are_ontology_and_kg_sorted_recursively(root):
    names = [p.relative_to(root).as_posix() for p in paths.graph_files(root)]
    assert names == ["kg/centre.ttl", "kg/evidence/facts.ttl", "ontology/mini.ttl"]
    assert [p.name for p in paths.shape_files(root)] == ["shapes.ttl"]
    assert paths.query_dir(root) == root / "queries"
