"""Build the wheel, install it into a fresh venv, and run it far from the checkout."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

DATA_GLOBS = {
    "ontology": ["**/*.ttl", "context.jsonld"],
    "kg": ["**/*.ttl", "*.toml"],
    "shapes": ["**/*.ttl"],
    "queries": ["**/*.rq"],
    "seeds": ["*.txt"],
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: build offline with the hatchling already installed.
    cmd = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)]
    subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
    (built,) = out.glob("sdgkg-0.1.0-*.whl")
    return built


def checkout_data_files() -> list[str]:
    found = {
        path.relative_to(REPO).as_posix()
        for folder, patterns in DATA_GLOBS.items()
        for pattern in patterns
        for path in (REPO / folder).glob(pattern)
        if path.is_file()
    }
    return sorted(found)


def test_wheel_ships_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = checkout_data_files()
    assert "ontology/context.jsonld" in expected
    missing = [name for name in expected if f"sdgkg/_data/{name}" not in names]
    assert missing == []
    assert {"sdgkg/py.typed", "sdgkg/__main__.py", "sdgkg/cli.py"} <= names
    assert "sdgkg/server/static/style.css" in names  # the pages' only stylesheet


def test_installed_wheel_runs_from_an_unrelated_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Reuse this interpreter's dependencies offline; plain path lines, so the checkout's
    # editable-install .pth files there are not processed and cannot shadow the wheel.
    Path(purelib, "_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    pip = [str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(pip, check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("SDGKG_ROOT", "PYTHONPATH")}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def run(*args: str) -> str:
        done = subprocess.run(
            [str(venv / "bin" / "sdgkg"), *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    names = [line.split()[0] for line in run("queries").splitlines()]
    assert names == sorted(
        p.relative_to(REPO / "queries").with_suffix("").as_posix()
        for p in (REPO / "queries").rglob("*.rq")
    )
    where = subprocess.run(
        [str(python), "-c", "import sdgkg.store.paths as p; print(p.resolve_root())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where) == Path(purelib) / "sdgkg" / "_data"
