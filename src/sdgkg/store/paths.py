"""Where the data lives: one function decides, the helpers list the files inside."""

from __future__ import annotations

import os
from pathlib import Path

from sdgkg.errors import InputError

ENV_VAR = "SDGKG_ROOT"
DATA_DIRS = ("ontology", "kg", "shapes", "queries", "seeds")
_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/sdgkg, or sdgkg in site-packages


def resolve_root(root: str | os.PathLike[str] | None = None) -> Path:
    """Return the data root: `root` > $SDGKG_ROOT > the source checkout > the packaged copy."""
    if root is not None:
        return _checked(Path(root), "--root")
    if os.environ.get(ENV_VAR):
        return _checked(Path(os.environ[ENV_VAR]), ENV_VAR)
    checkout = _checkout_root()
    if checkout is not None:
        return checkout
    packaged = _PACKAGE_DIR / "_data"
    if _is_data_root(packaged):
        return packaged
    raise InputError(
        "no sdgkg data found", hint=f"pass --root DIR or set {ENV_VAR} to a folder with kg/"
    )


def is_installed_copy(root: Path) -> bool:
    """Whether `root` is the data copy installed with the package (which is not edited)."""
    return root.resolve() == (_PACKAGE_DIR / "_data").resolve()


def _checkout_root() -> Path | None:
    # Running from src/sdgkg in a checkout: the checkout's own files win over any copy,
    # because an editable install never refreshes the packaged copy.
    candidate = _PACKAGE_DIR.parent.parent
    if (candidate / "pyproject.toml").is_file() and (candidate / "kg").is_dir():
        return candidate
    return None


def _is_data_root(path: Path) -> bool:
    return (path / "kg").is_dir() or (path / "ontology").is_dir()


def _checked(path: Path, source: str) -> Path:
    if not path.is_dir():
        raise InputError(f"data root {path} (from {source}) is not a directory")
    if not _is_data_root(path):
        raise InputError(
            f"data root {path} (from {source}) has no kg/ or ontology/ folder",
            hint="point it at the top folder of the sdgkg data",
        )
    return path.resolve()


def graph_files(root: Path) -> list[Path]:
    """Every Turtle file of the queried graph: ontology/ and kg/, recursively, sorted by path.

    The one definition of "the graph's files" for every command: names starting with a dot
    (files or folders: editor backups, a writer's temporaries, .git) are never part of it,
    and a kg/ file that is a link to a file outside the data root is refused."""
    files = [p for sub in ("ontology", "kg") for p in turtle_files(root / sub)]
    for path in files:
        _inside(root, path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def turtle_files(folder: Path) -> list[Path]:
    """The *.ttl files under `folder`, recursively, leaving out dot-files and dot-folders."""
    if not folder.is_dir():
        return []
    return [
        path
        for path in folder.rglob("*.ttl")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]


def _inside(root: Path, path: Path) -> None:
    kg = root / "kg"
    if path.is_relative_to(kg) and not path.resolve().is_relative_to(kg.resolve()):
        shown = path.relative_to(root).as_posix()
        raise InputError(
            f"{shown} is a link to {path.resolve()}, outside the data root's kg/: refused",
            hint="copy the file into kg/ instead of linking to it",
        )


GENERATED_DIR = Path("kg") / "extracted"  # written by `sdgkg extract`, never by hand


def curated_files(root: Path) -> list[Path]:
    """The hand-curated graph files: kg/ without the generated kg/extracted/."""
    kg, generated = root / "kg", root / GENERATED_DIR
    return [
        p for p in graph_files(root) if p.is_relative_to(kg) and not p.is_relative_to(generated)
    ]


def shape_files(root: Path) -> list[Path]:
    """The SHACL shapes files, sorted by path."""
    return sorted(turtle_files(root / "shapes"))


def query_dir(root: Path) -> Path:
    """The folder of named queries."""
    return root / "queries"


def display_path(path: Path, root: Path | None) -> str:
    """A path as users should see it in messages: relative to the root when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() if root else str(path)
    except ValueError:
        return str(path)
