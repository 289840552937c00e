"""`sdgkg fmt`: the curated kg/ files in their canonical Turtle form."""

from __future__ import annotations

from pathlib import Path

from sdgkg.curation.add import changed_only, editable_root, read_curated, render_checked
from sdgkg.store.paths import display_path
from sdgkg.store.writes import locked, write_files


def format_files(root: Path, check: bool = False) -> list[str]:
    """Rewrite every curated kg/ file (not the generated kg/extracted/) in canonical form
    (or, with `check`, only list those that are not); return the files changed (or to be)."""
    data_root = editable_root(root)
    with locked(data_root):
        contents = {
            path: render_checked(facts, path) for path, facts in read_curated(data_root).items()
        }
        changed = changed_only(contents)
        if changed and not check:
            write_files(data_root, changed)
    return sorted(display_path(path, data_root) for path in changed)
