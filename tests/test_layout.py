"""The package's layout holds: no import circle, each layer imports only what it may, no hidden
function-local import, and the README's package map names the packages that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "sdgkg"

# Modules that use pyoxigraph, rdflib or pySHACL outside store/ and validation/, and why.
ENGINE_USERS = {
    "sdgkg.api": "the library's edge returns the loaded Store, as `load_graph` always has",
    "sdgkg.rdfio": "converts pyoxigraph's terms and triples to the project's and writes them",
    "sdgkg.export": "reads the loaded Store's quads to write them in each syntax",
    "sdgkg.query.results": "CONSTRUCT results are serialised through pyoxigraph's writers",
    "sdgkg.curation": "an add parses files and compares triples before it writes them",
    "sdgkg.extract": "candidates are built as triples and written by the Turtle writer",
    "sdgkg.server": "the server forks workers that share the loaded Store",
}
ENGINES = ("pyoxigraph", "rdflib", "pyshacl")
# Function-local imports allowed without a comment on their line, by module, and why.
LOCAL_IMPORTS = {
    "sdgkg.cli": "each command imports what it uses, so `sdgkg --help` loads no RDF code",
    "sdgkg.cli_support": "completion loads the named queries only when a shell asks for them",
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[tuple[ast.stmt, str]]:
    """Every import in the file, module-level or not, with the module it names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node, node.module))
            found += [(node, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _dependencies(name: str) -> set[str]:
    return {target for _, target in _imports(MODULES[name]) if target in MODULES} - {name}


def _package_of(name: str) -> str:
    return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]


def test_the_package_has_no_import_circle() -> None:
    graph = {name: _dependencies(name) for name in MODULES}
    # A package's own __init__ importing its modules is how Python loads it, not a circle.
    for name, targets in graph.items():
        graph[name] = {t for t in targets if not name.startswith(t + ".")}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycle = path[path.index(target) :] + [target]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_only_the_cli_imports_typer() -> None:
    users = sorted(
        name
        for name, path in MODULES.items()
        if any(t.split(".")[0] == "typer" for _, t in _imports(path))
    )
    assert users == ["sdgkg.cli", "sdgkg.cli_support"]


def test_rdf_engines_are_imported_by_store_and_validation_or_with_a_reason() -> None:
    def allowed(name: str) -> bool:
        owners = ("sdgkg.store", "sdgkg.validation", *ENGINE_USERS)
        return any(name == owner or name.startswith(owner + ".") for owner in owners)

    strays = sorted(
        name
        for name, path in MODULES.items()
        if not allowed(name) and any(t.split(".")[0] in ENGINES for _, t in _imports(path))
    )
    assert strays == []


def test_function_local_imports_say_why() -> None:
    unexplained = []
    for name, path in MODULES.items():
        if name in LOCAL_IMPORTS:
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Import | ast.ImportFrom)
                    and "#" not in lines[node.lineno - 1]
                ):
                    unexplained.append(f"{name}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert unexplained == []


def test_the_data_root_is_resolved_only_at_the_edges() -> None:
    callers = sorted(
        name
        for name, path in MODULES.items()
        if re.search(r"\bresolve_root\(", path.read_text(encoding="utf-8"))
    )
    # The definition, the library's edge and the command line's edge.
    assert callers == ["sdgkg.api", "sdgkg.cli", "sdgkg.store.paths"]


def test_each_package_says_what_it_owns_and_may_import() -> None:
    for name, path in MODULES.items():
        if path.name != "__init__.py" or name == "sdgkg":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert "import" in doc, f"{name}: the docstring says what it may import"


def test_packages_import_only_layers_below_them() -> None:
    # Lowest first; a package may import its own layer and those before it.
    layers = [
        {
            "sdgkg.errors",
            "sdgkg.namespaces",
            "sdgkg.formats",
            "sdgkg.parallel",
            "sdgkg.progress",
            "sdgkg.gcpauses",
            "sdgkg.morphology",
        },
        {"sdgkg.rdfio", "sdgkg.safety"},
        {"sdgkg.store"},
        {"sdgkg.query", "sdgkg.validation"},
        {"sdgkg.export"},
        # Extraction writes candidates; curation (add, review, accept) builds on them.
        {"sdgkg.extract"},
        {"sdgkg.curation"},
        {"sdgkg.server", "sdgkg.api"},
        {"sdgkg.cli", "sdgkg.cli_support", "sdgkg.__main__", "sdgkg"},
    ]

    def layer(name: str) -> int:
        for index, members in enumerate(layers):
            if any(name == m or name.startswith(m + ".") for m in members if m != "sdgkg"):
                return index
        return len(layers) - 1

    upward = sorted(
        f"{name} -> {target}"
        for name in MODULES
        for target in _dependencies(name)
        if layer(target) > layer(name) and _package_of(target) != _package_of(name)
    )
    assert upward == []


def test_the_readme_package_map_matches_the_tree() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(src/sdgkg/[\w/]+\.py|src/sdgkg/[\w/]+/)`", section))
    assert named, "the section names the packages"
    for entry in named:
        assert (REPO / entry).exists(), f"README names {entry}, which does not exist"
    packages = {p.parent for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE}
    for package in packages:
        entry = f"{package.relative_to(REPO).as_posix()}/"
        assert entry in named, f"the README's package map leaves out {entry}"
